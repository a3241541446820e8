import { test, waitFor } from '@payments-mlops/test-infra';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { describe, expect } from 'vitest';
import type { BatchViewInfo } from '../definitions/catalog.js';
import { HOUR_MS, MINUTE_MS } from '../definitions/duration.js';
import { paymentEvent } from '../testing/payment-events.js';
import { projectCatalog } from '../testing/project-catalog.js';
import { CachedOnlineReader, cachedStateBytes } from './cached-online-reader.js';
import { batchViewKey } from './keys.js';
import { planOnlineRead, readOnlineFeatures } from './online-features.js';
import { RedisOnlineStore } from './online-store.js';

const catalog = await projectCatalog();
const merchantStats = catalog.view('merchant_stats') as BatchViewInfo;
const activity = catalog.view('customer_activity');
const activityPlan = activity.kind === 'stream' ? activity.plan : undefined;
const statsRead = planOnlineRead(catalog, catalog.resolveFeatures(['merchant_stats:merchant_total_payments_30d']));
const paymentsRead = planOnlineRead(catalog, catalog.resolveFeatures(['customer_activity:customer_payments_1h']));

function statsRow(key: string, eventMs: number, payments: number) {
  return { key, eventMs, createdMs: eventMs, values: [payments, payments * 100, 0.5, 1234.5, 7, null] };
}

/**
 * A TCP relay to Redis that can hold back what Redis sends to the reader's own connection (the one
 * that names itself `…:cached-reads`), so a test can make an invalidation overtake a read's reply.
 */
class ReplyHoldingRelay {
  private server: Server | undefined;
  private held: { client: Socket; chunks: Buffer[] } | undefined;
  private holding = false;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<void> {
    const server = (this.server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      let reads = false;
      client.on('data', (chunk: Buffer) => {
        reads ||= chunk.includes(':cached-reads');
        upstream.write(chunk);
      });
      upstream.on('data', (chunk: Buffer) => {
        if (reads && this.holding) (this.held ??= { client, chunks: [] }).chunks.push(chunk);
        else client.write(chunk);
      });
      for (const [socket, other] of [[client, upstream], [upstream, client]] as const) {
        socket.on('close', () => other.destroy());
        socket.on('error', () => socket.destroy());
      }
    }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
  }

  hold(): void {
    this.holding = true;
  }

  /** Bytes Redis sent the reader's connection that are being held. */
  heldBytes(): number {
    return this.held?.chunks.reduce((total, chunk) => total + chunk.length, 0) ?? 0;
  }

