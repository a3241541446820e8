import type { ModelVersion, RegisteredModel } from '@payments-mlops/contracts';
import { call } from '../api/registry-api';
import { LoadMore } from '../components/load-more';
import { PageHeader } from '../components/page';
import { SearchForm } from '../components/search-form';
import { Empty, ErrorState, Loading } from '../components/states';
import { formatTime } from '../format';
import { Link, pathOf, useLocation } from '../router';
import { quotedValue } from '../run-fields';
import { usePages } from '../use-pages';

const PAGE_SIZE = 100;

/** The highest version among a model's latest per stage: its latest version overall. */
export function latestVersion(
  model: Pick<RegisteredModel, 'latest_versions'>,
): ModelVersion | undefined {
  let latest: ModelVersion | undefined;
  for (const version of model.latest_versions ?? [])
    if (!latest || Number(version.version) > Number(latest.version)) latest = version;
  return latest;
}

export function AliasChips({
  name,
  aliases,
}: {
  name: string;
  aliases: { alias: string; version: string }[];
}) {
  return (
    <>
      {aliases.map(({ alias, version }) => (
        <Link
          key={alias}
          class="chip alias"
          href={pathOf('models', name, 'versions', version)}
          title={`@${alias} points at version ${version}`}
        >
          @{alias} → v{version}
        </Link>
      ))}
    </>
  );
}

/** Registered models by name: latest version, aliases, tags, last change. */
export function ModelsPage() {
  const { query } = useLocation();
  const name = query.get('name') ?? '';
  const list = usePages(
    async (pageToken, signal) => {
      const response = await call(
        'searchRegisteredModels',
        {
          max_results: PAGE_SIZE,
          order_by: ['name ASC'],
          ...(name ? { filter: `name ILIKE ${quotedValue(`%${name}%`)}` } : {}),
          ...(pageToken ? { page_token: pageToken } : {}),
        },
        signal,
      );
      return { items: response.registered_models ?? [], next: response.next_page_token };
    },
    [name],
  );

  return (
    <>
      <PageHeader title="Registered models" />
      <div class="toolbar">
        <SearchForm param="name" label="Filter models by name" placeholder="Filter by name…" />
      </div>
      {list.status === 'loading' ? <Loading what="registered models" /> : null}
      {list.status === 'error' && list.error ? (
        <ErrorState
          error={list.error}
          retry={list.reload}
          title="Could not load registered models"
        />
      ) : null}
      {list.status === 'ok' && list.items.length === 0 ? (
        <Empty title={name ? `No model name contains “${name}”` : 'No registered models yet'}>
          {name ? null : (
            <>
              Register one with{' '}
              <code>mlflow.register_model("runs:/&lt;run id&gt;/model", "name")</code>.
            </>
          )}
        </Empty>
      ) : null}
      {list.items.length > 0 ? (
        <table class="table" aria-label="Registered models" data-testid="models-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Latest version</th>
              <th scope="col">Aliases</th>
              <th scope="col">Tags</th>
              <th scope="col">Last modified</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((model) => {
              const latest = latestVersion(model);
              return (
                <tr key={model.name}>
                  <th scope="row">
                    <Link href={pathOf('models', model.name)}>{model.name}</Link>
                  </th>
                  <td>
                    {latest ? (
                      <Link href={pathOf('models', model.name, 'versions', latest.version)}>
                        Version {latest.version}
                      </Link>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>
                    <AliasChips name={model.name} aliases={model.aliases ?? []} />
                  </td>
                  <td>
                    {(model.tags ?? []).map((tag) => (
                      <span key={tag.key} class="chip">
                        {tag.key}: {tag.value}
                      </span>
                    ))}
                  </td>
                  <td>{formatTime(model.last_updated_timestamp)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      <LoadMore list={list} noun="models" />
    </>
  );
}
