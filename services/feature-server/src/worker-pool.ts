import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '@payments-mlops/service-kit';

/** Which work a feature-server worker takes on besides serving HTTP. */
export const WORKER_ROLE_VARIABLE = 'FEATURE_SERVER_WORKER_ROLE';
/** `lead`: also stream ingestion and scheduled materialization (exactly one worker); `serve`: HTTP only. */
export type WorkerRole = 'lead' | 'serve';

export function workerRole(env: NodeJS.ProcessEnv = process.env): WorkerRole {
  return env[WORKER_ROLE_VARIABLE] === 'serve' ? 'serve' : 'lead';
}

/**
 * The primary of FEATURE_SERVER_WORKERS > 1: forks the workers, which share the listening port
 * (node:cluster hands each connection to one of them), so the HTTP work of one process spreads
 * over the machine's cores. One worker leads (stream ingestion, scheduled materialization: work
 * that must run once); a worker that dies is started again in its role. SIGTERM is passed on to
 * every worker (SIGINT reaches them from the terminal anyway), and the primary exits when they all have.
 */
export function superviseWorkers({ workers, logger }: { workers: number; logger: Logger }): void {
  const roles = new Map<Worker, WorkerRole>();
  let stopping = false;
  const fork = (role: WorkerRole): void => {
    const worker = cluster.fork({ [WORKER_ROLE_VARIABLE]: role });
    roles.set(worker, role);
  };
  for (let index = 0; index < workers; index++) fork(index === 0 ? 'lead' : 'serve');
  // A parent that started this process with an IPC channel (the bench) learns when every worker listens.
  let listening = 0;
  cluster.on('listening', () => {
    if (++listening === workers) process.send?.('workers-listening');
  });

  cluster.on('exit', (worker, code, signal) => {
    const role = roles.get(worker) ?? 'serve';
    roles.delete(worker);
    if (stopping) {
      if (roles.size === 0) process.exit(0);
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal, role }, 'feature-server worker exited; starting another');
    fork(role);
  });
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, workers: roles.size }, 'stopping the workers');
    // SIGINT comes from a terminal to the whole process group, workers included: passing it on
    // would be their second signal, which means "exit now" rather than drain.
    if (signal === 'SIGTERM') for (const worker of roles.keys()) worker.process.kill(signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  logger.info({ workers }, 'feature-server workers started');
}
