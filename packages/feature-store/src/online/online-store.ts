import { ServiceError, type FeatureValue } from '@payments-mlops/contracts';
import type { Cluster, ChainableCommander, Redis } from 'ioredis';
import { aggregateUpdate } from '../aggregation/online-update.js';
import type { EventRecord } from '../aggregation/conditions.js';
import type { AggregationPlan } from '../aggregation/plan.js';
import type { BatchViewInfo, StoredViewInfo } from '../definitions/catalog.js';
import { aggregateStateKey, batchViewKey, dedupeKey } from './keys.js';
import { APPLY_AGGREGATE_EVENT, APPLY_AGGREGATE_EVENTS, WRITE_IF_NEWER, WRITE_MANY_IF_NEWER } from './scripts.js';
import { encodeFeatureRow } from './value-codec.js';

export type RedisClient = Redis | Cluster;

/** Window updates per script call on one node: a call of 16 takes well under a millisecond of Redis. */
const UPDATES_PER_CALL = 16;

/**
 * The online store could not be reached or failed. A SERVICE_UNAVAILABLE ServiceError, so every
 * service's error handler answers 503; the next request tries Redis again.
 */
export class OnlineStoreUnavailableError extends ServiceError {
  constructor(cause: unknown) {
    super('SERVICE_UNAVAILABLE', `Online store (Redis) is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.cause = cause;
  }
}

/** One entity's row of a batch view, as materialization or push writes it. */
export interface BatchRow {
  key: string;
  eventMs: number;
  createdMs: number;
  values: readonly FeatureValue[];
}

/** A batch row already encoded (`encodeFeatureRow`), as bulk materialization produces it. */
export interface EncodedBatchRow {
  key: string;
  eventMs: number;
  createdMs: number;
  encoded: Buffer;
}

/** One event of a stream, ready for the window aggregates. */
export interface StreamEvent {
  record: EventRecord;
  eventMs: number;
  dedupeId: string;
}

export interface ApplyResult {
  applied: number;
  duplicates: number;
  /** Entity updates that could not change any value read from now on, or events without the entity. */
  skipped: number;
}

/**
 * The state of one view for one entity, as read: an encoded row (batch) or a state hash (stream),
 * as HGETALL's flat field/value reply (what the store returns: no object built per reply) or an object.
 */
export type StoredState = Buffer | readonly string[] | Record<string, string> | null;

interface ScriptCommands {
  fsWriteIfNewer(key: string, value: Buffer, eventMs: string, createdMs: string, expireAtMs: string): ChainableCommander;
  fsWriteManyIfNewer(keyCount: number, ...keysAndArgs: (string | Buffer)[]): ChainableCommander;
  fsApplyAggregateEvent(stateKey: string, dedupeKey: string, ...args: string[]): ChainableCommander;
  fsApplyAggregateEvents(keyCount: number, ...keysAndArgs: string[]): ChainableCommander;
}

export interface OnlineStoreOptions {
  redis: RedisClient;
  /** Prefix of every key, e.g. `fs:` (feature_store.yaml's online_store.key_prefix). */
  keyPrefix: string;
  clock?: () => number;
}

/**
 * The Redis online store: writes that never replace a newer value, window aggregates updated
 * exactly once per event, and reads of any set of entity views in one round trip.
 */
export class RedisOnlineStore {
  readonly redis: RedisClient;
  readonly keyPrefix: string;
  private readonly clock: () => number;
  private readonly pruneArgs = new WeakMap<AggregationPlan, string>();

  constructor({ redis, keyPrefix, clock = Date.now }: OnlineStoreOptions) {
    this.redis = redis;
    this.keyPrefix = keyPrefix;
    this.clock = clock;
    redis.defineCommand('fsWriteIfNewer', { numberOfKeys: 1, lua: WRITE_IF_NEWER });
    redis.defineCommand('fsWriteManyIfNewer', { lua: WRITE_MANY_IF_NEWER });
    redis.defineCommand('fsApplyAggregateEvent', { numberOfKeys: 2, lua: APPLY_AGGREGATE_EVENT });
    redis.defineCommand('fsApplyAggregateEvents', { lua: APPLY_AGGREGATE_EVENTS });
  }

  /**
   * Writes rows of a batch view in one pipeline, each only if it is at least as new as what is
   * stored. Values are kept until twice the view's TTL after their event time (reads already call
   * them OUTSIDE_MAX_AGE after one TTL); rows older than that are not written. Returns how many
   * rows replaced the stored value.
   */
  async writeBatchRows(view: BatchViewInfo, rows: readonly (BatchRow | EncodedBatchRow)[], nowMs = this.clock()): Promise<number> {
    const pipeline = this.redis.pipeline() as ChainableCommander & ScriptCommands;
    const keepMs = 2 * view.ttlMs;
    // On one node, rows go a hundred per script call; on a cluster, one per call (one slot each).
    const perCall = this.redis.isCluster ? 1 : 100;
    let keys: string[] = [];
    let args: (Buffer | string)[] = [];
    let single: { eventMs: number; createdMs: number } | undefined;
    const flush = (): void => {
      if (keys.length === 1 && single !== undefined) {
        pipeline.fsWriteIfNewer(keys[0]!, args[0] as Buffer, String(single.eventMs), String(single.createdMs), args[1] as string);
      } else if (keys.length > 0) pipeline.fsWriteManyIfNewer(keys.length, ...keys, ...args);
      keys = [];
      args = [];
    };
    let queued = 0;
    for (const row of rows) {
      const expireAtMs = row.eventMs + keepMs;
      if (expireAtMs <= nowMs) continue;
      keys.push(batchViewKey(this.keyPrefix, view, row.key));
      args.push('encoded' in row ? row.encoded : encodeFeatureRow(view.features, row.values, row.eventMs, row.createdMs), String(expireAtMs));
      single = row;
      queued++;
      if (keys.length === perCall) flush();
    }
    flush();
    if (queued === 0) return 0;
    const results = await this.exec(pipeline);
    return results.reduce<number>((written, result) => written + (typeof result === 'number' ? result : 0), 0);
  }

  /**
   * Applies events to the window aggregates of `plans`, in one pipeline; redelivered events change
   * nothing. On one node, UPDATES_PER_CALL updates share a script call: one command to build,
   * send and answer instead of one per event and view, on both sides of the socket.
   */
  async applyEvents(plans: readonly AggregationPlan[], events: readonly StreamEvent[], nowMs = this.clock()): Promise<ApplyResult> {
    const pipeline = this.redis.pipeline() as ChainableCommander & ScriptCommands;
    const perCall = this.redis.isCluster ? 1 : UPDATES_PER_CALL;
    let keys: string[] = [];
    let args: string[] = [];
    const flush = (): void => {
      if (keys.length === 2) pipeline.fsApplyAggregateEvent(keys[0]!, keys[1]!, ...args);
      else if (keys.length > 0) pipeline.fsApplyAggregateEvents(keys.length, ...keys, ...args);
      keys = [];
      args = [];
    };
    let queued = 0;
    let skipped = 0;
    for (const event of events) {
      for (const plan of plans) {
        const key = event.record[plan.joinKey];
        const update = typeof key === 'string' && key !== '' ? aggregateUpdate(plan, event.record, event.eventMs, event.dedupeId, nowMs) : null;
        if (update === null || typeof key !== 'string') {
          skipped++;
          continue;
        }
        keys.push(aggregateStateKey(this.keyPrefix, plan, key), dedupeKey(this.keyPrefix, plan, key, update.dedupeDay));
        args.push(
          update.dedupeId ?? '',
          String(update.dedupeExpireAtMs),
          String(update.eventMs),
          String(update.expireAtMs),
          String(this.pruneThreshold(plan)),
          update.rings.map((ring) => `${ring.ring} ${ring.tile} ${ring.deltas}`).join(';'),
          update.scalars.map((scalar) => `${scalar.op}\x1f${scalar.field}\x1f${scalar.ts}\x1f${scalar.id}\x1f${scalar.value}`).join('\x1e'),
          this.pruneSpec(plan),
        );
        queued++;
        if (keys.length === 2 * perCall) flush();
      }
    }
    flush();
    if (queued === 0) return { applied: 0, duplicates: 0, skipped };
    const results = await this.exec(pipeline);
    const applied = results.reduce<number>((count, result) => count + (typeof result === 'number' ? result : 0), 0);
    return { applied, duplicates: queued - applied, skipped };
  }

  /** The Redis key holding a view's state for one entity: its encoded row, or its window state hash. */
  stateKey(view: StoredViewInfo, key: string): string {
    return view.kind === 'batch' ? batchViewKey(this.keyPrefix, view, key) : aggregateStateKey(this.keyPrefix, view.plan, key);
  }

  /**
   * Reads the state of each (view, entity key) in one round trip; null where nothing is stored.
   * `keys`, when given, are the requests' Redis keys (`stateKey`), already built by the caller.
   * On one node the batch rows go as one MGET (one command to build and parse instead of one per
   * entity) and a read's commands leave in one socket write; on a cluster, a pipeline or
   * auto-pipelining routes them per node.
   */
  async readStates(requests: readonly { view: StoredViewInfo; key: string }[], keys?: readonly string[]): Promise<StoredState[]> {
    if (requests.length === 0) return [];
    // Reads in the order they are sent: one per stream state, one per batch row on a cluster
    // (a key per slot), one MGET for every batch row on one node. `slots` maps replies back.
    const commands: { kind: 'get' | 'hgetall' | 'mget'; keys: string[]; slots: number[] }[] = [];
    let mget: { kind: 'mget'; keys: string[]; slots: number[] } | undefined;
    requests.forEach(({ view, key }, slot) => {
      const redisKey = keys?.[slot] ?? this.stateKey(view, key);
      if (view.kind !== 'batch') commands.push({ kind: 'hgetall', keys: [redisKey], slots: [slot] });
      else if (this.redis.isCluster) commands.push({ kind: 'get', keys: [redisKey], slots: [slot] });
      else {
        if (mget === undefined) commands.push((mget = { kind: 'mget', keys: [], slots: [] }));
        mget.keys.push(redisKey);
        mget.slots.push(slot);
      }
    });
    let replies: unknown[];
    // On one node the commands go as they are, corked into one socket write: an ioredis pipeline
    // object costs ~2.7 kB and a few µs to build per read. With auto-pipelining, ioredis batches
    // them itself; on a cluster without it, the pipeline below routes them.
    if (!this.redis.isCluster || this.redis.options.enableAutoPipelining === true) {
      const socket = this.redis.isCluster ? undefined : (this.redis as Redis).stream;
      let sent: Promise<unknown>[];
      socket?.cork();
      try {
        sent = commands.map(({ kind, keys }) =>
          kind === 'mget' ? this.redis.mgetBuffer(keys) : kind === 'get' ? this.redis.getBuffer(keys[0]!) : this.redis.call(HGETALL, keys[0]!),
        );
      } finally {
        socket?.uncork();
      }
      try {
        replies = await Promise.all(sent);
      } catch (error) {
        throw isConnectionError(error) ? new OnlineStoreUnavailableError(error) : error;
      }
    } else {
      const pipeline = this.redis.pipeline();
      for (const { kind, keys } of commands) {
        if (kind === 'mget') pipeline.mgetBuffer(keys);
        else if (kind === 'get') pipeline.getBuffer(keys[0]!);
        else pipeline.call(HGETALL, keys[0]!);
      }
      replies = await this.exec(pipeline);
    }
    const states = new Array<StoredState>(requests.length).fill(null);
    commands.forEach(({ kind, slots }, index) => {
      const reply = replies[index];
      if (kind === 'mget') (reply as (Buffer | null)[]).forEach((row, i) => void (states[slots[i]!] = row));
      else states[slots[0]!] = storedState(reply);
    });
    return states;
  }

  private async exec(pipeline: ChainableCommander): Promise<unknown[]> {
    let replies: [Error | null, unknown][] | null;
    try {
      replies = await pipeline.exec();
    } catch (error) {
      throw new OnlineStoreUnavailableError(error);
    }
    if (replies === null) throw new OnlineStoreUnavailableError(new Error('the pipeline was discarded'));
    return replies.map(([error, result]) => {
      if (error) throw isConnectionError(error) ? new OnlineStoreUnavailableError(error) : error;
      return result;
    });
  }

  /** Above this many fields an entity's state is worth pruning: every ring full, plus some distinct values. */
  private pruneThreshold(plan: AggregationPlan): number {
    return plan.rings.reduce((total, ring) => total + ring.tiles, 0) + 4 * plan.scalars.length + 16;
  }

  /** Which tiles and distinct values each window keeps, for the script's pruning; fixed per plan. */
  private pruneSpec(plan: AggregationPlan): string {
    let spec = this.pruneArgs.get(plan);
    if (spec === undefined) {
      const distinct = plan.scalars.filter((scalar) => scalar.fn === 'distinct_count' || scalar.fn === 'distinct_values');
      spec = [
        plan.rings.map((ring) => `${ring.id}:${ring.tiles}`).join(','),
        distinct.map((scalar) => `d${scalar.slot}::${scalar.window?.tileMs ?? 1}:${scalar.window?.tiles ?? 0}`).join(','),
      ].join('|');
      this.pruneArgs.set(plan, spec);
    }
    return spec;
  }
}

/**
 * Upper case on purpose: ioredis turns a reply of `hgetall` into an object (a dictionary-mode
 * object per read); under another spelling it leaves the flat array the evaluation walks anyway.
 */
const HGETALL = 'HGETALL';

function storedState(reply: unknown): StoredState {
  if (Buffer.isBuffer(reply)) return reply;
  if (Array.isArray(reply)) return reply as string[];
  if (reply !== null && typeof reply === 'object') return reply as Record<string, string>;
  return null;
}

function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return /Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|ETIMEDOUT|Command timed out|enableOfflineQueue|MaxRetriesPerRequest|LOADING|CLUSTERDOWN/i.test(
    error.message,
  );
}
