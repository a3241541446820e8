import fastifySwagger, { type FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyBaseLogger,
  type RawServerDefault,
} from 'fastify';
import {
  createJsonSchemaTransform,
  createJsonSchemaTransformObject,
  serializerCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bindHistogram, type BoundHistogram } from './bound-histogram.js';
import { errorBody, handleNotFound, handleServiceError } from './errors.js';
import { healthRoutes, type ReadinessCheck } from './health.js';
import { lifecycleOf } from './lifecycle.js';
import { RouteSchemaRegistry } from './openapi-registry.js';
import type { Logger } from './logger.js';
import type { ServiceMetrics } from './metrics.js';
import { REQUEST_ID_HEADER, requestIdFor } from './request-id.js';
import { requestLoggerFactory } from './request-logger.js';
import { RouteMethods } from './route-methods.js';
import { acceptingValidatorCompiler } from './zod-accept.js';

/** A fastify instance typed by the zod type provider: route schemas are zod schemas from contracts. */
export type ServiceApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

type SecuritySchemes = NonNullable<NonNullable<NonNullable<FastifyDynamicSwaggerOptions['openapi']>['components']>['securitySchemes']>;

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
  /** `components.securitySchemes`, which route schemas name in their `security`. */
  securitySchemes?: SecuritySchemes;
}

export interface ServiceAppOptions {
  /** The service's name: tags logs and prefixes metric names. */
  service: string;
  logger: Logger;
  metrics: ServiceMetrics;
  /** What /readyz checks; empty means ready whenever the process is up. */
  readiness?: readonly ReadinessCheck[];
  openapi?: OpenApiInfo;
  /** Largest accepted request body in bytes; fastify's default is 1 MiB. */
  bodyLimit?: number;
  /** On a quiet route (QUIET_REQUEST_LOG), a request at least this slow is logged; 100 ms by default. */
  slowRequestMs?: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The methods the app's routes answer on a path, for 405 answers (see RouteMethods). */
    allowedMethods?: (path: string) => string[];
  }
  interface FastifyContextConfig {
    /** Log this route's requests only when they fail (status ≥ 400) or are slow: see QUIET_REQUEST_LOG. */
    quietRequestLog?: boolean;
  }
}

/**
 * Route options of a hot route: its requests are logged ("request completed", at info) only when
 * they fail or take at least `slowRequestMs`, instead of two lines per request. At thousands of
 * requests per second those lines would cost more CPU than the answer itself.
 */
export const QUIET_REQUEST_LOG = { config: { quietRequestLog: true } } as const;

export const DOCS_PREFIX = '/docs';
/** Probes and scrapes: not part of the service's API, so neither logged per request nor documented. */
const INFRASTRUCTURE_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
const DEFAULT_SLOW_REQUEST_MS = 100;
/** Above every path parameter a route schema allows, so that its check answers, not the router. */
const MAX_PATH_PARAMETER_LENGTH = 2048;

