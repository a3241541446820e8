import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, Registry, type Aggregator } from 'prom-client';
import type { Logger } from './logger.js';

/*
 * A service with N > 1 workers: the primary process only supervises; each worker is a whole
 * service process (its own clients, its own runService) listening on the shared port, which
 * node:cluster hands connections to, so every core answers requests. /metrics on any worker
 * answers for the whole cluster: the worker asks the primary, which collects every worker's
 * registry (prom-client's AggregatorRegistry: counters and histograms summed, gauges as each
 * declares).
 */

/** The environment variable that carries a worker's role from the primary to the worker. */
export const WORKER_ROLE_VARIABLE = 'SERVICE_WORKER_ROLE';
/** What the primary sends a parent that started it with an IPC channel once every worker listens. */
export const WORKERS_LISTENING = 'workers-listening';
/** The role of a worker that `roles` names none for. */
export const DEFAULT_WORKER_ROLE = 'serve';

const SHUTDOWN = 'worker-cluster:shutdown';
const METRICS_REQUEST = 'worker-cluster:metrics-request';
const METRICS_REPLY = 'worker-cluster:metrics-reply';
const METRICS_TIMEOUT_MS = 5_000;

type ClusterMessage =
  | { type: typeof SHUTDOWN; reason: string }
  | { type: typeof METRICS_REQUEST; id: number }
  | { type: typeof METRICS_REPLY; id: number; body?: string; error?: string };

function isClusterMessage(message: unknown): message is ClusterMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    typeof (message as { type?: unknown }).type === 'string' &&
    (message as { type: string }).type.startsWith('worker-cluster:')
  );
}

/** The role the primary gave this worker; undefined in a process that is no cluster worker. */
export function workerRole(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[WORKER_ROLE_VARIABLE];
}

export interface SuperviseWorkersOptions {
  workers: number;
  logger: Logger;
  /**
   * The role of each worker by index (worker 0 takes `roles[0]`, …); workers past the list take
   * `serve`. A worker that dies is started again in its role.
   */
  roles?: readonly string[];
  /** The workers' own drain budget; the primary kills what is left a little after it. */
  shutdownTimeoutMs: number;
  /** A worker that dies this many times within the window is not restarted again: the primary exits 1. */
  restartLimit?: number;
  restartWindowMs?: number;
  signals?: readonly NodeJS.Signals[];
  /** For tests; process.exit by default. */
  exit?: (code: number) => void;
}

/**
 * The primary: forks the workers, each with its role in its environment; restarts one that dies
 * unexpectedly in the same role (and gives up, exiting 1, after `restartLimit` deaths within
 * `restartWindowMs`); answers the workers' metrics requests; tells a parent over IPC once every
 * worker listens; and on SIGTERM or SIGINT asks every worker to drain (each runs the same graceful
 * shutdown as a single process) and exits once they all have: 0 if they all exited 0.
 */
export function superviseWorkers({
  workers,
  logger,
  roles = [],
  shutdownTimeoutMs,
  restartLimit = 5,
  restartWindowMs = 60_000,
  signals = ['SIGTERM', 'SIGINT'],
  exit = (code) => process.exit(code),
}: SuperviseWorkersOptions): void {
  const aggregator = new AggregatorRegistry();
  let stopping = false;
  let failed = false;
  const deaths: number[] = [];
  const live = new Map<Worker, string>();

  const fork = (role: string): Worker => {
    const worker = cluster.fork({ [WORKER_ROLE_VARIABLE]: role });
    live.set(worker, role);
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

  // A parent that started this process with an IPC channel (a bench, a test) learns when every
  // worker listens; once, however many are restarted later.
  const listening = new Set<Worker>();
  let announced = false;
  cluster.on('listening', (worker) => {
    listening.add(worker);
    if (announced || listening.size < workers) return;
    announced = true;
    logger.info({ workers }, 'every worker listens');
    if (process.send !== undefined && process.connected) process.send(WORKERS_LISTENING);
  });

  cluster.on('exit', (worker, code, signal) => {
    const role = live.get(worker) ?? DEFAULT_WORKER_ROLE;
    live.delete(worker);
    listening.delete(worker);
    if (stopping) {
      if (code !== 0) failed = true;
      if (live.size === 0) {
        logger.info({ failed }, 'every worker has exited');
        exit(failed ? 1 : 0);
      }
      return;
    }
    const now = Date.now();
    deaths.push(now);
    while (deaths.length > 0 && deaths[0]! < now - restartWindowMs) deaths.shift();
    if (deaths.length >= restartLimit) {
      logger.fatal(
        { pid: worker.process.pid, code, signal, role, deaths: deaths.length },
        'workers keep dying; stopping the service',
      );
      stop('workers keep dying', true);
      return;
    }
    logger.error(
      { pid: worker.process.pid, code, signal, role },
      'worker exited unexpectedly; starting another',
    );
    fork(role);
  });

  const stop = (reason: string, fatal = false): void => {
    if (stopping) return;
    stopping = true;
    if (fatal) failed = true;
    logger.info({ reason, workers: live.size }, 'asking every worker to drain');
    if (live.size === 0) {
      exit(failed ? 1 : 0);
      return;
    }
    // Over IPC rather than a signal: SIGINT from a terminal reaches the workers too, and a
    // worker's runService takes that and this request as one shutdown.
    for (const worker of live.keys())
      if (worker.isConnected()) worker.send({ type: SHUTDOWN, reason } satisfies ClusterMessage);
    setTimeout(() => {
      logger.error(
        { timeout_ms: shutdownTimeoutMs },
        'workers did not drain in time; killing them',
      );
      for (const worker of live.keys()) worker.process.kill('SIGKILL');
      exit(1);
    }, shutdownTimeoutMs + 2_000).unref();
  };
  for (const signal of signals) process.on(signal, () => stop(`received ${signal}`));

  logger.info({ workers }, 'starting workers');
  for (let index = 0; index < workers; index++) fork(roles[index] ?? DEFAULT_WORKER_ROLE);
}

/** In a worker: drains (the same graceful shutdown as a signal) when the primary says so. */
export function onPrimaryShutdown(shutdown: (reason: string) => Promise<void>): void {
  process.on('message', (message: unknown) => {
    if (isClusterMessage(message) && message.type === SHUTDOWN)
      void shutdown(`primary asked: ${message.reason}`);
  });
}

export interface ClusterMetricsOptions {
  /**
   * How the primary combines a metric across workers, by full metric name, for metrics whose
   * definition does not say (prom-client sums those), e.g. `{ feature_server_view_freshness_seconds: 'min' }`.
   */
  aggregators?: Readonly<Record<string, Aggregator>>;
}

/**
 * In a worker: a registry whose exposition is the whole cluster's, for /metrics. `local` is the
 * worker's own registry, which the primary collects from every worker. Call it early, so that a
 * worker still starting already answers the primary's collection.
 */
export function clusterMetricsRegistry(
  local: Registry,
  { aggregators = {} }: ClusterMetricsOptions = {},
): Registry {
  const collected = new (class WorkerMetrics extends Registry {
    override async getMetricsAsJSON(): ReturnType<Registry['getMetricsAsJSON']> {
      const metrics = await local.getMetricsAsJSON();
      return metrics.map((entry) => {
        const aggregator = aggregators[entry.name];
        return aggregator === undefined ? entry : { ...entry, aggregator };
      });
    }
  })();
  AggregatorRegistry.setRegistries([collected]);
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
