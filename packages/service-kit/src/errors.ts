import {
  ErrorCode,
  ServiceError,
  httpStatusOf,
  type ErrorBody,
  type FieldIssue,
} from '@payments-mlops/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isResponseSerializationError } from 'fastify-type-provider-zod';
import { REQUEST_ID_HEADER } from './request-id.js';

/** What a failed request is answered with, before the request id is attached. */
export interface MappedError {
  code: ErrorCode;
  message: string;
  details?: ErrorBody['details'];
  /** True when the cause is ours, not the client's: logged with its stack, answered generically. */
  internal: boolean;
}

const GENERIC_INTERNAL_MESSAGE = 'Internal error; quote the request_id when reporting it.';

/**
 * The one error handler of every service. ServiceErrors keep their code, message and details;
 * validation failures name every failing field; fastify's client errors keep a safe message;
 * anything else is an internal error whose details stay in the log.
 */
export function handleServiceError(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  // The not-found route's own failures (a body it cannot parse, say): the answer is still that
  // there is no such route, or not with that method.
  if (request.is404) return handleNotFound(request, reply);
  const mapped = mapError(error, request);
  if (mapped.internal) {
    const issues = isResponseSerializationError(error) ? error.cause.issues : undefined;
    request.log.error(
      { err: error, route: request.routeOptions.url, ...(issues ? { issues } : {}) },
      issues ? 'response did not match its schema' : 'unhandled error',
    );
  } else if (httpStatusOf(mapped.code) >= 500) {
    request.log.warn({ code: mapped.code, reason: mapped.message }, 'request failed');
  } else {
    request.log.info({ code: mapped.code, reason: mapped.message }, 'request rejected');
  }
  clearHeadersForError(reply);
  void reply.code(httpStatusOf(mapped.code)).send(errorBody(mapped, request.id));
}

/**
 * An error answer carries the request id and nothing else the failed answer had set: not its
 * content-length (the error would go out cut to it), encoding or disposition. An answer that
 * failed while Node wrote its headers (a value it refuses, say) has also left some of them on the
 * raw response.
 */
export function clearHeadersForError(reply: FastifyReply): void {
  if (reply.raw.headersSent) return;
  for (const name of reply.raw.getHeaderNames()) reply.raw.removeHeader(name);
  for (const name of Object.keys(reply.getHeaders())) if (name !== REQUEST_ID_HEADER) reply.removeHeader(name);
}

/**
 * Unknown routes answer in the same body shape as every other error: 405 with an `Allow` header
 * when the path exists under other methods, 404 otherwise.
 */
export function handleNotFound(request: FastifyRequest, reply: FastifyReply): void {
  const path = request.url.split('?', 1)[0] ?? '';
  const shown = path.length > 200 ? `${path.slice(0, 200)}…` : path;
  const allowed = allowedMethodsOf(request, path);
  if (allowed.length > 0) {
    void reply
      .code(httpStatusOf('METHOD_NOT_ALLOWED'))
      .header('allow', allowed.join(', '))
      .send(
        errorBody(
          {
            code: 'METHOD_NOT_ALLOWED',
            message: `${request.method} is not allowed on ${shown}; it answers ${allowed.join(', ')}`,
            internal: false,
          },
          request.id,
        ),
      );
    return;
  }
  void reply
    .code(404)
    .send(
      errorBody(
        { code: 'NOT_FOUND', message: `No route ${request.method} ${shown}`, internal: false },
        request.id,
      ),
    );
}

/** The methods a service app's routes answer on `path` (see RouteMethods); none on other apps. */
export function allowedMethodsOf(request: FastifyRequest, path: string): string[] {
  return request.server.allowedMethods?.(path) ?? [];
}

export function errorBody({ code, message, details }: MappedError, requestId: string): ErrorBody {
  return details === undefined
    ? { code, message, request_id: requestId }
    : { code, message, details, request_id: requestId };
}

