import { Counter, Gauge, type Registry } from 'prom-client';
import type { Redis } from 'ioredis';
import type { StoredViewInfo } from '../definitions/catalog.js';
import type { OnlineStoreReader } from './online-reader.js';
import { RedisOnlineStore, type StoredState } from './online-store.js';
import { ReadDoorkeeper } from './read-doorkeeper.js';

/** The channel Redis publishes invalidations on for a client that redirects them (RESP2 tracking). */
const INVALIDATION_CHANNEL = '__redis__:invalidate';

export interface CachedOnlineReaderOptions {
  /** A connection to the one Redis node the features are on; the reader opens two of its own beside it. */
  redis: Redis;
  /** Prefix of every key, as the store writing them uses it. */
  keyPrefix: string;
  /**
   * Most memory the cached states may take, in bytes (as `cachedStateBytes` estimates it); states
   * not read again since they were cached or last passed over go first. States vary from ~0.4 kB
   * (a batch row) to several kB (a busy entity's window state), so this, not a count, is what
   * bounds the process.
   */
  maxBytes: number;
  /** Most states kept, whatever their size; unbounded by default. */
  maxEntries?: number;
  /**
   * Cache a state on its first read instead of its second (ReadDoorkeeper). Off by default: a
   * state read once in a long while would only churn the cache.
   */
  admitOnFirstRead?: boolean;
  metrics?: { registry: Registry; prefix: string };
  onError?: (error: Error) => void;
}

export interface CachedOnlineReaderStats {
  hits: number;
  misses: number;
  /** Keys Redis reported changed, cached or still being read (a flush counts what it dropped). */
  invalidations: number;
  entries: number;
  /** Estimated memory of the cached states (`cachedStateBytes`). */
  bytes: number;
  /** True while Redis tracks what this reader reads: only then is anything cached. */
  tracking: boolean;
}

/** A cached state, its estimated size, and whether it was read again since it was last passed over. */
interface CacheEntry {
  state: StoredState;
  bytes: number;
  readAgain: boolean;
}

/** Beyond this many keys invalidated during reads in flight, those reads simply cache nothing. */
const MAX_TRACKED_INVALIDATIONS = 10_000;

/**
 * The online store's client-side cache (Redis server-assisted client-side caching): states read
 * once are answered from process memory until Redis says they changed. A hit costs no Redis round
 * trip: no command to write, no wake-up of Redis, no reply to parse.
 *
 * Redis tracks every key this reader's own connection reads (`CLIENT TRACKING ON REDIRECT`) and,
 * when any client modifies, deletes or expires one, publishes the key on a second connection; the
 * entry is dropped there. Values may lag a write by the time that message takes (well under a
 * millisecond on one host); TTLs and windows are still judged at read time from the cached state.
 *
 * Correctness rests on three rules:
 * - nothing is cached unless tracking was on before the read was sent (a read sent earlier may
 *   be untracked: Redis would never invalidate it);
 * - a reply is not cached when its key was invalidated while it was in flight (the two arrive on
 *   different connections, so the invalidation may come first);
 * - when either connection drops, tracking ends: everything is forgotten until it is on again.
 *
 * A state is cached from its second read on (ReadDoorkeeper), unless `admitOnFirstRead`. Eviction
 * is second-chance (CLOCK), an approximation of least recently read in which a hit only sets a
 * flag: reordering the map on every hit re-inserted a freshly built key string each time, which
 * lived until the state's next read and so was promoted to the old generation, a steady stream of
 * old-generation garbage for major GCs to collect.
 *
 * One Redis node only: on a cluster each node tracks its own keys, which this reader does not follow.
 */
export class CachedOnlineReader implements OnlineStoreReader {
  private readonly reader: Redis;
  private readonly invalidations: Redis;
  private readonly store: RedisOnlineStore;
  private readonly maxBytes: number;
  private readonly maxEntries: number;
  private readonly doorkeeper: ReadDoorkeeper | undefined;
  private bytes = 0;
  private readonly onError: (error: Error) => void;
  /** Oldest first: the order in which eviction passes over them. */
  private readonly entries = new Map<string, CacheEntry>();
  /** Keys invalidated while reads were in flight, with the invalidation's number; emptied when none is. */
  private readonly invalidatedAt = new Map<string, number>();
  /** Invalidated keys so far: a read sent at count N keeps no reply whose key was invalidated after N. */
  private invalidationCount = 0;
  private readsInFlight = 0;
  /**
   * Bumped whenever tracking ends or starts, everything is flushed, or `invalidatedAt` overflows:
   * a read's replies are cached only under the generation it was sent in.
   */
  private generation = 0;
  private tracking = false;
  private subscriberId: number | undefined;
  private closed = false;
  private readonly counts = { hits: 0, misses: 0, invalidations: 0 };

