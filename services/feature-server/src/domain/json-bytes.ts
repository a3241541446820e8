import type { FeatureValue } from '@payments-mlops/contracts';

const COMMA = 0x2c;
const MINUS = 0x2d;
const ZERO = 0x30;
/** Integers below this are written digit by digit; String() gives the same digits, at a string per value. */
const PLAIN_INTEGER_LIMIT = 1e15;
const DAY_MS = 86_400_000;
/** 10000-01-01: from there on toISOString writes a six-digit year. */
const MAX_PLAIN_TIME_MS = 253_402_300_800_000;
const NULL = Buffer.from('null');
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');

/** Answers this long are handed out in the buffer they were written in, and that buffer comes back once sent. */
const LEND_FROM_BYTES = 32 * 1024;
/** Buffers kept for reuse: one per answer in flight, up to this many, of up to this size (a rare huge answer's is dropped). */
const MAX_SPARE = 8;
const MAX_KEPT_BYTES = 1024 * 1024;

/**
 * JSON text written as bytes into one buffer kept across answers: no string per value and no
 * joined string to encode again on the way to the socket. Whatever it writes is what
 * JSON.stringify gives for the same value. A small answer is copied out by `take()`; a large one
 * (a 100-entity answer is 200 kB) is handed out in the buffer itself and given back with
 * `release()` once sent: a fresh 200 kB buffer per answer cost its page faults, in the kernel,
 * and copying into it as much again.
 */
export class JsonBytes {
  private buffer: Buffer;
  private at = 0;
  private readonly spare: Buffer[] = [];
  private readonly lentBuffers = new WeakSet<ArrayBufferLike>();
  /** The day of the last time written, and its quoted ISO date with the `T`. */
  private day = -1;
  private date = Buffer.alloc(0);

  constructor(initialBytes = 256 * 1024) {
    this.buffer = Buffer.allocUnsafeSlow(initialBytes);
  }

  get length(): number {
    return this.at;
  }

  /** Text known to be ASCII and to need no escaping (punctuation, names checked by a pattern, statuses, ISO times). */
  ascii(text: string): void {
    this.reserve(text.length);
    this.at += this.buffer.write(text, this.at, 'latin1');
  }

  byte(code: number): void {
    this.reserve(1);
    this.buffer[this.at++] = code;
  }

  /** Copies bytes this output already holds (`start` to `end`) to its end: a repeated column's statuses or times. */
  repeat(start: number, end: number): void {
    const length = end - start;
    this.reserve(length);
    const buffer = this.buffer;
    // Short runs (one entity's status and time) in a loop: copyWithin's call costs more than they do.
    if (length > 64) buffer.copyWithin(this.at, start, end);
    else for (let i = 0; i < length; i++) buffer[this.at + i] = buffer[start + i]!;
    this.at += length;
  }

  bytes(bytes: Uint8Array): void {
    const length = bytes.length;
    this.reserve(length);
    // Most pieces are a few bytes (punctuation, a status): a loop beats set()'s call for those.
    if (length > 64) this.buffer.set(bytes, this.at);
    else for (let i = 0; i < length; i++) this.buffer[this.at + i] = bytes[i]!;
    this.at += length;
  }

  /** A JSON string literal, as JSON.stringify writes it. */
  string(text: string): void {
    this.utf8(JSON.stringify(text));
  }

  /** Any text, as UTF-8. */
  utf8(text: string): void {
    this.reserve(3 * text.length);
    this.at += this.buffer.write(text, this.at, 'utf8');
  }

  /** A feature value as JSON.stringify writes it: NaN and ±Infinity as null, lists as arrays. */
  value(value: FeatureValue | undefined): void {
    if (typeof value === 'number') {
      if (Number.isInteger(value) && value < PLAIN_INTEGER_LIMIT && value > -PLAIN_INTEGER_LIMIT) this.integer(value);
      else if (Number.isFinite(value)) this.ascii(String(value));
      else this.bytes(NULL);
    } else if (value === null || value === undefined) this.bytes(NULL);
    else if (typeof value === 'boolean') this.bytes(value ? TRUE : FALSE);
    else if (typeof value === 'string') this.string(value);
    else this.utf8(JSON.stringify(value));
  }

