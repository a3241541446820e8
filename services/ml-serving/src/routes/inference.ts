import { INFERENCE_ROUTES, MONITORED_ENDPOINTS, fastifyRouteSchema, type ModelRef, type ModelTask, type PredictionSink } from '@payments-mlops/contracts';
import { QUIET_REQUEST_LOG, bindHistogram, type BoundHistogram, type FastifyPluginCallbackZod } from '@payments-mlops/service-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { churnAnswer, fraudAnswer, recoveryAnswer, retryAnswer, type Answer, type DecisionPolicy } from '../domain/answers.js';
import type { ScoreInput, Scored, Scorer } from '../domain/scorer.js';
import type { ServingModel } from '../models/serving-model.js';
import type { ServingMetrics } from '../serving-metrics.js';
import { predictionLogger } from './prediction-record.js';

export interface InferenceRouteOptions {
  scorer: Scorer;
  policy: DecisionPolicy;
  metrics: ServingMetrics;
  sink?: PredictionSink | undefined;
  clock: () => number;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The version that answered the request, for the duration metric's label; '' until one has. */
    servedVersion: string;
  }
}

/** The four tasks' endpoints, by the route URL fastify reports, for the pre-bound request counters. */
const ENDPOINTS = new Set<string>(Object.values(MONITORED_ENDPOINTS));

/**
 * The four endpoints. Responses are built from typed values that follow the contract by
 * construction (the contract tests check them), so they are written as JSON text directly rather
 * than validated again on the hot path; /docs still publishes the response schemas.
 */
