/**
 * make bench-features: the feature store's figures beside Feast's published ones.
 *
 *   node --conditions=source --import tsx bench/features/bench.ts [--quick] [--only materialize,retrieval,serving,stream]
 *
 * `--only online` is the narrow serving run for comparing builds: the 1- and 100-entity reads of one
 * worker with the server's CPU per request and the bare node:http + Redis floor, without the
 * fraud service, two workers or the bare node:http anchor. The 1-entity read is also measured with
 * the client-side cache on, over the whole population and over a hot set, with the share of hits.
 *
 * The 100-entity read is measured on the machine's loopback congestion control and, when that is
 * not CUBIC, again on CUBIC set on the loopback route alone (loopback-congestion.ts says why), each
 * beside a bare node:http server sending the same answer.
 *
 * FEATURE_SERVER_NODE_OPTIONS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) go to the server processes; FEATURE_SERVER_WORKERS
 * (default 1) is the serving figures' worker count (the 1-entity figure is measured with 2 as well).
 * Materialization and retrieval also give the CPU Node, Postgres and Redis spent on them (process-cpu.ts):
 * on a shared machine the wall time says as much about the other work as about this.
 * Everything runs against the local services (make infra-up) in a schema, key prefix and topic of
 * its own, removed at the end. Bounded: about seven minutes on a busy 2-core machine, under a minute and a
 * half with --quick (CI).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, DeleteObjectCommand, DeleteBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  FeatureCatalog,
  PostgresRegistryStore,
  RedisOnlineStore,
  applyFeatureRepo,
  createOnlineRedis,
  exportDatasetSnapshot,
  getHistoricalFeatures,
  materialize,
} from '@payments-mlops/feature-store';
import { migrateWarehouse } from '@payments-mlops/warehouse';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { BENCH_FEATURES, benchFeatureRepo, generateBenchData } from './bench-data.js';
import { startFeatureServer, type RunningServer } from './feature-server-process.js';
import { startBareHttpServer, startBareRedisServer } from './http-floor.js';
import { ensureWrk, runLoad, type LoadResult } from './http-load.js';
import { loopbackCongestion, withLoopbackCongestion } from './loopback-congestion.js';
import { cpuMeter, cpuText } from './process-cpu.js';
import { printReport, type Figure } from './report.js';
import { bareConsumerLatency, histogramBuckets, metricValue, percentilesBetween, publishPayments } from './stream-load.js';

process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
const QUICK = process.argv.includes('--quick');
const onlyArgument = process.argv.indexOf('--only');
const SECTIONS = new Set(onlyArgument === -1 ? ['materialize', 'retrieval', 'serving', 'stream'] : (process.argv[onlyArgument + 1] ?? '').split(','));
const SERVER_NODE_OPTIONS = (process.env.FEATURE_SERVER_NODE_OPTIONS ?? '').split(' ').filter(Boolean);
const SIZES = QUICK ? { events: 100_000, entities: 50_000 } : { events: 1_000_000, entities: 250_000 };
const SECONDS = QUICK ? 4 : 10;
const SCHEMA = 'feature_bench';
/** feature-server's HTTP workers for the serving figures; the 1-entity figure is also measured with 2 when this is 1. */
const WORKERS = Math.max(1, Number(process.env.FEATURE_SERVER_WORKERS ?? '1'));
const DAY = 86_400_000;

const env = {
  database: process.env.WAREHOUSE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/payments',
  redis: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0',
  brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  s3: process.env.S3_ENDPOINT_URL ?? 'http://127.0.0.1:9000',
};
const PROJECT_REPO = new URL('../../feature-repo/', import.meta.url).pathname;

function inSchema(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, (performance.now() - started) / 1000];
}

/** Redis's own CPU time (INFO cpu), in ms: what the stream's scripts cost the server they run in. */
async function redisCpuMs(): Promise<number> {
  const info = await redis.info('cpu');
  const seconds = (name: string) => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1] ?? Number.NaN);
  return (seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1000;
}

/**
 * Runs one section of the bench; a section that fails is reported as failed in the table and the
 * others still run, so one slow or broken part never costs the whole run its figures.
 */
