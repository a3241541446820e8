import type { FeatureStatus } from '@payments-mlops/contracts';
import type { OnlineFeatureColumns, ResolvedFeature } from '@payments-mlops/feature-store';
import { JsonBytes } from './json-bytes.js';

const EPOCH = '1970-01-01T00:00:00.000Z';
const piece = (text: string): Buffer => Buffer.from(text, 'latin1');
const QUOTED_STATUS: Record<FeatureStatus, Buffer> = {
  PRESENT: piece('"PRESENT"'),
  NOT_FOUND: piece('"NOT_FOUND"'),
  NULL_VALUE: piece('"NULL_VALUE"'),
  OUTSIDE_MAX_AGE: piece('"OUTSIDE_MAX_AGE"'),
};
const FIRST_COLUMN = piece('{"values":');
const NEXT_COLUMN = piece(',{"values":');
const STATUSES = piece(',"statuses":');
const EVENT_TIMESTAMPS = piece(',"event_timestamps":');
const QUOTED_EPOCH = piece(`"${EPOCH}"`);
const END = piece(']}');
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;
const COMMA = 0x2c;

/**
 * The answer as Feast's feature server gives it, as JSON bytes: the requested entity keys as the
 * first columns (PRESENT, at the epoch), then one column per feature with its values, statuses
 * and event times. Written straight into one reused buffer rather than built as objects for
 * JSON.stringify (a 100-entity answer has 15,000 array entries) or as strings to join and encode
 * again; the bytes are those JSON.stringify gives for the equivalent object.
 */
export class FeastResponseWriter {
  private readonly headers = new Map<string, Buffer>();
  private features: readonly ResolvedFeature[] | undefined;
  private readonly out = new JsonBytes();

  write(
    entities: Readonly<Record<string, readonly unknown[]>>,
    joinKeys: readonly string[],
    columns: OnlineFeatureColumns,
    fullFeatureNames: boolean,
  ): Buffer {
    const out = this.out;
    out.bytes(this.header(columns.features, joinKeys, fullFeatureNames));
    let first = true;
    for (const key of joinKeys) {
      const keys = entities[key] ?? [];
      out.bytes(first ? FIRST_COLUMN : NEXT_COLUMN);
      out.utf8(JSON.stringify(keys));
      out.bytes(STATUSES);
      repeatArray(out, QUOTED_STATUS.PRESENT, keys.length);
      out.bytes(EVENT_TIMESTAMPS);
      repeatArray(out, QUOTED_EPOCH, keys.length);
      out.byte(CLOSE_BRACE);
      first = false;
    }
    // Features of one view share their statuses (mostly) and event times (always): a column equal
    // to the one before copies that one's bytes instead of writing them again.
    let lastStatuses: readonly FeatureStatus[] | undefined;
    let statusesStart = 0;
    let statusesEnd = 0;
    let lastTimes: readonly number[] | undefined;
    let timesStart = 0;
    let timesEnd = 0;
    let tailStart = 0;
    let tailEnd = 0;
    for (let column = 0; column < columns.features.length; column++) {
      const statuses = columns.statuses[column]!;
      const eventTimes = columns.eventTimestamps[column]!;
      out.bytes(first ? FIRST_COLUMN : NEXT_COLUMN);
      first = false;
      out.values(columns.values[column]!);
      const sameStatus = lastStatuses !== undefined && sameStatuses(statuses, lastStatuses);
      const sameTime = lastTimes !== undefined && sameTimes(eventTimes, lastTimes);
      // What follows the values (statuses, times, the closing brace) as the column before had it.
      if (sameStatus && sameTime) {
        out.repeat(tailStart, tailEnd);
        continue;
      }
      tailStart = out.length;
      out.bytes(STATUSES);
      if (sameStatus) out.repeat(statusesStart, statusesEnd);
      else {
        lastStatuses = statuses;
        statusesStart = out.length;
        writeStatuses(out, statuses);
        statusesEnd = out.length;
      }
      out.bytes(EVENT_TIMESTAMPS);
      if (sameTime) out.repeat(timesStart, timesEnd);
      else {
        lastTimes = eventTimes;
        timesStart = out.length;
        this.writeTimes(eventTimes);
        timesEnd = out.length;
      }
      out.byte(CLOSE_BRACE);
      tailEnd = out.length;
    }
    out.bytes(END);
    return out.take();
  }

  /** Whether the answer is in a buffer of the writer's, to be given back with `release` once sent (large answers). */
  isLent(answer: Buffer): boolean {
    return this.out.isLent(answer);
  }

  /** Gives back an answer's buffer once it has been sent, for the next answer to be written in. */
  release(answer: Buffer): void {
    this.out.release(answer);
  }

  /** `{"metadata":{"feature_names":[…]},"results":[`: the same for every request of one shape. */
  private header(features: readonly ResolvedFeature[], joinKeys: readonly string[], fullFeatureNames: boolean): Buffer {
    // Plans are cached per catalog version, so a new feature list means a new version: start over.
    if (features !== this.features) {
      this.headers.clear();
      this.features = features;
    }
    const cacheKey = `${fullFeatureNames ? 'full' : 'short'}\u0000${joinKeys.join('\u0000')}`;
    let header = this.headers.get(cacheKey);
    if (header === undefined) {
      const names = [...joinKeys, ...features.map((feature) => (fullFeatureNames ? `${feature.view.name}__${feature.field.name}` : feature.field.name))];
      header = Buffer.from(`{"metadata":{"feature_names":${JSON.stringify(names)}},"results":[`, 'utf8');
      if (this.headers.size >= 64) this.headers.clear();
      this.headers.set(cacheKey, header);
    }
    return header;
  }

  private writeTimes(times: readonly number[]): void {
    const out = this.out;
    out.byte(OPEN_BRACKET);
    for (let row = 0; row < times.length; row++) {
      if (row !== 0) out.byte(COMMA);
      out.quotedTime(times[row]!);
    }
    out.byte(CLOSE_BRACKET);
  }
}

function writeStatuses(out: JsonBytes, statuses: readonly FeatureStatus[]): void {
  out.byte(OPEN_BRACKET);
  for (let row = 0; row < statuses.length; row++) {
    if (row !== 0) out.byte(COMMA);
    out.bytes(QUOTED_STATUS[statuses[row]!]);
  }
  out.byte(CLOSE_BRACKET);
}

function repeatArray(out: JsonBytes, quoted: Buffer, count: number): void {
  out.byte(OPEN_BRACKET);
  for (let row = 0; row < count; row++) {
    if (row !== 0) out.byte(COMMA);
    out.bytes(quoted);
  }
  out.byte(CLOSE_BRACKET);
}

// Two comparisons rather than one generic: each stays monomorphic (strings, numbers) on the hot path.
function sameStatuses(a: readonly FeatureStatus[], b: readonly FeatureStatus[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameTimes(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
