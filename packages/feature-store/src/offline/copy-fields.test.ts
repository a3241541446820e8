import { describe, expect, it } from 'vitest';
import { CopyFields, readIntoColumn } from './copy-fields.js';
import { emptyColumn } from './dataset.js';

const lines = (...rows: string[]) => Buffer.from(rows.map((row) => `${row}\n`).join(''), 'utf8');

describe('CopyFields', () => {
  it('reads text, numbers and booleans of COPY lines as the row-at-a-time parse did, nulls included', () => {
    const fields = new CopyFields();
    fields.reset(lines('cus_1\t1765000000123\t-42\t12.5\tt\t\\N', 'cus_\\\\2 é\t\\N\t1e3\t-0.25\tf\tsucceeded'));
    expect(fields.nextLine()).toBe(true);
    expect([fields.text(), fields.number(), fields.value('Int64'), fields.value('Float64'), fields.value('Bool'), fields.value('String')]).toEqual([
      'cus_1', 1765000000123, -42, 12.5, true, null,
    ]);
    expect(fields.nextLine()).toBe(true);
    expect(fields.text()).toBe('cus_\\2 é');
    expect(fields.number()).toBeNaN();
    expect([fields.value('Int64'), fields.value('Float64'), fields.value('Bool'), fields.value('String')]).toEqual([1000, -0.25, false, 'succeeded']);
    expect(fields.nextLine()).toBe(false);
  });

  it('undoes escapes only in the field that has them, not because a later field does', () => {
    const fields = new CopyFields();
    fields.reset(lines('plain\ttab\\there\t\\N'));
    fields.nextLine();
    expect([fields.text(), fields.text(), fields.text()]).toEqual(['plain', 'tab\there', null]);
  });

  it('fills dataset columns by their type, leaving nulls missing', () => {
    const fields = new CopyFields();
    const columns = [emptyColumn('n', 'Int64', 2), emptyColumn('b', 'Bool', 2), emptyColumn('s', 'String', 2), emptyColumn('l', 'Array(String)', 2)];
    fields.reset(lines('7\tt\tx\t["a","b"]', '\\N\t\\N\t\\N\t\\N'));
    for (let row = 0; row < 2; row++) {
      fields.nextLine();
      for (const column of columns) readIntoColumn(fields, column, row);
    }
    expect(Array.from(columns[0]!.values as Float64Array)).toEqual([7, Number.NaN]);
    expect(Array.from(columns[1]!.values as Float64Array)).toEqual([1, Number.NaN]);
    expect(columns[2]!.values).toEqual(['x', null]);
    expect(columns[3]!.values).toEqual([['a', 'b'], null]);
  });
});
