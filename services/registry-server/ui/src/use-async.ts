import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export type AsyncState<T> =
  | { status: 'loading'; data?: undefined; error?: undefined }
  | { status: 'ok'; data: T; error?: undefined }
  | { status: 'error'; data?: undefined; error: Error };

/**
 * Runs `load` when `deps` change and tracks its outcome; a newer load aborts the previous one, so a
 * slow answer for an old filter never overwrites the answer for the new one. `reload()` loads
 * again and keeps showing the current data until the new data arrives (no flash of "Loading").
 */
export function useAsync<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: readonly unknown[],
): AsyncState<T> & { reload: () => void } {
  const [state, setState] = useState<AsyncState<T>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  const loadedGeneration = useRef(generation);
  useEffect(() => {
    const controller = new AbortController();
    const refreshing = loadedGeneration.current !== generation;
    loadedGeneration.current = generation;
    setState((previous) =>
      refreshing && previous.status === 'ok' ? previous : { status: 'loading' },
    );
    load(controller.signal).then(
      (data) => controller.signal.aborted || setState({ status: 'ok', data }),
      (error: unknown) =>
        controller.signal.aborted ||
        setState({
          status: 'error',
          error: error instanceof Error ? error : new Error(String(error)),
        }),
    );
    return () => controller.abort();
    // The caller names what `load` depends on, as with useEffect.
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { ...state, reload };
}