  release(): void {
    this.holding = false;
    for (const chunk of this.held?.chunks ?? []) this.held!.client.write(chunk);
    this.held = undefined;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

/** A reader with a connection name of its own, so a test can find and cut its connections. */
async function openReader(url: string, prefix: string, options: { maxEntries?: number; maxBytes?: number; registry?: Registry; admitOnFirstRead?: boolean } = {}) {
  const base = new Redis(url, { connectionName: `cache-test-${prefix.replace(/[^a-z0-9]/gi, '')}`, lazyConnect: true });
  const reader = new CachedOnlineReader({
    redis: base,
    keyPrefix: prefix,
    maxBytes: options.maxBytes ?? 16 * 1024 * 1024,
    // Most tests follow one read into the cache; the admission test below sets it false.
    admitOnFirstRead: options.admitOnFirstRead ?? true,
    ...(options.maxEntries === undefined ? {} : { maxEntries: options.maxEntries }),
    ...(options.registry ? { metrics: { registry: options.registry, prefix: 'test_' } } : {}),
  });
  await reader.ready();
  return { reader, name: base.options.connectionName!, close: () => reader.close() };
}

async function merchantPayments(reader: CachedOnlineReader, merchants: string[], now: number) {
  return (await readOnlineFeatures(reader, statsRead, { entities: { merchant_id: merchants } }, now)).values[0];
}

describe('CachedOnlineReader', () => {
  test('answers a state read before from memory, and a write by another client from Redis once Redis reports it', async ({ redis }) => {
    const { reader, close } = await openReader(redis.url, redis.prefix);
    try {
      const writer = new RedisOnlineStore({ redis: redis.client, keyPrefix: redis.prefix });
      const now = Date.now();
      await writer.writeBatchRows(merchantStats, [statsRow('mer_a', now - HOUR_MS, 10)], now);

      expect(await merchantPayments(reader, ['mer_a', 'mer_none'], now)).toEqual([10, null]);
      expect(await merchantPayments(reader, ['mer_a', 'mer_none'], now)).toEqual([10, null]);
      expect(reader.stats()).toMatchObject({ hits: 2, misses: 2, entries: 2, tracking: true });

      // A newer row, and a row for the entity that had none: both reported, both read again.
      await writer.writeBatchRows(merchantStats, [statsRow('mer_a', now - MINUTE_MS, 11), statsRow('mer_none', now - MINUTE_MS, 3)], now);
      await waitFor(() => reader.stats().invalidations === 2, { timeoutMs: 2_000 });
      expect(await merchantPayments(reader, ['mer_a', 'mer_none'], now)).toEqual([11, 3]);
      expect(reader.stats()).toMatchObject({ hits: 2, misses: 4 });
    } finally {
      await close();
    }
  });

  test('drops a window state when an event updates it, and an entity row when it is deleted', async ({ redis }) => {
    const { reader, close } = await openReader(redis.url, redis.prefix);
    try {
      const writer = new RedisOnlineStore({ redis: redis.client, keyPrefix: redis.prefix });
      const now = Date.now();
      const event = (minutesAgo: number) => {
        const payment = paymentEvent({ customer_id: 'cus_cached', occurred_at: new Date(now - minutesAgo * MINUTE_MS).toISOString() });
        return { record: payment, eventMs: now - minutesAgo * MINUTE_MS, dedupeId: payment.payment_id };
      };
      await writer.applyEvents([activityPlan!], [event(5)], now);
      const read = async () => (await readOnlineFeatures(reader, paymentsRead, { entities: { customer_id: ['cus_cached'] } }, now)).values[0];
      expect(await read()).toEqual([1]);
      expect(await read()).toEqual([1]);

      await writer.applyEvents([activityPlan!], [event(3)], now);
      await waitFor(() => reader.stats().invalidations === 1, { timeoutMs: 2_000 });
      expect(await read()).toEqual([2]);

      await writer.writeBatchRows(merchantStats, [statsRow('mer_gone', now - MINUTE_MS, 4)], now);
      expect(await merchantPayments(reader, ['mer_gone'], now)).toEqual([4]);
      await redis.client.del(batchViewKey(redis.prefix, merchantStats, 'mer_gone'));
      await waitFor(() => reader.stats().invalidations === 2, { timeoutMs: 2_000 });
      expect(await merchantPayments(reader, ['mer_gone'], now)).toEqual([null]);
    } finally {
      await close();
    }
  });

  test('agrees with Redis on every entity after concurrent writes raced its reads', async ({ redis }) => {
    const { reader, close } = await openReader(redis.url, redis.prefix);
    const writers = [redis.client, new Redis(redis.url)].map((client) => new RedisOnlineStore({ redis: client, keyPrefix: redis.prefix }));
    try {
      const now = Date.now();
      const merchants = Array.from({ length: 20 }, (_, i) => `mer_${i}`);
      let version = 0;
      const writing = (async () => {
        for (let round = 0; round < 60; round++) {
          const rows = merchants.filter(() => Math.random() < 0.3).map((key) => statsRow(key, now - HOUR_MS + ++version * 10, version));
          await writers[round % 2]!.writeBatchRows(merchantStats, rows, now);
        }
      })();
      const reading = Promise.all(
        Array.from({ length: 4 }, async () => {
          for (let round = 0; round < 150; round++) await merchantPayments(reader, merchants, now);
        }),
      );
      await Promise.all([writing, reading]);

      const truth = new RedisOnlineStore({ redis: redis.client, keyPrefix: redis.prefix });
      const expected = (await readOnlineFeatures(truth, statsRead, { entities: { merchant_id: merchants } }, now)).values[0];
      // Invalidations still on their way are the only allowed difference; once they are in, none.
      await waitFor(async () => JSON.stringify(await merchantPayments(reader, merchants, now)) === JSON.stringify(expected), { timeoutMs: 2_000 });
      expect(reader.stats().hits).toBeGreaterThan(0);
      expect(reader.stats().invalidations).toBeGreaterThan(0);
    } finally {
      await close();
      await writers[1]!.redis.quit();
    }
  });

  test('does not cache a reply whose key Redis reported changed before the reply arrived', async ({ redis }) => {
    const url = new URL(redis.url);
    const relay = new ReplyHoldingRelay({ host: url.hostname, port: Number(url.port || 6379) });
    await relay.start();
    url.port = String(relay.port);
    const { reader, close } = await openReader(url.toString(), redis.prefix);
    try {
      const writer = new RedisOnlineStore({ redis: redis.client, keyPrefix: redis.prefix });
      const now = Date.now();
      await writer.writeBatchRows(merchantStats, [statsRow('mer_race', now - HOUR_MS, 1)], now);

      relay.hold();
      const reading = merchantPayments(reader, ['mer_race'], now);
      // Redis has answered the read (so it tracks the key), but the answer is held back.
      await waitFor(() => relay.heldBytes() > 0, { timeoutMs: 2_000 });
      await writer.writeBatchRows(merchantStats, [statsRow('mer_race', now - MINUTE_MS, 2)], now);
      await waitFor(() => reader.stats().invalidations === 1, { timeoutMs: 2_000 });
      relay.release();

      // The read answers what Redis held when it read; the cache must not keep that answer.
      expect(await reading).toEqual([1]);
      expect(reader.stats().entries).toBe(0);
      expect(await merchantPayments(reader, ['mer_race'], now)).toEqual([2]);
    } finally {
      await close();
      await relay.close();
    }
  });

  test('forgets everything when its invalidation connection is cut, and tracks again once it reconnects', async ({ redis }) => {
    const { reader, name, close } = await openReader(redis.url, redis.prefix);
    try {
      const writer = new RedisOnlineStore({ redis: redis.client, keyPrefix: redis.prefix });
      const now = Date.now();
      await writer.writeBatchRows(merchantStats, [statsRow('mer_cut', now - HOUR_MS, 1)], now);
      expect(await merchantPayments(reader, ['mer_cut'], now)).toEqual([1]);
      expect(reader.stats().entries).toBe(1);

      const clients = ((await redis.client.client('LIST')) as string).split('\n');
      const invalidations = clients.find((line) => line.includes(` name=${name}:invalidations `));
      expect(invalidations).toBeDefined();
      await redis.client.client('KILL', 'ID', /\bid=(\d+)/.exec(invalidations!)![1]!);
      await waitFor(() => !reader.stats().tracking, { timeoutMs: 2_000 });
      expect(reader.stats().entries).toBe(0);
      // Written while nothing would have reported it.
      await writer.writeBatchRows(merchantStats, [statsRow('mer_cut', now - MINUTE_MS, 2)], now);

      await reader.ready();
      expect(await merchantPayments(reader, ['mer_cut'], now)).toEqual([2]);
      expect(await merchantPayments(reader, ['mer_cut'], now)).toEqual([2]);
      await writer.writeBatchRows(merchantStats, [statsRow('mer_cut', now - 1_000, 3)], now);
      await waitFor(async () => JSON.stringify(await merchantPayments(reader, ['mer_cut'], now)) === '[3]', { timeoutMs: 2_000 });
      expect(await redis.client.client('LIST')).toContain(`name=${name}:invalidations`);
    } finally {
      await close();
    }
  });

  test('by default caches a state from its second read on, so entities read once do not churn it', async ({ redis }) => {
    const { reader, close } = await openReader(redis.url, redis.prefix, { admitOnFirstRead: false });
    try {
      const now = Date.now();
      for (let i = 0; i < 50; i++) await merchantPayments(reader, [`mer_once_${i}`], now);
      expect(reader.stats()).toMatchObject({ entries: 0, misses: 50, hits: 0 });
      await merchantPayments(reader, ['mer_often'], now);
      await merchantPayments(reader, ['mer_often'], now);
      await merchantPayments(reader, ['mer_often'], now);
      expect(reader.stats()).toMatchObject({ entries: 1, misses: 52, hits: 1 });
    } finally {
      await close();
    }
  });

  test('keeps the cached states within maxBytes, the most recently read first, and never caches one larger than that', async ({ redis }) => {
    const writer = new RedisOnlineStore({ redis: redis.client, keyPrefix: redis.prefix });
    const now = Date.now();
    const merchants = ['mer_b1', 'mer_b2', 'mer_b3', 'mer_b4'];
    await writer.writeBatchRows(merchantStats, merchants.map((key, i) => statsRow(key, now - HOUR_MS, i)), now);
    const [state] = await writer.readStates([{ view: merchantStats, key: 'mer_b1' }]);
    const rowBytes = cachedStateBytes(batchViewKey(redis.prefix, merchantStats, 'mer_b1'), state!);
    const { reader, close } = await openReader(redis.url, redis.prefix, { maxBytes: Math.floor(2.5 * rowBytes) });
    try {
      for (const merchant of merchants) await merchantPayments(reader, [merchant], now);
      expect(reader.stats()).toMatchObject({ entries: 2, bytes: 2 * rowBytes, misses: 4 });
      // The two read last are the two kept.
      await merchantPayments(reader, ['mer_b3', 'mer_b4'], now);
      expect(reader.stats()).toMatchObject({ hits: 2, misses: 4 });
    } finally {
      await close();
    }
    const tiny = await openReader(redis.url, redis.prefix, { maxBytes: rowBytes - 1 });
    try {
      await merchantPayments(tiny.reader, ['mer_b1'], now);
      await merchantPayments(tiny.reader, ['mer_b1'], now);
      expect(tiny.reader.stats()).toMatchObject({ entries: 0, bytes: 0, hits: 0, misses: 2 });
    } finally {
      await tiny.close();
    }
  });

  test('keeps at most maxEntries states, the most recently read, and exports its counts', async ({ redis }) => {
    const registry = new Registry();
    const { reader, close } = await openReader(redis.url, redis.prefix, { maxEntries: 3, registry });
    try {
      const now = Date.now();
      for (const merchant of ['mer_1', 'mer_2', 'mer_3']) await merchantPayments(reader, [merchant], now);
      await merchantPayments(reader, ['mer_1'], now);
      await merchantPayments(reader, ['mer_4'], now);
      // mer_2 was the least recently read: gone; mer_1 was read again: kept.
      expect(reader.stats()).toMatchObject({ entries: 3, hits: 1, misses: 4 });
      await merchantPayments(reader, ['mer_1', 'mer_3', 'mer_4'], now);
      expect(reader.stats()).toMatchObject({ hits: 4, misses: 4 });
      const exposition = await registry.metrics();
      expect(exposition).toContain('test_online_cache_hits_total 4');
      expect(exposition).toContain('test_online_cache_misses_total 4');
      expect(exposition).toContain('test_online_cache_entries 3');
      expect(exposition).toContain(`test_online_cache_bytes ${reader.stats().bytes}`);
      expect(exposition).toContain('test_online_cache_tracking 1');
    } finally {
      await close();
    }
  });
});
