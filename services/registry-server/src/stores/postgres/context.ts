import type { Db } from './db.js';

/** What every Postgres store is built from. */
export interface StoreContext {
  db: Db;
  /** Milliseconds since the epoch; tests pass a fixed clock. */
  now: () => number;
  /**
   * Where experiments keep artifacts when created without a location, e.g. `mlflow-artifacts:/`
   * (served by this registry's artifact proxy) or `s3://bucket/prefix`.
   */
  defaultArtifactRoot: string;
}

/** `root` joined with `parts` by single slashes, keeping a scheme's `//` (`s3://b/p`, `mlflow-artifacts:/1`). */
export function appendToUri(root: string, ...parts: string[]): string {
  let uri = root;
  for (const part of parts) uri = uri.endsWith('/') ? `${uri}${part}` : `${uri}/${part}`;
  return uri;
}
