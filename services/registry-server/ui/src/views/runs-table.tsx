import type { Run, RunStatus } from '@payments-mlops/contracts';
import { useMemo } from 'preact/hooks';
import { VirtualRows } from '../components/virtual-rows';
import { formatDuration, formatNumber, formatTime, runDuration } from '../format';
import { Link, pathOf } from '../router';
import { metricsOf, paramsOf, quotedKey, runLabel } from '../run-fields';

export interface RunColumns {
  metrics: string[];
  params: string[];
}

/** An order_by clause as the table shows it: which column, and which way. */
export interface RunOrder {
  key: string;
  ascending: boolean;
}

export function parseOrder(text: string): RunOrder | undefined {
  const match = /^(.*?)\s+(ASC|DESC)$/i.exec(text.trim());
  if (!match) return text.trim() ? { key: text.trim(), ascending: true } : undefined;
  return { key: match[1]!, ascending: match[2]!.toUpperCase() === 'ASC' };
}

export const START_TIME = 'attributes.start_time';
export const ROW_HEIGHT = 34;

/** Next order for a click on a column: descending first, then ascending, then the default again. */
function nextOrder(current: RunOrder | undefined, key: string): string {
  if (current?.key !== key) return `${key} DESC`;
  return current.ascending ? '' : `${key} ASC`;
}

export function StatusBadge({ status }: { status: RunStatus }) {
  return <span class={`badge status-${status.toLowerCase()}`}>{status.toLowerCase()}</span>;
}

interface RunsTableProps {
  runs: Run[];
  columns: RunColumns;
  order: RunOrder | undefined;
  onOrder: (orderBy: string) => void;
  selected: ReadonlySet<string>;
  onToggle: (runId: string) => void;
  onNearEnd: () => void;
}

/**
 * The runs of an experiment, one line each, with the chosen metric and param columns. Only the
 * rows in view are in the DOM; more pages load as the last rows scroll into view.
 */
export function RunsTable({
  runs,
  columns,
  order,
  onOrder,
  selected,
  onToggle,
  onNearEnd,
}: RunsTableProps) {
  // Default server order is start_time DESC: show it on the Created column when no order is set.
  const shownOrder = order ?? { key: START_TIME, ascending: false };
  const template = `2.75rem minmax(12rem, 2fr) 12.5rem 7.5rem 6.5rem 7rem ${columns.metrics.map(() => '8.5rem').join(' ')} ${columns.params.map(() => '8.5rem').join(' ')}`;

  const header = useMemo(() => {
    const sortable = (label: string, key: string, title = label, numeric = false) => {
      const sorted = shownOrder.key === key;
      return (
        <div
          key={key}
          role="columnheader"
          aria-sort={sorted ? (shownOrder.ascending ? 'ascending' : 'descending') : 'none'}
          class={numeric ? 'sortable number' : 'sortable'}
          title={title}
        >
          <button type="button" onClick={() => onOrder(nextOrder(order, key))}>
            <span class="truncate">{label}</span>
            <span aria-hidden="true" class="sort-mark">
              {sorted ? (shownOrder.ascending ? '▲' : '▼') : ''}
            </span>
          </button>
        </div>
      );
    };
    return (
      <div role="row" class="vrow vhead" aria-rowindex={1}>
        <div role="columnheader">
          <span class="visually-hidden">Selected</span>
        </div>
        {sortable('Run name', 'attributes.run_name')}
        {sortable('Created', START_TIME)}
        <div role="columnheader">Duration</div>
        {sortable('Status', 'attributes.status')}
        {sortable('User', 'attributes.user_id')}
        {columns.metrics.map((key) =>
          sortable(key, quotedKey('metrics', key), `metric ${key}`, true),
        )}
        {columns.params.map((key) => sortable(key, quotedKey('params', key), `param ${key}`))}
      </div>
    );
  }, [columns, order?.key, order?.ascending]);

  const now = Date.now();
  return (
    <VirtualRows
      label="Runs"
      count={runs.length}
      rowHeight={ROW_HEIGHT}
      columns={template}
      header={header}
      onNearEnd={onNearEnd}
      renderRow={(index, style) => {
        const run = runs[index]!;
        const { info } = run;
        const metrics = metricsOf(run);
        const params = paramsOf(run);
        const label = runLabel(info);
        return (
          <div
            role="row"
            class={`vrow ${selected.has(info.run_id) ? 'selected' : ''}`}
            aria-rowindex={index + 2}
            style={style}
            key={info.run_id}
            data-testid="run-row"
            data-run-id={info.run_id}
          >
            <div role="cell" class="select-cell">
              <input
                type="checkbox"
                aria-label={`Select ${label}`}
                checked={selected.has(info.run_id)}
                onChange={() => onToggle(info.run_id)}
              />
            </div>
            <div role="cell" class="truncate">
              <Link href={pathOf('runs', info.run_id)}>{label}</Link>
              {info.lifecycle_stage === 'deleted' ? (
                <span class="badge badge-deleted">deleted</span>
              ) : null}
            </div>
            <div role="cell">{formatTime(info.start_time)}</div>
            <div role="cell">
              {formatDuration(runDuration(info.start_time, info.end_time, now))}
            </div>
            <div role="cell">
              <StatusBadge status={info.status} />
            </div>
            <div role="cell" class="truncate">
              {info.user_id}
            </div>
            {columns.metrics.map((key) => {
              const metric = metrics.get(key);
              return (
                <div
                  role="cell"
                  class="number"
                  key={`m:${key}`}
                  title={metric ? `${key} = ${metric.value} (step ${metric.step})` : undefined}
                >
                  {metric ? formatNumber(metric.value) : ''}
                </div>
              );
            })}
            {columns.params.map((key) => (
              <div role="cell" class="mono truncate" key={`p:${key}`} title={params.get(key)}>
                {params.get(key) ?? ''}
              </div>
            ))}
          </div>
        );
      }}
    />
  );
}
