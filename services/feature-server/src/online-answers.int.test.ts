import { connect } from 'node:net';
import type { FeatureStatus, FeatureValue, GetOnlineFeaturesResponse } from '@payments-mlops/contracts';
import type { BatchViewInfo } from '@payments-mlops/feature-store';
import { test } from '@payments-mlops/test-infra';
import { describe, expect, onTestFinished } from 'vitest';
import { startTestServer } from './testing/test-app.js';

const EPOCH = '1970-01-01T00:00:00.000Z';
const FEATURES = [
  'merchant_total_payments_30d',
  'merchant_total_volume_30d',
  'merchant_failure_rate_30d',
  'merchant_avg_transaction_amount',
  'merchant_customer_count',
  'merchant_fraud_label_rate_30d',
];
const MERCHANTS = 300;

/** Each merchant's stored values: integers, fractions, a null in every third row and one null column. */
function storedValues(i: number): FeatureValue[] {
  return [i, i * 1_000_000_007, i / 7, i + 0.5, i % 3 === 0 ? null : -i, null];
}

describe('get-online-features over HTTP', () => {
  test('answers concurrent 150-entity requests each with its own rows as JSON.stringify writes them, and a late reader its whole answer', async ({ pg, redis }) => {
    const started = await startTestServer({ pool: pg.pool, schema: pg.schema, redis: redis.client, prefix: redis.prefix });
    onTestFinished(() => started.close());
    const { app, store, registry } = started;
    const now = Date.now();
    const eventMs = (i: number) => now - 60_000 - i * 1_001;
    await store.writeBatchRows(
      registry.catalog().view('merchant_stats') as BatchViewInfo,
      Array.from({ length: MERCHANTS }, (_, i) => ({ key: `mer_${i}`, eventMs: eventMs(i), createdMs: now, values: storedValues(i) })),
    );
    const address = await app.listen({ port: 0, host: '127.0.0.1' });

    /** The answer expected for these merchant indices (-1: a merchant with nothing stored). */
    const expected = (rows: number[], features = FEATURES): GetOnlineFeaturesResponse => ({
      metadata: { feature_names: ['merchant_id', ...features] },
      results: [
        { values: rows.map((i) => (i === -1 ? 'mer_unknown' : `mer_${i}`)), statuses: rows.map(() => 'PRESENT'), event_timestamps: rows.map(() => EPOCH) },
        ...features.map((name) => FEATURES.indexOf(name)).map((f) => ({
          values: rows.map((i) => (i === -1 ? null : storedValues(i)[f]!)),
          statuses: rows.map((i): FeatureStatus => (i === -1 ? 'NOT_FOUND' : storedValues(i)[f] === null ? 'NULL_VALUE' : 'PRESENT')),
          event_timestamps: rows.map((i) => (i === -1 ? EPOCH : new Date(eventMs(i)).toISOString())),
        })),
      ],
    });

    // Two rounds: the second is written in buffers the first gave back once sent.
    for (let round = 0; round < 2; round++) {
      const requests = Array.from({ length: 24 }, (_, r) =>
        Array.from({ length: 150 }, (_, row) => ((r * 37 + row * 11 + round) % 17 === 0 ? -1 : (r * 101 + row * 7 + round) % MERCHANTS)),
      );
      const answers = await Promise.all(
        requests.map(async (rows) => {
          const response = await fetch(`${address}/get-online-features`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              features: FEATURES.map((name) => `merchant_stats:${name}`),
              entities: { merchant_id: rows.map((i) => (i === -1 ? 'mer_unknown' : `mer_${i}`)) },
            }),
          });
          return { status: response.status, text: await response.text(), type: response.headers.get('content-type') };
        }),
      );
      answers.forEach(({ status, text, type }, r) => {
        expect(status).toBe(200);
        expect(type).toBe('application/json; charset=utf-8');
        // Larger than the writer copies out: these answers are sent from the buffers it lends.
        expect(text.length).toBeGreaterThan(32 * 1024);
        expect(text).toBe(JSON.stringify(expected(requests[r]!)));
      });
    }

    // A client that does not read: its answer waits in the socket, partly unsent, while others are
    // written; it must still arrive whole and unchanged.
    const slowRows = Array.from({ length: 10_000 }, (_, row) => (row % 13 === 0 ? -1 : (row * 7) % MERCHANTS));
    // The features three times over: an answer of about 8 MB, more than loopback's socket buffers hold.
    const slowFeatures = [...FEATURES, ...FEATURES, ...FEATURES];
    const slowBody = JSON.stringify({
      features: slowFeatures.map((name) => `merchant_stats:${name}`),
      entities: { merchant_id: slowRows.map((i) => (i === -1 ? 'mer_unknown' : `mer_${i}`)) },
    });
    const { port } = new URL(address);
    const slow = connect({ host: '127.0.0.1', port: Number(port) });
    slow.pause();
    slow.write(`POST /get-online-features HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(slowBody)}\r\nconnection: close\r\n\r\n${slowBody}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // As large, so that they are written over the whole of a buffer the slow answer might still be sent from.
    const others = Array.from({ length: 3 }, (_, r) => Array.from({ length: 10_000 }, (_, row) => (r * 5 + row * 3) % MERCHANTS));
    const otherAnswers = await Promise.all(
      others.map(async (rows) =>
        (
          await fetch(`${address}/get-online-features`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ features: slowFeatures.map((name) => `merchant_stats:${name}`), entities: { merchant_id: rows.map((i) => `mer_${i}`) } }),
          })
        ).text(),
      ),
    );
    otherAnswers.forEach((text, r) => expect(text === JSON.stringify(expected(others[r]!, slowFeatures))).toBe(true));
    const chunks: Buffer[] = [];
    slow.on('data', (chunk: Buffer) => chunks.push(chunk));
    slow.resume();
    await new Promise((resolve) => slow.once('end', resolve));
    const raw = Buffer.concat(chunks).toString('utf8');
    const slowText = raw.slice(raw.indexOf('\r\n\r\n') + 4);
    expect(slowText.length).toBeGreaterThan(6 * 1024 * 1024);
    expect(slowText === JSON.stringify(expected(slowRows, slowFeatures))).toBe(true);
  });
});
