import type { Run } from '@payments-mlops/contracts';
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { call } from '../api/registry-api';
import { seriesColor } from '../components/line-chart';
import { MetricSelect } from '../components/metric-select';
import { MetricChart } from '../components/metric-chart';
import { PageHeader, Section } from '../components/page';
import { ParallelCoordinates, type ParallelAxis } from '../components/parallel-coordinates';
import { Empty, ErrorState, Loading } from '../components/states';
import { formatDuration, formatNumber, formatTime, runDuration } from '../format';
import { Link, pathOf, useLocation } from '../router';
import { TAGS, asAxisValue, metricsOf, paramsOf, runLabel, tagsOf } from '../run-fields';
import { useAsync } from '../use-async';

interface Row {
  name: string;
  values: (string | undefined)[];
  render?: (value: string | undefined, index: number) => ComponentChildren;
}

/** Whether a row's values differ between runs (a value missing from some runs counts). */
export function differs(values: readonly (string | undefined)[]): boolean {
  return new Set(values).size > 1;
}

function CompareTable({
  title,
  runs,
  rows,
  onlyDifferences,
}: {
  title: string;
  runs: Run[];
  rows: Row[];
  onlyDifferences: boolean;
}) {
  const shown = onlyDifferences ? rows.filter((row) => differs(row.values)) : rows;
  return (
    <Section title={title} id={title.toLowerCase()}>
      {rows.length === 0 ? <Empty title={`No ${title.toLowerCase()}`} /> : null}
      {rows.length > 0 && shown.length === 0 ? (
        <Empty title={`Every ${title.toLowerCase().replace(/s$/, '')} is the same in these runs`} />
      ) : null}
      {shown.length > 0 ? (
        <div class="table-scroll">
          <table
            class="table compare"
            aria-label={title}
            data-testid={`compare-${title.toLowerCase()}`}
          >
            <thead>
              <tr>
                <th scope="col">Name</th>
                {runs.map((run, index) => (
                  <th scope="col" key={run.info.run_id}>
                    <span class="swatch" style={{ background: seriesColor(index) }} />{' '}
                    {runLabel(run.info)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {shown.map((row) => {
                const different = differs(row.values);
                return (
                  <tr key={row.name} class={different ? 'differs' : ''} data-differs={different}>
                    <th scope="row" class="mono">
                      {row.name}
                      {different ? <span class="visually-hidden"> (differs)</span> : null}
                    </th>
                    {row.values.map((value, index) => (
                      <td key={index} class="mono">
                        {row.render ? row.render(value, index) : (value ?? '—')}
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </Section>
  );
}

function keysOf(runs: Run[], pick: (run: Run) => Map<string, unknown>): string[] {
  return [...new Set(runs.flatMap((run) => [...pick(run).keys()]))].sort();
}

/** Selected runs side by side: attributes, params and metrics with differences marked, a parallel-coordinates plot, and overlaid metric charts. */
export function ComparePage() {
  const { query } = useLocation();
  const runIds = (query.get('runs') ?? '').split(',').filter(Boolean).slice(0, 100);
  const [onlyDifferences, setOnlyDifferences] = useState(false);
  const runs = useAsync(
    (signal) =>
      Promise.all(
        runIds.map((runId) =>
          call('getRun', { run_id: runId }, signal).then((response) => response.run),
        ),
      ),
    [runIds.join(',')],
  );

  if (runIds.length < 2)
    return (
      <Empty title="Choose at least two runs to compare">
        Select runs in an experiment's runs table, then choose “Compare”.
      </Empty>
    );
  if (runs.status === 'loading') return <Loading what={`${runIds.length} runs`} />;
  if (runs.status === 'error')
    return <ErrorState error={runs.error} retry={runs.reload} title="Could not load the runs" />;

  const list = runs.data;
  const params = list.map(paramsOf);
  const metrics = list.map(metricsOf);
  const tags = list.map(tagsOf);
  const paramKeys = keysOf(list, paramsOf);
  const metricKeys = keysOf(list, metricsOf);
  const metric = query.get('metric') ?? metricKeys[0];
  const attributeRows: Row[] = [
    {
      name: 'Run',
      values: list.map((run) => run.info.run_id),
      render: (value, index) => (
        <Link href={pathOf('runs', value ?? '')}>{runLabel(list[index]!.info)}</Link>
      ),
    },
    { name: 'Status', values: list.map((run) => run.info.status) },
    { name: 'Started', values: list.map((run) => formatTime(run.info.start_time)) },
    {
      name: 'Duration',
      values: list.map((run) =>
        formatDuration(runDuration(run.info.start_time, run.info.end_time)),
      ),
    },
    { name: 'User', values: list.map((run) => run.info.user_id) },
    { name: 'Commit', values: tags.map((map) => map.get(TAGS.codeCommit)) },
    { name: 'Dataset digest', values: tags.map((map) => map.get(TAGS.datasetDigest)) },
  ];
  const axes: ParallelAxis[] = [
    ...paramKeys.map((key) => ({
      name: key,
      values: params.map((map) => asAxisValue(map.get(key))),
    })),
    ...metricKeys.map((key) => ({
      name: key,
      values: metrics.map((map) => {
        const value = map.get(key)?.value;
        return typeof value === 'number' ? value : undefined;
      }),
    })),
  ].filter((axis) => axis.values.some((value) => value !== undefined));

  return (
    <>
      <PageHeader
        title={`Comparing ${list.length} runs`}
        kicker={
          <Link href={pathOf('experiments', list[0]!.info.experiment_id)}>
            Back to the experiment
          </Link>
        }
      >
        <label class="check">
          <input
            type="checkbox"
            checked={onlyDifferences}
            onChange={(event) => setOnlyDifferences(event.currentTarget.checked)}
          />{' '}
          Only differences
        </label>
      </PageHeader>
      <CompareTable
        title="Attributes"
        runs={list}
        rows={attributeRows}
        onlyDifferences={onlyDifferences}
      />
      <CompareTable
        title="Parameters"
        runs={list}
        rows={paramKeys.map((key) => ({ name: key, values: params.map((map) => map.get(key)) }))}
        onlyDifferences={onlyDifferences}
      />
      <CompareTable
        title="Metrics"
        runs={list}
        rows={metricKeys.map((key) => ({
          name: key,
          values: metrics.map((map) => {
            const value = map.get(key)?.value;
            return value === undefined ? undefined : String(value);
          }),
          render: (value) =>
            value === undefined
              ? '—'
              : formatNumber(Number.isNaN(Number(value)) ? value : Number(value)),
        }))}
        onlyDifferences={onlyDifferences}
      />
      <Section title="Parallel coordinates" id="parallel">
        {axes.length >= 2 ? (
          <ParallelCoordinates
            axes={axes}
            runs={list.map((run) => ({ label: runLabel(run.info) }))}
          />
        ) : (
          <Empty title="Too few params and metrics to plot" />
        )}
      </Section>
      <Section
        title="Metric history"
        id="history"
        actions={metricKeys.length > 0 ? <MetricSelect keys={metricKeys} value={metric} /> : null}
      >
        {metric ? (
          <MetricChart
            runs={list.map((run) => ({
              runId: run.info.run_id,
              label: runLabel(run.info),
              startTime: run.info.start_time,
            }))}
            metricKey={metric}
          />
        ) : (
          <Empty title="These runs logged no metrics" />
        )}
      </Section>
    </>
  );
}
