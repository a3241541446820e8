import { MlflowError } from '@payments-mlops/contracts';
import { describe, expect, test } from 'vitest';
import { parseRunFilter, parseRunOrderBy } from './run-search.js';

function rejection(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(MlflowError);
    expect((error as MlflowError).errorCode).toBe('INVALID_PARAMETER_VALUE');
    return (error as MlflowError).message;
  }
  throw new Error('expected a rejection');
}

describe('parseRunFilter', () => {
  test('maps every prefix spelling MLflow accepts to its entity', () => {
    const filter = [
      'metric.a > 1',
      'metrics.b > 1',
      "param.c = 'x'",
      "params.d = 'x'",
      "parameter.e = 'x'",
      "parameters.f = 'x'",
      "tag.g = 'x'",
      "tags.h = 'x'",
      "attribute.status = 'RUNNING'",
      "attributes.status = 'RUNNING'",
      "attr.status = 'RUNNING'",
      "run.status = 'RUNNING'",
      "status = 'RUNNING'",
    ].join(' AND ');
    expect(parseRunFilter(filter).map((clause) => clause.kind)).toEqual([
      'metric',
      'metric',
      'param',
      'param',
      'param',
      'param',
      'tag',
      'tag',
      'string-attribute',
      'string-attribute',
      'string-attribute',
      'string-attribute',
      'string-attribute',
    ]);
  });

  test('maps attribute names and their alternates to run columns', () => {
    const clauses = parseRunFilter(
      "run_id = 'r' AND run_name = 'n' AND `Run Name` = 'n' AND user_id = 'u' AND artifact_uri LIKE 's3://%' AND created > 5 AND end_time <= 9",
    );
    expect(clauses).toEqual([
      { kind: 'string-attribute', column: 'run_uuid', comparator: '=', value: 'r' },
      { kind: 'string-attribute', column: 'run_name', comparator: '=', value: 'n' },
      { kind: 'string-attribute', column: 'run_name', comparator: '=', value: 'n' },
      { kind: 'string-attribute', column: 'user_id', comparator: '=', value: 'u' },
      { kind: 'string-attribute', column: 'artifact_uri', comparator: 'LIKE', value: 's3://%' },
      { kind: 'numeric-attribute', column: 'start_time', comparator: '>', value: 5 },
      { kind: 'numeric-attribute', column: 'end_time', comparator: '<=', value: 9 },
    ]);
  });

  test('reads run_id IN and NOT IN lists', () => {
    expect(parseRunFilter("run_id IN ('a', 'b') AND attributes.run_id NOT IN ('c')")).toEqual([
      { kind: 'run-id-list', negated: false, values: ['a', 'b'] },
      { kind: 'run-id-list', negated: true, values: ['c'] },
    ]);
  });

  test('reads dataset clauses on name, digest and context', () => {
    expect(parseRunFilter("datasets.name IN ('train') AND dataset.digest = 'abc' AND datasets.context LIKE 'tr%'")).toEqual([
      { kind: 'dataset', field: 'name', comparator: 'IN', values: ['train'] },
      { kind: 'dataset', field: 'digest', comparator: '=', values: ['abc'] },
      { kind: 'dataset', field: 'context', comparator: 'LIKE', values: ['tr%'] },
    ]);
  });

  test('rejects a metric compared with a string, naming the value', () => {
    expect(rejection(() => parseRunFilter("metrics.auc > '0.9'"))).toContain("Expected numeric value type for metric. Found '0.9'");
  });

  test('rejects LIKE on a metric and > on a param', () => {
    expect(rejection(() => parseRunFilter("metrics.auc LIKE '%'"))).toContain("Invalid comparator 'LIKE' for metric 'auc'");
    expect(rejection(() => parseRunFilter("params.lr > '1'"))).toContain("Invalid comparator '>' for parameter 'lr'");
  });

  test('rejects a param or tag compared with a number', () => {
    expect(rejection(() => parseRunFilter('params.lr = 0.1'))).toContain('Expected a quoted string value for parameter');
    expect(rejection(() => parseRunFilter('tags.team = 1'))).toContain('Expected a quoted string value for tag');
  });

  test('rejects IN on params, tags and attributes other than run_id', () => {
    expect(rejection(() => parseRunFilter("params.a IN ('x')"))).toContain("Invalid comparator 'IN'");
    expect(rejection(() => parseRunFilter("status IN ('RUNNING')"))).toContain("Only the 'run_id' attribute");
  });

  test('rejects unknown prefixes and attributes, listing the valid ones', () => {
    expect(rejection(() => parseRunFilter("model.a = 'x'"))).toContain("Invalid entity type 'model'");
    expect(rejection(() => parseRunFilter("colour = 'red'"))).toContain("Invalid attribute key 'colour'");
    expect(rejection(() => parseRunFilter("datasets.size = 'x'"))).toContain("Invalid dataset key 'size'");
  });

  test('rejects a numeric attribute compared with a string', () => {
    expect(rejection(() => parseRunFilter("start_time > 'yesterday'"))).toContain('Expected numeric value type for numeric attribute: start_time');
  });
});

describe('parseRunOrderBy', () => {
  test('reads the common forms', () => {
    expect(parseRunOrderBy(['metrics.auc DESC', 'params.lr', 'tags.`my tag` asc', 'attributes.start_time desc', 'run_name'])).toEqual([
      { kind: 'metric', key: 'auc', ascending: false },
      { kind: 'param', key: 'lr', ascending: true },
      { kind: 'tag', key: 'my tag', ascending: true },
      { kind: 'attribute', column: 'start_time', ascending: false },
      { kind: 'attribute', column: 'run_name', ascending: true },
    ]);
  });

  test('reads created as start_time', () => {
    expect(parseRunOrderBy(['created DESC'])).toEqual([{ kind: 'attribute', column: 'start_time', ascending: false }]);
  });

  test('rejects the same field twice', () => {
    expect(rejection(() => parseRunOrderBy(['metrics.auc', 'metrics.auc DESC']))).toContain('`order_by` contains duplicate fields');
    expect(rejection(() => parseRunOrderBy(['start_time', 'created']))).toContain('duplicate');
  });

  test('rejects an unknown direction or trailing words', () => {
    expect(rejection(() => parseRunOrderBy(['metrics.auc DOWN']))).toContain("Invalid ordering key in order_by clause 'metrics.auc DOWN'");
    expect(rejection(() => parseRunOrderBy(['metrics.auc DESC extra']))).toContain('Could not be parsed');
  });
});
