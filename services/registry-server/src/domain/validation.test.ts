import { describe, expect, test } from 'vitest';
import { parseVersion, validateAlias, validateBatchLimits, validateEntityKey, validateUniqueParamKeys } from './validation.js';

const errorOf = (action: () => void): string => {
  try {
    action();
  } catch (error) {
    expect(error).toMatchObject({ errorCode: 'INVALID_PARAMETER_VALUE' });
    return (error as Error).message;
  }
  throw new Error('expected a rejection');
};

describe('validation', () => {
  test('accepts the keys MLflow accepts: slashes, dots, dashes, spaces, colons, letters of any script', () => {
    for (const key of ['auc', 'eval/roc_auc', 'loss.train', 'step time: p50', 'précision', 'a-b']) expect(() => validateEntityKey(key, 'key')).not.toThrow();
  });

  test('refuses keys that would resolve to another name as a file path', () => {
    for (const key of ['../x', 'a/../b', '/abs', 'a//b', './a', 'a/', '.']) expect(errorOf(() => validateEntityKey(key, 'metrics[0].key')), key).toContain("'metrics[0].key'");
  });

  test('refuses other characters and over-long keys', () => {
    expect(errorOf(() => validateEntityKey('a;b', 'key'))).toContain('Names may only contain');
    expect(errorOf(() => validateEntityKey('k'.repeat(251), 'key'))).toContain('exceeds the maximum length of 250');
  });

  test('reads versions as positive decimal integers', () => {
    expect(parseVersion('12')).toBe(12);
    expect(errorOf(() => parseVersion('1.5'))).toBe("Parameter 'version' must be an integer, got '1.5'.");
  });

  test('refuses reserved aliases', () => {
    expect(errorOf(() => validateAlias('Latest'))).toContain('reserved');
    expect(errorOf(() => validateAlias('v12'))).toContain('reserved');
    expect(() => validateAlias('champion')).not.toThrow();
  });

  test('counts metrics, params and tags together against the batch limit', () => {
    expect(() => validateBatchLimits(900, 50, 50)).not.toThrow();
    expect(errorOf(() => validateBatchLimits(950, 50, 50))).toContain('at most 1000 metrics, params, and tags');
    expect(errorOf(() => validateUniqueParamKeys([{ key: 'a' }, { key: 'a' }]))).toContain('Duplicate parameter keys');
  });
});
