import { MlflowError } from '@payments-mlops/contracts';
import { describe, expect, test } from 'vitest';
import { parseFilter } from './search-filter.js';

function rejects(filter: string): MlflowError {
  try {
    parseFilter(filter);
  } catch (error) {
    expect(error).toBeInstanceOf(MlflowError);
    expect((error as MlflowError).errorCode).toBe('INVALID_PARAMETER_VALUE');
    return error as MlflowError;
  }
  throw new Error(`expected '${filter}' to be rejected`);
}

describe('parseFilter', () => {
  test('reads no clauses from an absent or blank filter', () => {
    expect(parseFilter(undefined)).toEqual([]);
    expect(parseFilter('   ')).toEqual([]);
  });

  test("reads the issue's example: metric, param and backticked tag joined by AND", () => {
    expect(parseFilter("metrics.auc > 0.9 AND params.lr = '0.1' AND tags.`k` LIKE '%x%'")).toEqual([
      { prefix: 'metrics', key: 'auc', comparator: '>', value: { kind: 'number', value: 0.9, text: '0.9' } },
      { prefix: 'params', key: 'lr', comparator: '=', value: { kind: 'string', value: '0.1' } },
      { prefix: 'tags', key: 'k', comparator: 'LIKE', value: { kind: 'string', value: '%x%' } },
    ]);
  });

  test('keeps dots inside backticked and double-quoted keys', () => {
    expect(parseFilter("tags.`mlflow.runName` = 'a'")[0]).toMatchObject({ prefix: 'tags', key: 'mlflow.runName' });
    expect(parseFilter('metrics."val loss" <= 1')[0]).toMatchObject({ prefix: 'metrics', key: 'val loss' });
  });

  test('splits a bare dotted identifier at its first dot only', () => {
    expect(parseFilter("params.optimizer.lr = '0.1'")[0]).toMatchObject({ prefix: 'params', key: 'optimizer.lr' });
  });

  test('reads a bare key as having no prefix, and a quoted bare key with spaces', () => {
    expect(parseFilter("run_id = 'abc'")[0]).toMatchObject({ prefix: undefined, key: 'run_id' });
    expect(parseFilter("`Run name` = 'x'")[0]).toMatchObject({ prefix: undefined, key: 'Run name' });
  });

  test('reads negative, fractional and exponent numbers', () => {
    const values = parseFilter('metrics.a > -1 AND metrics.b >= .5 AND metrics.c < 1e-3 AND metrics.d != -2.5E+2').map((c) => c.value);
    expect(values).toEqual([
      { kind: 'number', value: -1, text: '-1' },
      { kind: 'number', value: 0.5, text: '.5' },
      { kind: 'number', value: 0.001, text: '1e-3' },
      { kind: 'number', value: -250, text: '-2.5E+2' },
    ]);
  });

  test('reads keywords in any case', () => {
    const clauses = parseFilter("params.a like 'x%' and params.b iLike 'Y' AND run_id not in ('r1')");
    expect(clauses.map((c) => c.comparator)).toEqual(['LIKE', 'ILIKE', 'NOT IN']);
  });

  test('reads IN lists of single- and double-quoted strings', () => {
    expect(parseFilter(`attributes.run_id IN ('a', "b",'c')`)[0]).toEqual({
      prefix: 'attributes',
      key: 'run_id',
      comparator: 'IN',
      value: { kind: 'list', values: ['a', 'b', 'c'] },
    });
  });

  test('reads a doubled single quote inside a string as one quote', () => {
    expect(parseFilter("params.note = 'it''s'")[0]?.value).toEqual({ kind: 'string', value: "it's" });
  });

  test('accepts double-quoted string values', () => {
    expect(parseFilter('tags.a = "dq"')[0]?.value).toEqual({ kind: 'string', value: 'dq' });
  });

  test('rejects OR, naming it', () => {
    expect(rejects("params.a = '1' OR params.b = '2'").message).toContain('OR is not supported');
  });

  test('rejects comparisons not joined by AND', () => {
    expect(rejects("params.a = '1' params.b = '2'").message).toContain('expected AND');
  });

  test('rejects a dangling AND', () => {
    expect(rejects("params.a = '1' AND").message).toContain('expected a comparison after AND');
  });

  test('rejects a missing comparator or value', () => {
    expect(rejects('metrics.auc 0.9').message).toContain('expected a comparator');
    expect(rejects('metrics.auc >').message).toContain('expected a value');
  });

  test("rejects '<>' and a lone '!'", () => {
    expect(rejects("params.a <> '1'").message).toContain("'<>'");
    expect(rejects("params.a ! '1'").message).toContain("'!'");
  });

  test('rejects unterminated quotes', () => {
    expect(rejects("params.a = 'open").message).toContain('Unterminated');
    expect(rejects('tags.`open = 1').message).toContain('Unterminated');
  });

  test('rejects malformed IN lists', () => {
    expect(rejects("run_id IN 'a'").message).toContain('parenthesised list');
    expect(rejects("run_id IN ('a' 'b')").message).toContain("expected ',' or ')'");
    expect(rejects('run_id IN (1, 2)').message).toContain('quoted string');
    expect(rejects("run_id IN ('a',").message).toContain('quoted string');
  });

  test('rejects characters outside the grammar, naming the position', () => {
    expect(rejects("metrics.val-loss > 1").message).toMatch(/Invalid character '-' at position 11/);
    expect(rejects("params.a = '1'; DROP TABLE runs").message).toContain("Invalid character ';'");
  });

  test('rejects a prefix with no key', () => {
    expect(rejects("params. = 'a'").message).toContain('a key must follow');
  });
});
