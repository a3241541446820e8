import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { LabelEvent } from '@payments-mlops/contracts';
import { refreshMarts, type MartRefresh } from '@payments-mlops/warehouse';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import {
  CUSTOMERS_COPY,
  customerRow,
  LABEL_COPY,
  labelRow,
  MERCHANTS_COPY,
  merchantRow,
  PAYMENT_EVENTS_COPY,
  paymentEventRow,
  SUBSCRIPTIONS_COPY,
  subscriptionRow,
  type CopyTarget,
} from './copy-rows.js';
import { withIndexesDeferred } from './deferred-indexes.js';
import type { PaymentSimulation } from './simulation.js';

/** Rows are sent in chunks of about this many characters: big enough to amortize, small enough to overlap. */
const CHUNK_CHARS = 256 * 1024;

export interface SeedWarehouseOptions {
  /** Its connections' search_path decides the schema written to. */
  pool: pg.Pool;
  simulation: PaymentSimulation;
  /** Refresh the materialized marts afterwards (default true). */
  refresh?: boolean;
}

export interface SeedWarehouseResult {
  paymentEvents: number;
  labels: Record<LabelEvent['label_type'], number>;
  customers: number;
  merchants: number;
  subscriptions: number;
  /** The simulated instant the data ends at: labels due later are not known yet. */
  asOf: Date;
  /** Generating and copying the events, labels and entities, committed. */
  loadMs: number;
  /** The part of loadMs spent rebuilding the indexes of payment_events after the COPY. */
  indexMs: number;
  analyzeMs: number;
  marts: MartRefresh[];
  /** Wall time of the mart refresh (they refresh two at a time). */
  martsMs: number;
}

const SEEDED_TABLES = [
  PAYMENT_EVENTS_COPY.table,
  ...Object.values(LABEL_COPY).map((target) => target.table),
  CUSTOMERS_COPY.table,
  MERCHANTS_COPY.table,
  SUBSCRIPTIONS_COPY.table,
];

function copyStatement({ table, columns }: CopyTarget, freeze: boolean): string {
  return `COPY ${table} (${columns.join(', ')}) FROM STDIN${freeze ? ' WITH (FREEZE)' : ''}`;
}

async function copyChunks(client: pg.PoolClient, target: CopyTarget, chunks: Iterable<string>): Promise<void> {
  // FREEZE is allowed because the table was truncated in this transaction: rows land pre-frozen.
  await pipeline(Readable.from(chunks), client.query(copyFrom(copyStatement(target, true))));
}

function* chunked<T>(items: Iterable<T>, row: (item: T) => string): Generator<string> {
  let chunk = '';
  for (const item of items) {
    chunk += row(item);
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}

/**
 * Replaces the simulated dataset in the warehouse: payment events stream into COPY while they are
 * generated (Postgres parses one chunk while the simulation produces the next); labels, which are
 * few, are kept and copied after; then the entities as of the last event. One transaction, so a
 * failed seed leaves the previous data in place.
 */
export async function seedWarehouse({ pool, simulation, refresh = true }: SeedWarehouseOptions): Promise<SeedWarehouseResult> {
  const labelRows: Record<LabelEvent['label_type'], string[]> = { fraud: [], retry_outcome: [], churn: [], recovery_outcome: [] };
  let paymentEvents = 0;
  // Labels are a few percent of the records: kept aside while payments stream into COPY.
  function* paymentRows(): Generator<string> {
    for (let record = simulation.next(); record; record = simulation.next()) {
      if (record.kind === 'payment') {
        paymentEvents++;
        yield paymentEventRow(record.event);
      } else {
        labelRows[record.event.label_type].push(labelRow(record.event));
      }
    }
  }

  const started = performance.now();
  const client = await pool.connect();
  let counts: Pick<SeedWarehouseResult, 'customers' | 'merchants' | 'subscriptions' | 'asOf' | 'indexMs'>;
  try {
    await client.query('BEGIN');
    await client.query(`TRUNCATE ${SEEDED_TABLES.join(', ')}`);
    const { rebuildMs } = await withIndexesDeferred(client, PAYMENT_EVENTS_COPY.table, () =>
      copyChunks(client, PAYMENT_EVENTS_COPY, chunked(paymentRows(), (row) => row)),
    );
    for (const [labelType, target] of Object.entries(LABEL_COPY) as [LabelEvent['label_type'], CopyTarget][]) {
      await copyChunks(client, target, chunked(labelRows[labelType], (row) => row));
    }
    const asOf = simulation.now;
    const { customers: allCustomers, merchants, subscriptions: allSubscriptions } = simulation.population;
    const customers = [
      ...allCustomers.filter((c) => c.createdAt <= asOf),
      ...simulation.population.openedAccounts.filter((a) => a.createdAt <= asOf),
    ];
    const subscriptions = allSubscriptions.filter((s) => s.startedAt <= asOf);
    await copyChunks(client, CUSTOMERS_COPY, chunked(customers, customerRow));
    await copyChunks(client, MERCHANTS_COPY, chunked(merchants, merchantRow));
    await copyChunks(client, SUBSCRIPTIONS_COPY, chunked(subscriptions, subscriptionRow));
    await client.query('COMMIT');
    counts = {
      customers: customers.length,
      merchants: merchants.length,
      subscriptions: subscriptions.length,
      asOf: new Date(asOf),
      indexMs: rebuildMs,
    };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  const loadMs = performance.now() - started;

  const analyzeStarted = performance.now();
  await pool.query(`ANALYZE ${SEEDED_TABLES.join(', ')}`);
  const analyzeMs = performance.now() - analyzeStarted;
  const martsStarted = performance.now();
  // Two connections: the customer metrics take about as long as the other three together.
  const marts = refresh ? await refreshMarts(pool, { parallelism: 2 }) : [];
  const martsMs = performance.now() - martsStarted;
  return {
    paymentEvents,
    labels: {
      fraud: labelRows.fraud.length,
      retry_outcome: labelRows.retry_outcome.length,
      churn: labelRows.churn.length,
      recovery_outcome: labelRows.recovery_outcome.length,
    },
    ...counts,
    loadMs,
    analyzeMs,
    marts,
    martsMs,
  };
}
