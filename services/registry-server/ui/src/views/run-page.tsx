import type { Run } from '@payments-mlops/contracts';
import { call } from '../api/registry-api';
import { KeyValueTable, keyValueRows } from '../components/key-value-table';
import { MetricChart } from '../components/metric-chart';
import { PageHeader, Section } from '../components/page';
import { Empty, ErrorState, Loading } from '../components/states';
import { formatDuration, formatNumber, formatTime, runDuration } from '../format';
import { Link, pathOf, replaceQuery, useLocation } from '../router';
import { NOTE_TAG, TAGS, isSystemTag, quotedValue, runLabel, tagsOf } from '../run-fields';
import { useAsync } from '../use-async';
import { ArtifactsPanel } from './artifacts-panel';
import { StatusBadge } from './runs-table';

export type RunTab = 'overview' | 'metrics' | 'artifacts';

/** A run: its overview, its metric charts, and its artifacts, each under its own address. */
export function RunPage({ runId, tab }: { runId: string; tab: RunTab }) {
  const run = useAsync((signal) => call('getRun', { run_id: runId }, signal), [runId]);
  const experimentId = run.data?.run.info.experiment_id;
  const experiment = useAsync(
    async (signal) =>
      experimentId === undefined
        ? undefined
        : call('getExperiment', { experiment_id: experimentId }, signal),
    [experimentId],
  );

  if (run.status === 'loading') return <Loading what="the run" />;
  if (run.status === 'error')
    return <ErrorState error={run.error} retry={run.reload} title="Could not load this run" />;
  const { info } = run.data.run;
  const experimentName = experiment.data?.experiment.name ?? `Experiment ${info.experiment_id}`;

  return (
    <>
      <PageHeader
        title={runLabel(info)}
        kicker={
          <>
            <Link href="/experiments">Experiments</Link> /{' '}
            <Link href={pathOf('experiments', info.experiment_id)}>{experimentName}</Link>
          </>
        }
      >
        <StatusBadge status={info.status} />
        {info.lifecycle_stage === 'deleted' ? (
          <span class="badge badge-deleted">deleted</span>
        ) : null}
      </PageHeader>
      <nav class="tabs" aria-label="Run views">
        {(['overview', 'metrics', 'artifacts'] as const).map((name) => (
          <Link
            key={name}
            href={name === 'overview' ? pathOf('runs', runId) : pathOf('runs', runId, name)}
            aria-current={tab === name ? 'page' : undefined}
          >
            {name === 'overview' ? 'Overview' : name === 'metrics' ? 'Metric charts' : 'Artifacts'}
          </Link>
        ))}
      </nav>
      {tab === 'overview' ? <RunOverview run={run.data.run} /> : null}
      {tab === 'metrics' ? <RunMetrics run={run.data.run} /> : null}
      {tab === 'artifacts' ? <ArtifactsPanel run={run.data.run} /> : null}
    </>
  );
}

