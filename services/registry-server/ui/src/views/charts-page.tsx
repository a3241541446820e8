import type { Run } from '@payments-mlops/contracts';
import { call } from '../api/registry-api';
import { seriesColor } from '../components/line-chart';
import { MetricSelect } from '../components/metric-select';
import { MetricChart, type ChartRun } from '../components/metric-chart';
import { PageHeader } from '../components/page';
import { Empty, ErrorState, Loading } from '../components/states';
import { Link, pathOf, useLocation } from '../router';
import { quotedValue, runLabel } from '../run-fields';
import { useAsync } from '../use-async';
import { availableKeys } from './column-picker';
import { ExperimentTabs } from './experiment-tabs';

const DEFAULT_RUNS = 10;

/** The runs named in ?runs= (in that order), or else the experiment's latest ten. */
async function chartedRuns(
  experimentId: string,
  runIds: string[],
  signal: AbortSignal,
): Promise<Run[]> {
  const response = await call(
    'searchRuns',
    {
      experiment_ids: [experimentId],
      max_results: runIds.length > 0 ? runIds.length : DEFAULT_RUNS,
      run_view_type: 'ALL',
      ...(runIds.length > 0
        ? { filter: `attributes.run_id IN (${runIds.map(quotedValue).join(', ')})` }
        : {}),
    },
    signal,
  );
  const runs = response.runs ?? [];
  if (runIds.length === 0) return runs;
  const byId = new Map(runs.map((run) => [run.info.run_id, run]));
  return runIds.flatMap((runId) => byId.get(runId) ?? []);
}

/** One metric of several runs of an experiment, overlaid; the metric is chosen from those the runs logged. */
export function ChartsPage({ experimentId }: { experimentId: string }) {
  const { query } = useLocation();
  const runIds = (query.get('runs') ?? '').split(',').filter(Boolean).slice(0, 100);
  const experiment = useAsync(
    (signal) => call('getExperiment', { experiment_id: experimentId }, signal),
    [experimentId],
  );
  const runs = useAsync(
    (signal) => chartedRuns(experimentId, runIds, signal),
    [experimentId, runIds.join(',')],
  );
  const keys = runs.data ? availableKeys(runs.data).metrics : [];
  const metric = query.get('metric') ?? keys[0];
  // With the runs and the metric in the address, the histories load alongside the runs rather
  // than after them; the chart is drawn once both are in, with the runs' names.
  const chartRuns: ChartRun[] | undefined = runs.data
    ? runs.data.map((run) => ({
        runId: run.info.run_id,
        label: runLabel(run.info),
        startTime: run.info.start_time,
      }))
    : runIds.length > 0 && query.get('metric') && runs.status === 'loading'
      ? runIds.map((runId) => ({ runId, label: runId.slice(0, 8) }))
      : undefined;
  const title = experiment.data?.experiment.name ?? `Experiment ${experimentId}`;

  return (
    <>
      <PageHeader
        title={`${title}: charts`}
        kicker={<Link href={pathOf('experiments', experimentId)}>{title}</Link>}
      />
      <ExperimentTabs
        experimentId={experimentId}
        current="charts"
        query={query.get('runs') ? `?runs=${query.get('runs')}` : ''}
      />
      {runs.status === 'loading' && !chartRuns ? <Loading what="runs" /> : null}
      {runs.status === 'error' ? (
        <ErrorState error={runs.error} retry={runs.reload} title="Could not load the runs" />
      ) : null}
      {runs.status === 'ok' && runs.data.length === 0 ? (
        <Empty title="No runs to chart">
          Select runs in the runs table and choose “Chart selected”.
        </Empty>
      ) : null}
      {runs.status === 'ok' && runs.data.length > 0 ? (
        <>
          <div class="toolbar">
            <MetricSelect keys={keys} value={metric} />
            <span class="muted">
              {runIds.length === 0 ? `The latest ${runs.data.length} runs. ` : ''}
              {runs.data.map((run, index) => (
                <span key={run.info.run_id} class="legend-item">
                  <span class="swatch" style={{ background: seriesColor(index) }} />
                  <Link href={pathOf('runs', run.info.run_id)}>{runLabel(run.info)}</Link>
                </span>
              ))}
            </span>
          </div>
        </>
      ) : null}
      {chartRuns && chartRuns.length > 0 && metric ? (
        <MetricChart
          runs={chartRuns}
          metricKey={metric}
          height={420}
          ready={runs.status !== 'loading'}
        />
      ) : null}
      {runs.status === 'ok' && runs.data.length > 0 && !metric ? (
        <Empty title="These runs logged no metrics" />
      ) : null}
    </>
  );
}
