import type { ModelVersionLineage, OperationResponse } from '@payments-mlops/contracts';
import type { ComponentChildren } from 'preact';
import { call } from '../api/registry-api';
import { KeyValueTable, keyValueRows } from '../components/key-value-table';
import { PageHeader, Section } from '../components/page';
import { ErrorState, Loading } from '../components/states';
import { formatNumber, formatTime } from '../format';
import { Link, pathOf } from '../router';
import { runLabel } from '../run-fields';
import { useAsync, type AsyncState } from '../use-async';
import { AliasEditor } from './alias-editor';
import { MonitoringPanel } from './monitoring-panel';
import { DatasetInputs } from './run-page';
import { StatusBadge } from './runs-table';

function Step({
  title,
  children,
  testId,
}: {
  title: string;
  children: ComponentChildren;
  testId: string;
}) {
  return (
    <li class="lineage-step" data-testid={testId}>
      <h3>{title}</h3>
      {children}
    </li>
  );
}

const missing = <p class="muted">Not recorded</p>;

/**
 * Where the version came from, in the order it was made: the dataset snapshot and the feature
 * service version that built it, the code commit, the training run, and the version itself.
 */
function LineageChain({ lineage }: { lineage: ModelVersionLineage }) {
  const {
    run,
    experiment,
    dataset_snapshot: snapshot,
    feature_service: service,
    code,
    model_version: version,
  } = lineage;
  return (
    <ol class="lineage" aria-label="Lineage">
      <Step title="Dataset snapshot" testId="lineage-dataset">
        {snapshot ? (
          <>
            <p class="mono wrap" title="Content digest">
              {snapshot.digest}
            </p>
            <p class="mono muted wrap">{snapshot.location}</p>
          </>
        ) : (
          missing
        )}
      </Step>
      <Step title="Feature service" testId="lineage-feature-service">
        {service ? (
          <p>
            <span class="mono">{service.name}</span> <span class="muted">definitions version</span>{' '}
            <span class="mono">{service.version}</span>
          </p>
        ) : (
          missing
        )}
      </Step>
      <Step title="Code" testId="lineage-code">
        {code?.commit ? (
          <>
            <p class="mono wrap">{code.commit}</p>
            <p class="muted">
              {[code.branch && `branch ${code.branch}`, code.repository, code.source_name]
                .filter(Boolean)
                .join(' · ')}
            </p>
          </>
        ) : (
          missing
        )}
      </Step>
      <Step title="Training run" testId="lineage-run">
        {run ? (
          <>
            <p>
              <Link href={pathOf('runs', run.run_id)}>{runLabel(run)}</Link>{' '}
              <StatusBadge status={run.status} />
            </p>
            <p class="muted">
              {experiment ? (
                <Link href={pathOf('experiments', experiment.experiment_id)}>
                  {experiment.name}
                </Link>
              ) : null}{' '}
              · {formatTime(run.start_time)}
            </p>
          </>
        ) : (
          <p class="muted">
            {version.run_id ? `Run ${version.run_id} is not in this registry` : 'No run recorded'}
          </p>
        )}
      </Step>
      <Step title="Model version" testId="lineage-version">
        <p>
          <strong>
            {version.name} v{version.version}
          </strong>
        </p>
        <p class="muted">{version.current_stage ?? 'None'}</p>
      </Step>
    </ol>
  );
}

export type VersionTab = 'overview' | 'monitoring';

