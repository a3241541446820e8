import { MlflowError } from '@payments-mlops/contracts';

/*
 * Where a model version's artifacts are. MLflow's server refuses sources that could reach files
 * of the server itself: a local path (the registry's artifacts are proxied, never local to the
 * client), or any URI whose path walks up with `..`, also when percent-encoded.
 */

function invalidSource(source: string): MlflowError {
  return MlflowError.invalidParameter(
    `Invalid model version source: '${source}'. If supplying a source as an http, https, local file path, ftp, objectstore, or mlflow-artifacts uri, an absolute path must be provided without relative path references present. Please provide an absolute path.`,
  );
}

function isLocalUri(source: string): boolean {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(source)?.[1]?.toLowerCase();
  if (scheme === undefined) return true;
  if (scheme !== 'file') return false;
  const host = /^file:\/\/([^/]*)/i.exec(source)?.[1] ?? '';
  return host === '' || host === '.' || host.startsWith('localhost') || host.startsWith('127.0.0.1');
}

function fullyDecoded(source: string): string {
  let current = source;
  for (let i = 0; i < 10; i += 1) {
    let next: string;
    try {
      next = decodeURIComponent(current.replaceAll('+', ' '));
    } catch {
      return current;
    }
    if (next === current) return current;
    current = next;
  }
  return current;
}

export function validateModelVersionSource(source: string): void {
  if (isLocalUri(source)) {
    throw MlflowError.invalidParameter(
      `Invalid model version source: '${source}'. To use a local path as a model version source, the run_id request parameter has to be specified and the local path has to be contained within the artifact directory of the run specified by the run_id.`,
    );
  }
  const decoded = fullyDecoded(source);
  if (decoded.includes('\u0000') || decoded.split(/[/\\]/).some((segment) => segment === '..' || segment === '.')) {
    throw invalidSource(source);
  }
}

/** `models:/name/3` → {name, 3}; undefined for any other source. */
export function parseModelsUri(source: string): { name: string; version: number } | undefined {
  const match = /^models:\/([^/]+)\/(\d+)\/?$/.exec(source);
  if (!match) return undefined;
  return { name: decodeURIComponent(match[1] ?? ''), version: Number(match[2]) };
}
