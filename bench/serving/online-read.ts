/**
 * CPU per `readOnlineFeatures` of the fraud feature service against the real Redis, as ml-serving
 * reads it (auto-pipelined, fail-fast client; one entity per read, 16 reads in flight).
 * `pnpm --filter @payments-mlops/bench-serving online-read` (REDIS_URL, READS, IDS).
 */
import { FeatureCatalog, RedisOnlineStore, type OnlineStoreReader, type StoredState, createOnlineRedis, loadFeatureRepo, planOnlineRead, readOnlineFeatures } from '@payments-mlops/feature-store';
import { fileURLToPath } from 'node:url';
import { entityId, writeOnlineFeatures } from './online-data.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const READS = Number(process.env.READS ?? 100_000);
const IDS = Number(process.env.IDS ?? 2_000);
const IN_FLIGHT = 16;
const ROUNDS = 5;

const { repo } = await loadFeatureRepo(fileURLToPath(new URL('../../feature-repo/', import.meta.url)));
const catalog = new FeatureCatalog(repo, 1);
const redis = createOnlineRedis(REDIS_URL, { failFast: true, connectionName: 'bench-online-read' });
await new Promise((resolve) => redis.once('ready', resolve));
const prefix = `bench-online-read:${process.pid}:`;
const store = new RedisOnlineStore({ redis, keyPrefix: prefix });
await writeOnlineFeatures(store, catalog, IDS);
const plan = planOnlineRead(catalog, catalog.resolveService('fraud'));

function entitiesOf(n: number): Record<string, unknown[]> {
  return {
    customer_id: [entityId('customer_id', n)], card_id: [entityId('card_id', n)], merchant_id: [entityId('merchant_id', n)],
    amount_cents: [1200 + n], device_id: [`dev_${n % 97}`], ip_country: ['US'], card_country: ['US'], billing_country: ['FR'],
  };
}

let next = 0;
async function reader(reads: number): Promise<void> {
  for (let i = 0; i < reads; i++) {
    const n = next++ % IDS;
    await readOnlineFeatures(store, plan, { entities: entitiesOf(n) }, Date.now());
  }
}

await Promise.all(Array.from({ length: IN_FLIGHT }, () => reader(2_000))); // warm-up
const perRead: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: IN_FLIGHT }, () => reader(READS / ROUNDS / IN_FLIGHT)));
  const used = process.cpuUsage(cpu);
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  perRead.push((used.user + used.system) / (READS / ROUNDS));
  console.log(`round ${round + 1}: ${perRead.at(-1)!.toFixed(1)} µs CPU/read (${((READS / ROUNDS) / (wallMs / 1000)).toFixed(0)} reads/s)`);
}
perRead.sort((a, b) => a - b);
console.log(`fraud service, ${plan.features.length} features, real Redis: median ${perRead[ROUNDS >> 1]!.toFixed(1)} µs CPU per read, min ${perRead[0]!.toFixed(1)} (Node process, incl. ioredis)`);

// The library alone: the same reads answered from replies captured from Redis, no socket.
const captured = new Map<string, StoredState[]>();
const replay: OnlineStoreReader = {
  readStates: (requests) => Promise.resolve(captured.get(requests.map((r) => r.key).join('|'))!),
};
const rows = Array.from({ length: 256 }, (_, n) => entitiesOf(n));
for (const entities of rows) {
  const requests = plan.stored.map((read) => ({ view: read.view, key: entities[read.joinKey]![0] as string }));
  captured.set(requests.map((r) => r.key).join('|'), await store.readStates(requests));
}
const libraryPerRead: number[] = [];
for (let round = 0; round < ROUNDS + 1; round++) {
  const reads = 40_000;
  const cpu = process.cpuUsage();
  for (let i = 0; i < reads; i++) await readOnlineFeatures(replay, plan, { entities: rows[i & 255]! }, Date.now());
  const used = process.cpuUsage(cpu);
  if (round > 0) libraryPerRead.push((used.user + used.system) / reads); // the first round warms up
}
libraryPerRead.sort((a, b) => a - b);
console.log(`library alone (replayed replies): median ${libraryPerRead[ROUNDS >> 1]!.toFixed(1)} µs CPU per read, min ${libraryPerRead[0]!.toFixed(1)}`);

let cursor = '0';
do {
  const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
  cursor = nextCursor;
  if (keys.length > 0) await redis.del(...keys);
} while (cursor !== '0');
redis.disconnect();
