import { describe, expect, test } from 'vitest';
import { lineageFromTags, lineageToTags, type RunLineage } from './lineage.js';

describe('lineage tags', () => {
  test('round-trip a run lineage through run tags', () => {
    const lineage: RunLineage = {
      dataset_snapshot: { digest: 'sha256:9f2c', location: 's3://snapshots/fraud/2024-06-01' },
      feature_service: { name: 'fraud_scoring', version: '12' },
      code: { commit: '0123abcd', branch: 'main' },
    };
    const tags = new Map(lineageToTags(lineage).map(({ key, value }) => [key, value]));
    expect(lineageFromTags(tags)).toEqual(lineage);
  });

  test('leave out what the tags do not record', () => {
    expect(lineageFromTags(new Map([['payments.dataset.digest', 'd']]))).toEqual({});
  });
});