export const inferenceRoutes: FastifyPluginCallbackZod<InferenceRouteOptions> = (app, { scorer, policy, metrics, sink, clock }, done) => {
  // Each answer is sent as the JSON text answerJson writes (errors, as objects, with JSON.stringify),
  // and logged only when it fails or is slow.
  const hotRoute = { serializerCompiler: () => (data: unknown) => JSON.stringify(data), ...QUIET_REQUEST_LOG };
  // A decoration rather than a WeakMap keyed by request: no ephemeron entry per request for GC.
  app.decorateRequest('servedVersion', '');
  const logPrediction = sink === undefined ? undefined : predictionLogger(sink, clock);

  // Label sets resolved once per (endpoint, status) and (endpoint, version): prom-client hashes a
  // label object on every call otherwise (and its labels() children still do).
  const requestCounters = new Map<string, { inc(): void }>();
  const durations = new Map<string, BoundHistogram>();
  app.addHook('onResponse', (request, reply, next) => {
    const endpoint = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    const version = request.servedVersion === '' ? 'none' : request.servedVersion;
    if (!ENDPOINTS.has(endpoint)) {
      metrics.requests.inc({ endpoint, status: String(status) });
      metrics.requestDuration.observe({ endpoint, model_version: version }, reply.elapsedTime / 1000);
      return next();
    }
    const countKey = `${endpoint} ${status}`;
    let counter = requestCounters.get(countKey);
    if (counter === undefined) requestCounters.set(countKey, (counter = metrics.requests.labels({ endpoint, status: String(status) })));
    counter.inc();
    const durationKey = `${endpoint} ${version}`;
    let duration = durations.get(durationKey);
    if (duration === undefined) durations.set(durationKey, (duration = bindHistogram(metrics.requestDuration, { endpoint, model_version: version })));
    duration.observe(reply.elapsedTime / 1000);
    next();
  });

  // The answers of one event-loop turn are logged (and shadow-scored) together on the next one:
  // one setImmediate per turn rather than per request.
  let afterwards: (() => void)[] = [];
  const runAfterwards = (): void => {
    const due = afterwards;
    afterwards = [];
    for (const task of due) task();
  };

  async function respond<T>(
    request: FastifyRequest,
    reply: FastifyReply,
    task: ModelTask,
    input: Omit<ScoreInput, 'task' | 'endpoint'>,
    build: (scored: Scored) => Answer<T>,
  ): Promise<void> {
    const started = performance.now();
    const endpoint = MONITORED_ENDPOINTS[task];
    const scoreInput: ScoreInput = { task, endpoint, ...input };
    const { scored, shadow } = await scorer.score(scoreInput);
    const answer = build(scored);
    request.servedVersion = scored.model.version;
    metrics.forVersion(endpoint, scored.model).scores.observe(scoreOf(task, scored));
    const latencyMs = Math.round((performance.now() - started) * 1000) / 1000;
    const json = answerJson(answer.body, request.id, scored, latencyMs);
    if (sink !== undefined || shadow !== undefined) {
      // After the answer is on its way: the shadow model and the log never delay it.
      afterwards.push(() => void afterResponse(request.id, scoreInput, scored, answer.decision, latencyMs, shadow, build));
      if (afterwards.length === 1) setImmediate(runAfterwards);
    }
    void reply.type(JSON_CONTENT_TYPE).send(json);
  }

  async function afterResponse<T>(
    requestId: string,
    input: ScoreInput,
    scored: Scored,
    decision: string,
    latencyMs: number,
    shadow: ServingModel | undefined,
    build: (scored: Scored) => Answer<T>,
  ): Promise<void> {
    logPrediction?.(requestId, input, scored, decision, latencyMs, scored.model.alias);
    if (shadow === undefined) return;
    try {
      const shadowStart = performance.now();
      const shadowScored = await scorer.scoreWith(shadow, input, scored);
      const shadowAnswer = build(shadowScored);
      metrics.shadowPredictions.inc({ endpoint: input.endpoint, outcome: 'ok' });
      metrics.scores.observe({ endpoint: input.endpoint, model_version: shadow.version, alias: 'challenger' }, scoreOf(input.task, shadowScored));
      logPrediction?.(requestId, input, shadowScored, shadowAnswer.decision, performance.now() - shadowStart, 'shadow');
    } catch (error) {
      metrics.shadowPredictions.inc({ endpoint: input.endpoint, outcome: 'failed' });
      app.log.warn({ component: 'shadow', err: error, version: shadow.version }, 'shadow prediction failed');
    }
  }

  app.post(INFERENCE_ROUTES.fraudScore.path, { schema: fastifyRouteSchema(INFERENCE_ROUTES.fraudScore), ...hotRoute }, (request, reply) => {
    const body = request.body;
    const nowMs = body.initiated_at ? Date.parse(body.initiated_at) : clock();
    return respond(request, reply, 'fraud', { splitKey: body.customer_id, fields: body, nowMs }, (scored) => fraudAnswer(body, scored, policy));
  });

  app.post(INFERENCE_ROUTES.retryStrategy.path, { schema: fastifyRouteSchema(INFERENCE_ROUTES.retryStrategy), ...hotRoute }, (request, reply) => {
    const body = request.body;
    return respond(request, reply, 'retry', { splitKey: body.customer_id, fields: body, nowMs: clock() }, (scored) => retryAnswer(body, scored, policy));
  });

  app.post(INFERENCE_ROUTES.churnPredict.path, { schema: fastifyRouteSchema(INFERENCE_ROUTES.churnPredict), ...hotRoute }, (request, reply) => {
    const body = request.body;
    const nowMs = body.as_of ? Date.parse(body.as_of) : clock();
    const fields = { ...body, subscription_id: body.subscription.subscription_id };
    return respond(request, reply, 'churn', { splitKey: body.customer_id, fields, nowMs }, (scored) => churnAnswer(body, scored, policy));
  });

  app.post(INFERENCE_ROUTES.recoveryRecommend.path, { schema: fastifyRouteSchema(INFERENCE_ROUTES.recoveryRecommend), ...hotRoute }, (request, reply) => {
    const body = request.body;
    return respond(request, reply, 'recovery', { splitKey: body.customer_id, fields: body, nowMs: clock() }, (scored) => recoveryAnswer(body, scored, policy));
  });

  done();
};

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * The response: the answer's JSON with the fields every endpoint adds (CommonFields) written in
 * before its closing brace. Writing the text directly, rather than spreading the answer into a
 * merged object for the serializer, took what survives young-generation GCs at 2,000 req/s from
 * ~380 to ~50 kB per scavenge (--trace-gc-nvp), and major GCs from 4-8 per 35 s to 8 per 160 s: those
 * merged objects were most of what was promoted (sampling heap profile of objects no scavenge
 * collected).
 */
export function answerJson(body: object, requestId: string, scored: Pick<Scored, 'degraded' | 'unknownCategories'> & { model: ModelRef }, latencyMs: number): string {
  const { model } = scored;
  const common =
    `"request_id":${JSON.stringify(requestId)},` +
    `"model":{"name":${JSON.stringify(model.name)},"version":${JSON.stringify(model.version)},"alias":${JSON.stringify(model.alias)}},` +
    `"degraded":${scored.degraded},"unknown_categories":${JSON.stringify(scored.unknownCategories.slice(0, 16))},"latency_ms":${latencyMs}}`;
  const json = JSON.stringify(body);
  return json === '{}' ? `{${common}` : `${json.slice(0, -1)},${common}`;
}

/** The score the histogram tracks: the positive class of binary tasks, the chosen class otherwise. */
function scoreOf(task: ModelTask, scored: Scored): number {
  const p = scored.probabilities;
  if (task === 'fraud' || task === 'churn') return p[1]!;
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i]! > p[best]!) best = i;
  return p[best]!;
}