  constructor({ redis, keyPrefix, maxBytes, maxEntries = Number.POSITIVE_INFINITY, admitOnFirstRead = false, metrics, onError = () => {} }: CachedOnlineReaderOptions) {
    if (redis.isCluster) throw new Error('the online cache follows one Redis node, not a cluster');
    this.maxBytes = maxBytes;
    this.maxEntries = Math.max(1, maxEntries);
    this.doorkeeper = admitOnFirstRead ? undefined : new ReadDoorkeeper();
    this.onError = onError;
    const name = redis.options.connectionName;
    this.reader = redis.duplicate({ lazyConnect: false, ...(name ? { connectionName: `${name}:cached-reads` } : {}) });
    // Resubscribed by hand after a reconnect: the new connection's id must be known first.
    this.invalidations = redis.duplicate({
      lazyConnect: false,
      autoResubscribe: false,
      enableOfflineQueue: true,
      ...(name ? { connectionName: `${name}:invalidations` } : {}),
    });
    this.store = new RedisOnlineStore({ redis: this.reader, keyPrefix });

    this.reader.on('ready', () => void this.startTracking());
    this.invalidations.on('ready', () => void this.subscribe());
    this.reader.on('close', () => this.stopTracking());
    this.invalidations.on('close', () => {
      this.subscriberId = undefined;
      this.stopTracking();
    });
    for (const connection of [this.reader, this.invalidations]) connection.on('error', (error: Error) => this.onError(error));
    this.invalidations.on('messageBuffer', (channel: Buffer, keys: Buffer[] | null) => {
      if (channel.toString() === INVALIDATION_CHANNEL) this.invalidate(keys);
    });
    if (metrics) this.registerMetrics(metrics);
  }

  async readStates(requests: readonly { view: StoredViewInfo; key: string }[]): Promise<StoredState[]> {
    const count = requests.length;
    if (!this.tracking) {
      this.counts.misses += count;
      return this.store.readStates(requests);
    }
    const keys = new Array<string>(count);
    const states = new Array<StoredState>(count);
    let missing: number[] | undefined;
    for (let i = 0; i < count; i++) {
      const { view, key } = requests[i]!;
      const stateKey = (keys[i] = this.store.stateKey(view, key));
      const entry = this.entries.get(stateKey);
      if (entry === undefined) (missing ??= []).push(i);
      else {
        entry.readAgain = true;
        states[i] = entry.state;
      }
    }
    this.counts.hits += count - (missing?.length ?? 0);
    if (missing === undefined) return states;
    this.counts.misses += missing.length;

    const generation = this.generation;
    const sentAt = this.invalidationCount;
    const all = missing.length === count;
    const missingKeys = all ? keys : missing.map((i) => keys[i]!);
    this.readsInFlight++;
    let read: StoredState[];
    try {
      read = await this.store.readStates(all ? requests : missing.map((i) => requests[i]!), missingKeys);
    } catch (error) {
      this.readDone();
      throw error;
    }
    const cacheable = this.tracking && generation === this.generation;
    // Nothing invalidated while this read was out: every reply may be kept without a lookup.
    const untouched = this.invalidationCount === sentAt;
    for (let slot = 0; slot < missing.length; slot++) {
      const state = read[slot]!;
      const key = missingKeys[slot]!;
      states[missing[slot]!] = state;
      if (cacheable && (untouched || (this.invalidatedAt.get(key) ?? 0) <= sentAt)) this.remember(key, state);
    }
    this.readDone();
    return states;
  }

  stats(): CachedOnlineReaderStats {
    return { ...this.counts, entries: this.entries.size, bytes: this.bytes, tracking: this.tracking };
  }

  /** Resolves once Redis tracks this reader's reads (or rejects after `timeoutMs`). */
  async ready(timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.tracking) {
      if (Date.now() > deadline) throw new Error('the online cache could not turn Redis tracking on');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopTracking();
    await Promise.allSettled([this.reader.quit(), this.invalidations.quit()]);
  }

  private readDone(): void {
    if (--this.readsInFlight === 0) this.invalidatedAt.clear();
  }

  private remember(key: string, state: StoredState): void {
    if (this.doorkeeper !== undefined && !this.doorkeeper.seenBefore(key)) return;
    const bytes = cachedStateBytes(key, state);
    if (bytes > this.maxBytes) return;
    this.forget(key);
    this.entries.set(key, { state, bytes, readAgain: false });
    this.bytes += bytes;
    while (this.bytes > this.maxBytes || this.entries.size > this.maxEntries) this.evictOne();
  }

