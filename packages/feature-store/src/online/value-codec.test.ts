import type { FeatureField, FeatureValue } from '@payments-mlops/contracts';
import { describe, expect, it } from 'vitest';
import { FeatureValueError, decodeFeatureRow, encodeCopyLines, encodeFeatureRow, type EncodedCopyRow } from './value-codec.js';

/** Rows of COPY text (`key \t event ms \t features…`), encoded. */
function encodeCopy(fields: FeatureField[], lines: string[], createdMs: number): EncodedCopyRow[] {
  const out: EncodedCopyRow[] = [];
  encodeCopyLines(fields, Buffer.from(lines.map((line) => `${line}\n`).join('')), createdMs, out);
  return out;
}

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
    const text = ['42', '12000000000', '0.30000000000000004', 'insufficient_funds', 'f', '["dev_a","dëv_b"]', '1770000000123', '\\N'];
    expect(encodeCopy(FIELDS, [['cus_1', '5', ...text].join('\t')], 6)).toEqual([{ key: 'cus_1', eventMs: 5, createdMs: 6, encoded: encodeFeatureRow(FIELDS, VALUES, 5, 6) }]);
  });

  it('encodes many lines, escapes, negative and long numbers, and rows wider than its scratch buffer', () => {
    const fields: FeatureField[] = [
      { name: 'n', dtype: 'Int64' }, { name: 'x', dtype: 'Float64' }, { name: 's', dtype: 'String' }, { name: 'b', dtype: 'Bool' }, { name: 'big', dtype: 'Int64' },
    ];
    // COPY escapes a backslash as \\ and a tab as \t.
    expect(encodeCopy(fields, ['k\\\\1\t-7\t-12\t1e+300\ttab\\there\\\\\tt\t9007199254740991', 'k2\t8\t-0\t-3.5\t\\N\tf\t1234567890123456'], 1)).toEqual([
      { key: 'k\\1', eventMs: -7, createdMs: 1, encoded: encodeFeatureRow(fields, [-12, 1e300, 'tab\there\\', true, 9007199254740991], -7, 1) },
      { key: 'k2', eventMs: 8, createdMs: 1, encoded: encodeFeatureRow(fields, [-0, -3.5, null, false, 1234567890123456], 8, 1) },
    ]);
    const wide: FeatureField[] = Array.from({ length: 40 }, (_, i) => ({ name: `s${i}`, dtype: 'String' }));
    const long = wide.map((_, i) => `ünï-${i}-`.repeat(400));
    const short = long.map((t) => t.slice(0, 5));
    expect(encodeCopy(wide, [['w', '3', ...long].join('\t'), ['v', '4', ...short].join('\t')], 2)).toEqual([
      { key: 'w', eventMs: 3, createdMs: 2, encoded: encodeFeatureRow(wide, long, 3, 2) },
      { key: 'v', eventMs: 4, createdMs: 2, encoded: encodeFeatureRow(wide, short, 4, 2) },
    ]);
  });

  it('names the feature whose COPY text does not fit its type', () => {
    expect(() => encodeCopy(FIELDS.slice(0, 1), ['k\t1\t1.5'], 1)).toThrow(new FeatureValueError('payments', 'must be an integer (Int64), got 1.5'));
    expect(() => encodeCopy(FIELDS.slice(0, 1), ['k\t1\t12345678901234567890'], 1)).toThrow(FeatureValueError);
    expect(() => encodeCopy(FIELDS.slice(2, 3), ['k\t1\tNaN'], 1)).toThrow(FeatureValueError);
    expect(() => encodeCopy([{ name: 'code', dtype: 'String' }], [`k\t1\t${'x'.repeat(70_000)}`], 1)).toThrow(new FeatureValueError('code', 'is longer than 65535 bytes'));
  });

  it('names the feature whose value does not fit its type', () => {
    expect(() => encodeFeatureRow(FIELDS.slice(0, 1), [1.5], 1, 1)).toThrow(new FeatureValueError('payments', 'must be an integer (Int64), got 1.5'));
    expect(() => encodeFeatureRow(FIELDS.slice(4, 5), ['yes'], 1, 1)).toThrow(FeatureValueError);
  });

  it('refuses bytes of another format', () => {
    expect(decodeFeatureRow(Buffer.from('hello world, not a row'), 1, [0], [])).toBeNull();
  });

  it('decodes the extremes of the four-byte integers and strings of any length, read byte by byte', () => {
    const fields: FeatureField[] = [
      { name: 'low', dtype: 'Int64' }, { name: 'high', dtype: 'Int64' }, { name: 'minus_one', dtype: 'Int64' }, { name: 'long', dtype: 'String' },
    ];
    const values: FeatureValue[] = [-2_147_483_648, 2_147_483_647, -1, 'x'.repeat(40_000)];
    const out: FeatureValue[] = [];
    decodeFeatureRow(encodeFeatureRow(fields, values, 1, 1), fields.length, [0, 1, 2, 3], out);
    expect(out).toEqual(values);
  });

  it('refuses a row cut short rather than reading past its end', () => {
    const encoded = encodeFeatureRow(FIELDS, VALUES, 1, 1);
    for (const cut of [encoded.length - 1, encoded.length - 9, 20]) {
      expect(decodeFeatureRow(encoded.subarray(0, cut), FIELDS.length, FIELDS.map((_, i) => i), [])).toBeNull();
    }
  });
});
