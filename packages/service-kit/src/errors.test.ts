import { ErrorBody, ServiceError } from '@payments-mlops/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildTestApp, type TestApp } from './test-app.js';

const PaymentRequest = z.object({
  payment_id: z.string().min(1),
  amount_cents: z.number().int().nonnegative(),
  customer: z.object({ id: z.string(), country: z.string().length(2) }),
  items: z.array(z.object({ sku: z.string(), amount_cents: z.number().int() })).optional(),
});

let current: TestApp | undefined;
afterEach(async () => {
  await current?.app.close();
  current = undefined;
});

function appWithRoutes(options: { bodyLimit?: number } = {}): TestApp {
  current = buildTestApp((app) => {
    app.post(
      '/payments',
      { schema: { body: PaymentRequest, response: { 200: z.object({ accepted: z.boolean() }) } } },
      () => ({
        accepted: true,
      }),
    );
    app.get(
      '/models/:name',
      {
        schema: {
          params: z.object({ name: z.string().regex(/^[a-z-]+$/) }),
          querystring: z.object({ limit: z.coerce.number().int().max(100).optional() }),
        },
      },
      (request) => {
        throw new ServiceError('NOT_FOUND', `Model ${request.params.name} not found`, {
          model: request.params.name,
        });
      },
    );
    app.put(
      '/settings',
      {
        schema: {
          body: z.strictObject({
            threshold: z.number(),
            nested: z.strictObject({ a: z.number() }),
          }),
        },
      },
      () => ({}),
    );
    app.get('/conflict', () => {
      throw new ServiceError('MODEL_NOT_READY', 'fraud model is still loading');
    });
    app.get('/boom', () => {
      throw new Error('connection string postgres://user:secret@db/payments refused');
    });
    app.get('/bad-header', (_request, reply) =>
      reply.type('application/octet-stream').header('content-length', 5).header('content-disposition', 'attachment; filename="𝕋.txt"').send(Buffer.from('hello')),
    );
    app.get(
      '/bad-response',
      { schema: { response: { 200: z.object({ score: z.number() }) } } },
      () => ({ score: 'high' }) as unknown as { score: number },
    );
  }, options);
  return current;
}

/** Every error answer must be a valid ErrorBody, whatever went wrong. */
function bodyOf(response: { json: () => unknown }): ErrorBody {
  return ErrorBody.parse(response.json());
}

