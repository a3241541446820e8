import { Redis } from 'ioredis';

export interface OnlineRedisOptions {
  /**
   * Fail commands at once while disconnected instead of queueing them: a feature read must answer
   * 503 now, not hang until Redis returns. ioredis keeps reconnecting in the background, so the
   * next request after Redis is back succeeds without a restart.
   */
  failFast?: boolean;
  /**
   * Let concurrent requests share socket writes (ioredis auto-pipelining): fewer system calls
   * per request under load, and per-node routing on Redis Cluster. On for serving.
   */
  autoPipelining?: boolean;
  /** Longest a command may take before it fails, in ms. */
  commandTimeoutMs?: number;
  connectionName?: string;
}

export function createOnlineRedis(url: string, { failFast = false, autoPipelining = failFast, commandTimeoutMs, connectionName }: OnlineRedisOptions = {}): Redis {
  return new Redis(url, {
    enableAutoPipelining: autoPipelining,
    ...(failFast ? { enableOfflineQueue: false, maxRetriesPerRequest: 0 } : {}),
    ...(commandTimeoutMs === undefined ? {} : { commandTimeout: commandTimeoutMs }),
    ...(connectionName === undefined ? {} : { connectionName }),
    // Reconnect quickly and keep trying; capped so an outage is retried every half second.
    retryStrategy: (attempt) => Math.min(50 * attempt, 500),
  });
}
