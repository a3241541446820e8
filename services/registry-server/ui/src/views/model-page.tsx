import { call } from '../api/registry-api';
import { PageHeader, Section } from '../components/page';
import { Empty, ErrorState, Loading } from '../components/states';
import { formatTime } from '../format';
import { Link, pathOf } from '../router';
import { quotedValue } from '../run-fields';
import { useAsync } from '../use-async';
import { AliasChips } from './models-page';

const MAX_VERSIONS = 1000;

/** A registered model: description, tags, aliases, and every version with its stage and run. */
export function ModelPage({ name }: { name: string }) {
  const model = useAsync((signal) => call('getRegisteredModel', { name }, signal), [name]);
  const versions = useAsync(
    (signal) =>
      call(
        'searchModelVersions',
        {
          filter: `name = ${quotedValue(name)}`,
          order_by: ['version_number DESC'],
          max_results: MAX_VERSIONS,
        },
        signal,
      ),
    [name],
  );

  if (model.status === 'loading') return <Loading what={name} />;
  if (model.status === 'error')
    return <ErrorState error={model.error} retry={model.reload} title={`Could not load ${name}`} />;
  const { registered_model: registered } = model.data;
  const list = versions.data?.model_versions ?? [];

  return (
    <>
      <PageHeader title={registered.name} kicker={<Link href="/models">Registered models</Link>}>
        <span class="muted">Last modified {formatTime(registered.last_updated_timestamp)}</span>
      </PageHeader>
      {registered.description ? <p class="note">{registered.description}</p> : null}
      <div class="facts-inline">
        <div>
          <strong>Aliases</strong>{' '}
          {(registered.aliases ?? []).length === 0 ? (
            <span class="muted">none</span>
          ) : (
            <AliasChips name={registered.name} aliases={registered.aliases ?? []} />
          )}
        </div>
        <div>
          <strong>Tags</strong>{' '}
          {(registered.tags ?? []).length === 0 ? (
            <span class="muted">none</span>
          ) : (
            (registered.tags ?? []).map((tag) => (
              <span key={tag.key} class="chip">
                {tag.key}: {tag.value}
              </span>
            ))
          )}
        </div>
      </div>
      <Section title="Versions" id="versions">
        {versions.status === 'loading' ? <Loading what="versions" /> : null}
        {versions.status === 'error' ? (
          <ErrorState
            error={versions.error}
            retry={versions.reload}
            title="Could not load versions"
          />
        ) : null}
        {versions.status === 'ok' && list.length === 0 ? (
          <Empty title="No versions yet">
            Register a run's model under this name to create version 1.
          </Empty>
        ) : null}
        {list.length > 0 ? (
          <table class="table" aria-label="Versions" data-testid="versions-table">
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Stage</th>
                <th scope="col">Aliases</th>
                <th scope="col">Registered</th>
                <th scope="col">Run</th>
                <th scope="col">Status</th>
                <th scope="col">Description</th>
              </tr>
            </thead>
            <tbody>
              {list.map((version) => (
                <tr key={version.version}>
                  <th scope="row">
                    <Link href={pathOf('models', version.name, 'versions', version.version)}>
                      Version {version.version}
                    </Link>
                  </th>
                  <td>{version.current_stage ?? 'None'}</td>
                  <td>
                    {(version.aliases ?? []).map((alias) => (
                      <span key={alias} class="chip alias">
                        @{alias}
                      </span>
                    ))}
                  </td>
                  <td>{formatTime(version.creation_timestamp)}</td>
                  <td class="mono">
                    {version.run_id ? (
                      <Link href={pathOf('runs', version.run_id)}>
                        {version.run_id.slice(0, 8)}
                      </Link>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>{version.status ?? '—'}</td>
                  <td class="truncate">{version.description ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {list.length === MAX_VERSIONS ? (
          <p class="muted">The latest {MAX_VERSIONS} versions.</p>
        ) : null}
      </Section>
    </>
  );
}