function isQuietRoute(request: {
  routeOptions?: { config?: { quietRequestLog?: boolean } };
}): boolean {
  return request.routeOptions?.config?.quietRequestLog === true;
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * The fastify app every service builds its routes on: zod validation and serialization, request
 * ids, the shared error handler, per-request latency metric, health, readiness, metrics and docs.
 * It never listens; `runService` does, so tests call `app.inject()` on the same app.
 *
 * Register routes as plugins (`app.register(routes)`) so that the OpenAPI document sees them.
 */
export function createServiceApp({
  service,
  logger,
  metrics,
  readiness = [],
  openapi,
  bodyLimit,
  slowRequestMs = DEFAULT_SLOW_REQUEST_MS,
}: ServiceAppOptions): ServiceApp {
  // Typed as fastify's base logger so that plugins written as FastifyPluginAsyncZod fit the app.
  const loggerInstance: FastifyBaseLogger = logger;
  const app = Fastify({
    loggerInstance,
    logController: new LogController({
      requestIdLogLabel: 'request_id',
      disableRequestLogging: (request) =>
        isQuietRoute(request as Parameters<typeof isQuietRoute>[0]) ||
        INFRASTRUCTURE_PATHS.has(pathOf(request.url)),
    }),
    childLoggerFactory: requestLoggerFactory,
    requestIdHeader: false,
    genReqId: requestIdFor,
    // Requests arriving while we drain get our own 503 body (below), not fastify's.
    return503OnClosing: false,
    // fastify answers a path parameter over 100 characters with a bare 414 before any schema is
    // read; the routes' own schemas bound their parameters and name the field instead.
    routerOptions: { maxParamLength: MAX_PATH_PARAMETER_LENGTH },
    ...(bodyLimit === undefined ? {} : { bodyLimit }),
  }).withTypeProvider<ZodTypeProvider>();

  const routeMethods = new RouteMethods({ maxParamLength: MAX_PATH_PARAMETER_LENGTH });
  app.addHook('onRoute', (route) => routeMethods.add(route.method, route.url));
  app.decorate('allowedMethods', (path: string) => routeMethods.allowed(path));

  // Well-formed requests skip zod's parse (same value); anything else gets zod's 400.
  app.setValidatorCompiler(acceptingValidatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleServiceError);
  app.setNotFoundHandler(handleNotFound);
  // JSON APIs: a text/plain body is an unsupported media type, not a string to validate.
  app.removeContentTypeParser('text/plain');

  const lifecycle = lifecycleOf(app);
  app.addHook('preClose', (done) => {
    lifecycle.notReady = true;
    lifecycle.closing = true;
    done();
  });

  app.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    if (lifecycle.closing && !INFRASTRUCTURE_PATHS.has(pathOf(request.url))) {
      void reply
        .code(503)
        .header('connection', 'close')
        .send(
          errorBody(
            {
              code: 'SERVICE_UNAVAILABLE',
              message: `${service} is shutting down`,
              internal: false,
            },
            request.id,
          ),
        );
      return;
    }
    done();
  });

  const { httpRequestDuration } = metrics;
  // Bounded like the labels: methods × route patterns × statuses.
  const durations = new Map<string, BoundHistogram>();
  app.addHook('onResponse', (request, reply, done) => {
    if (isQuietRoute(request) && (reply.statusCode >= 400 || reply.elapsedTime >= slowRequestMs)) {
      // fastify's own completion line, which the quiet route otherwise leaves out.
      reply.log.info({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
    }
    const method = request.method;
    // The pattern (/models/:name), never the raw URL: label values must stay a bounded set.
    const route = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    const key = `${method} ${status} ${route}`;
    let duration = durations.get(key);
    if (duration === undefined) {
      duration = bindHistogram(httpRequestDuration, { method, route, status_code: status });
      durations.set(key, duration);
    }
    duration.observe(reply.elapsedTime / 1000);
    done();
  });

  registerDocs(app, service, openapi);
  void app.register(healthRoutes, { readiness, isShuttingDown: () => lifecycle.notReady });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const body = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(body);
  });

  return app;
}

/**
 * OpenAPI at /docs/json, generated from the zod route schemas, and Swagger UI at /docs with its
 * assets served from @fastify/swagger-ui itself (no CDN).
 *
 * @fastify/swagger sees a route only if it is declared after the plugin has loaded, i.e. inside
 * `app.register(...)` or after an `await`. A route declared straight after createServiceApp()
 * would silently be missing from the document, so the app refuses to start instead.
 */
function registerDocs(app: ServiceApp, service: string, openapi: OpenApiInfo | undefined): void {
  let docsCollecting = false;
  const undocumented: string[] = [];
  const schemas = new RouteSchemaRegistry();
  app.addHook('onRoute', (route) => {
    const hidden = route.schema?.hide === true;
    if (!hidden) schemas.addRoute(route);
    if (!docsCollecting && !hidden && route.method !== 'HEAD')
      undocumented.push(`${String(route.method)} ${route.url}`);
  });
  app.addHook('onReady', (done) => {
    schemas.seal();
    if (undocumented.length === 0) return done();
    done(
      new Error(
        `Routes declared before the OpenAPI plugin loaded would be missing from ${DOCS_PREFIX}: ` +
          `${undocumented.join(', ')}. Declare them in a plugin: app.register(async (app) => { app.post(...) }).`,
      ),
    );
  });

  void app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: openapi?.title ?? service,
        version: openapi?.version ?? '0.0.0',
        ...(openapi?.description === undefined ? {} : { description: openapi.description }),
      },
      ...(openapi?.securitySchemes === undefined ? {} : { components: { securitySchemes: structuredClone(openapi.securitySchemes) } }),
    },
    transform: createJsonSchemaTransform({ schemaRegistry: schemas.registry }),
    transformObject: createJsonSchemaTransformObject({ schemaRegistry: schemas.registry }),
  });
  void app.register((_instance, _options, done) => {
    docsCollecting = true;
    done();
  });
  void app.register(fastifySwaggerUi, { routePrefix: DOCS_PREFIX });
}
