import type { ComponentChildren } from 'preact';
import { ApiError } from '../api/registry-api';

/** Shown while data loads; screen readers hear "Loading…" once, not a spinner's churn. */
export function Loading({ what }: { what: string }) {
  return (
    <p class="state state-loading" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

/** A failed load: what went wrong in the registry's own words, and a way to try again. */
export function ErrorState({
  error,
  retry,
  title = 'Could not load this',
}: {
  error: Error;
  retry?: () => void;
  title?: string;
}) {
  const code = error instanceof ApiError ? error.code : undefined;
  return (
    <div class="state state-error" role="alert">
      <strong>{title}</strong>
      <p>
        {code ? <code>{code}</code> : null} {error.message}
      </p>
      {retry ? (
        <button type="button" onClick={retry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="state state-empty">
      <strong>{title}</strong>
      {children ? <p>{children}</p> : null}
    </div>
  );
}
