import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { markNotReady } from './lifecycle.js';
import { httpGet, waitUntilRefused } from './test-fixtures/http-get.js';
import { buildTestApp, type TestApp } from './test-app.js';

let current: TestApp | undefined;
afterEach(async () => {
  await current?.app.close();
  current = undefined;
});

/** A listening app whose /slow requests wait until the test releases them. */
async function listeningAppWithSlowRoute(preClose?: () => Promise<void>) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let started!: () => void;
  const slowStarted = new Promise<void>((resolve) => (started = resolve));
  current = buildTestApp(
    (app) => {
      app.get('/slow', async () => {
        started();
        await released;
        return { finished: true };
      });
      app.get('/fast', () => ({ finished: true }));
    },
    { readiness: [{ name: 'postgres', check: () => Promise.resolve() }] },
  );
  if (preClose) current.app.addHook('preClose', preClose);
  await current.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = current.app.server.address() as AddressInfo;
  return { app: current.app, port, slowStarted, release };
}

describe('graceful shutdown', () => {
  it('completes a slow in-flight request while closing, and refuses new connections', async () => {
    const { app, port, slowStarted, release } = await listeningAppWithSlowRoute();
    const inFlight = httpGet(port, '/slow');
    await slowStarted;

    const closed = app.close();
    try {
      await waitUntilRefused(port);
    } finally {
      release();
    }

    expect(await inFlight).toEqual({ statusCode: 200, body: '{"finished":true}' });
    await closed;
  });

  it('answers requests that reach it while closing with a 503 ErrorBody, and /readyz with 503', async () => {
    // A slow preClose hook (a plugin flushing a buffer, say) keeps the listener open while closing.
    let finishPreClose!: () => void;
    const preCloseHeld = new Promise<void>((resolve) => (finishPreClose = resolve));
    const { app, port } = await listeningAppWithSlowRoute(() => preCloseHeld);

    const closed = app.close();
    try {
      const late = await httpGet(port, '/fast');
      expect(late.statusCode).toBe(503);
      expect(JSON.parse(late.body)).toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        message: 'test-service is shutting down',
      });
      const readiness = await httpGet(port, '/readyz');
      expect(readiness.statusCode).toBe(503);
      expect(JSON.parse(readiness.body)).toMatchObject({
        status: 'not_ready',
        shutting_down: true,
      });
    } finally {
      finishPreClose();
    }
    await closed;
  });

  it('turns /readyz to 503 before closing while still serving requests', async () => {
    const { app, port } = await listeningAppWithSlowRoute();
    expect((await httpGet(port, '/readyz')).statusCode).toBe(200);

    markNotReady(app);

    const readiness = await httpGet(port, '/readyz');
    expect(readiness.statusCode).toBe(503);
    expect(JSON.parse(readiness.body)).toEqual({
      status: 'not_ready',
      checks: {},
      shutting_down: true,
    });
    expect(await httpGet(port, '/fast')).toEqual({ statusCode: 200, body: '{"finished":true}' });
    expect((await httpGet(port, '/healthz')).statusCode).toBe(200);
  });
});
