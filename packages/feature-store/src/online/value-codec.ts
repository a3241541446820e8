import type { FeatureField, FeatureValue } from '@payments-mlops/contracts';
import { decodeField } from '../offline/copy-text.js';

/**
 * The online value of one batch view for one entity: a small binary record, decoded on the hot
 * path without JSON.
 *
 *   u8 format (1) | f64 event time ms | f64 created time ms | per feature, in schema order:
 *   u8 tag, then 0 (null) · i32 (int) · f64 (number) · nothing (true/false) · u16 length + UTF-8
 *   (string) · u16 count + (u16 length + UTF-8)… (string list)
 *
 * The event time sits at a fixed offset so the write script can compare it without decoding.
 */
const FORMAT = 1;
const HEADER_BYTES = 17;
const enum Tag {
  Null = 0,
  Int32 = 1,
  Float64 = 2,
  True = 3,
  False = 4,
  String = 5,
  StringList = 6,
}

/** A value that does not fit its feature's type; names the feature. */
export class FeatureValueError extends Error {
  readonly feature: string;
  constructor(feature: string, message: string) {
    super(`${feature}: ${message}`);
    this.name = 'FeatureValueError';
    this.feature = feature;
  }
}

export function encodeFeatureRow(fields: readonly FeatureField[], values: readonly FeatureValue[], eventMs: number, createdMs: number): Buffer {
  let size = HEADER_BYTES;
  const strings: (Buffer | Buffer[] | null)[] = [];
  fields.forEach((field, index) => {
    const value = checkValue(field, values[index] ?? null);
    if (value === null || typeof value === 'boolean') {
      size += 1;
      strings.push(null);
    } else if (typeof value === 'number') {
      size += isInt32(value) ? 5 : 9;
      strings.push(null);
    } else if (typeof value === 'string') {
      const bytes = utf8(field.name, value);
      size += 3 + bytes.length;
      strings.push(bytes);
    } else {
      const list = value.map((item) => utf8(field.name, item));
      if (list.length > 0xffff) throw new FeatureValueError(field.name, 'has more than 65535 items');
      size += 3 + list.reduce((total, bytes) => total + 2 + bytes.length, 0);
      strings.push(list);
    }
  });

  const buffer = Buffer.allocUnsafe(size);
  buffer.writeUInt8(FORMAT, 0);
  buffer.writeDoubleLE(eventMs, 1);
  buffer.writeDoubleLE(createdMs, 9);
  let offset = HEADER_BYTES;
  fields.forEach((field, index) => {
    const value = values[index] ?? null;
    if (value === null) {
      offset = buffer.writeUInt8(Tag.Null, offset);
    } else if (typeof value === 'boolean') {
      offset = buffer.writeUInt8(value ? Tag.True : Tag.False, offset);
    } else if (typeof value === 'number') {
      if (isInt32(value)) {
        offset = buffer.writeUInt8(Tag.Int32, offset);
        offset = buffer.writeInt32LE(value, offset);
      } else {
        offset = buffer.writeUInt8(Tag.Float64, offset);
        offset = buffer.writeDoubleLE(value, offset);
      }
    } else if (typeof value === 'string') {
      const bytes = strings[index] as Buffer;
      offset = buffer.writeUInt8(Tag.String, offset);
      offset = buffer.writeUInt16LE(bytes.length, offset);
      offset += bytes.copy(buffer, offset);
    } else {
      const list = strings[index] as Buffer[];
      offset = buffer.writeUInt8(Tag.StringList, offset);
      offset = buffer.writeUInt16LE(list.length, offset);
      for (const bytes of list) {
        offset = buffer.writeUInt16LE(bytes.length, offset);
        offset += bytes.copy(buffer, offset);
      }
    }
  });
  return buffer;
}

/** One row of COPY text, encoded: the entity key, its times and the row's bytes. */
export interface EncodedCopyRow {
  key: string;
  eventMs: number;
  createdMs: number;
  encoded: Buffer;
}

const TAB = 9;
const NEWLINE = 10;
const BACKSLASH = 92;

/**
 * The same encoding straight from COPY text bytes, for bulk materialization. Each line of `lines`
 * is `key \t event ms \t feature…`; numbers are parsed from the bytes and strings copied as bytes,
 * so no string is made per field (52 per row of a 50-feature view) except where text needs
 * unescaping or a general parse. Rows go to `out`.
 */
