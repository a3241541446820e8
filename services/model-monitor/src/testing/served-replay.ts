import { PaymentEvent, type FeatureValue } from '@payments-mlops/contracts';
import {
  DAY_MS,
  parseStreamMessage,
  sourceColumnOf,
  type AggregationPlan,
  type FeatureCatalog,
  type RedisOnlineStore,
  type StreamEvent,
} from '@payments-mlops/feature-store';
import type pg from 'pg';

/** How many payments are scored at once, at most; none of them shares a customer or a card. */
const GROUP_SIZE = 20;
/** Events per Redis pipeline while the history before the served days is loaded. */
const PRIME_CHUNK = 1_000;

export interface ServedReplayOptions {
  pool: pg.Pool;
  catalog: FeatureCatalog;
  /** The online store ml-serving reads, with `clock` as its clock. */
  store: RedisOnlineStore;
  /** Sets the online store's clock. */
  setClock: (ms: number) => void;
  /**
   * Whole days added to every event time the online store and ml-serving see. The store expires
   * keys at absolute times (a window's end, twice a view's TTL); a history that ended before today
   * is moved so that its served days are not already expired in Redis' own clock.
   */
  shiftMs: number;
  /** Scores one payment (ml-serving's /fraud/score), shifted; resolves to the HTTP status. */
  score: (event: PaymentEvent) => Promise<number>;
}

/**
 * Serves past payments as they were served live: the online store holds what the stream and the
 * daily materialization had written up to each payment, not the state at the end of the history.
 * Every payment is scored first and then applied to the window aggregates (as the stream ingestor
 * applies payments.normalized), and the daily views are loaded at each midnight. Payments scored
 * together share no customer and no card, so each sees every earlier payment of its own entities:
 * the values the point-in-time training rows have.
 */
export class ServedReplay {
  private day = Number.NaN;
  private readonly plans: AggregationPlan[];

  constructor(private readonly o: ServedReplayOptions) {
    this.plans = o.catalog.storedViews().flatMap((view) => (view.kind === 'stream' ? [view.plan] : []));
  }

  shifted(event: PaymentEvent): PaymentEvent {
    return { ...event, occurred_at: new Date(Date.parse(event.occurred_at) + this.o.shiftMs).toISOString() };
  }

  /** Loads the online store with `history` (every payment before the first served one) and the daily views of its last day. */
  async prime(history: readonly PaymentEvent[], servedFromMs: number): Promise<void> {
    for (let start = 0; start < history.length; start += PRIME_CHUNK) {
      await this.apply(history.slice(start, start + PRIME_CHUNK).map((event) => this.shifted(event)));
    }
    this.day = Math.floor(servedFromMs / DAY_MS);
    await this.loadDailyViews(this.day * DAY_MS);
  }

  /** Scores `events` (in time order) and applies each after its answer; returns the statuses. */
  async serve(events: readonly PaymentEvent[]): Promise<number[]> {
    const statuses: number[] = [];
    let group: PaymentEvent[] = [];
    const entities = new Set<string>();
    const flush = async (): Promise<void> => {
      if (group.length === 0) return;
      statuses.push(...(await Promise.all(group.map((event) => this.o.score(event)))));
      await this.apply(group);
      group = [];
      entities.clear();
    };
    for (const event of events) {
      const day = Math.floor(Date.parse(event.occurred_at) / DAY_MS);
      if (day !== this.day) {
        await flush();
        await this.loadDailyViews(day * DAY_MS);
        this.day = day;
      }
      const keys = [`customer:${event.customer_id}`, `card:${event.card_id ?? event.payment_id}`];
      if (group.length >= GROUP_SIZE || keys.some((key) => entities.has(key))) await flush();
      group.push(this.shifted(event));
      for (const key of keys) entities.add(key);
    }
    await flush();
    return statuses;
  }

  /** Shifted payments → the window aggregates, exactly as the stream ingestor parses and applies them. */
  private async apply(events: readonly PaymentEvent[]): Promise<void> {
    const parsed: StreamEvent[] = events.map((event) => {
      const message = parseStreamMessage(Buffer.from(JSON.stringify(event)), this.plans[0]!, PaymentEvent);
      if (!message.ok) throw new Error(`a simulated payment is not a stream event: ${message.reason}`);
      return message.event;
    });
    const last = parsed.at(-1)!.eventMs;
    this.o.setClock(last);
    await this.o.store.applyEvents(this.plans, parsed, last);
  }

  /**
   * The daily marts' rows are known at the next midnight: each online batch view gets, per
   * entity, its latest row dated up to `midnightMs` (within its TTL), as a daily materialization
   * would write it.
   */
  private async loadDailyViews(midnightMs: number): Promise<void> {
    const nowMs = midnightMs + this.o.shiftMs;
    this.o.setClock(nowMs);
    for (const view of this.o.catalog.storedViews()) {
      if (view.kind !== 'batch' || !view.definition.online) continue;
      const key = view.entity.join_key;
      const ts = view.source.timestamp_field;
      const columns = view.features.map((field) => {
        const column = `s.${sourceColumnOf(view, field.name)}`;
        return field.dtype === 'Int64' || field.dtype === 'Float64' ? `${column}::float8` : column;
      });
      const { rows } = await this.o.pool.query<unknown[]>({
        text: `SELECT DISTINCT ON (s.${key}) s.${key}, (extract(epoch FROM s.${ts}) * 1000)::float8, ${columns.join(', ')}
               FROM ${view.source.table} s
               WHERE s.${key} IS NOT NULL AND s.${ts} > to_timestamp($1 / 1000.0) AND s.${ts} <= to_timestamp($2 / 1000.0)
               ORDER BY s.${key}, s.${ts} DESC`,
        values: [midnightMs - view.ttlMs, midnightMs],
        rowMode: 'array',
      });
      const batch = rows.map((row) => ({
        key: String(row[0]),
        eventMs: Number(row[1]) + this.o.shiftMs,
        createdMs: nowMs,
        values: row.slice(2) as FeatureValue[],
      }));
      await this.o.store.writeBatchRows(view, batch, nowMs);
    }
  }
}
