import { createServer, connect, type Server, type Socket } from 'node:net';
import { test } from '@payments-mlops/test-infra';
import { describe, expect } from 'vitest';
import { callApi, startTestRegistry } from '../testing/registry-harness.js';

/**
 * A TCP relay to Postgres that the test can cut and restore, so the registry sees a real outage
 * (refused and dropped connections) while the shared Postgres keeps serving everyone else.
 */
class PostgresRelay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server?.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  /** Drops every connection and stops accepting new ones: Postgres is "down". */
  async cut(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

describe('Postgres outage', () => {
  test('answers 503 TEMPORARILY_UNAVAILABLE while Postgres is unreachable, and recovers when it returns', async ({ pg }) => {
    const url = new URL(pg.connectionString);
    const relay = new PostgresRelay({ host: url.hostname, port: Number(url.port || 5432) });
    await relay.start();
    url.port = String(relay.port);
    const registry = await startTestRegistry(url.toString());
    try {
      expect((await callApi(registry.app, 'POST', '/experiments/create', { name: 'before' })).status).toBe(200);

      await relay.cut();
      const during = await callApi(registry.app, 'GET', '/experiments/get-by-name', { experiment_name: 'before' });
      expect(during).toMatchObject({ status: 503, body: { error_code: 'TEMPORARILY_UNAVAILABLE' } });
      const write = await callApi(registry.app, 'POST', '/runs/create', { experiment_id: '1' });
      expect(write).toMatchObject({ status: 503, body: { error_code: 'TEMPORARILY_UNAVAILABLE' } });
      expect((await registry.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);

      await relay.start();
      const after = await callApi(registry.app, 'GET', '/experiments/get-by-name', { experiment_name: 'before' });
      expect(after.status).toBe(200);
      expect((await callApi(registry.app, 'POST', '/runs/create', { experiment_id: '1' })).status).toBe(200);
      expect((await registry.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    } finally {
      await registry.close();
      await relay.cut().catch(() => undefined);
    }
  });
});