export function encodeCopyLines(fields: readonly FeatureField[], lines: Buffer, createdMs: number, out: EncodedCopyRow[]): void {
  let pos = 0;
  while (pos < lines.length) {
    let lineEnd = lines.indexOf(NEWLINE, pos);
    if (lineEnd === -1) lineEnd = lines.length;
    const keyEnd = fieldEnd(lines, pos, lineEnd);
    const key = fieldText(lines, pos, keyEnd) ?? '';
    const timeEnd = fieldEnd(lines, keyEnd + 1, lineEnd);
    const eventMs = Number(fieldText(lines, keyEnd + 1, timeEnd));
    out.push({ key, eventMs, createdMs, encoded: encodeCopyFields(fields, lines, timeEnd + 1, lineEnd, eventMs, createdMs) });
    pos = lineEnd + 1;
  }
}

function encodeCopyFields(fields: readonly FeatureField[], lines: Buffer, start: number, lineEnd: number, eventMs: number, createdMs: number): Buffer {
  let buffer = scratch;
  buffer[0] = FORMAT;
  buffer.writeDoubleLE(eventMs, 1);
  buffer.writeDoubleLE(createdMs, 9);
  let at = HEADER_BYTES;
  let pos = start;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    const end = fieldEnd(lines, pos, lineEnd);
    // The widest a value can be: a tag, a length, the bytes (a string's escapes only shrink).
    if (at + 9 + (end - pos) > buffer.length) buffer = growScratch(at + 9 + (end - pos), at);
    if (end - pos === 2 && lines[pos] === BACKSLASH && lines[pos + 1] === 78 /* N */) {
      buffer[at++] = Tag.Null;
    } else {
      switch (field.dtype) {
        case 'Int64':
        case 'UnixTimestamp':
        case 'Float64': {
          let value = plainInteger(lines, pos, end);
          if (Number.isNaN(value)) {
            // Not a plain integer of up to 15 digits: the general parse, then the type's check.
            value = Number(lines.toString('latin1', pos, end));
            if (field.dtype === 'Float64' ? Number.isNaN(value) : !Number.isSafeInteger(value)) checkValue(field, value);
          }
          if (isInt32(value)) {
            buffer[at] = Tag.Int32;
            buffer.writeInt32LE(value, at + 1);
            at += 5;
          } else {
            buffer[at] = Tag.Float64;
            buffer.writeDoubleLE(value, at + 1);
            at += 9;
          }
          break;
        }
        case 'Bool':
          buffer[at++] = lines[pos] === 116 /* t */ ? Tag.True : Tag.False;
          break;
        case 'String': {
          const escaped = hasBackslash(lines, pos, end);
          const length = escaped ? buffer.write(fieldText(lines, pos, end) ?? '', at + 3, 'utf8') : lines.copy(buffer, at + 3, pos, end);
          if (length > 0xffff) throw new FeatureValueError(field.name, 'is longer than 65535 bytes');
          buffer[at] = Tag.String;
          buffer.writeUInt16LE(length, at + 1);
          at += 3 + length;
          break;
        }
        case 'Array(String)': {
          // Rare and variable in size: through the general encoder.
          const list = checkValue(field, JSON.parse(fieldText(lines, pos, end) ?? 'null') as FeatureValue);
          const encoded = encodeFeatureRow([field], [list], 0, 0).subarray(HEADER_BYTES);
          if (at + encoded.length > buffer.length) buffer = growScratch(at + encoded.length, at);
          at += encoded.copy(buffer, at);
          break;
        }
      }
    }
    pos = end + 1;
  }
  const row = Buffer.allocUnsafe(at);
  buffer.copy(row, 0, 0, at);
  return row;
}

/** Where the field starting at `pos` ends: the next tab, or the end of the line. */
function fieldEnd(lines: Buffer, pos: number, lineEnd: number): number {
  let i = pos;
  while (i < lineEnd && lines[i] !== TAB) i++;
  return i;
}

function hasBackslash(lines: Buffer, pos: number, end: number): boolean {
  for (let i = pos; i < end; i++) if (lines[i] === BACKSLASH) return true;
  return false;
}

/** The field's text, escapes undone; null for `\N`. */
function fieldText(lines: Buffer, pos: number, end: number): string | null {
  return decodeField(lines.toString('utf8', pos, end));
}

