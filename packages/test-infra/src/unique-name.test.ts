import { describe, expect, it } from 'vitest';
import { uniqueName } from './unique-name.js';

describe('uniqueName', () => {
  it('gives a different name on every call, valid as a Postgres identifier and Kafka topic', () => {
    const names = new Set(Array.from({ length: 1000 }, () => uniqueName('test')));
    expect(names.size).toBe(1000);
    for (const name of names) expect(name).toMatch(/^test_[a-z0-9_]+$/);
  });

  it('with "-" gives a valid S3 bucket name', () => {
    const name = uniqueName('models', '-');
    expect(name).toMatch(/^[a-z0-9][a-z0-9-]{2,62}$/);
  });

  it('stays within Postgres 63-byte identifiers for the longest prefix', () => {
    expect(uniqueName('a'.repeat(30)).length).toBeLessThanOrEqual(63);
  });

  it('refuses a prefix that would make an invalid name', () => {
    expect(() => uniqueName('Test')).toThrow(/prefix must match/);
    expect(() => uniqueName('has space')).toThrow(/prefix must match/);
  });
});
