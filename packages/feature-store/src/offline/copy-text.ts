import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

/**
 * Bulk reads and writes through COPY's text format: one line per row, tab-separated, `\N` for
 * null, backslash escapes. Parsing it is several times faster than node-pg's per-row result
 * objects, which is what keeps a million-row retrieval within seconds.
 */
export type TextRow = (string | null)[];

/** Streams the rows of `query` (a SELECT) in batches of about `batchRows`. */
export async function* copyOut(client: pg.PoolClient, query: string, batchRows = 8192): AsyncGenerator<TextRow[]> {
  const stream = client.query(copyTo(`COPY (${query}) TO STDOUT`));
  // A chunk may end inside a multi-byte character; the decoder carries it over to the next one.
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let batch: TextRow[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const text = pending + decoder.write(chunk);
    let start = 0;
    let newline = text.indexOf('\n', start);
    while (newline !== -1) {
      batch.push(parseLine(text, start, newline));
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    pending = text.slice(start);
    if (batch.length >= batchRows) {
      yield batch;
      batch = [];
    }
  }
  pending += decoder.end();
  if (pending.length > 0) batch.push(parseLine(pending, 0, pending.length));
  if (batch.length > 0) yield batch;
}

/**
 * Streams the COPY text of `query` as buffers of whole lines (each at least `minBytes` but the
 * last), for readers that parse the bytes themselves instead of making a string per field.
 */
export async function* copyOutLines(client: pg.PoolClient, query: string, minBytes = 128 * 1024): AsyncGenerator<Buffer> {
  const stream = client.query(copyTo(`COPY (${query}) TO STDOUT`));
  let carry: Buffer | null = null;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const data: Buffer = carry === null ? chunk : Buffer.concat([carry, chunk]);
    const last = data.lastIndexOf(10 /* \n */);
    if (last === -1) {
      carry = data;
      continue;
    }
    pending.push(data.subarray(0, last + 1));
    pendingBytes += last + 1;
    carry = last + 1 < data.length ? data.subarray(last + 1) : null;
    if (pendingBytes >= minBytes) {
      yield pending.length === 1 ? pending[0]! : Buffer.concat(pending);
      pending = [];
      pendingBytes = 0;
    }
  }
  if (carry !== null) pending.push(carry);
  if (pending.length > 0) yield Buffer.concat(pending);
}

function parseLine(text: string, start: number, end: number): TextRow {
  const fields: TextRow = [];
  let fieldStart = start;
  for (let i = start; i <= end; i++) {
    if (i === end || text.charCodeAt(i) === 9 /* \t */) {
      fields.push(decodeField(text.slice(fieldStart, i)));
      fieldStart = i + 1;
    }
  }
  return fields;
}

const ESCAPES: Readonly<Record<string, string>> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** One field of COPY text: null for `\N`, escapes undone. */
export function decodeField(raw: string): string | null {
  if (raw === '\\N') return null;
  if (!raw.includes('\\')) return raw;
  return raw.replace(/\\(?:([0-7]{1,3})|x([0-9a-fA-F]{1,2})|(.))/g, (_match, octal?: string, hex?: string, escaped?: string) => {
    if (octal !== undefined) return String.fromCharCode(parseInt(octal, 8));
    if (hex !== undefined) return String.fromCharCode(parseInt(hex, 16));
    return ESCAPES[escaped ?? ''] ?? escaped ?? '';
  });
}

/** Writes rows into `table (columns…)` with COPY FROM STDIN. Values are already text (or null). */
export async function copyIn(client: pg.PoolClient, table: string, columns: readonly string[], rows: Iterable<TextRow>): Promise<void> {
  const sink = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(encodeLines(rows)), sink);
}

function* encodeLines(rows: Iterable<TextRow>): Generator<string> {
  let buffer: string[] = [];
  for (const row of rows) {
    buffer.push(row.map(encodeField).join('\t'));
    if (buffer.length === 4096) {
      yield `${buffer.join('\n')}\n`;
      buffer = [];
    }
  }
  if (buffer.length > 0) yield `${buffer.join('\n')}\n`;
}

function encodeField(value: string | null): string {
  if (value === null) return '\\N';
  return /[\\\t\n\r]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : value;
}
