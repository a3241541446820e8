import { describe, expect, test } from 'vitest';
import { LogBatchRequest, SearchRunsRequest, UpdateRunRequest } from './tracking-api.js';
import { TransitionModelVersionStageRequest } from './model-registry-api.js';
import { MISSING_VALUE, doubleFromWire, doubleToWire } from './wire.js';

describe('registry wire format', () => {
  test('reads int64 fields from numbers and decimal strings, as protobuf-JSON allows', () => {
    const parsed = LogBatchRequest.parse({ run_id: 'r', metrics: [{ key: 'a', value: 1, timestamp: '1700000000000', step: 3 }] });
    expect(parsed.metrics?.[0]).toEqual({ key: 'a', value: 1, timestamp: 1_700_000_000_000, step: 3 });
  });

  test('reads doubles spelled NaN, Infinity and -Infinity', () => {
    const parsed = LogBatchRequest.parse({
      run_id: 'r',
      metrics: ['NaN', 'Infinity', '-Infinity', '0.25'].map((value) => ({ key: 'a', value, timestamp: 1 })),
    });
    const values = parsed.metrics?.map((metric) => metric.value);
    expect(Number.isNaN(values?.[0])).toBe(true);
    expect(values?.slice(1)).toEqual([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.25]);
  });

  test('writes non-finite doubles as protobuf does, and reads them back', () => {
    expect([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1.5].map(doubleToWire)).toEqual(['NaN', 'Infinity', '-Infinity', 1.5]);
    expect(doubleFromWire('Infinity')).toBe(Number.POSITIVE_INFINITY);
  });

  test('reads a repeated field given once in a query string as a list of one', () => {
    expect(SearchRunsRequest.parse({ experiment_ids: '3', max_results: '10' })).toEqual({ experiment_ids: ['3'], max_results: 10 });
  });

  test('reads enums by name or by protobuf number', () => {
    expect(UpdateRunRequest.parse({ run_id: 'r', status: 3 }).status).toBe('FINISHED');
    expect(UpdateRunRequest.parse({ run_id: 'r', status: 'KILLED' }).status).toBe('KILLED');
    expect(UpdateRunRequest.safeParse({ run_id: 'r', status: 'DONE' }).success).toBe(false);
  });

  test('reads booleans from query-string spellings', () => {
    expect(TransitionModelVersionStageRequest.parse({ name: 'm', version: '1', stage: 'Production', archive_existing_versions: 'true' }).archive_existing_versions).toBe(true);
  });

  test('reports an absent or empty required string as missing', () => {
    const result = LogBatchRequest.safeParse({ run_id: '' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(MISSING_VALUE);
  });
});
