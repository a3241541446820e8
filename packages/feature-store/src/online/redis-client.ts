import { Redis } from 'ioredis';

export interface OnlineRedisOptions {
  /**
   * Fail commands at once while disconnected instead of queueing them: a feature read must answer
   * 503 now, not hang until Redis returns. ioredis keeps reconnecting in the background, so the
   * next request after Redis is back succeeds without a restart.
   */
  failFast?: boolean;
  /**
   * Let concurrent requests share socket writes (ioredis auto-pipelining). Off by default: on one
   * node it saves a write only when requests overlap, and ioredis 5's auto-pipelines keep every
   * command's objects alive across a young-generation GC. Measured on a bare node:http server
   * doing one MGET per request at 5,000 req/s: 1,403 kB survived each scavenge with it against
   * 19 kB without, scavenges took 3.3 ms instead of 0.7, and p99 was 5.3 ms instead of 2.6.
   */
  autoPipelining?: boolean;
  /** Longest a command may take before it fails, in ms. */
  commandTimeoutMs?: number;
  connectionName?: string;
}

export function createOnlineRedis(url: string, { failFast = false, autoPipelining = false, commandTimeoutMs, connectionName }: OnlineRedisOptions = {}): Redis {
  return new Redis(url, {
    enableAutoPipelining: autoPipelining,
    ...(failFast ? { enableOfflineQueue: false, maxRetriesPerRequest: 0 } : {}),
    ...(commandTimeoutMs === undefined ? {} : { commandTimeout: commandTimeoutMs }),
    ...(connectionName === undefined ? {} : { connectionName }),
    // Reconnect quickly and keep trying; capped so an outage is retried every half second.
    retryStrategy: (attempt) => Math.min(50 * attempt, 500),
  });
}