  /** Drops the oldest state not read again; those read again on the way get a second chance, at the back. */
  private evictOne(): void {
    // A Map visits entries re-inserted during the loop again, by then with the flag cleared.
    for (const [key, entry] of this.entries) {
      if (!entry.readAgain) {
        this.forget(key);
        return;
      }
      entry.readAgain = false;
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
  }

  private forget(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }

  /** Keys Redis says changed; none means all of them (FLUSHDB, FLUSHALL, or tracking lost). */
  private invalidate(keys: Buffer[] | null): void {
    if (keys === null) {
      this.counts.invalidations += this.entries.size;
      this.flush();
      return;
    }
    for (const raw of keys) {
      const key = raw.toString();
      this.counts.invalidations++;
      this.forget(key);
      const number = ++this.invalidationCount;
      if (this.readsInFlight === 0) continue;
      this.invalidatedAt.set(key, number);
      if (this.invalidatedAt.size > MAX_TRACKED_INVALIDATIONS) {
        this.generation++;
        this.invalidatedAt.clear();
      }
    }
  }

  private stopTracking(): void {
    this.tracking = false;
    this.flush();
  }

  /** Forgets every state, and every read in flight keeps nothing it brings back. */
  private flush(): void {
    this.generation++;
    this.entries.clear();
    this.bytes = 0;
  }

  /** On each (re)connection of the invalidation connection: learn its id, listen, then point tracking at it. */
  private async subscribe(): Promise<void> {
    try {
      const id = Number(await this.invalidations.client('ID'));
      await this.invalidations.subscribe(INVALIDATION_CHANNEL);
      this.subscriberId = id;
      await this.startTracking();
    } catch (error) {
      this.onError(error as Error);
    }
  }

  /** On each (re)connection of the read connection, or once the invalidations have somewhere to go. */
  private async startTracking(): Promise<void> {
    const redirect = this.subscriberId;
    if (this.closed || redirect === undefined || this.reader.status !== 'ready') return;
    try {
      await this.reader.client('TRACKING', 'ON', 'REDIRECT', String(redirect));
      // Only if neither connection changed while the command was on its way.
      if (redirect === this.subscriberId && this.reader.status === 'ready' && !this.closed) {
        this.generation++;
        this.tracking = true;
      }
    } catch (error) {
      this.onError(error as Error);
    }
  }

  private registerMetrics({ registry, prefix }: { registry: Registry; prefix: string }): void {
    const counts = this.counts;
    const reported = { hits: 0, misses: 0, invalidations: 0 };
    // Counted as plain numbers on the read path, handed to prom-client when scraped.
    const collect = (count: keyof typeof reported) =>
      function (this: Counter) {
        this.inc(counts[count] - reported[count]);
        reported[count] = counts[count];
      };
    new Counter({ name: `${prefix}online_cache_hits_total`, help: 'Entity view states answered from the online cache', registers: [registry], collect: collect('hits') });
    new Counter({
      name: `${prefix}online_cache_misses_total`,
      help: 'Entity view states read from Redis (not cached, or tracking off)',
      registers: [registry],
      collect: collect('misses'),
    });
    new Counter({
      name: `${prefix}online_cache_invalidations_total`,
      help: 'Entity view states Redis reported changed, each dropped from the cache or not cached from a read in flight',
      registers: [registry],
      collect: collect('invalidations'),
    });
    const entries = this.entries;
    const isTracking = () => this.tracking;
    const bytes = () => this.bytes;
    new Gauge({
      name: `${prefix}online_cache_bytes`,
      help: 'Estimated memory of the states held in the online cache',
      registers: [registry],
      collect() {
        this.set(bytes());
      },
    });
    new Gauge({
      name: `${prefix}online_cache_entries`,
      help: 'Entity view states held in the online cache',
      registers: [registry],
      collect() {
        this.set(entries.size);
      },
    });
    new Gauge({
      name: `${prefix}online_cache_tracking`,
      help: '1 while Redis tracks the cached keys (the cache is in use), 0 otherwise',
      registers: [registry],
      collect() {
        this.set(isTracking() ? 1 : 0);
      },
    });
  }
}

/**
 * The cache a service puts in front of its store when given memory for it (MiB, from its
 * settings); none when that is 0. On a cluster the store is read directly: see CachedOnlineReader.
 */
export function onlineCacheFor(
  store: RedisOnlineStore,
  megabytes: number,
  options: Pick<CachedOnlineReaderOptions, 'metrics' | 'onError'> = {},
): CachedOnlineReader | undefined {
  if (megabytes <= 0 || store.redis.isCluster) return undefined;
  return new CachedOnlineReader({ redis: store.redis as Redis, keyPrefix: store.keyPrefix, maxBytes: megabytes * 2 ** 20, ...options });
}

/** Per entry: the Map's slot and the key string's header (V8, 64-bit, no pointer compression). */
const ENTRY_BYTES = 112;
/** Per batch row: the Buffer object and its backing store's record. */
const BUFFER_BYTES = 96;
/** Per string of a window state: its header, padding and the array slot pointing at it. */
const STRING_BYTES = 40;

/**
 * About what one cached state holds on the heap (keys and Redis replies are one-byte strings).
 * Against the heap growth of caching 25,000 states of the bench's data (15,000 rows, 10,000
 * window states of ~25 fields each): 19.2 MB estimated, 19.6 MB measured.
 */
export function cachedStateBytes(key: string, state: StoredState): number {
  const bytes = ENTRY_BYTES + key.length;
  if (state === null) return bytes;
  if (Buffer.isBuffer(state)) return bytes + BUFFER_BYTES + state.byteLength;
  const strings: readonly string[] = Array.isArray(state) ? (state as readonly string[]) : Object.entries(state).flat();
  let total = bytes;
  for (const value of strings) total += STRING_BYTES + value.length;
  return total;
}
