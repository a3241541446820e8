import type { FastifyInstance } from 'fastify';
import { markNotReady } from './lifecycle.js';
import type { Logger } from './logger.js';

export interface RunServiceOptions {
  /** Any fastify instance, typically from createServiceApp; runService owns its listening and closing. */
  app: Pick<FastifyInstance, 'listen' | 'close'>;
  host: string;
  port: number;
  logger: Logger;
  /** Budget for the readiness grace, draining in-flight requests and onShutdown together; past it the process exits 1. */
  shutdownTimeoutMs: number;
  /**
   * How long /readyz answers 503 while requests are still served, before the listener closes, so
   * that a load balancer polling readiness stops routing here first. 0 (the default) closes at once.
   */
  readinessGraceMs?: number;
  /** Releases what main.ts opened (pools, clients, consumers), after the last request has finished. */
  onShutdown?: () => Promise<void> | void;
  /** For tests; process.exit by default. */
  exit?: (code: number) => void;
  signals?: readonly NodeJS.Signals[];
}

export interface RunningService {
  /** The address the app listens on, e.g. http://127.0.0.1:6566. */
  address: string;
  /** Starts the same graceful shutdown a signal does (for fatal errors found elsewhere in main). */
  shutdown(reason: string): Promise<void>;
}

/**
 * Listens, then on SIGTERM or SIGINT: /readyz turns 503 (for readinessGraceMs, requests are still
 * served), then new requests are refused while in-flight ones finish, then onShutdown runs and the
 * process exits 0. A second signal, a failure
 * while shutting down or the timeout exits 1 at once.
 */
export async function runService({
  app,
  host,
  port,
  logger,
  shutdownTimeoutMs,
  readinessGraceMs = 0,
  onShutdown,
  exit = (code) => process.exit(code),
  signals = ['SIGTERM', 'SIGINT'],
}: RunServiceOptions): Promise<RunningService> {
  const address = await app.listen({ host, port });
  logger.info({ address }, 'listening');

  let shutdown: Promise<void> | undefined;
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    // Only a second signal means "exit now": a cluster worker asked to drain by its primary may
    // also get the terminal's SIGINT, which joins the drain already under way.
    if (signalled) {
      logger.warn({ signal }, 'second signal while shutting down; exiting now');
      exit(1);
      return;
    }
    signalled = true;
    void startShutdown(`received ${signal}`);
  };
  const startShutdown = (reason: string): Promise<void> => {
    shutdown ??= drainAndExit(reason);
    return shutdown;
  };

  async function drainAndExit(reason: string): Promise<void> {
    logger.info(
      { reason, timeout_ms: shutdownTimeoutMs },
      'shutting down: draining in-flight requests',
    );
    const timer = setTimeout(() => {
      logger.error(
        { timeout_ms: shutdownTimeoutMs },
        'shutdown timed out; exiting with requests or resources still open',
      );
      exit(1);
    }, shutdownTimeoutMs);
    try {
      markNotReady(app);
      if (readinessGraceMs > 0)
        await new Promise((resolve) => setTimeout(resolve, readinessGraceMs));
      // close() stops accepting connections, refuses requests on open ones and waits for in-flight requests.
      await app.close();
      logger.info('requests drained');
      await onShutdown?.();
      clearTimeout(timer);
      for (const signal of signals) process.removeListener(signal, onSignal);
      logger.info('shutdown complete');
      exit(0);
    } catch (error) {
      clearTimeout(timer);
      logger.error({ err: error }, 'shutdown failed');
      exit(1);
    }
  }

  for (const signal of signals) process.on(signal, onSignal);
  return { address, shutdown: startShutdown };
}
