import type { FeatureStatus, FeatureValue } from '@payments-mlops/contracts';
import type { OnlineFeatureColumns, ResolvedFeature } from '@payments-mlops/feature-store';
import { describe, expect, it } from 'vitest';
import { FeastResponseWriter } from './feast-response.js';

const EPOCH = '1970-01-01T00:00:00.000Z';
const feature = (view: string, name: string) => ({ view: { name: view }, field: { name } }) as unknown as ResolvedFeature;
const T1 = Date.parse('2026-05-01T10:00:00.123Z');
const T2 = Date.parse('2026-05-02T11:30:00.000Z');

function columns(): OnlineFeatureColumns {
  const values: FeatureValue[][] = [
    [12, -0.5, null],
    ['a "quoted" \\ value\n', 'ünïcode ✓', null],
    [true, false, null],
    [['x', 'y"z'], [], null],
    [Number.NaN, Number.POSITIVE_INFINITY, 1e21],
  ];
  const statuses: FeatureStatus[][] = [
    ['PRESENT', 'PRESENT', 'NOT_FOUND'],
    ['PRESENT', 'PRESENT', 'NOT_FOUND'],
    ['PRESENT', 'NULL_VALUE', 'OUTSIDE_MAX_AGE'],
    ['PRESENT', 'PRESENT', 'NOT_FOUND'],
    ['PRESENT', 'PRESENT', 'PRESENT'],
  ];
  const times = [[T1, T2, 0], [T1, T2, 0], [T1, T2, T1], [T1, T2, 0], [T2, T2, T2]];
  const features = [feature('v1', 'n'), feature('v1', 's'), feature('v2', 'b'), feature('v2', 'list'), feature('v3', 'odd')];
  return { features, values, statuses, eventTimestamps: times };
}

/** What the answer was before it was written as text: the object graph, for JSON.stringify. */
function asObject(entities: Record<string, unknown[]>, joinKeys: string[], data: OnlineFeatureColumns, full: boolean) {
  return {
    metadata: { feature_names: [...joinKeys, ...data.features.map((f) => (full ? `${f.view.name}__${f.field.name}` : f.field.name))] },
    results: [
      ...joinKeys.map((key) => ({ values: entities[key], statuses: entities[key]!.map(() => 'PRESENT'), event_timestamps: entities[key]!.map(() => EPOCH) })),
      ...data.features.map((_, f) => ({
        values: data.values[f]!,
        statuses: data.statuses[f]!,
        event_timestamps: data.eventTimestamps[f]!.map((ms) => new Date(ms).toISOString()),
      })),
    ],
  };
}

describe('FeastResponseWriter', () => {
  it('writes exactly the bytes JSON.stringify gives for the Feast answer, odd values included', () => {
    const writer = new FeastResponseWriter();
    const entities = { customer_id: ['cus_1', 'cus_"2"', null], amount_cents: [1, 2, 3] };
    const data = columns();
    expect(String(writer.write(entities, ['customer_id'], data, false))).toBe(JSON.stringify(asObject(entities, ['customer_id'], data, false)));
  });

  it('names features view__feature with full_feature_names, and keeps the header per request shape', () => {
    const writer = new FeastResponseWriter();
    const data = columns();
    const one = { customer_id: ['c1', 'c2', 'c3'] };
    const two = { card_id: ['k1', 'k2', 'k3'], customer_id: ['c1', 'c2', 'c3'] };
    expect(String(writer.write(one, ['customer_id'], data, true))).toBe(JSON.stringify(asObject(one, ['customer_id'], data, true)));
    expect(String(writer.write(two, ['card_id', 'customer_id'], data, false))).toBe(JSON.stringify(asObject(two, ['card_id', 'customer_id'], data, false)));
    expect(String(writer.write(one, ['customer_id'], data, false))).toBe(JSON.stringify(asObject(one, ['customer_id'], data, false)));
  });

  it('writes the one-entity answer, which has a path of its own, as JSON.stringify would', () => {
    const writer = new FeastResponseWriter();
    const data = columns();
    const single: OnlineFeatureColumns = {
      features: data.features,
      values: data.values.map((column) => [column[0]!]),
      statuses: [['PRESENT'], ['NOT_FOUND'], ['NULL_VALUE'], ['OUTSIDE_MAX_AGE'], ['PRESENT']],
      eventTimestamps: [[T1], [0], [T2], [T2], [T1]],
    };
    for (const value of [Number.NaN, 'tab\tquote"', ['a'], false, null, 0.1 + 0.2]) {
      single.values[0] = [value];
      const entities = { customer_id: ['cus_1'] };
      expect(String(writer.write(entities, ['customer_id'], single, false))).toBe(JSON.stringify(asObject(entities, ['customer_id'], single, false)));
    }
  });

  it('writes large answers, and small ones correctly after them', () => {
    const writer = new FeastResponseWriter();
    const rows = 3_000;
    const wide: OnlineFeatureColumns = {
      features: Array.from({ length: 30 }, (_, i) => feature('v', `f${i}`)),
      values: Array.from({ length: 30 }, (_, i) => Array.from({ length: rows }, (_, row) => (i % 2 === 0 ? row * 1.5 : `välue-${row}`))),
      statuses: Array.from({ length: 30 }, () => Array.from({ length: rows }, (): FeatureStatus => 'PRESENT')),
      eventTimestamps: Array.from({ length: 30 }, () => Array.from({ length: rows }, (_, row) => T1 + row)),
    };
    const entities = { customer_id: Array.from({ length: rows }, (_, row) => `cus_${row}`) };
    const big = writer.write(entities, ['customer_id'], wide, false);
    expect(big.length).toBeGreaterThan(4 * 1024 * 1024);
    expect(String(big)).toBe(JSON.stringify(asObject(entities, ['customer_id'], wide, false)));
    const data = columns();
    const small = { customer_id: ['c1', 'c2', 'c3'] };
    expect(String(writer.write(small, ['customer_id'], data, false))).toBe(JSON.stringify(asObject(small, ['customer_id'], data, false)));
  });

  it('writes a well-formed answer without entity columns and without rows', () => {
    const writer = new FeastResponseWriter();
    const empty: OnlineFeatureColumns = { features: [feature('v', 'f')], values: [[]], statuses: [[]], eventTimestamps: [[]] };
    expect(JSON.parse(String(writer.write({}, [], empty, false)))).toEqual({ metadata: { feature_names: ['f'] }, results: [{ values: [], statuses: [], event_timestamps: [] }] });
  });
});
