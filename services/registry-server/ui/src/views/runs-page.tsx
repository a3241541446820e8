import { useEffect, useRef, useState } from 'preact/hooks';
import { call } from '../api/registry-api';
import { PageHeader } from '../components/page';
import { SearchForm } from '../components/search-form';
import { Empty, ErrorState, Loading } from '../components/states';
import { ViewToggle, VIEW_TYPES, parseView } from '../components/view-toggle';
import { pluralize } from '../format';
import { Link, pathOf, replaceQuery, useLocation } from '../router';
import { useAsync } from '../use-async';
import { usePages } from '../use-pages';
import { ColumnPicker, useRunColumns } from './column-picker';
import { ExperimentTabs } from './experiment-tabs';
import { RunsTable, parseOrder } from './runs-table';

// A small first page shows fast; later pages are larger so scrolling through 25,000 runs takes few requests.
const FIRST_PAGE = 100;
const NEXT_PAGES = 1000;

const FILTER_EXAMPLES = [
  "metrics.auc > 0.9 AND params.max_depth = '6'",
  "attributes.status = 'FINISHED'",
  "tags.`payments.feature_service.name` = 'fraud_v3'",
  "attributes.run_name LIKE 'gbdt-%'",
];

/** An experiment's runs: search with MLflow's filter grammar, sort by any column, compare or chart a selection. */
export function RunsPage({ experimentId }: { experimentId: string }) {
  const { query } = useLocation();
  const filter = query.get('filter') ?? '';
  const order = query.get('order') ?? '';
  const view = parseView(query.get('view'));
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => setSelected(new Set()), [experimentId]);

  const experiment = useAsync(
    (signal) => call('getExperiment', { experiment_id: experimentId }, signal),
    [experimentId],
  );
  const runs = usePages(
    async (pageToken, signal) => {
      const response = await call(
        'searchRuns',
        {
          experiment_ids: [experimentId],
          run_view_type: VIEW_TYPES[view],
          max_results: pageToken ? NEXT_PAGES : FIRST_PAGE,
          ...(filter ? { filter } : {}),
          ...(order ? { order_by: [order] } : {}),
          ...(pageToken ? { page_token: pageToken } : {}),
        },
        signal,
      );
      return { items: response.runs ?? [], next: response.next_page_token };
    },
    [experimentId, filter, order, view],
  );
  const { columns, available, choose } = useRunColumns(experimentId, runs.items);

  // The figure the UI is held to: how soon after navigation the first page of runs is on screen.
  const marked = useRef('');
  const queryKey = `${experimentId}|${filter}|${order}|${view}`;
  useEffect(() => {
    if (runs.status !== 'ok' || marked.current === queryKey) return;
    marked.current = queryKey;
    performance.mark('runs-table:first-page');
  }, [runs.status, queryKey]);

  const toggle = (runId: string) =>
    setSelected((previous) => {
      const next = new Set(previous);
      if (!next.delete(runId)) next.add(runId);
      return next;
    });
  const selection = [...selected];
  const name = experiment.data?.experiment.name ?? `Experiment ${experimentId}`;

  return (
    <>
      <PageHeader title={name} kicker={<Link href="/experiments">Experiments</Link>}>
        {experiment.data ? (
          <span class="muted">
            ID <span class="mono">{experimentId}</span> · artifacts in{' '}
            <span class="mono">{experiment.data.experiment.artifact_location}</span>
          </span>
        ) : null}
      </PageHeader>
      {experiment.status === 'error' ? (
        <ErrorState
          error={experiment.error}
          retry={experiment.reload}
          title="Could not load this experiment"
        />
      ) : null}
      <ExperimentTabs experimentId={experimentId} current="runs" />
      <div class="toolbar">
        <SearchForm
          param="filter"
          label="Search runs with MLflow's filter syntax"
          placeholder={FILTER_EXAMPLES[0]!}
          button="Search"
          expression
          describedBy="filter-help"
        />
        <ViewToggle
          value={view}
          onChange={(value) => replaceQuery({ view: value === 'active' ? undefined : value })}
          noun="runs"
        />
        <ColumnPicker columns={columns} available={available} onChange={choose} />
      </div>
      <details class="help" id="filter-help">
        <summary>Filter syntax</summary>
        <p>
          Conditions on <code>metrics.</code>, <code>params.</code>, <code>tags.</code> and{' '}
          <code>attributes.</code> (run_name, status, user_id, start_time, run_id) joined with{' '}
          <code>AND</code>; quote strings with <code>'</code> and odd keys with backticks. Press{' '}
          <kbd>/</kbd> to jump to the search box.
        </p>
        <ul>
          {FILTER_EXAMPLES.map((example) => (
            <li key={example}>
              <button
                type="button"
                class="link-button mono"
                onClick={() => replaceQuery({ filter: example })}
              >
                {example}
              </button>
            </li>
          ))}
        </ul>
      </details>
      <div class="selection-bar" aria-live="polite">
        <span>
          {runs.status === 'ok'
            ? runs.hasMore
              ? `${pluralize(runs.items.length, 'run')} loaded; more load as you scroll`
              : pluralize(runs.items.length, 'run')
            : ''}
          {selection.length > 0 ? ` · ${selection.length} selected` : ''}
        </span>
        <Link
          class={`button ${selection.length < 2 ? 'disabled' : ''}`}
          aria-disabled={selection.length < 2}
          href={`/compare?runs=${selection.map(encodeURIComponent).join(',')}`}
          onClick={(event) => selection.length < 2 && event.preventDefault()}
          data-testid="compare-button"
        >
          Compare {selection.length >= 2 ? selection.length : ''} runs
        </Link>
        <Link
          class={`button secondary ${selection.length < 1 ? 'disabled' : ''}`}
          aria-disabled={selection.length < 1}
          href={`${pathOf('experiments', experimentId, 'charts')}?runs=${selection.map(encodeURIComponent).join(',')}`}
          onClick={(event) => selection.length < 1 && event.preventDefault()}
        >
          Chart selected
        </Link>
        {selection.length > 0 ? (
          <button type="button" class="secondary" onClick={() => setSelected(new Set())}>
            Clear selection
          </button>
        ) : null}
      </div>
      {runs.status === 'loading' ? <Loading what="runs" /> : null}
      {runs.status === 'error' && runs.error ? (
        <ErrorState
          error={runs.error}
          retry={runs.reload}
          title={filter ? 'The search failed' : 'Could not load runs'}
        />
      ) : null}
      {runs.status === 'ok' && runs.items.length === 0 ? (
        <Empty
          title={
            filter
              ? 'No runs match this search'
              : view === 'deleted'
                ? 'No deleted runs'
                : 'No runs in this experiment yet'
          }
        >
          {filter ? (
            'Loosen the filter, or look at deleted runs too.'
          ) : view === 'deleted' ? null : (
            <>
              Start one with <code>mlflow.start_run()</code> in this experiment.
            </>
          )}
        </Empty>
      ) : null}
      {runs.items.length > 0 ? (
        <RunsTable
          runs={runs.items}
          columns={columns}
          order={parseOrder(order)}
          onOrder={(orderBy) => replaceQuery({ order: orderBy })}
          selected={selected}
          onToggle={toggle}
          onNearEnd={runs.loadMore}
        />
      ) : null}
      {runs.status === 'ok' && runs.error ? (
        <ErrorState error={runs.error} retry={runs.loadMore} title="Could not load more runs" />
      ) : null}
    </>
  );
}
