import { describe, expect, it } from 'vitest';
import {
  ERROR_CODES,
  ErrorBody,
  HTTP_STATUS_BY_ERROR_CODE,
  ServiceError,
  httpStatusOf,
  type ErrorCode,
} from './errors.js';
import { failingFields } from './failing-fields.js';

describe('HTTP_STATUS_BY_ERROR_CODE', () => {
  const expected: Record<ErrorCode, number> = {
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
  };

  it.each(ERROR_CODES.map((code) => [code, expected[code]] as const))(
    'answers %s with HTTP %i',
    (code, status) => {
      expect(httpStatusOf(code)).toBe(status);
      expect(new ServiceError(code, 'x').statusCode).toBe(status);
    },
  );

  it('maps exactly the closed set of codes, each to an error status', () => {
    expect(Object.keys(HTTP_STATUS_BY_ERROR_CODE).sort()).toEqual([...ERROR_CODES].sort());
    for (const status of Object.values(HTTP_STATUS_BY_ERROR_CODE)) {
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(600);
    }
  });
});

describe('ErrorBody', () => {
  const validation = {
    code: 'INVALID_ARGUMENT',
    message: 'amount_cents: must be greater than zero',
    details: { fields: [{ field: 'amount_cents', message: 'must be greater than zero' }] },
    request_id: 'req_01hq3z6d8m',
  };

  it('accepts a validation error naming its fields', () => {
    expect(ErrorBody.parse(validation)).toEqual(validation);
  });

  it('accepts a body without details, and details with keys of their own', () => {
    const { details: _details, ...bare } = validation;
    expect(failingFields(ErrorBody, bare)).toEqual([]);
    const withContext = { ...bare, code: 'MODEL_NOT_READY', details: { model: 'fraud-detector' } };
    expect(ErrorBody.parse(withContext).details).toEqual({ model: 'fraud-detector' });
  });

  it.each([
    ['rejects a code outside the closed set', { code: 'TEAPOT' }, 'code'],
    ['rejects a lowercase code', { code: 'invalid_argument' }, 'code'],
    ['rejects a missing request_id', { request_id: undefined }, 'request_id'],
    ['rejects a message that is not a string', { message: 42 }, 'message'],
    [
      'rejects fields that are not a list',
      { details: { fields: 'amount_cents' } },
      'details.fields',
    ],
    [
      'rejects a field issue without its path',
      { details: { fields: [{ message: 'must be greater than zero' }] } },
      'details.fields.0.field',
    ],
  ])('%s, naming the field', (_case, change, field) => {
    expect(failingFields(ErrorBody, { ...validation, ...change })).toEqual([field]);
  });
});

describe('ServiceError', () => {
  it('carries its code, message and details for the error handler', () => {
    const error = new ServiceError('NOT_FOUND', 'model fraud-detector has no champion', {
      model: 'fraud-detector',
    });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'ServiceError',
      code: 'NOT_FOUND',
      message: 'model fraud-detector has no champion',
      details: { model: 'fraud-detector' },
      statusCode: 404,
    });
  });
});
