import type {
  DriftReport,
  GetMetricSeriesRequest,
  GetMetricSeriesResponse,
  METRIC_SERIES_PATH,
  OperationRequest,
  OperationResponse,
  PerformanceReport,
  RegistryOperationName,
  RegistryOperations,
} from '@payments-mlops/contracts';
import { readToken } from './token';

/*
 * The registry API as the UI calls it: MLflow's routes under /ajax-api/2.0 (the prefix MLflow
 * serves its own UI from), typed by the contracts. Only types come from contracts, so the bundle
 * carries no schemas; the compiler checks each method and path below against the contracts table.
 */

const API_PREFIX = '/ajax-api/2.0';
const ARTIFACTS_PREFIX = `${API_PREFIX}/mlflow-artifacts/artifacts`;

type Route<Name extends RegistryOperationName> = {
  method: RegistryOperations[Name]['methods'][0];
  path: RegistryOperations[Name]['path'];
};

const ROUTES = {
  searchExperiments: { method: 'POST', path: '/mlflow/experiments/search' },
  getExperiment: { method: 'GET', path: '/mlflow/experiments/get' },
  searchRuns: { method: 'POST', path: '/mlflow/runs/search' },
  getRun: { method: 'GET', path: '/mlflow/runs/get' },
  listArtifacts: { method: 'GET', path: '/mlflow/artifacts/list' },
  searchRegisteredModels: { method: 'GET', path: '/mlflow/registered-models/search' },
  getRegisteredModel: { method: 'GET', path: '/mlflow/registered-models/get' },
  searchModelVersions: { method: 'GET', path: '/mlflow/model-versions/search' },
  getModelVersionLineage: { method: 'GET', path: '/mlflow/model-versions/get-lineage' },
  setRegisteredModelAlias: { method: 'POST', path: '/mlflow/registered-models/alias' },
  deleteRegisteredModelAlias: { method: 'DELETE', path: '/mlflow/registered-models/alias' },
} as const satisfies { [Name in RegistryOperationName]?: Route<Name> };

export type UiOperation = keyof typeof ROUTES;

/** A failed call: MLflow's error code and message, or the HTTP status for auth and proxy errors. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get isAuthError(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

function authHeaders(): Record<string, string> {
  const token = readToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}

function queryString(request: object): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(request)) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) query.append(key, String(item));
  }
  const text = query.toString();
  return text ? `?${text}` : '';
}

async function errorOf(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { error_code?: string; message?: string };
    if (body.error_code)
      return new ApiError(response.status, body.error_code, body.message ?? body.error_code);
  } catch {
    // Not MLflow's JSON error body: auth answers and proxies send text.
  }
  if (response.status === 401) {
    const message = readToken()
      ? 'The registry does not accept the token set in this browser: set another with “Token set”.'
      : 'This needs a token: set one with “Set token”.';
    return new ApiError(401, 'UNAUTHENTICATED', message);
  }
  if (response.status === 403)
    return new ApiError(
      403,
      'PERMISSION_DENIED',
      'The token set in this browser may read but not write.',
    );
  return new ApiError(
    response.status,
    `HTTP_${response.status}`,
    text.slice(0, 300) || response.statusText,
  );
}

async function send(
  method: string,
  url: string,
  body: object | undefined,
  signal?: AbortSignal,
): Promise<unknown> {
  const response = await fetch(url, {
    method,
    headers: {
      accept: 'application/json',
      ...authHeaders(),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    ...(signal ? { signal } : {}),
  });
  if (!response.ok) throw await errorOf(response);
  return response.json();
}

export function call<Name extends UiOperation>(
  name: Name,
  request: OperationRequest<Name>,
  signal?: AbortSignal,
): Promise<OperationResponse<Name>> {
  const { method, path } = ROUTES[name];
  const url = `${API_PREFIX}${path}`;
  const result =
    method === 'GET'
      ? send(method, url + queryString(request), undefined, signal)
      : send(method, url, request, signal);
  return result as Promise<OperationResponse<Name>>;
}

/** One metric of several runs, downsampled on the server (registry-server's ui-metric-series route). */
export function fetchMetricSeries(
  request: GetMetricSeriesRequest,
  signal?: AbortSignal,
): Promise<GetMetricSeriesResponse> {
  const path: typeof METRIC_SERIES_PATH = '/mlflow/metrics/get-history-downsampled';
  return send(
    'GET',
    `${API_PREFIX}${path}${queryString(request)}`,
    undefined,
    signal,
  ) as Promise<GetMetricSeriesResponse>;
}

const MONITORING_PREFIX = '/ajax-api/monitoring';

/** A window of a monitoring report; model-monitor's own default when left out. */
export interface MonitoringWindow {
  from?: string;
  to?: string;
}

/** model-monitor's reports of a version, as registry-server passes them on. */
export interface MonitoringReports {
  drift: DriftReport;
  performance: PerformanceReport;
}

/**
 * One of model-monitor's reports of a version, through registry-server (503 naming the monitor's
 * URL when it is away).
 */
export function fetchMonitoringReport<Report extends keyof MonitoringReports>(
  report: Report,
  name: string,
  version: string,
  window: MonitoringWindow = {},
  signal?: AbortSignal,
): Promise<MonitoringReports[Report]> {
  const path = `/models/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}/${report}`;
  return send(
    'GET',
    `${MONITORING_PREFIX}${path}${queryString(window)}`,
    undefined,
    signal,
  ) as Promise<MonitoringReports[Report]>;
}

/**
 * Where the artifact proxy serves a run's file, for artifact URIs the proxy serves
 * (`mlflow-artifacts:/1/<run>/artifacts`); undefined for others (s3://, file://), which the
 * browser cannot reach.
 */
export function artifactUrl(artifactUri: string, filePath: string): string | undefined {
  const proxied = /^mlflow-artifacts:(?:\/\/[^/]*)?\/*(.*)$/.exec(artifactUri);
  if (!proxied) return undefined;
  const root = (proxied[1] ?? '').replace(/\/+$/, '');
  const segments = [...root.split('/'), ...filePath.split('/')]
    .filter(Boolean)
    .map(encodeURIComponent);
  return `${ARTIFACTS_PREFIX}/${segments.join('/')}`;
}

/** Downloads an artifact with the token, reading at most `limit` bytes (previews of huge logs stay cheap). */
export async function fetchArtifact(
  url: string,
  limit: number,
  signal?: AbortSignal,
): Promise<{ bytes: Uint8Array<ArrayBuffer>; size: number; truncated: boolean; type: string }> {
  const response = await fetch(url, { headers: authHeaders(), ...(signal ? { signal } : {}) });
  if (!response.ok) throw await errorOf(response);
  const size = Number(response.headers.get('content-length') ?? Number.NaN);
  const type = response.headers.get('content-type') ?? 'application/octet-stream';
  const reader = response.body!.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  while (received < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
  }
  const truncated = received >= limit && !(received === size);
  if (truncated) await reader.cancel();
  const bytes = new Uint8Array(Math.min(received, limit));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, Math.min(chunk.length, bytes.length - offset));
    bytes.set(part, offset);
    offset += part.length;
  }
  return { bytes, size: Number.isFinite(size) ? size : received, truncated, type };
}