export function mapError(error: unknown, request: FastifyRequest): MappedError {
  if (isServiceError(error)) {
    return {
      code: error.code,
      message: error.message,
      details: error.details,
      internal: error.code === 'INTERNAL',
    };
  }
  if (!isErrorLike(error)) return internalError();

  const validation = validationFailure(error);
  if (validation) return validation;
  if (isResponseSerializationError(error)) return internalError();

  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return clientError(
        'PAYLOAD_TOO_LARGE',
        `Request body is larger than the limit of ${request.routeOptions.bodyLimit} bytes`,
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': {
      const contentType = request.headers['content-type'] ?? '';
      return clientError(
        'INVALID_ARGUMENT',
        `Unsupported Content-Type '${contentType.slice(0, 100)}'; send application/json`,
        {
          content_type: contentType.slice(0, 100),
        },
      );
    }
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return clientError('INVALID_ARGUMENT', 'Request body is not valid JSON');
    case 'FST_ERR_HANDLER_TIMEOUT':
      return clientError('DEADLINE_EXCEEDED', 'The request took longer than its deadline');
    default:
      break;
  }
  const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
  // JSON.parse errors surface as a SyntaxError with statusCode 400 and a parser message.
  if (status === 400 && error instanceof SyntaxError) {
    return clientError('INVALID_ARGUMENT', 'Request body is not valid JSON');
  }
  // Other client errors raised by fastify or its plugins carry messages written for clients.
  if (status >= 400 && status < 500) return clientError(codeForClientStatus(status), error.message);
  return internalError();
}

function internalError(): MappedError {
  return { code: 'INTERNAL', message: GENERIC_INTERNAL_MESSAGE, internal: true };
}

function clientError(
  code: ErrorCode,
  message: string,
  details?: ErrorBody['details'],
): MappedError {
  return details === undefined
    ? { code, message, internal: false }
    : { code, message, details, internal: false };
}

function codeForClientStatus(status: number): ErrorCode {
  switch (status) {
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'CONFLICT';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 429:
      return 'RATE_LIMITED';
    default:
      // 400, 405, 415, 422 and the rest: the request as sent cannot be processed.
      return 'INVALID_ARGUMENT';
  }
}

interface ErrorLike {
  message: string;
  code?: unknown;
  statusCode?: unknown;
  validation?: unknown;
  validationContext?: unknown;
}

function isErrorLike(error: unknown): error is ErrorLike {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

/** instanceof alone misses a ServiceError from a second copy of contracts (source vs dist). */
function isServiceError(error: unknown): error is ServiceError {
  if (error instanceof ServiceError) return true;
  return (
    error instanceof Error &&
    error.name === 'ServiceError' &&
    ErrorCode.safeParse((error as { code?: unknown }).code).success
  );
}

interface ValidationEntry {
  instancePath?: unknown;
  message?: unknown;
  keyword?: unknown;
  params?: unknown;
}

/**
 * Request validation (fastify-type-provider-zod, or ajv for plain JSON schemas): every failing
 * field as a dotted path (`customer.id`, `items.0.amount_cents`); '' stands for the whole part.
 */
function validationFailure(error: ErrorLike): MappedError | undefined {
  if (!Array.isArray(error.validation) || error.validation.length === 0) return undefined;
  const fields: FieldIssue[] = [];
  for (const entry of error.validation as ValidationEntry[]) fields.push(...fieldIssues(entry));
  const part = describePart(error.validationContext);
  // A failure of the part as a whole (a missing body, an array for an object) has no field to name.
  const named = [...new Set(fields.map((f) => f.field || f.message))];
  return clientError('INVALID_ARGUMENT', `Invalid ${part}: ${named.join(', ')}`, { fields });
}

function fieldIssues(entry: ValidationEntry): FieldIssue[] {
  const path =
    typeof entry.instancePath === 'string' ? entry.instancePath.split('/').filter(Boolean) : [];
  const message = typeof entry.message === 'string' ? entry.message : 'is invalid';
  const params = (
    typeof entry.params === 'object' && entry.params !== null ? entry.params : {}
  ) as Record<string, unknown>;
  // Unknown keys in a strict object come as one issue on the parent; name each key instead.
  if (entry.keyword === 'unrecognized_keys' && Array.isArray(params.keys)) {
    return params.keys.map((key) => ({
      field: [...path, String(key)].join('.'),
      message: 'is not a known field',
    }));
  }
  // ajv reports a missing property on its parent object.
  if (entry.keyword === 'required' && typeof params.missingProperty === 'string') {
    return [{ field: [...path, params.missingProperty].join('.'), message: 'is required' }];
  }
  return [{ field: path.join('.'), message }];
}

function describePart(context: unknown): string {
  switch (context) {
    case 'querystring':
      return 'query string';
    case 'params':
      return 'path parameters';
    case 'headers':
      return 'headers';
    default:
      return 'request body';
  }
}
