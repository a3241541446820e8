import { z } from 'zod';

/** The closed set of error codes every service answers with. */
export const ERROR_CODES = [
  'INVALID_ARGUMENT',
  'UNAUTHENTICATED',
  'PERMISSION_DENIED',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'INTERNAL',
  'SERVICE_UNAVAILABLE',
  'MODEL_NOT_READY',
  'DEADLINE_EXCEEDED',
] as const;
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** One table from code to HTTP status; nothing else decides a status. */
export const HTTP_STATUS_BY_ERROR_CODE = {
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
  MODEL_NOT_READY: 503,
  DEADLINE_EXCEEDED: 504,
} as const satisfies Record<ErrorCode, number>;

export function httpStatusOf(code: ErrorCode): number {
  return HTTP_STATUS_BY_ERROR_CODE[code];
}

/** A field that failed validation: its dotted path in the request (`customer.id`, `items.0.amount_cents`). */
export const FieldIssue = z.object({
  field: z.string().describe('Dotted path of the offending field; empty for the whole body.'),
  message: z.string(),
});
export type FieldIssue = z.infer<typeof FieldIssue>;

export const ErrorBody = z
  .object({
    code: ErrorCode.describe('What went wrong, from a closed set; it alone decides the HTTP status.'),
    message: z.string().describe('Human-readable; names the field or resource at fault.'),
    details: z
      .object({ fields: z.array(FieldIssue).optional() })
      .catchall(z.unknown())
      .optional()
      .describe('Structured context: `fields` for validation failures, other keys per code.'),
    request_id: z.string().describe('Echoes the x-request-id header, or the id the service assigned.'),
  })
  .meta({ id: 'ErrorBody' });
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Thrown inside services; the error handler turns it into an ErrorBody with the mapped status. */
export class ServiceError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorBody['details'];
  constructor(code: ErrorCode, message: string, details?: ErrorBody['details']) {
    super(message);
    this.name = 'ServiceError';
    this.code = code;
    this.details = details;
  }
  get statusCode(): number {
    return httpStatusOf(this.code);
  }
}