/** `-?[0-9]{1,15}` read from the bytes (always a safe integer), or NaN for anything else. */
function plainInteger(lines: Buffer, pos: number, end: number): number {
  let i = pos;
  const negative = lines[i] === 45; /* - */
  if (negative) i++;
  if (i === end || end - i > 15) return Number.NaN;
  let value = 0;
  for (; i < end; i++) {
    const digit = lines[i]! - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return negative ? -value : value;
}

let scratch: Buffer = Buffer.allocUnsafe(64 * 1024);

function growScratch(needed: number, used: number): Buffer {
  const grown = Buffer.allocUnsafe(Math.max(needed, 2 * scratch.length));
  scratch.copy(grown, 0, 0, used);
  scratch = grown;
  return grown;
}

export interface DecodedRow {
  eventMs: number;
  createdMs: number;
}

/**
 * Decodes the values at `wanted` (ascending feature indices) into `out[outOffset + i]`, skipping
 * the others without allocating them. Returns the row's times, or null when the bytes are not a
 * row of this format.
 */
export function decodeFeatureRow(
  buffer: Buffer,
  fieldCount: number,
  wanted: readonly number[],
  out: FeatureValue[],
): DecodedRow | null {
  if (buffer.length < HEADER_BYTES || buffer[0] !== FORMAT) return null;
  const eventMs = buffer.readDoubleLE(1);
  const createdMs = buffer.readDoubleLE(9);
  // Bytes read by index rather than readUInt8/readInt32LE, whose argument checks cost more than
  // the reads (50 per row); a row cut short is caught by the length check at the end.
  let offset = HEADER_BYTES;
  let next = 0;
  for (let index = 0; index < fieldCount && next < wanted.length; index++) {
    const keep = wanted[next] === index;
    const tag = buffer[offset++] as Tag;
    let value: FeatureValue = null;
    switch (tag) {
      case Tag.Null:
        break;
      case Tag.Int32:
        if (keep) value = buffer[offset]! | (buffer[offset + 1]! << 8) | (buffer[offset + 2]! << 16) | (buffer[offset + 3]! << 24);
        offset += 4;
        break;
      case Tag.Float64:
        if (offset + 8 > buffer.length) return null;
        if (keep) value = buffer.readDoubleLE(offset);
        offset += 8;
        break;
      case Tag.True:
      case Tag.False:
        value = tag === Tag.True;
        break;
      case Tag.String: {
        const length = buffer[offset]! | (buffer[offset + 1]! << 8);
        offset += 2;
        if (keep) value = buffer.toString('utf8', offset, offset + length);
        offset += length;
        break;
      }
      case Tag.StringList: {
        const count = buffer[offset]! | (buffer[offset + 1]! << 8);
        offset += 2;
        const list: string[] = [];
        for (let item = 0; item < count; item++) {
          const length = buffer[offset]! | (buffer[offset + 1]! << 8);
          offset += 2;
          if (keep) list.push(buffer.toString('utf8', offset, offset + length));
          offset += length;
        }
        value = list;
        break;
      }
      default:
        return null;
    }
    if (offset > buffer.length) return null;
    if (keep) out[next++] = value;
  }
  return { eventMs, createdMs };
}

function isInt32(value: number): boolean {
  return (value | 0) === value && !Object.is(value, -0);
}

function utf8(feature: string, value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > 0xffff) throw new FeatureValueError(feature, 'is longer than 65535 bytes');
  return bytes;
}

/** Checks a value against its declared type; UnixTimestamp values are epoch milliseconds. */
export function checkValue(field: FeatureField, value: FeatureValue | undefined): FeatureValue {
  if (value === null || value === undefined) return null;
  switch (field.dtype) {
    case 'Int64':
    case 'UnixTimestamp':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
      throw new FeatureValueError(field.name, `must be an integer (${field.dtype}), got ${JSON.stringify(value)}`);
    case 'Float64':
      if (typeof value === 'number' && !Number.isNaN(value)) return value;
      throw new FeatureValueError(field.name, `must be a number (Float64), got ${JSON.stringify(value)}`);
    case 'String':
      if (typeof value === 'string') return value;
      throw new FeatureValueError(field.name, `must be a string, got ${JSON.stringify(value)}`);
    case 'Bool':
      if (typeof value === 'boolean') return value;
      throw new FeatureValueError(field.name, `must be a boolean, got ${JSON.stringify(value)}`);
    case 'Array(String)':
      if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
      throw new FeatureValueError(field.name, `must be a list of strings, got ${JSON.stringify(value)}`);
  }
}
