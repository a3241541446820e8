import { describe, expect, expectTypeOf, it } from 'vitest';
import { ErrorBody } from './errors.js';
import {
  FraudScoreRequest,
  type FraudScoreResponse,
  type RetryStrategyRequest,
} from './inference.js';
import { INFERENCE_ROUTES, RequestIdHeaders } from './inference-routes.js';
import {
  errorResponses,
  fastifyRouteSchema,
  type RequestBody,
  type ResponseBody,
} from './route-table.js';

const routes = Object.values(INFERENCE_ROUTES);

describe('INFERENCE_ROUTES', () => {
  it('lists the four endpoints the payment workflows call, all POST', () => {
    expect(routes.map((route) => `${route.method} ${route.path}`)).toEqual([
      'POST /fraud/score',
      'POST /retry/strategy',
      'POST /churn/predict',
      'POST /recovery/recommend',
    ]);
  });

  it.each(routes.map((route) => [route.path, route] as const))(
    '%s publishes examples that its own schemas accept',
    (_path, route) => {
      expect(route.body.safeParse(route.bodyExample).error).toBeUndefined();
      expect(
        route.responses[200].schema.safeParse(route.responseExamples[200]).error,
      ).toBeUndefined();
    },
  );

  it.each(routes.map((route) => [route.path, route] as const))(
    '%s answers every failure with the shared ErrorBody',
    (_path, route) => {
      expect(Object.keys(route.responses)).toEqual(['200', '400', '413', '500', '503']);
      for (const [status, response] of Object.entries(route.responses)) {
        if (status !== '200') expect(response.schema).toBe(ErrorBody);
      }
    },
  );

  it('gives every route its own operationId', () => {
    const ids = routes.map((route) => route.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('types clients from the route: inputs of the body, outputs of the responses', () => {
    expectTypeOf<
      RequestBody<typeof INFERENCE_ROUTES.retryStrategy>
    >().toEqualTypeOf<RetryStrategyRequest>();
    expectTypeOf<
      ResponseBody<typeof INFERENCE_ROUTES.fraudScore>
    >().toEqualTypeOf<FraudScoreResponse>();
    expectTypeOf<
      ResponseBody<typeof INFERENCE_ROUTES.fraudScore, 503>
    >().toEqualTypeOf<ErrorBody>();
  });
});

describe('RequestIdHeaders', () => {
  it('lets the other headers through, since Fastify validates the whole header set', () => {
    const headers = { 'x-request-id': 'req_1', 'content-type': 'application/json' };
    expect(RequestIdHeaders.parse(headers)).toEqual(headers);
  });

  it('rejects an x-request-id longer than 128 characters', () => {
    expect(RequestIdHeaders.safeParse({ 'x-request-id': 'r'.repeat(129) }).success).toBe(false);
  });
});

describe('errorResponses', () => {
  it('groups codes sharing a status into one response that names each of them', () => {
    const responses = errorResponses({
      MODEL_NOT_READY: 'the model is loading.',
      INVALID_ARGUMENT: 'the body is malformed.',
      SERVICE_UNAVAILABLE: 'the service is draining.',
    });
    expect(Object.keys(responses)).toEqual(['400', '503']);
    expect(responses[503].description).toBe(
      '`MODEL_NOT_READY`: the model is loading.\n\n`SERVICE_UNAVAILABLE`: the service is draining.',
    );
    expect(responses[400].schema).toBe(ErrorBody);
  });
});

describe('fastifyRouteSchema', () => {
  it('hands Fastify the zod schemas of the body, headers and every status', () => {
    const route = INFERENCE_ROUTES.fraudScore;
    const schema = fastifyRouteSchema(route);
    expect(schema.body).toBe(route.body);
    expect(schema.headers).toBe(RequestIdHeaders);
    expect(schema.response[200]).toBe(route.responses[200].schema);
    expect(schema.response[503]).toBe(ErrorBody);
    expect(schema).toMatchObject({ operationId: 'scoreFraud', tags: ['fraud'] });
    expectTypeOf(schema.body).toEqualTypeOf(FraudScoreRequest);
  });

  it('leaves out the parts a route does not have, which Fastify would warn about', () => {
    expect(Object.keys(fastifyRouteSchema(INFERENCE_ROUTES.churnPredict)).sort()).toEqual([
      'body',
      'description',
      'headers',
      'operationId',
      'response',
      'summary',
      'tags',
    ]);
  });
});
