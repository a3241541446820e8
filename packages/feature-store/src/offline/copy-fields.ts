import type { FeatureValue, FeatureValueType, StreamFieldType } from '@payments-mlops/contracts';
import type pg from 'pg';
import { copyOutLines, decodeField } from './copy-text.js';
import type { DatasetColumn } from './dataset.js';

const TAB = 9;
const NEWLINE = 10;
const BACKSLASH = 92;

/**
 * A cursor over the fields of COPY text lines, read straight from the bytes: numbers without an
 * intermediate string, no array per row. Retrieval reads millions of rows per view; the strings
 * and arrays of a row-at-a-time parse were most of its garbage collection.
 */
export class CopyFields {
  private lines: Buffer = Buffer.alloc(0);
  private pos = 0;
  private lineEnd = 0;
  private start = 0;
  private end = 0;

  /** Starts reading `lines` (whole lines); `nextLine()` moves to the first. */
  reset(lines: Buffer): void {
    this.lines = lines;
    this.pos = 0;
    this.lineEnd = -1;
  }

  /** Moves to the next line; false at the end of the buffer. */
  nextLine(): boolean {
    const start = this.lineEnd + 1;
    if (start >= this.lines.length) return false;
    let end = this.lines.indexOf(NEWLINE, start);
    if (end === -1) end = this.lines.length;
    this.pos = start;
    this.lineEnd = end;
    return true;
  }

  /** Steps over the next field, leaving its bounds in `start`/`end`; true when it is `\N`. */
  private field(): boolean {
    const start = this.pos;
    let end = this.lines.indexOf(TAB, start);
    if (end === -1 || end > this.lineEnd) end = this.lineEnd;
    this.start = start;
    this.end = end;
    this.pos = end + 1;
    return end - start === 2 && this.lines[start] === BACKSLASH && this.lines[start + 1] === 78; /* N */
  }

  /** The next field as text (escapes undone), null for `\N`. */
  text(): string | null {
    if (this.field()) return null;
    const { lines, start, end } = this;
    const raw = lines.toString('utf8', start, end);
    // Only this field's bytes: an indexOf would scan on through the rest of the buffer when no
    // later field has a backslash, as in the entity rows' key, id and time.
    for (let at = start; at < end; at++) if (lines[at] === BACKSLASH) return decodeField(raw);
    return raw;
  }

  /** The next field as a number, NaN for `\N`. */
  number(): number {
    return this.field() ? Number.NaN : this.parseNumber();
  }

  private parseNumber(): number {
    const { lines, start, end } = this;
    // Plain integers of up to 15 digits (ids, epoch ms, cents) without a string.
    let at = start;
    const negative = lines[at] === 45; /* - */
    if (negative) at++;
    if (end - at > 0 && end - at <= 15) {
      let value = 0;
      for (; at < end; at++) {
        const digit = lines[at]! - 48;
        if (digit < 0 || digit > 9) break;
        value = value * 10 + digit;
      }
      if (at === end) return negative ? -value : value;
    }
    return Number(lines.toString('latin1', start, end));
  }

  /** The next field as the online store keeps a value of `dtype` (as `rowValue` does from text). */
  value(dtype: FeatureValueType | StreamFieldType): FeatureValue {
    switch (dtype) {
      case 'Int64':
      case 'Float64':
      case 'UnixTimestamp':
        return this.field() ? null : this.parseNumber();
      case 'Bool':
        return this.field() ? null : this.lines[this.start] === 116; /* t */
      case 'Array(String)': {
        const text = this.text();
        return text === null ? null : (JSON.parse(text) as string[]);
      }
      case 'String':
        return this.text();
    }
  }
}

/** Streams the rows of `query` (a SELECT), each made by `parse` from its fields, in batches. */
export async function* copyOutParsed<T>(client: pg.PoolClient, query: string, parse: (fields: CopyFields) => T): AsyncGenerator<T[]> {
  const fields = new CopyFields();
  for await (const lines of copyOutLines(client, query)) {
    const batch: T[] = [];
    fields.reset(lines);
    while (fields.nextLine()) batch.push(parse(fields));
    yield batch;
  }
}

/** Stores the next field in `column` at `row`, converted by the column's type (as `setFromText`). */
export function readIntoColumn(fields: CopyFields, column: DatasetColumn, row: number): void {
  switch (column.dtype) {
    case 'String': {
      const text = fields.text();
      if (text !== null) column.values[row] = text;
      return;
    }
    case 'Array(String)': {
      const list = fields.value('Array(String)');
      if (list !== null) column.values[row] = list as string[];
      return;
    }
    case 'Bool': {
      const value = fields.value('Bool');
      if (value !== null) column.values[row] = value === true ? 1 : 0;
      return;
    }
    case 'Int64':
    case 'Float64':
    case 'UnixTimestamp':
    case 'Timestamp':
      // NaN for `\N`: a missing number already.
      column.values[row] = fields.number();
  }
}
