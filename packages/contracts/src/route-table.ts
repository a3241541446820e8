import type { z } from 'zod';
import type { HTTP_STATUS_BY_ERROR_CODE } from './errors.js';
import { ErrorBody, httpStatusOf, type ErrorCode } from './errors.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ResponseDefinition<S extends z.ZodType = z.ZodType> {
  description: string;
  schema: S;
  /** The media type of the body; application/json unless said. */
  mediaType?: string;
}

/**
 * One HTTP route as data: services register it with Fastify (`fastifyRouteSchema`), clients take
 * their types from it (`RequestBody`, `ResponseBody`) and `buildOpenApiDocument` publishes it.
 * `path` uses Fastify's `:param` syntax.
 */
export interface RouteDefinition {
  method: HttpMethod;
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags?: readonly string[];
  params?: z.ZodObject;
  querystring?: z.ZodObject;
  headers?: z.ZodObject;
  body?: z.ZodType;
  /** A request that the body schema accepts, published in the OpenAPI document. */
  bodyExample?: unknown;
  responses: Readonly<Record<number, ResponseDefinition>>;
  /** OpenAPI security requirements, naming schemes of the document's `securitySchemes`. */
  security?: readonly Readonly<Record<string, readonly string[]>>[];
  /** Keyed by status; published beside the response schema. */
  responseExamples?: Readonly<Record<number, unknown>>;
}

/** Keeps the literal schema types of a route, so clients and handlers stay typed from it. */
export function defineRoute<const R extends RouteDefinition>(route: R): R {
  return route;
}

/** What a client sends: the body schema's input type. */
export type RequestBody<R extends RouteDefinition> = R['body'] extends z.ZodType
  ? z.input<R['body']>
  : never;

/** What a client receives with the given status: the response schema's output type. */
export type ResponseBody<R extends RouteDefinition, S extends keyof R['responses'] = 200> =
  R['responses'][S] extends ResponseDefinition<infer Schema> ? z.output<Schema> : never;

/**
 * The error responses of a route, keyed by HTTP status, from the codes it can answer with and
 * what each means there. Codes sharing a status (MODEL_NOT_READY and SERVICE_UNAVAILABLE are
 * both 503) share one entry whose description lists them all.
 */
export function errorResponses<const M extends Partial<Record<ErrorCode, string>>>(
  meanings: M,
): ErrorResponses<M> {
  const byStatus = new Map<number, string[]>();
  for (const [code, meaning] of Object.entries(meanings) as [ErrorCode, string][]) {
    const status = httpStatusOf(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), `\`${code}\`: ${meaning}`]);
  }
  const responses: Record<number, ResponseDefinition<typeof ErrorBody>> = {};
  for (const [status, lines] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[status] = { description: lines.join('\n\n'), schema: ErrorBody };
  }
  return responses;
}

type ErrorResponses<M> = {
  [S in (typeof HTTP_STATUS_BY_ERROR_CODE)[keyof M & ErrorCode]]: ResponseDefinition<
    typeof ErrorBody
  >;
};

type ResponseSchemas<R extends RouteDefinition> = {
  [S in keyof R['responses']]: R['responses'][S] extends ResponseDefinition<infer Schema>
    ? Schema
    : never;
};

/** Fastify's `schema` route option for a route, as fastify-type-provider-zod reads it. */
export type FastifyRouteSchema<R extends RouteDefinition> = {
  operationId: string;
  summary: string;
  description?: string;
  tags?: readonly string[];
  params: R['params'];
  querystring: R['querystring'];
  headers: R['headers'];
  body: R['body'];
  response: ResponseSchemas<R>;
};

const OPTIONAL_SCHEMA_PARTS = [
  'description',
  'tags',
  'params',
  'querystring',
  'headers',
  'body',
] as const satisfies readonly (keyof RouteDefinition)[];

/** Fastify's `schema` route option for a route (fastify-type-provider-zod reads the zod schemas). */
export function fastifyRouteSchema<const R extends RouteDefinition>(
  route: R,
): FastifyRouteSchema<R> {
  const response: Record<number, z.ZodType> = {};
  for (const [status, definition] of Object.entries(route.responses)) {
    response[Number(status)] = definition.schema;
  }
  const schema: Record<string, unknown> = {
    operationId: route.operationId,
    summary: route.summary,
    response,
  };
  // Fastify warns about a part that is present but undefined, so absent parts are left out.
  for (const part of OPTIONAL_SCHEMA_PARTS) {
    if (route[part] !== undefined) schema[part] = route[part];
  }
  return schema as FastifyRouteSchema<R>;
}