/** A model version: its facts, its full lineage and the alias editor; or how it does in production. */
export function VersionPage({
  name,
  version,
  tab,
}: {
  name: string;
  version: string;
  tab: VersionTab;
}) {
  const lineage = useAsync(
    (signal) => call('getModelVersionLineage', { name, version }, signal),
    [name, version],
  );
  const model = useAsync((signal) => call('getRegisteredModel', { name }, signal), [name]);
  const reload = () => {
    lineage.reload();
    model.reload();
  };

  if (lineage.status === 'loading') return <Loading what={`${name} version ${version}`} />;
  if (lineage.status === 'error')
    return (
      <ErrorState
        error={lineage.error}
        retry={lineage.reload}
        title={`Could not load ${name} version ${version}`}
      />
    );
  const data = lineage.data;
  const mv = data.model_version;

  return (
    <>
      <PageHeader
        title={`${name} version ${version}`}
        kicker={
          <>
            <Link href="/models">Registered models</Link> /{' '}
            <Link href={pathOf('models', name)}>{name}</Link>
          </>
        }
      >
        {(mv.aliases ?? []).map((alias) => (
          <span key={alias} class="chip alias" data-testid="version-alias">
            @{alias}
          </span>
        ))}
      </PageHeader>
      <nav class="tabs" aria-label="Version views">
        <Link
          href={pathOf('models', name, 'versions', version)}
          aria-current={tab === 'overview' ? 'page' : undefined}
        >
          Overview
        </Link>
        <Link
          href={pathOf('models', name, 'versions', version, 'monitoring')}
          aria-current={tab === 'monitoring' ? 'page' : undefined}
        >
          Monitoring
        </Link>
      </nav>
      {tab === 'monitoring' ? (
        <MonitoringPanel name={name} version={version} />
      ) : (
        <VersionOverview data={data} name={name} version={version} model={model} reload={reload} />
      )}
    </>
  );
}

function VersionOverview({
  data,
  name,
  version,
  model,
  reload,
}: {
  data: ModelVersionLineage;
  name: string;
  version: string;
  model: AsyncState<OperationResponse<'getRegisteredModel'>> & { reload: () => void };
  reload: () => void;
}) {
  const mv = data.model_version;
  return (
    <>
      <Section title="Version" id="version">
        <dl class="facts" data-testid="version-facts">
          <dt>Stage</dt>
          <dd>{mv.current_stage ?? 'None'}</dd>
          <dt>Status</dt>
          <dd>{mv.status ?? '—'}</dd>
          <dt>Registered</dt>
          <dd>{formatTime(mv.creation_timestamp)}</dd>
          <dt>Last updated</dt>
          <dd>{formatTime(mv.last_updated_timestamp)}</dd>
          <dt>User</dt>
          <dd>{mv.user_id || '—'}</dd>
          <dt>Source</dt>
          <dd class="mono wrap">{mv.source ?? '—'}</dd>
          {mv.description ? (
            <>
              <dt>Description</dt>
              <dd>{mv.description}</dd>
            </>
          ) : null}
        </dl>
      </Section>
      <Section title="Lineage" id="lineage">
        <LineageChain lineage={data} />
      </Section>
      <Section title="Aliases" id="aliases">
        {model.status === 'error' ? <ErrorState error={model.error} retry={model.reload} /> : null}
        {model.status === 'ok' ? (
          <AliasEditor
            name={name}
            version={version}
            aliases={model.data.registered_model.aliases ?? []}
            onChanged={reload}
          />
        ) : null}
      </Section>
      <div class="columns">
        <Section title="Training parameters" id="params">
          <KeyValueTable
            label="Training parameters"
            empty="No parameters logged"
            rows={keyValueRows(data.params)}
          />
        </Section>
        <Section title="Metrics" id="metrics">
          <KeyValueTable
            label="Metrics"
            empty="No metrics logged"
            rows={(data.metrics ?? []).map((metric) => ({
              key: metric.key,
              value: formatNumber(metric.value),
            }))}
          />
        </Section>
      </div>
      <Section title="Dataset inputs" id="inputs">
        <DatasetInputs run={{ inputs: { dataset_inputs: data.datasets ?? [] } }} />
      </Section>
      {(mv.tags ?? []).length > 0 ? (
        <Section title="Tags" id="tags">
          <KeyValueTable label="Version tags" empty="" rows={keyValueRows(mv.tags)} />
        </Section>
      ) : null}
    </>
  );
}
