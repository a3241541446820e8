import { ARTIFACTS_PATH } from '@payments-mlops/contracts';

/**
 * The path under the artifact proxy's root that a run's artifact URI names, as MLflow's server
 * resolves it: `mlflow-artifacts:/1/abc/artifacts` (with or without a host) and
 * `http(s)://host/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts` both give `1/abc/artifacts`.
 * Undefined for URIs the proxy does not serve (s3://, file://, ...).
 */
export function proxiedArtifactPath(uri: string): string | undefined {
  const proxied = /^mlflow-artifacts:(?:\/\/[^/]*)?\/*(.*)$/.exec(uri);
  if (proxied) return (proxied[1] ?? '').replace(/\/+$/, '');
  const http = /^https?:\/\/[^/]+(\/.*)$/.exec(uri);
  const anchor = `${ARTIFACTS_PATH}/`;
  if (http?.[1]?.includes(anchor)) return (http[1].split(anchor)[1] ?? '').replace(/^\/+|\/+$/g, '');
  return undefined;
}
