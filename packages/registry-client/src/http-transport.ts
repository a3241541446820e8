import { MlflowError, mlflowStatusOf, type MlflowErrorCode, type RegistryOperation } from '@payments-mlops/contracts';

export interface TransportOptions {
  /** The registry's base URL, e.g. http://127.0.0.1:5000 (the same value as MLFLOW_TRACKING_URI). */
  baseUrl: string;
  /** Bearer token for writes (and for reads when the server protects them). */
  token?: string;
  /** Per-request timeout of JSON calls; artifact transfers are bounded by their own signal. Default 30 s. */
  timeoutMs?: number;
  /** How many times a read is retried after a 503 or a refused connection. Default 2. */
  readRetries?: number;
  /** Parse every response with its contract schema; a mismatch throws. Default true. */
  validateResponses?: boolean;
  fetch?: typeof fetch;
}

/** What a status means when the body is not MLflow's `{error_code, message}` (auth failures are plain text). */
const CODE_BY_STATUS: Readonly<Record<number, MlflowErrorCode>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'ENDPOINT_NOT_FOUND',
  409: 'RESOURCE_CONFLICT',
  429: 'REQUEST_LIMIT_EXCEEDED',
  503: 'TEMPORARILY_UNAVAILABLE',
};

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Turns a failed response into the MlflowError its body (or, failing that, its status) names. */
export async function errorFromResponse(response: Response): Promise<MlflowError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { error_code?: unknown; message?: unknown };
    if (typeof body.error_code === 'string' && typeof body.message === 'string' && mlflowStatusOf(body.error_code) > 0) {
      return new MlflowError(body.error_code as MlflowErrorCode, body.message);
    }
  } catch {
    // not JSON: fall through to the status
  }
  const code = CODE_BY_STATUS[response.status] ?? 'INTERNAL_ERROR';
  return new MlflowError(code, `${response.status} ${response.statusText}: ${text.slice(0, 500)}`);
}

function isRetryable(error: unknown): boolean {
  if (error instanceof MlflowError) return error.errorCode === 'TEMPORARILY_UNAVAILABLE';
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code === 'ECONNREFUSED' || cause?.code === 'ECONNRESET';
}

/** Appends a request as MLflow's client sends GET parameters: repeated keys for lists. */
function toSearchParams(request: Record<string, unknown>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(request)) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, typeof item === 'object' ? JSON.stringify(item) : String(item));
  }
  return params;
}

/** JSON calls to the registry's API: one method per operation of REGISTRY_OPERATIONS. */
export class HttpTransport {
  readonly baseUrl: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: TransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}), ...extra };
  }

  async call(operation: RegistryOperation, request: unknown): Promise<unknown> {
    const method = operation.methods[0];
    const attempts = operation.access === 'read' ? 1 + (this.options.readRetries ?? 2) : 1;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.once(operation, method, request);
      } catch (error) {
        if (attempt >= attempts || !isRetryable(error)) throw error;
        await delay(100 * 2 ** attempt);
      }
    }
  }

  private async once(operation: RegistryOperation, method: string, request: unknown): Promise<unknown> {
    const url = new URL(`${this.baseUrl}/api/2.0${operation.path}`);
    const init: RequestInit = { method, signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000) };
    if (method === 'GET') {
      url.search = toSearchParams((request ?? {}) as Record<string, unknown>).toString();
      init.headers = this.headers();
    } else {
      init.headers = this.headers({ 'content-type': 'application/json' });
      init.body = JSON.stringify(request ?? {}, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? doubleName(value) : value));
    }
    const response = await this.fetch(url, init);
    if (!response.ok) throw await errorFromResponse(response);
    const body: unknown = await response.json();
    if (this.options.validateResponses === false) return body;
    const parsed = operation.response.safeParse(body);
    if (!parsed.success) {
      throw new MlflowError('INTERNAL_ERROR', `The registry's answer to ${method} ${operation.path} does not match its contract: ${parsed.error.message}`);
    }
    return parsed.data;
  }
}

/** JSON has no NaN or Infinity; protobuf-JSON spells them as strings, which the server reads back. */
function doubleName(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? 'Infinity' : '-Infinity';
}
