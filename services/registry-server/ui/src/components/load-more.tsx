import type { PagesState } from '../use-pages';
import { ErrorState } from './states';

/** "Load more" under a paged list, or the error of the page that failed, with a retry. */
export function LoadMore<T>({ list, noun }: { list: PagesState<T>; noun: string }) {
  if (list.status !== 'ok') return null;
  if (list.error)
    return (
      <ErrorState error={list.error} retry={list.loadMore} title={`Could not load more ${noun}`} />
    );
  if (!list.hasMore) return null;
  return (
    <button
      type="button"
      class="secondary load-more"
      disabled={list.loadingMore}
      onClick={list.loadMore}
    >
      {list.loadingMore ? 'Loading…' : `Load more ${noun}`}
    </button>
  );
}
