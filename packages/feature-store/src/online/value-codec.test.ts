import type { FeatureField, FeatureValue } from '@payments-mlops/contracts';
import { describe, expect, it } from 'vitest';
import { FeatureValueError, decodeFeatureRow, encodeFeatureRow, encodeTextRow } from './value-codec.js';

const FIELDS: FeatureField[] = [
  { name: 'payments', dtype: 'Int64' },
  { name: 'volume', dtype: 'Int64' },
  { name: 'rate', dtype: 'Float64' },
  { name: 'code', dtype: 'String' },
  { name: 'new_device', dtype: 'Bool' },
  { name: 'devices', dtype: 'Array(String)' },
  { name: 'first_at', dtype: 'UnixTimestamp' },
  { name: 'missing', dtype: 'Float64' },
];
const VALUES: FeatureValue[] = [42, 12_000_000_000, 0.1 + 0.2, 'insufficient_funds', false, ['dev_a', 'dëv_b'], 1_770_000_000_123, null];

describe('feature row encoding', () => {
  it('round-trips every type, with the event and created times', () => {
    const encoded = encodeFeatureRow(FIELDS, VALUES, 1_770_000_000_000, 1_770_000_000_500);
    const out: FeatureValue[] = [];
    expect(decodeFeatureRow(encoded, FIELDS.length, FIELDS.map((_, i) => i), out)).toEqual({ eventMs: 1_770_000_000_000, createdMs: 1_770_000_000_500 });
    expect(out).toEqual(VALUES);
  });

  it('decodes only the wanted features, in order', () => {
    const encoded = encodeFeatureRow(FIELDS, VALUES, 1, 1);
    const out: FeatureValue[] = [];
    decodeFeatureRow(encoded, FIELDS.length, [2, 5, 7], out);
    expect(out).toEqual([0.1 + 0.2, ['dev_a', 'dëv_b'], null]);
  });

  it('is compact: small integers take five bytes, not a JSON string', () => {
    const encoded = encodeFeatureRow(FIELDS.slice(0, 1), [42], 1, 1);
    expect(encoded.length).toBe(17 + 5);
  });

  it('encodes COPY text exactly as the values themselves', () => {
    const text = ['42', '12000000000', '0.30000000000000004', 'insufficient_funds', 'f', '["dev_a","dëv_b"]', '1770000000123', null];
    expect(encodeTextRow(FIELDS, ['key', 'time', ...text], 2, 5, 6)).toEqual(encodeFeatureRow(FIELDS, VALUES, 5, 6));
  });

  it('names the feature whose value does not fit its type', () => {
    expect(() => encodeFeatureRow(FIELDS.slice(0, 1), [1.5], 1, 1)).toThrow(new FeatureValueError('payments', 'must be an integer (Int64), got 1.5'));
    expect(() => encodeFeatureRow(FIELDS.slice(4, 5), ['yes'], 1, 1)).toThrow(FeatureValueError);
  });

  it('refuses bytes of another format', () => {
    expect(decodeFeatureRow(Buffer.from('hello world, not a row'), 1, [0], [])).toBeNull();
  });
});
