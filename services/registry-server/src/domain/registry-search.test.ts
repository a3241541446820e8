import type { MlflowError } from '@payments-mlops/contracts';
import { describe, expect, test } from 'vitest';
import {
  EXPERIMENT_SEARCH,
  MODEL_VERSION_SEARCH,
  REGISTERED_MODEL_SEARCH,
  parseEntityFilter,
  parseEntityOrderBy,
} from './registry-search.js';

function rejection(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect((error as MlflowError).errorCode).toBe('INVALID_PARAMETER_VALUE');
    return (error as MlflowError).message;
  }
  throw new Error('expected a rejection');
}

describe('model version search', () => {
  test('reads name, run_id lists, source_path, version_number and tags', () => {
    expect(
      parseEntityFilter(
        "name = 'fraud' AND run_id IN ('a', 'b') AND source_path LIKE 's3://%' AND version_number > 2 AND tags.`mlflow.prompt.is_prompt` != 'true'",
        MODEL_VERSION_SEARCH,
      ),
    ).toEqual([
      { kind: 'string-attribute', column: 'name', comparator: '=', value: 'fraud' },
      { kind: 'string-list', column: 'run_id', values: ['a', 'b'] },
      { kind: 'string-attribute', column: 'source', comparator: 'LIKE', value: 's3://%' },
      { kind: 'numeric-attribute', column: 'version', comparator: '>', value: 2 },
      { kind: 'tag', key: 'mlflow.prompt.is_prompt', comparator: '!=', value: 'true' },
    ]);
  });

  test("reads version_number = '2' as the number 2, as MLflow's SQL store compares it", () => {
    expect(parseEntityFilter("version_number = '2'", MODEL_VERSION_SEARCH)).toEqual([
      { kind: 'numeric-attribute', column: 'version', comparator: '=', value: 2 },
    ]);
  });

  test('rejects IN on name and unknown attributes', () => {
    expect(rejection(() => parseEntityFilter("name IN ('a')", MODEL_VERSION_SEARCH))).toContain("Only the 'run_id' attribute");
    expect(rejection(() => parseEntityFilter("stage = 'Production'", MODEL_VERSION_SEARCH))).toContain("Invalid attribute key 'stage'");
  });

  test('rejects metric and param prefixes', () => {
    expect(rejection(() => parseEntityFilter('metrics.auc > 1', MODEL_VERSION_SEARCH))).toContain("Invalid entity type 'metrics'");
  });

  test('orders by version_number and timestamps, rejecting duplicates', () => {
    expect(parseEntityOrderBy(['version_number DESC', 'creation_timestamp'], MODEL_VERSION_SEARCH)).toEqual([
      { column: 'version', ascending: false },
      { column: 'creation_time', ascending: true },
    ]);
    expect(rejection(() => parseEntityOrderBy(['name', 'name DESC'], MODEL_VERSION_SEARCH))).toContain('duplicate');
  });
});

describe('registered model search', () => {
  test('reads name comparisons and tags', () => {
    expect(parseEntityFilter("name ILIKE '%FRAUD%' AND tags.team = 'risk'", REGISTERED_MODEL_SEARCH)).toEqual([
      { kind: 'string-attribute', column: 'name', comparator: 'ILIKE', value: '%FRAUD%' },
      { kind: 'tag', key: 'team', comparator: '=', value: 'risk' },
    ]);
  });

  test('orders by timestamp as the last update time', () => {
    expect(parseEntityOrderBy(['timestamp DESC'], REGISTERED_MODEL_SEARCH)).toEqual([{ column: 'last_updated_time', ascending: false }]);
  });

  test('rejects > on a tag', () => {
    expect(rejection(() => parseEntityFilter("tags.a > 'b'", REGISTERED_MODEL_SEARCH))).toContain('Invalid comparator for tag: >');
  });
});

describe('experiment search', () => {
  test('reads name, numeric times and tags', () => {
    expect(parseEntityFilter("name LIKE 'fraud%' AND creation_time > 10 AND tags.owner = 'me'", EXPERIMENT_SEARCH)).toEqual([
      { kind: 'string-attribute', column: 'name', comparator: 'LIKE', value: 'fraud%' },
      { kind: 'numeric-attribute', column: 'creation_time', comparator: '>', value: 10 },
      { kind: 'tag', key: 'owner', comparator: '=', value: 'me' },
    ]);
  });

  test('rejects LIKE on a time', () => {
    expect(rejection(() => parseEntityFilter("creation_time LIKE '1%'", EXPERIMENT_SEARCH))).toContain('Invalid comparator for attribute creation_time');
  });
});
