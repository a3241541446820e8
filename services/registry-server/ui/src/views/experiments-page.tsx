import { call } from '../api/registry-api';
import { PageHeader } from '../components/page';
import { SearchForm } from '../components/search-form';
import { Empty, ErrorState, Loading } from '../components/states';
import { LoadMore } from '../components/load-more';
import { ViewToggle, VIEW_TYPES, parseView } from '../components/view-toggle';
import { formatTime } from '../format';
import { Link, pathOf, replaceQuery, useLocation } from '../router';
import { isSystemTag, quotedValue } from '../run-fields';
import { usePages } from '../use-pages';

const PAGE_SIZE = 200;

/** Every experiment, newest first, with a name filter and the active/deleted toggle. */
export function ExperimentsPage() {
  const { query } = useLocation();
  const name = query.get('name') ?? '';
  const view = parseView(query.get('view'));

  const list = usePages(
    async (pageToken, signal) => {
      const response = await call(
        'searchExperiments',
        {
          max_results: PAGE_SIZE,
          view_type: VIEW_TYPES[view],
          order_by: ['creation_time DESC'],
          ...(name ? { filter: `name ILIKE ${quotedValue(`%${name}%`)}` } : {}),
          ...(pageToken ? { page_token: pageToken } : {}),
        },
        signal,
      );
      return { items: response.experiments ?? [], next: response.next_page_token };
    },
    [name, view],
  );
  const experiments = list.items;

  return (
    <>
      <PageHeader title="Experiments" />
      <div class="toolbar">
        <SearchForm param="name" label="Filter experiments by name" placeholder="Filter by name…" />
        <ViewToggle
          value={view}
          onChange={(value) => replaceQuery({ view: value === 'active' ? undefined : value })}
          noun="experiments"
        />
      </div>
      {list.status === 'loading' ? <Loading what="experiments" /> : null}
      {list.status === 'error' && list.error ? (
        <ErrorState error={list.error} retry={list.reload} title="Could not load experiments" />
      ) : null}
      {list.status === 'ok' && experiments.length === 0 ? (
        <Empty
          title={
            name
              ? `No experiment name contains “${name}”`
              : view === 'deleted'
                ? 'No deleted experiments'
                : 'No experiments yet'
          }
        >
          {name || view === 'deleted' ? null : (
            <>
              Create one with <code>mlflow.set_experiment("name")</code> and start a run in it.
            </>
          )}
        </Empty>
      ) : null}
      {experiments.length > 0 ? (
        <table class="table" aria-label="Experiments" data-testid="experiments-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">ID</th>
              <th scope="col">Created</th>
              <th scope="col">Last updated</th>
              <th scope="col">Artifact location</th>
              <th scope="col">Tags</th>
            </tr>
          </thead>
          <tbody>
            {experiments.map((experiment) => (
              <tr key={experiment.experiment_id}>
                <th scope="row">
                  <Link href={pathOf('experiments', experiment.experiment_id)}>
                    {experiment.name}
                  </Link>
                  {experiment.lifecycle_stage === 'deleted' ? (
                    <span class="badge badge-deleted">deleted</span>
                  ) : null}
                </th>
                <td class="mono">{experiment.experiment_id}</td>
                <td>{formatTime(experiment.creation_time)}</td>
                <td>{formatTime(experiment.last_update_time)}</td>
                <td class="mono muted truncate" title={experiment.artifact_location}>
                  {experiment.artifact_location}
                </td>
                <td>
                  {(experiment.tags ?? [])
                    .filter((tag) => !isSystemTag(tag.key))
                    .map((tag) => (
                      <span key={tag.key} class="chip">
                        {tag.key}: {tag.value}
                      </span>
                    ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <LoadMore list={list} noun="experiments" />
    </>
  );
}
