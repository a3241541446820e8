import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { QUIET_REQUEST_LOG } from './app.js';
import { buildTestApp, type TestApp } from './test-app.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const Score = z.object({ payment_id: z.string(), delay_ms: z.number().optional() });

function loggingApp(slowRequestMs?: number): TestApp {
  const testApp = buildTestApp(
    (app) => {
      app.post('/loud', { schema: { body: Score } }, (request) => {
        request.log.debug({ detail: 'hidden' }, 'below the level');
        request.log.info({ payment_id: request.body.payment_id }, 'scored');
        return { ok: true };
      });
      app.post('/quiet', { schema: { body: Score }, ...QUIET_REQUEST_LOG }, async (request) => {
        if (request.body.delay_ms !== undefined)
          await new Promise((resolve) => setTimeout(resolve, request.body.delay_ms));
        return { ok: true };
      });
    },
    slowRequestMs === undefined ? {} : { slowRequestMs },
  );
  cleanups.push(() => testApp.app.close());
  return testApp;
}

const messages = (logs: TestApp['logs'], requestId: string) =>
  logs.filter((line) => line.request_id === requestId).map((line) => line.msg);

describe('request logging', () => {
  it('logs the incoming and completed lines of an ordinary route, and its handler lines, with the request id', async () => {
    const { app, logs } = loggingApp();
    const response = await app.inject({
      method: 'POST',
      url: '/loud',
      headers: { 'x-request-id': 'req-loud-1' },
      payload: { payment_id: 'p_1' },
    });
    expect(response.statusCode).toBe(200);
    expect(messages(logs, 'req-loud-1')).toEqual([
      'incoming request',
      'scored',
      'request completed',
    ]);
    expect(logs.find((line) => line.msg === 'scored')).toMatchObject({
      level: 'info',
      service: 'test-service',
      payment_id: 'p_1',
    });
    expect(logs.some((line) => line.msg === 'below the level')).toBe(false);
  });

  it('logs nothing for a quiet route answering fast', async () => {
    const { app, logs } = loggingApp();
    const response = await app.inject({
      method: 'POST',
      url: '/quiet',
      headers: { 'x-request-id': 'req-quiet-1' },
      payload: { payment_id: 'p_1' },
    });
    expect(response.statusCode).toBe(200);
    expect(messages(logs, 'req-quiet-1')).toEqual([]);
  });

  it('logs the completed line of a quiet route when the request is rejected, with the rejection naming the field', async () => {
    const { app, logs } = loggingApp();
    const response = await app.inject({
      method: 'POST',
      url: '/quiet',
      headers: { 'x-request-id': 'req-quiet-2' },
      payload: { payment_id: 7 },
    });
    expect(response.statusCode).toBe(400);
    expect(messages(logs, 'req-quiet-2')).toEqual(['request rejected', 'request completed']);
    expect(JSON.stringify(logs.find((line) => line.msg === 'request rejected'))).toContain(
      'payment_id',
    );
    expect(
      logs.find((line) => line.msg === 'request completed' && line.request_id === 'req-quiet-2'),
    ).toMatchObject({ res: { statusCode: 400 } });
  });

  it('logs the completed line of a quiet route when the request took at least slowRequestMs', async () => {
    const { app, logs } = loggingApp(20);
    await app.inject({
      method: 'POST',
      url: '/quiet',
      headers: { 'x-request-id': 'req-slow-1' },
      payload: { payment_id: 'p_1', delay_ms: 40 },
    });
    const completed = logs.find((line) => line.request_id === 'req-slow-1');
    expect(completed).toMatchObject({ msg: 'request completed', res: { statusCode: 200 } });
    expect(completed?.responseTime).toBeGreaterThanOrEqual(20);
  });
});
