import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '@payments-mlops/service-kit';
import { AggregatorRegistry, Registry } from 'prom-client';

/*
 * SERVING_WORKERS > 1: the primary process only supervises; each worker is a whole ml-serving
 * (its own models, registry polling, Redis and Kafka clients) listening on the shared port, so
 * every core answers requests. /metrics on any worker answers for the whole cluster: the worker
 * asks the primary, which collects every worker's registry (prom-client's AggregatorRegistry:
 * counters and histograms summed, gauges as each declares).
 */

const SHUTDOWN = 'ml-serving:shutdown';
const METRICS_REQUEST = 'ml-serving:metrics-request';
const METRICS_REPLY = 'ml-serving:metrics-reply';
const METRICS_TIMEOUT_MS = 5_000;
/** A worker that dies this many times within the window is not restarted again: the primary exits 1. */
const RESTART_LIMIT = 5;
const RESTART_WINDOW_MS = 60_000;

type ClusterMessage =
  | { type: typeof SHUTDOWN; reason: string }
  | { type: typeof METRICS_REQUEST; id: number }
  | { type: typeof METRICS_REPLY; id: number; body?: string; error?: string };

function isClusterMessage(message: unknown): message is ClusterMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    typeof (message as { type?: unknown }).type === 'string' &&
    (message as { type: string }).type.startsWith('ml-serving:')
  );
}

export interface SuperviseOptions {
  workers: number;
  logger: Logger;
  /** The workers' own drain budget; the primary kills what is left a little after it. */
  shutdownTimeoutMs: number;
  signals?: readonly NodeJS.Signals[];
}

/**
 * The primary: forks the workers, restarts one that dies unexpectedly, answers the workers'
 * metrics requests, and on SIGTERM or SIGINT asks every worker to drain (each runs the same
 * graceful shutdown as a single process) and exits once they all have: 0 if they all exited 0.
 */
export function superviseWorkers({
  workers,
  logger,
  shutdownTimeoutMs,
  signals = ['SIGTERM', 'SIGINT'],
}: SuperviseOptions): void {
  const aggregator = new AggregatorRegistry();
  let stopping = false;
  let failed = false;
  const deaths: number[] = [];
  const live = new Set<Worker>();

  const fork = (): Worker => {
    const worker = cluster.fork();
    live.add(worker);
    worker.on('message', (message: unknown) => {
      if (!isClusterMessage(message) || message.type !== METRICS_REQUEST) return;
      void aggregator.clusterMetrics().then(
        (body) =>
          worker.isConnected() &&
          worker.send({ type: METRICS_REPLY, id: message.id, body } satisfies ClusterMessage),
        (error: unknown) =>
          worker.isConnected() &&
          worker.send({
            type: METRICS_REPLY,
            id: message.id,
            error: (error as Error).message,
          } satisfies ClusterMessage),
      );
    });
    return worker;
  };

  cluster.on('exit', (worker, code, signal) => {
    live.delete(worker);
    if (stopping) {
      if (code !== 0) failed = true;
      if (live.size === 0) {
        logger.info({ failed }, 'every worker has exited');
        process.exit(failed ? 1 : 0);
      }
      return;
    }
    const now = Date.now();
    deaths.push(now);
    while (deaths.length > 0 && deaths[0]! < now - RESTART_WINDOW_MS) deaths.shift();
    if (deaths.length >= RESTART_LIMIT) {
      logger.fatal(
        { pid: worker.process.pid, code, signal, deaths: deaths.length },
        'workers keep dying; stopping the service',
      );
      stop('workers keep dying', true);
      return;
    }
    logger.error(
      { pid: worker.process.pid, code, signal },
      'worker exited unexpectedly; starting another',
    );
    fork();
  });

  const stop = (reason: string, fatal = false): void => {
    if (stopping) return;
    stopping = true;
    if (fatal) failed = true;
    logger.info({ reason }, 'asking every worker to drain');
    if (live.size === 0) process.exit(failed ? 1 : 0);
    for (const worker of live)
      if (worker.isConnected()) worker.send({ type: SHUTDOWN, reason } satisfies ClusterMessage);
    setTimeout(() => {
      logger.error(
        { timeout_ms: shutdownTimeoutMs },
        'workers did not drain in time; killing them',
      );
      for (const worker of live) worker.process.kill('SIGKILL');
      process.exit(1);
    }, shutdownTimeoutMs + 2_000).unref();
  };
  for (const signal of signals) process.on(signal, () => stop(`received ${signal}`));

  logger.info({ workers }, 'starting serving workers');
  for (let i = 0; i < workers; i++) fork();
}

/** In a worker: drains (the same graceful shutdown as a signal) when the primary says so. */
export function onPrimaryShutdown(shutdown: (reason: string) => Promise<void>): void {
  process.on('message', (message: unknown) => {
    if (isClusterMessage(message) && message.type === SHUTDOWN)
      void shutdown(`primary asked: ${message.reason}`);
  });
}

/**
 * In a worker: a registry whose exposition is the whole cluster's, for /metrics. `local` is the
 * worker's own registry, which the primary collects from every worker.
 */
export function clusterMetricsRegistry(local: Registry): Registry {
  AggregatorRegistry.setRegistries([local]);
  // Constructing one installs prom-client's worker-side listener that answers the primary.
  new AggregatorRegistry();
  let nextId = 0;
  const pending = new Map<
    number,
    { resolve: (body: string) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }
  >();
  process.on('message', (message: unknown) => {
    if (!isClusterMessage(message) || message.type !== METRICS_REPLY) return;
    const request = pending.get(message.id);
    if (request === undefined) return;
    pending.delete(message.id);
    clearTimeout(request.timer);
    if (message.error !== undefined) request.reject(new Error(`cluster metrics: ${message.error}`));
    else request.resolve(message.body ?? '');
  });
  const registry = new (class ClusterMetrics extends Registry {
    override metrics(): Promise<string> {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error('cluster metrics: the primary did not answer'));
        }, METRICS_TIMEOUT_MS);
        pending.set(id, { resolve, reject, timer });
        process.send?.({ type: METRICS_REQUEST, id } satisfies ClusterMessage);
      });
    }
  })();
  registry.setContentType(local.contentType);
  return registry;
}
