import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Page<T> {
  items: T[];
  next?: string | undefined;
}

export interface PagesState<T> {
  status: 'loading' | 'ok' | 'error';
  items: T[];
  error?: Error | undefined;
  hasMore: boolean;
  loadingMore: boolean;
  loadMore: () => void;
  reload: () => void;
}

interface Loaded<T> {
  status: 'loading' | 'ok' | 'error';
  items: T[];
  next?: string | undefined;
  error?: Error | undefined;
  loadingMore: boolean;
}

const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));

/**
 * A list read page by page with MLflow's opaque page tokens: the first page when `deps` change
 * (aborting any page still loading for the old ones), further pages on `loadMore`.
 */
export function usePages<T>(
  loadPage: (pageToken: string | undefined, signal: AbortSignal) => Promise<Page<T>>,
  deps: readonly unknown[],
): PagesState<T> {
  const [state, setState] = useState<Loaded<T>>({
    status: 'loading',
    items: [],
    loadingMore: false,
  });
  const [generation, setGeneration] = useState(0);
  const controller = useRef<AbortController | undefined>(undefined);
  const latest = useRef(loadPage);
  latest.current = loadPage;

  useEffect(() => {
    const current = new AbortController();
    controller.current = current;
    setState({ status: 'loading', items: [], loadingMore: false });
    latest.current(undefined, current.signal).then(
      (page) =>
        current.signal.aborted ||
        setState({ status: 'ok', items: page.items, next: page.next, loadingMore: false }),
      (error: unknown) =>
        current.signal.aborted ||
        setState({ status: 'error', items: [], error: asError(error), loadingMore: false }),
    );
    return () => current.abort();
    // The caller names what `loadPage` depends on, as with useEffect.
  }, [...deps, generation]);

  const snapshot = useRef(state);
  snapshot.current = state;
  const loadMore = useCallback(() => {
    const current = controller.current;
    const now = snapshot.current;
    if (!current || now.status !== 'ok' || now.loadingMore || now.next === undefined) return;
    if (now.error) setState((previous) => ({ ...previous, error: undefined }));
    // Marked at once: a second scroll event before the next render must not load the page twice.
    snapshot.current = { ...now, loadingMore: true };
    setState((previous) => ({ ...previous, loadingMore: true }));
    latest.current(now.next, current.signal).then(
      (page) =>
        current.signal.aborted ||
        setState((previous) => ({
          ...previous,
          items: [...previous.items, ...page.items],
          next: page.next,
          loadingMore: false,
        })),
      // The rows loaded so far stay; the error shows beside them with a retry.
      (error: unknown) =>
        current.signal.aborted ||
        setState((previous) => ({ ...previous, error: asError(error), loadingMore: false })),
    );
  }, []);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);

  return {
    status: state.status,
    items: state.items,
    error: state.error,
    hasMore: state.next !== undefined,
    loadingMore: state.loadingMore,
    loadMore,
    reload,
  };
}