  /** `[v,v,…]` of a column's values. */
  values(values: readonly FeatureValue[]): void {
    this.byte(0x5b);
    for (let row = 0; row < values.length; row++) {
      if (row !== 0) this.byte(COMMA);
      this.value(values[row]);
    }
    this.byte(0x5d);
  }

  /**
   * An epoch-ms time as JSON.stringify writes a Date: its quoted ISO text. For whole ms from 1970
   * to 9999 the date part is Date's, kept per day (the times of one answer mostly share theirs),
   * and the time of day is written from arithmetic; other values go through Date entirely.
   */
  quotedTime(ms: number): void {
    if (!(ms >= 0 && ms < MAX_PLAIN_TIME_MS) || !Number.isInteger(ms)) {
      this.ascii(`"${new Date(ms).toISOString()}"`);
      return;
    }
    const day = Math.floor(ms / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.date = Buffer.from(`"${new Date(day * DAY_MS).toISOString().slice(0, 11)}`, 'latin1');
    }
    this.bytes(this.date);
    this.reserve(14);
    let rest = ms - day * DAY_MS;
    const hours = Math.floor(rest / 3_600_000);
    rest -= hours * 3_600_000;
    const minutes = Math.floor(rest / 60_000);
    rest -= minutes * 60_000;
    const seconds = Math.floor(rest / 1000);
    const buffer = this.buffer;
    let at = digits(buffer, this.at, hours, 2);
    buffer[at++] = 0x3a; // :
    at = digits(buffer, at, minutes, 2);
    buffer[at++] = 0x3a;
    at = digits(buffer, at, seconds, 2);
    buffer[at++] = 0x2e; // .
    at = digits(buffer, at, rest - seconds * 1000, 3);
    buffer[at++] = 0x5a; // Z
    buffer[at++] = 0x22;
    this.at = at;
  }

  /** An integer of magnitude below PLAIN_INTEGER_LIMIT (-0 as 0, as JSON.stringify has it). */
  private integer(value: number): void {
    this.reserve(17);
    const buffer = this.buffer;
    let rest = value;
    if (rest < 0) {
      buffer[this.at++] = MINUS;
      rest = -rest;
    }
    let digits = 1;
    for (let power = 10; power <= rest; power *= 10) digits++;
    let position = this.at + digits;
    this.at = position;
    if (rest <= 0x7fffffff) {
      while (rest >= 10) {
        const quotient = (rest / 10) | 0;
        buffer[--position] = ZERO + rest - quotient * 10;
        rest = quotient;
      }
    } else {
      while (rest >= 10) {
        const quotient = Math.floor(rest / 10);
        buffer[--position] = ZERO + rest - quotient * 10;
        rest = quotient;
      }
    }
    buffer[position - 1] = ZERO + rest;
  }

  /** The text written since the last take; the output starts over. Give it back with `release` once sent. */
  take(): Buffer {
    const length = this.at;
    this.at = 0;
    if (length < LEND_FROM_BYTES) {
      const text = Buffer.allocUnsafe(length);
      this.buffer.copy(text, 0, 0, length);
      return text;
    }
    const text = this.buffer.subarray(0, length);
    this.lentBuffers.add(this.buffer.buffer);
    this.buffer = this.spare.pop() ?? Buffer.allocUnsafeSlow(Math.min(this.buffer.length, MAX_KEPT_BYTES));
    return text;
  }

  /** Whether `text` is in a buffer `take` handed out, to be given back with `release` once sent. */
  isLent(text: Buffer): boolean {
    return this.lentBuffers.has(text.buffer);
  }

  /** Takes back a buffer `take` handed out, for a later answer; anything else is left alone. */
  release(text: Buffer): void {
    const backing = text.buffer;
    if (!this.lentBuffers.delete(backing)) return;
    if (this.spare.length < MAX_SPARE && backing.byteLength <= MAX_KEPT_BYTES) this.spare.push(Buffer.from(backing));
  }

  private reserve(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(2 * this.buffer.length, this.at + bytes));
    this.buffer.copy(grown, 0, 0, this.at);
    this.buffer = grown;
  }
}

/** `value` as exactly `width` decimal digits, zero-padded, at `at`; returns the offset after them. */
function digits(buffer: Buffer, at: number, value: number, width: number): number {
  let rest = value;
  for (let position = at + width - 1; position >= at; position--) {
    const quotient = (rest / 10) | 0;
    buffer[position] = ZERO + rest - quotient * 10;
    rest = quotient;
  }
  return at + width;
}