describe('the error handler', () => {
  it('answers in full when an answer failed half-way through its headers, none of them carried over', async () => {
    const { app } = appWithRoutes();
    const response = await app.inject({ method: 'GET', url: '/bad-header' });
    expect(response.statusCode).toBe(500);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['content-disposition']).toBeUndefined();
    expect(bodyOf(response)).toMatchObject({ code: 'INTERNAL' });
  });

  it('answers a ServiceError with its mapped status, code, message and details', async () => {
    const { app } = appWithRoutes();
    const response = await app.inject({ method: 'GET', url: '/models/fraud' });
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response)).toEqual({
      code: 'NOT_FOUND',
      message: 'Model fraud not found',
      details: { model: 'fraud' },
      request_id: response.headers['x-request-id'],
    });
    const notReady = await app.inject({ method: 'GET', url: '/conflict' });
    expect(notReady.statusCode).toBe(503);
    expect(bodyOf(notReady).code).toBe('MODEL_NOT_READY');
  });

  it('returns 400 naming every failing body field as a dotted path', async () => {
    const { app } = appWithRoutes();
    const response = await app.inject({
      method: 'POST',
      url: '/payments',
      payload: {
        payment_id: '',
        amount_cents: -5,
        customer: { id: 'c_1', country: 'USA' },
        items: [{ sku: 'a', amount_cents: 1.5 }],
      },
    });
    expect(response.statusCode).toBe(400);
    const body = bodyOf(response);
    expect(body.code).toBe('INVALID_ARGUMENT');
    expect(body.details?.fields?.map((f) => f.field)).toEqual([
      'payment_id',
      'amount_cents',
      'customer.country',
      'items.0.amount_cents',
    ]);
    expect(body.message).toBe(
      'Invalid request body: payment_id, amount_cents, customer.country, items.0.amount_cents',
    );
    for (const field of body.details?.fields ?? []) expect(field.message).not.toBe('');
  });

  it('names a missing required field', async () => {
    const { app } = appWithRoutes();
    const response = await app.inject({
      method: 'POST',
      url: '/payments',
      payload: { payment_id: 'p_1', customer: { id: 'c_1', country: 'US' } },
    });
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).details?.fields).toEqual([
      { field: 'amount_cents', message: expect.stringMatching(/expected number/) },
    ]);
  });

  it('names query string and path parameter failures', async () => {
    const { app } = appWithRoutes();
    const query = await app.inject({ method: 'GET', url: '/models/fraud?limit=1000' });
    expect(query.statusCode).toBe(400);
    expect(bodyOf(query).message).toBe('Invalid query string: limit');
    const params = await app.inject({ method: 'GET', url: '/models/Fraud_1' });
    expect(params.statusCode).toBe(400);
    expect(bodyOf(params).details?.fields?.[0]?.field).toBe('name');
  });

  it('names each unknown field of a strict object', async () => {
    const { app } = appWithRoutes();
    const response = await app.inject({
      method: 'PUT',
      url: '/settings',
      payload: { threshold: 0.5, nested: { a: 1, b: 2 }, colour: 'red' },
    });
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).details?.fields).toEqual([
      { field: 'nested.b', message: 'is not a known field' },
      { field: 'colour', message: 'is not a known field' },
    ]);
  });

  it('answers a missing body with 400, not 500', async () => {
    const { app } = appWithRoutes();
    const response = await app.inject({ method: 'POST', url: '/payments' });
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).code).toBe('INVALID_ARGUMENT');
    expect(bodyOf(response).details?.fields).toEqual([
      { field: '', message: expect.stringMatching(/expected object/) },
    ]);
  });

  it('answers malformed JSON with 400 INVALID_ARGUMENT', async () => {
    const { app } = appWithRoutes();
    const response = await app.inject({
      method: 'POST',
      url: '/payments',
      headers: { 'content-type': 'application/json' },
      payload: '{"payment_id": ',
    });
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: 'Request body is not valid JSON',
    });
  });

  it('answers an empty JSON body with 400 INVALID_ARGUMENT', async () => {
    const { app } = appWithRoutes();
    const response = await app.inject({
      method: 'POST',
      url: '/payments',
      headers: { 'content-type': 'application/json' },
      payload: '',
    });
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).code).toBe('INVALID_ARGUMENT');
  });

  it('answers a body over the limit with 413 PAYLOAD_TOO_LARGE', async () => {
    const { app } = appWithRoutes({ bodyLimit: 1024 });
    const response = await app.inject({
      method: 'POST',
      url: '/payments',
      payload: { payment_id: 'x'.repeat(2048), amount_cents: 1 },
    });
    expect(response.statusCode).toBe(413);
    expect(bodyOf(response)).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: 'Request body is larger than the limit of 1024 bytes',
    });
  });

  it.each(['text/plain', 'application/xml'])(
    'answers an unsupported content type (%s) with 400 INVALID_ARGUMENT',
    async (contentType) => {
      const { app } = appWithRoutes();
      const response = await app.inject({
        method: 'POST',
        url: '/payments',
        headers: { 'content-type': contentType },
        payload: 'payment',
      });
      expect(response.statusCode).toBe(400);
      expect(bodyOf(response)).toMatchObject({
        code: 'INVALID_ARGUMENT',
        details: { content_type: contentType },
      });
      expect(bodyOf(response).message).toMatch(/Unsupported Content-Type/);
    },
  );

  it('answers an unknown error with a generic 500 and logs it with the request id and stack', async () => {
    const { app, logs } = appWithRoutes();
    const response = await app.inject({
      method: 'GET',
      url: '/boom',
      headers: { 'x-request-id': 'req-boom-1' },
    });
    expect(response.statusCode).toBe(500);
    expect(bodyOf(response)).toEqual({
      code: 'INTERNAL',
      message: 'Internal error; quote the request_id when reporting it.',
      request_id: 'req-boom-1',
    });
    expect(response.body).not.toMatch(/secret|postgres/);
    const logged = logs.find((line) => line.msg === 'unhandled error');
    expect(logged).toMatchObject({ level: 'error', request_id: 'req-boom-1' });
    expect((logged?.err as { stack?: string }).stack).toMatch(/refused\n\s+at /);
  });

  it('answers a response that breaks its own schema with a generic 500, without the schema issues', async () => {
    const { app, logs } = appWithRoutes();
    const response = await app.inject({ method: 'GET', url: '/bad-response' });
    expect(response.statusCode).toBe(500);
    expect(bodyOf(response).code).toBe('INTERNAL');
    expect(response.body).not.toMatch(/score|expected number/);
    expect(logs.find((line) => line.msg === 'response did not match its schema')).toMatchObject({
      route: '/bad-response',
    });
  });

  it('answers an unknown route with 404 NOT_FOUND in the same body shape', async () => {
    const { app } = appWithRoutes();
    const response = await app.inject({ method: 'DELETE', url: '/nowhere?x=1' });
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response)).toEqual({
      code: 'NOT_FOUND',
      message: 'No route DELETE /nowhere',
      request_id: response.headers['x-request-id'],
    });
  });
});

describe('request ids', () => {
  it('echoes a sane incoming x-request-id', async () => {
    const { app } = appWithRoutes();
    const response = await app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'trace-42.a:b' },
    });
    expect(response.headers['x-request-id']).toBe('trace-42.a:b');
  });

  it.each(['has spaces', 'x'.repeat(200), 'line\\nbreak', '<script>'])(
    'replaces an unsafe incoming id (%s) with a UUID',
    async (incoming) => {
      const { app } = appWithRoutes();
      const response = await app.inject({
        method: 'GET',
        url: '/nowhere',
        headers: { 'x-request-id': incoming },
      });
      const id = response.headers['x-request-id'];
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(bodyOf(response).request_id).toBe(id);
    },
  );
});
