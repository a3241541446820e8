import { z } from 'zod';

/**
 * The MLflow error codes the registry answers with (MLflow's `databricks.proto`), and its table
 * from code to HTTP status (`mlflow/exceptions.py`), INVALID_STATE aside. The registry speaks
 * MLflow's error format on its MLflow-compatible API, so that MLflow's own clients raise the
 * exceptions their users expect.
 */
export const MLFLOW_HTTP_STATUS_BY_ERROR_CODE = {
  INTERNAL_ERROR: 500,
  // MLflow answers 500, which its own client retries as a transient failure. A request that
  // conflicts with a resource's state (renaming a deleted experiment) is the caller's to fix.
  INVALID_STATE: 409,
  DATA_LOSS: 500,
  NOT_IMPLEMENTED: 501,
  TEMPORARILY_UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
  REQUEST_LIMIT_EXCEEDED: 429,
  CANCELLED: 499,
  RESOURCE_EXHAUSTED: 429,
  ABORTED: 409,
  RESOURCE_CONFLICT: 409,
  ALREADY_EXISTS: 409,
  NOT_FOUND: 404,
  ENDPOINT_NOT_FOUND: 404,
  RESOURCE_DOES_NOT_EXIST: 404,
  PERMISSION_DENIED: 403,
  CUSTOMER_UNAUTHORIZED: 401,
  UNAUTHENTICATED: 401,
  BAD_REQUEST: 400,
  // MLflow answers an existing name with 400, not 409; its clients rely on it.
  RESOURCE_ALREADY_EXISTS: 400,
  INVALID_PARAMETER_VALUE: 400,
} as const;

export type MlflowErrorCode = keyof typeof MLFLOW_HTTP_STATUS_BY_ERROR_CODE;
export const MlflowErrorCode = z.enum(Object.keys(MLFLOW_HTTP_STATUS_BY_ERROR_CODE) as [MlflowErrorCode, ...MlflowErrorCode[]]);

export const MlflowErrorBody = z
  .object({
    error_code: z.string().describe('One of MLflow\'s error codes, e.g. RESOURCE_DOES_NOT_EXIST.'),
    message: z.string().describe('Names the parameter or resource at fault.'),
  })
  .meta({ id: 'MlflowErrorBody' });
export type MlflowErrorBody = z.infer<typeof MlflowErrorBody>;

/** Thrown by the registry's domain and stores; answered as `{error_code, message}` with the mapped status. */
export class MlflowError extends Error {
  readonly errorCode: MlflowErrorCode;
  constructor(errorCode: MlflowErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MlflowError';
    this.errorCode = errorCode;
  }
  get statusCode(): number {
    return MLFLOW_HTTP_STATUS_BY_ERROR_CODE[this.errorCode];
  }
  toBody(): MlflowErrorBody {
    return { error_code: this.errorCode, message: this.message };
  }

  static invalidParameter(message: string): MlflowError {
    return new MlflowError('INVALID_PARAMETER_VALUE', message);
  }
  static notFound(message: string): MlflowError {
    return new MlflowError('RESOURCE_DOES_NOT_EXIST', message);
  }
  static alreadyExists(message: string): MlflowError {
    return new MlflowError('RESOURCE_ALREADY_EXISTS', message);
  }
}

/** The status MLflow answers a code with; codes it does not know are internal errors. */
export function mlflowStatusOf(errorCode: string): number {
  return (MLFLOW_HTTP_STATUS_BY_ERROR_CODE as Record<string, number>)[errorCode] ?? 500;
}
