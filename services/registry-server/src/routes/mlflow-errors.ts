import { MISSING_VALUE, MlflowError, type MlflowErrorBody, type MlflowErrorCode } from '@payments-mlops/contracts';
import { allowedMethodsOf, clearHeadersForError } from '@payments-mlops/service-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '../stores/postgres/db.js';

/*
 * MLflow's error answers on the registry's MLflow-compatible prefixes: `{error_code, message}` with
 * MLflow's status table, instead of the platform's ErrorBody, because MLflow's clients parse them
 * (`RestException`) and their users catch the error codes.
 */

const DOCS_HINT = 'See the API docs for more information about request parameters.';

interface ValidationIssue {
  instancePath: string;
  message: string;
}

/** `/metrics/0/value` → `metrics[0].value`, the way MLflow names a nested field. */
function fieldName(instancePath: string): string {
  return instancePath
    .split('/')
    .filter(Boolean)
    .reduce((name, part) => (/^\d+$/.test(part) ? `${name}[${part}]` : name === '' ? part : `${name}.${part}`), '');
}

function validationMessage(issues: readonly ValidationIssue[], request: FastifyRequest): string {
  const messages = issues.map((issue) => {
    const field = fieldName(issue.instancePath);
    if (issue.message === MISSING_VALUE) return `Missing value for required parameter '${field}'.`;
    const value = valueAt(request, issue.instancePath);
    const shown = value === undefined ? '' : ` ${JSON.stringify(value)?.slice(0, 200)}`;
    return field === '' ? `Invalid request: ${issue.message}.` : `Invalid value${shown} for parameter '${field}' supplied: ${issue.message}.`;
  });
  return `${messages.join(' ')} ${DOCS_HINT}`;
}

function valueAt(request: FastifyRequest, instancePath: string): unknown {
  let value: unknown = request.method === 'GET' ? request.query : request.body;
  for (const part of instancePath.split('/').filter(Boolean)) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

interface Mapped {
  status: number;
  body: MlflowErrorBody;
  /** Our fault: logged with its stack and answered generically. */
  internal: boolean;
}

function clientError(code: MlflowErrorCode, message: string): Mapped {
  const error = new MlflowError(code, message);
  return { status: error.statusCode, body: error.toBody(), internal: false };
}

export function mapMlflowError(error: unknown, request: FastifyRequest): Mapped {
  if (error instanceof MlflowError) {
    return { status: error.statusCode, body: error.toBody(), internal: error.statusCode >= 500 && error.errorCode !== 'TEMPORARILY_UNAVAILABLE' };
  }
  if (isDatabaseUnavailable(error)) return clientError('TEMPORARILY_UNAVAILABLE', 'The registry database is unavailable; retry later.');
  const fastifyError = error as { code?: string; statusCode?: number; validation?: ValidationIssue[]; message?: string };
  if (Array.isArray(fastifyError.validation) && fastifyError.validation.length > 0) {
    return clientError('INVALID_PARAMETER_VALUE', validationMessage(fastifyError.validation, request));
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return clientError('INVALID_PARAMETER_VALUE', "Bad Request. Content-Type must be one of ['application/json'].");
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return clientError('INVALID_PARAMETER_VALUE', `Request body is larger than the limit of ${request.routeOptions.bodyLimit} bytes.`);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return clientError('BAD_REQUEST', 'Request body is not valid JSON.');
    case undefined:
    default:
      break;
  }
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) return clientError('BAD_REQUEST', 'Request body is not valid JSON.');
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return clientError('BAD_REQUEST', fastifyError.message ?? 'Bad request');
  }
  return { status: 500, body: { error_code: 'INTERNAL_ERROR', message: `Internal error; quote request id ${request.id} when reporting it.` }, internal: true };
}

export function handleMlflowError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  // The not-found route's own failures (a body it cannot parse, say) still answer 404 or 405.
  if (request.is404) return handleMlflowNotFound(request, reply);
  const { status, body, internal } = mapMlflowError(error, request);
  if (internal) request.log.error({ err: error, route: request.routeOptions.url }, 'unhandled error');
  else if (status >= 500) request.log.warn({ error_code: body.error_code, reason: body.message }, 'request failed');
  else request.log.info({ error_code: body.error_code, reason: body.message }, 'request rejected');
  clearHeadersForError(reply);
  void reply.code(status).type('application/json').send(body);
}

export function handleMlflowNotFound(request: FastifyRequest, reply: FastifyReply): void {
  const fullPath = request.url.split('?', 1)[0] ?? '';
  const path = fullPath.slice(0, 200);
  const allowed = allowedMethodsOf(request, fullPath);
  if (allowed.length > 0) {
    // MLflow's server (Flask) answers 405 here too; its error codes have none for it.
    void reply
      .code(405)
      .header('allow', allowed.join(', '))
      .send({ error_code: 'BAD_REQUEST', message: `${request.method} is not allowed on ${path}; it answers ${allowed.join(', ')}` } satisfies MlflowErrorBody);
    return;
  }
  void reply.code(404).send({ error_code: 'ENDPOINT_NOT_FOUND', message: `No API endpoint ${request.method} ${path}` } satisfies MlflowErrorBody);
}