function RunOverview({ run }: { run: Run }) {
  const { info } = run;
  const tags = tagsOf(run);
  const versions = useAsync(
    (signal) =>
      call(
        'searchModelVersions',
        { filter: `run_id = ${quotedValue(info.run_id)}`, max_results: 100 },
        signal,
      ),
    [info.run_id],
  );
  const note = tags.get(NOTE_TAG);
  const commit = tags.get(TAGS.codeCommit);
  const userTags = (run.data.tags ?? []).filter((tag) => !isSystemTag(tag.key));
  const systemTags = (run.data.tags ?? []).filter(
    (tag) => isSystemTag(tag.key) && tag.key !== NOTE_TAG,
  );

  return (
    <>
      {note ? <p class="note">{note}</p> : null}
      <Section title="Overview" id="overview">
        <dl class="facts" data-testid="run-overview">
          <dt>Run ID</dt>
          <dd class="mono">{info.run_id}</dd>
          <dt>Status</dt>
          <dd>
            <StatusBadge status={info.status} />
          </dd>
          <dt>Started</dt>
          <dd>{formatTime(info.start_time)}</dd>
          <dt>Ended</dt>
          <dd>
            {info.end_time === undefined
              ? info.status === 'RUNNING'
                ? 'still running'
                : '—'
              : formatTime(info.end_time)}
          </dd>
          <dt>Duration</dt>
          <dd>{formatDuration(runDuration(info.start_time, info.end_time))}</dd>
          <dt>User</dt>
          <dd>{info.user_id || '—'}</dd>
          <dt>Source</dt>
          <dd class="mono">{tags.get(TAGS.sourceName) ?? '—'}</dd>
          <dt>Commit</dt>
          <dd class="mono" data-testid="run-commit">
            {commit ?? '—'}
            {tags.get(TAGS.codeBranch) ? (
              <span class="muted"> on {tags.get(TAGS.codeBranch)}</span>
            ) : null}
          </dd>
          <dt>Artifacts</dt>
          <dd class="mono">{info.artifact_uri ?? '—'}</dd>
        </dl>
      </Section>
      <div class="columns">
        <Section title="Parameters" id="params">
          <KeyValueTable
            label="Parameters"
            empty="No parameters logged"
            rows={keyValueRows(run.data.params)}
          />
        </Section>
        <Section title="Metrics" id="metrics">
          <KeyValueTable
            label="Metrics"
            empty="No metrics logged"
            extraHeader="Step"
            rows={(run.data.metrics ?? []).map((metric) => ({
              key: metric.key,
              value: (
                <Link
                  href={`${pathOf('runs', info.run_id, 'metrics')}?metric=${encodeURIComponent(metric.key)}`}
                  title={`Chart ${metric.key}`}
                >
                  {formatNumber(metric.value)}
                </Link>
              ),
              extra: metric.step,
            }))}
          />
        </Section>
      </div>
      <Section title="Registered model versions" id="versions">
        {versions.status === 'loading' ? <Loading what="model versions" /> : null}
        {versions.status === 'error' ? (
          <ErrorState error={versions.error} retry={versions.reload} />
        ) : null}
        {versions.status === 'ok' && (versions.data.model_versions ?? []).length === 0 ? (
          <Empty title="No model version was registered from this run" />
        ) : null}
        {versions.status === 'ok' && (versions.data.model_versions ?? []).length > 0 ? (
          <ul class="plain-list" data-testid="run-versions">
            {(versions.data.model_versions ?? []).map((version) => (
              <li key={`${version.name}/${version.version}`}>
                <Link href={pathOf('models', version.name, 'versions', version.version)}>
                  {version.name} version {version.version}
                </Link>
                {(version.aliases ?? []).map((alias) => (
                  <span key={alias} class="chip alias">
                    @{alias}
                  </span>
                ))}
                {version.current_stage && version.current_stage !== 'None' ? (
                  <span class="badge">{version.current_stage}</span>
                ) : null}
              </li>
            ))}
          </ul>
        ) : null}
      </Section>
      <Section title="Dataset inputs" id="inputs">
        <DatasetInputs run={run} />
      </Section>
      <Section title="Tags" id="tags">
        <KeyValueTable label="Tags" empty="No tags of your own" rows={keyValueRows(userTags)} />
        {systemTags.length > 0 ? (
          <details class="help">
            <summary>{systemTags.length} system tags (mlflow.*)</summary>
            <KeyValueTable label="System tags" empty="" rows={keyValueRows(systemTags)} />
          </details>
        ) : null}
      </Section>
    </>
  );
}

export function DatasetInputs({ run }: { run: Pick<Run, 'inputs'> }) {
  const inputs = run.inputs.dataset_inputs ?? [];
  if (inputs.length === 0) return <Empty title="No dataset inputs logged" />;
  return (
    <table class="table" aria-label="Dataset inputs">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Context</th>
          <th scope="col">Digest</th>
          <th scope="col">Source</th>
        </tr>
      </thead>
      <tbody>
        {inputs.map(({ dataset, tags }) => (
          <tr key={`${dataset.name}/${dataset.digest}`}>
            <th scope="row">{dataset.name}</th>
            <td>{tags?.find((tag) => tag.key === 'mlflow.data.context')?.value ?? '—'}</td>
            <td class="mono">{dataset.digest}</td>
            <td class="mono wrap">
              <span class="muted">{dataset.source_type}</span> {dataset.source}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RunMetrics({ run }: { run: Run }) {
  const { query } = useLocation();
  const keys = (run.data.metrics ?? []).map((metric) => metric.key).sort();
  const selected = query.get('metric') ?? keys[0];
  if (keys.length === 0 || selected === undefined)
    return <Empty title="This run logged no metrics" />;
  return (
    <div class="split">
      <nav class="metric-list" aria-label="Metrics">
        <ul class="plain-list">
          {keys.map((key) => (
            <li key={key}>
              <button
                type="button"
                class="link-button mono"
                aria-current={key === selected ? 'true' : undefined}
                onClick={() => replaceQuery({ metric: key })}
              >
                {key}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <MetricChart
        runs={[
          { runId: run.info.run_id, label: runLabel(run.info), startTime: run.info.start_time },
        ]}
        metricKey={selected}
        height={380}
      />
    </div>
  );
}
