import type { Run } from '@payments-mlops/contracts';
import { useMemo, useState } from 'preact/hooks';
import type { RunColumns } from './runs-table';

const DEFAULT_METRICS = 6;
const DEFAULT_PARAMS = 4;

function storageKey(experimentId: string): string {
  return `registry-ui.columns.${experimentId}`;
}

function stored(experimentId: string): RunColumns | undefined {
  try {
    const text = window.localStorage.getItem(storageKey(experimentId));
    const value = text ? (JSON.parse(text) as Partial<RunColumns>) : undefined;
    return value && Array.isArray(value.metrics) && Array.isArray(value.params)
      ? { metrics: value.metrics, params: value.params }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Every metric and param key of the loaded runs, sorted. */
export function availableKeys(runs: readonly Run[]): RunColumns {
  const metrics = new Set<string>();
  const params = new Set<string>();
  for (const run of runs) {
    for (const metric of run.data.metrics ?? []) metrics.add(metric.key);
    for (const param of run.data.params ?? []) params.add(param.key);
  }
  return { metrics: [...metrics].sort(), params: [...params].sort() };
}

/**
 * The metric and param columns of an experiment's runs table: the user's choice, kept in this
 * browser per experiment, or else the first few keys of the loaded runs.
 */
export function useRunColumns(experimentId: string, runs: readonly Run[]) {
  const [chosen, setChosen] = useState<{ experimentId: string; columns: RunColumns | undefined }>(
    () => ({ experimentId, columns: stored(experimentId) }),
  );
  const current = chosen.experimentId === experimentId ? chosen.columns : stored(experimentId);
  // Keys of the first page decide the defaults; later pages rarely bring new ones, and recomputing
  // over 25,000 runs on every page would cost more than it shows.
  const sample = runs.length > 0 ? runs[0]!.info.run_id : '';
  const available = useMemo(
    () => availableKeys(runs.slice(0, 1000)),
    [experimentId, sample, Math.min(runs.length, 1000)],
  );
  const columns = current ?? {
    metrics: available.metrics.slice(0, DEFAULT_METRICS),
    params: available.params.slice(0, DEFAULT_PARAMS),
  };
  const choose = (next: RunColumns) => {
    setChosen({ experimentId, columns: next });
    try {
      window.localStorage.setItem(storageKey(experimentId), JSON.stringify(next));
    } catch {
      // Without storage the choice lasts until the page is left.
    }
  };
  return { columns, available, choose };
}

/** A drop-down of checkboxes choosing which metrics and params are columns. */
export function ColumnPicker({
  columns,
  available,
  onChange,
}: {
  columns: RunColumns;
  available: RunColumns;
  onChange: (columns: RunColumns) => void;
}) {
  const toggle = (kind: keyof RunColumns, key: string) => {
    const list = columns[kind];
    const next = list.includes(key) ? list.filter((item) => item !== key) : [...list, key];
    onChange({ ...columns, [kind]: next });
  };
  const group = (kind: keyof RunColumns, title: string) => (
    <fieldset>
      <legend>{title}</legend>
      {available[kind].length === 0 ? <p class="muted">None logged</p> : null}
      {available[kind].map((key) => (
        <label key={key} class="check">
          <input
            type="checkbox"
            checked={columns[kind].includes(key)}
            onChange={() => toggle(kind, key)}
          />{' '}
          <span class="mono">{key}</span>
        </label>
      ))}
    </fieldset>
  );
  return (
    <details class="picker" data-testid="column-picker">
      <summary>Columns ({columns.metrics.length + columns.params.length})</summary>
      <div class="picker-panel">
        {group('metrics', 'Metrics')}
        {group('params', 'Params')}
      </div>
    </details>
  );
}