async function section(name: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    log(`${name} failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    figures.push({ name: `${name}: failed`, ours: 'error', target: '', anchor: '', detail: error instanceof Error ? error.message : String(error) });
  }
}

const log = (message: string) => console.error(`[bench-features] ${message}`);
const figures: Figure[] = [];
const loadBefore = loadavg()[0]!;

const admin = new pg.Pool({ connectionString: env.database, max: 1 });
await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
await admin.query(`CREATE SCHEMA ${SCHEMA}`);
const pool = new pg.Pool({ connectionString: inSchema(env.database, SCHEMA), max: 8 });
const redis = createOnlineRedis(env.redis, { connectionName: 'bench-features' });
const kafka = new Kafka({ clientId: 'bench-features', brokers: env.brokers, logLevel: logLevel.WARN });
const s3 = new S3Client({
  endpoint: env.s3,
  region: process.env.S3_REGION ?? 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'minioadmin', secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'minioadmin' },
});
const bucket = `feature-bench-${Date.now()}`;
const topic = `features.bench.${Date.now()}`;

try {
  log(`generating ${SIZES.events.toLocaleString()} payments and ${SIZES.entities.toLocaleString()} × 50 features (schema ${SCHEMA})`);
  await migrateWarehouse(pool);
  const [, generation] = await timed(() => generateBenchData(pool, SIZES));
  log(`data ready in ${generation.toFixed(1)} s`);

  const directory = await benchFeatureRepo(PROJECT_REPO, topic);
  await applyFeatureRepo({ directory, pool, appliedBy: 'bench-features', registrySchema: SCHEMA });
  const registry = new PostgresRegistryStore({ pool, schema: SCHEMA });
  const stored = (await registry.getVersion('payments_mlops'))!;
  const catalog = new FeatureCatalog(stored.repo, stored.version);
  const store = new RedisOnlineStore({ redis, keyPrefix: 'fsbench:' });
  const now = Date.now();

  // --- materialization -------------------------------------------------------------------------
  // The 50-feature view is what serving reads, so it is materialized whichever sections run.
  const cpu50 = cpuMeter();
  const [[bench50], benchSeconds] = await timed(() => materialize({ pool, store, registry, catalog, views: ['bench_customer_50'], startMs: now - DAY, endMs: now }));
  const cpu50Used = cpu50();
  if (SECTIONS.has('materialize')) await section('materialize', async () => {
    figures.push({ name: 'materialize, 50-feature view', ours: `${Math.round(bench50!.rows / benchSeconds).toLocaleString()} rows/s`, target: '≥ 100,000 rows/s', anchor: '', detail: `${bench50!.rows.toLocaleString()} rows in ${benchSeconds.toFixed(1)} s; ${cpuText(cpu50Used, bench50!.rows)}` });
    const cpu5 = cpuMeter();
    const [[bench5], narrowSeconds] = await timed(() => materialize({ pool, store, registry, catalog, views: ['bench_customer_5'], startMs: now - DAY, endMs: now }));
    figures.push({ name: 'materialize, 5-feature view', ours: `${Math.round(bench5!.rows / narrowSeconds).toLocaleString()} rows/s`, target: '≥ 100,000 rows/s', anchor: '', detail: `${bench5!.rows.toLocaleString()} rows in ${narrowSeconds.toFixed(1)} s; ${cpuText(cpu5(), bench5!.rows)}` });
    const [replay, replaySeconds] = await timed(() => materialize({ pool, store, registry, catalog, views: ['customer_activity', 'card_activity', 'merchant_stats'], startMs: now - 2 * DAY, endMs: now }));
    const replayed = replay.find((run) => run.feature_view === 'customer_activity')!;
    figures.push({ name: 'materialize, stream views (replay)', ours: `${Math.round(replayed.rows / replaySeconds).toLocaleString()} events/s`, target: '', anchor: '', detail: `${replayed.rows.toLocaleString()} events × 2 entities, exactly-once script` });
    log('materialized');
  });

  // --- point-in-time retrieval -----------------------------------------------------------------
  if (SECTIONS.has('retrieval')) await section('retrieval', async () => {
    const views = ['customer_activity', 'card_activity', 'merchant_stats'];
    const features = catalog.resolveService('fraud').filter((feature) => views.includes(feature.view.name));
    const pitCpu = cpuMeter();
    const [dataset, pitSeconds] = await timed(() =>
      getHistoricalFeatures({
        pool, catalog, features, scratchSchema: SCHEMA,
        entityRows: { sql: 'SELECT payment_id, customer_id, card_id, merchant_id, occurred_at AS event_timestamp FROM payment_events' },
      }),
    );
    figures.push({ name: `historical retrieval, ${dataset.rowCount.toLocaleString()} rows × 3 views`, ours: `${pitSeconds.toFixed(1)} s`, target: QUICK ? '' : '≤ 30 s', anchor: '', detail: `${features.length} features, merge engine; ${cpuText(pitCpu(), dataset.rowCount)}` });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const [manifest, exportSeconds] = await timed(() => exportDatasetSnapshot({ dataset, s3, bucket, name: 'fraud_bench', project: 'payments_mlops', featureService: 'fraud' }));
    figures.push({ name: 'dataset snapshot to S3 (Parquet)', ours: `${exportSeconds.toFixed(1)} s`, target: '', anchor: '', detail: `${(manifest.bytes / 1e6).toFixed(1)} MB, ${manifest.digest.slice(0, 19)}…` });
    log('retrieval done');
  });

  // --- online serving --------------------------------------------------------------------------
  // `online` alone: the 1- and 100-entity figures only.
  const onlineOnly = SECTIONS.has('online') && !SECTIONS.has('serving');
  if (SECTIONS.has('serving') || onlineOnly) await section('serving', async () => {
    ensureWrk();
    const benchRefs = JSON.stringify(BENCH_FEATURES.map((name) => `bench_customer_50:${name}`));
    const oneEntity = `{"features":${benchRefs},"entities":{"customer_id":["cus_@ID@"]}}`;
    const hundredEntities = `{"features":${benchRefs},"entities":{"customer_id":[${Array.from({ length: 100 }, () => '"cus_@ID@"').join(',')}]}}`;
    const fraudService = JSON.stringify({
      feature_service: 'fraud',
      entities: {
        customer_id: ['cus_@ID@'], card_id: ['card_@ID@'], merchant_id: ['mer_00042'], amount_cents: [4200], currency: ['USD'], payment_method_type: ['card'],
        card_brand: ['visa'], is_guest_checkout: [false], channel: ['web'], merchant_category_code: ['5411'], device_id: ['dev_1'], ip_country: ['US'],
        card_country: ['US'], billing_country: ['US'],
      },
    });
    // Load and the CPU the server spent on it: the second figure holds up on a busy machine.
    const measure = async (server: RunningServer, load: Omit<Parameters<typeof runLoad>[0], 'url' | 'ids'>, ids = SIZES.entities) => {
      const [cpuBefore, systemBefore] = [await server.cpuMs(), await server.cpuMs('system')];
      const bucketsBefore = await answerDurationBuckets(server.url);
      const result = await runLoad({ url: server.url, ids, ...load });
      const perRequest = (ms: number) => (ms * 1000) / Math.max(1, result.requests);
      return {
        ...result,
        cpuUsPerRequest: perRequest((await server.cpuMs()) - cpuBefore),
        systemUsPerRequest: perRequest((await server.cpuMs('system')) - systemBefore),
        serverView: serverView(bucketsBefore, await answerDurationBuckets(server.url)),
      };
    };
    type Measured = Awaited<ReturnType<typeof measure>>;
    const serverEnv = (workers: number) => ({
      WAREHOUSE_DATABASE_URL: env.database, REDIS_URL: env.redis, FEATURE_REGISTRY_SCHEMA: SCHEMA, STREAM_ENABLED: 'false', FEATURE_SERVER_WORKERS: String(workers),
    });
    const server = await startFeatureServer(serverEnv(WORKERS), SERVER_NODE_OPTIONS);
    const scratch = await mkdtemp(path.join(tmpdir(), 'feature-bench-answer-'));
    const hundredAnswer = path.join(scratch, 'hundred.json');
    // The 100-entity answer goes out in several 64 KB loopback segments, which the machine's
    // congestion control may pace (loopback-congestion.ts): measured as the machine is set, and
    // again with CUBIC on the loopback route when the machine runs something else.
    const congestion = loopbackCongestion();
    const hundredLoad = { rate: 200, seconds: SECONDS, connections: 8, template: hundredEntities };
    const onCubic = async <T>(work: () => Promise<T>) =>
      congestion.algorithm === 'cubic' ? undefined : withLoopbackCongestion('cubic', work);
    // Each 100-entity figure has its own warm-up: the first requests on new connections compile
    // the large-answer path and grow its buffers.
    const measureHundred = async (target: RunningServer) => {
      await measure(target, { ...hundredLoad, seconds: 2 });
      return measure(target, hundredLoad);
    };
    let single: Measured;
    let hundred: Measured;
    let hundredCubic: Awaited<ReturnType<typeof onCubic<Measured>>>;
    let fraud: Measured | undefined;
    let twoWorkers: Measured | undefined;
    try {
      await measure(server, { rate: 5000, seconds: 2, connections: 32, template: oneEntity }); // warm-up: JIT, connections
      single = await measure(server, { rate: 5000, seconds: SECONDS, connections: 32, template: oneEntity });
      hundred = await measureHundred(server);
      hundredCubic = await onCubic(() => measureHundred(server));
      // One real 100-entity answer, for the bare server below to send the same bytes.
      const body = hundredEntities.replaceAll('@ID@', () => String(Math.floor(Math.random() * SIZES.entities)).padStart(7, '0'));
      const answer = await fetch(`${server.url}/get-online-features`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      if (!answer.ok) throw new Error(`100-entity read answered ${answer.status}`);
      await writeFile(hundredAnswer, Buffer.from(await answer.arrayBuffer()));
      if (!onlineOnly) fraud = await measure(server, { rate: 2000, seconds: SECONDS, connections: 16, template: fraudService });
    } finally {
      await server.stop();
    }
    // The same answer from a bare node:http server: what the kernel and the load generator make of
    // ~200 kB answers, whatever the server.
    const bareHundred = await startBareHttpServer(Number(new URL(server.url).port), { answerFile: hundredAnswer });
    let bareHundredFigure: Measured;
    let bareHundredCubic: Awaited<ReturnType<typeof onCubic<Measured>>>;
    try {
      bareHundredFigure = await measureHundred(bareHundred);
      bareHundredCubic = await onCubic(() => measureHundred(bareHundred));
    } finally {
      await bareHundred.stop();
      await rm(scratch, { recursive: true, force: true });
    }
    // The client-side cache (ONLINE_CACHE_MB, opt-in): a hit skips Redis altogether. Its
    // figure depends on how often entities repeat, so two workloads: ids drawn from the whole
    // population (at 5,000/s over the measurement, most are read for the first time), and from a
    // hot set of 5,000 (after the warm-up, every read a hit).
    // Room for every customer's row of 50 features (~0.7 kB each).
    const cachedEnv = { ...serverEnv(WORKERS), ONLINE_CACHE_MB: String(Math.ceil((SIZES.entities * 1_000) / 2 ** 20)) };
    const cached = await startFeatureServer(cachedEnv, SERVER_NODE_OPTIONS);
    let cachedUniform: Measured & { hitRate: number };
    let cachedHot: Measured & { hitRate: number };
    const HOT_SET = 5_000;
    try {
      const withHitRate = async (load: Parameters<typeof measure>[1], ids?: number) => {
        const [hits, misses] = await cacheCounts(cached.url);
        const result = await measure(cached, load, ids);
        const [hitsAfter, missesAfter] = await cacheCounts(cached.url);
        return { ...result, hitRate: (hitsAfter - hits) / Math.max(1, hitsAfter - hits + missesAfter - misses) };
      };
      await measure(cached, { rate: 5000, seconds: 2, connections: 32, template: oneEntity });
      cachedUniform = await withHitRate({ rate: 5000, seconds: SECONDS, connections: 32, template: oneEntity });
      await measure(cached, { rate: 5000, seconds: 2, connections: 32, template: oneEntity }, HOT_SET);
      cachedHot = await withHitRate({ rate: 5000, seconds: SECONDS, connections: 32, template: oneEntity }, HOT_SET);
    } finally {
      await cached.stop();
    }
    if (WORKERS === 1 && !onlineOnly) {
      const pair = await startFeatureServer(serverEnv(2), SERVER_NODE_OPTIONS);
      try {
        // Each worker compiles its own hot path: a longer warm-up than one process needs.
        await measure(pair, { rate: 5000, seconds: QUICK ? 2 : 4, connections: 32, template: oneEntity });
        twoWorkers = await measure(pair, { rate: 5000, seconds: SECONDS, connections: 32, template: oneEntity });
      } finally {
        await pair.stop();
      }
    }
    let floor: Measured | undefined;
    let redisFloor: Measured;
    if (!onlineOnly) {
      const bare = await startBareHttpServer(Number(new URL(server.url).port));
      try {
        await measure(bare, { rate: 5000, seconds: 2, connections: 32, template: oneEntity });
        floor = await measure(bare, { rate: 5000, seconds: SECONDS, connections: 32, template: oneEntity });
      } finally {
        await bare.stop();
      }
    }
    // The floor of a read that goes to Redis (the 1-entity figure's real anchor), in every mode.
    const bareRedis = await startBareRedisServer(Number(new URL(server.url).port), { redisUrl: env.redis, keyPattern: 'fsbench:*bench_customer_50*' });
    try {
      await measure(bareRedis, { rate: 5000, seconds: 2, connections: 32, template: oneEntity });
      redisFloor = await measure(bareRedis, { rate: 5000, seconds: SECONDS, connections: 32, template: oneEntity });
    } finally {
      await bareRedis.stop();
    }
    const latency = (result: LoadResult) => `p99 ${result.p99.toFixed(2)} ms`;
    const detail = (result: Measured) =>
      `${Math.round(result.rps)} req/s, p50 ${result.p50.toFixed(2)}, p99.9 ${result.p999.toFixed(2)}, max ${result.max.toFixed(1)} ms, ${result.errors} errors, ` +
      `${result.late} sent > 1 ms late, server CPU ${Math.round(result.cpuUsPerRequest)} µs/request (${Math.round(result.systemUsPerRequest)} of it in the kernel)` +
      (result.serverView === undefined ? '' : `; ${result.serverView}`);
    const workers = (count: number) => (count === 1 ? '1 worker' : `${count} workers`);
    figures.push({ name: `get-online-features 1 entity × 50 @ 5,000/s, ${workers(WORKERS)}`, ours: latency(single), target: 'p99 ≤ 1 ms', anchor: 'Feast p99: Python 7 ms · Go 1.8 ms · Java 0.8 ms', detail: detail(single) });
    if (twoWorkers !== undefined) {
      figures.push({ name: 'get-online-features 1 entity × 50 @ 5,000/s, 2 workers', ours: latency(twoWorkers), target: 'p99 ≤ 1 ms', anchor: '', detail: detail(twoWorkers) });
    }
    if (floor !== undefined) {
      figures.push({ name: '  anchor: bare node:http, same load, same run', ours: latency(floor), target: '', anchor: '', detail: `${detail(floor)}; ours ÷ bare = ${(single.p99 / floor.p99).toFixed(1)}× at p99` });
    }
    const hitRate = (result: { hitRate: number }) => `; ${(100 * result.hitRate).toFixed(1)} % of reads from the cache`;
    figures.push({ name: `  with the client-side cache, ids from all ${SIZES.entities.toLocaleString()}`, ours: latency(cachedUniform), target: 'p99 ≤ 1 ms', anchor: '', detail: detail(cachedUniform) + hitRate(cachedUniform) });
    figures.push({ name: `  with the client-side cache, ids from a hot set of ${HOT_SET.toLocaleString()}`, ours: latency(cachedHot), target: 'p99 ≤ 1 ms', anchor: '', detail: detail(cachedHot) + hitRate(cachedHot) });
    figures.push({ name: '  anchor: bare node:http + one ioredis MGET, same load', ours: latency(redisFloor), target: '', anchor: '', detail: `${detail(redisFloor)}; ours ÷ this = ${(single.p99 / redisFloor.p99).toFixed(1)}× at p99` });
    const loopback = `loopback ${congestion.algorithm}${congestion.source === 'sysctl' ? ', the machine\'s' : ', set on the route'}`;
    figures.push({ name: `get-online-features 100 entities × 50 @ 200/s, ${workers(WORKERS)}, ${loopback}`, ours: latency(hundred), target: 'p99 ≤ 10 ms', anchor: '', detail: detail(hundred) });
    figures.push({ name: `  anchor: bare node:http sending the same answer, ${loopback}`, ours: latency(bareHundredFigure), target: '', anchor: '', detail: detail(bareHundredFigure) });
    if (hundredCubic !== undefined) {
      const name = `get-online-features 100 entities × 50 @ 200/s, ${workers(WORKERS)}, loopback cubic`;
      if ('skipped' in hundredCubic) figures.push({ name, ours: 'not run', target: 'p99 ≤ 10 ms', anchor: '', detail: hundredCubic.skipped });
      else figures.push({ name, ours: latency(hundredCubic.result), target: 'p99 ≤ 10 ms', anchor: '', detail: detail(hundredCubic.result) });
    }
    if (bareHundredCubic !== undefined && 'result' in bareHundredCubic) {
      figures.push({ name: '  anchor: bare node:http sending the same answer, loopback cubic', ours: latency(bareHundredCubic.result), target: '', anchor: '', detail: detail(bareHundredCubic.result) });
    }
    if (fraud !== undefined) {
      figures.push({ name: `fraud service (4 views, 56 features) @ 2,000/s, ${workers(WORKERS)}`, ours: latency(fraud), target: '', anchor: '', detail: detail(fraud) });
    }
    log('serving done');
  });

  // --- streaming -------------------------------------------------------------------------------
  if (SECTIONS.has('stream')) await section('stream', async () => {
    const admin = kafka.admin();
    const bareTopic = `${topic}.bare`;
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const streamer = await startFeatureServer({
      WAREHOUSE_DATABASE_URL: env.database, REDIS_URL: env.redis, FEATURE_REGISTRY_SCHEMA: SCHEMA, STREAM_ENABLED: 'true',
      STREAM_TOPIC: topic, STREAM_GROUP_ID: `bench-${Date.now()}`, KAFKA_BROKERS: env.brokers.join(','),
    }, SERVER_NODE_OPTIONS);
    try {
      const metricsNow = async () => (await fetch(`${streamer.url}/metrics`)).text();
      const applied = async () => metricValue(await metricsNow(), 'feature_server_stream_messages_total');
      /** Whether `count` events were applied within 60 s. */
      const waitApplied = async (count: number): Promise<boolean> => {
        const started = performance.now();
        while ((await applied()) < count) {
          if (performance.now() - started > 60_000) return false;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        return true;
      };
      // Warm up: the consumer joins its group and the first events go through before timing starts.
      const warmup = await publishPayments(kafka, topic, { rate: 500, seconds: 1, customers: SIZES.entities, sequenceStart: 0 });
      if (!(await waitApplied(warmup))) throw new Error(`the stream applied ${await applied()} of ${warmup} warm-up events within 60 s`);
      const before = histogramBuckets(await metricsNow(), 'feature_server_stream_event_to_online_seconds');
      const [serverCpuBefore, redisCpuBefore] = [await streamer.cpuMs(), await redisCpuMs()];
      const sent = await publishPayments(kafka, topic, { rate: 5000, seconds: SECONDS, customers: SIZES.entities, sequenceStart: warmup });
      const caughtUp = performance.now();
      const allApplied = await waitApplied(warmup + sent);
      const caughtUpText = allApplied
        ? `all applied ${((performance.now() - caughtUp) / 1000).toFixed(1)} s after the last was sent`
        : `only ${((await applied()) - warmup).toLocaleString()} applied 60 s after the last was sent (the consumer did not keep up)`;
      const serverCpuUs = ((await streamer.cpuMs()) - serverCpuBefore) * 1000 / sent;
      const redisCpuUs = ((await redisCpuMs()) - redisCpuBefore) * 1000 / sent;
      const after = histogramBuckets(await metricsNow(), 'feature_server_stream_event_to_online_seconds');
      const [p50, p99] = percentilesBetween(before, after, [0.5, 0.99]).map((ms) => (Number.isFinite(ms) ? `≤ ${ms} ms` : '> 10 s'));
      figures.push({
        name: 'stream event → online @ 5,000 events/s', ours: `p99 ${p99}`, target: 'p99 ≤ 50 ms', anchor: 'Feast: left to the user',
        detail: `${sent.toLocaleString()} events, p50 ${p50} (histogram bucket bounds), ${caughtUpText}, ` +
          `server CPU ${Math.round(serverCpuUs)} µs/event, Redis CPU ${Math.round(redisCpuUs)} µs/event (all of Redis's work meanwhile)`,
      });
      await streamer.stop();
      await admin.createTopics({ topics: [{ topic: bareTopic, numPartitions: 1 }], waitForLeaders: true });
      const bare = await bareConsumerLatency(kafka, bareTopic, { rate: 5000, seconds: SECONDS, customers: SIZES.entities, brokers: env.brokers });
      figures.push({
        name: '  anchor: bare kafkajs consumer, same rate, same run', ours: `p99 ${bare.p99} ms`, target: '', anchor: '',
        detail: `${bare.count.toLocaleString()} messages, p50 ${bare.p50} ms, producer timestamp to arrival, nothing applied`,
      });
    } finally {
      await streamer.stop();
      await admin.deleteTopics({ topics: [topic, bareTopic] }).catch(() => undefined);
      await admin.disconnect();
    }
    log('streaming done');
  });
} finally {
  await pool.end();
  await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`).catch(() => undefined);
  await admin.end();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', 'fsbench:*', 'COUNT', 5000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
  redis.disconnect();
  const objects = await s3.send(new ListObjectsV2Command({ Bucket: bucket })).catch(() => undefined);
  for (const object of objects?.Contents ?? []) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.Key }));
  await s3.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
  s3.destroy();
}

printReport(figures, { quick: QUICK, loadBefore, loadAfter: loadavg()[0]! });

/**
 * The server's own request-duration histogram for get-online-features (from its request arriving
 * to its answer handed to the kernel), cumulative count per bucket bound in seconds; undefined for
 * a server without it (the bare floor).
 */
/** The client-side cache's hits and misses so far (every worker's). */
async function cacheCounts(url: string): Promise<[number, number]> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return [metricValue(text, 'feature_server_online_cache_hits_total'), metricValue(text, 'feature_server_online_cache_misses_total')];
}

async function answerDurationBuckets(url: string): Promise<Map<number, number> | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const buckets = new Map<number, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('feature_server_http_request_duration_seconds_bucket{') || !line.includes('route="/get-online-features"') || !line.includes('status_code="200"')) continue;
    const bound = /le="([^"]+)"/.exec(line)?.[1];
    if (bound === undefined) continue;
    const le = bound === '+Inf' ? Infinity : Number(bound);
    buckets.set(le, (buckets.get(le) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return buckets.size === 0 ? undefined : buckets;
}

/**
 * What the server saw of a load run, at its histogram's resolution: beside wrk's figures it tells
 * time spent in the server from time spent in the kernel and the load generator.
 */
function serverView(before: Map<number, number> | undefined, after: Map<number, number> | undefined): string | undefined {
  if (before === undefined || after === undefined) return undefined;
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const delta = (le: number) => (after.get(le) ?? 0) - (before.get(le) ?? 0);
  const total = delta(Infinity);
  if (total === 0) return undefined;
  const within = (share: number) => bounds.find((le) => delta(le) >= share * total) ?? Infinity;
  const ms = (le: number) => (le === Infinity ? '∞' : `${+(le * 1000).toPrecision(3)} ms`);
  return `in the server (its own histogram): p99 ≤ ${ms(within(0.99))}, all ≤ ${ms(within(1))}`;
}
