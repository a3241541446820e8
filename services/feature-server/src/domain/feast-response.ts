import type { FeatureStatus, FeatureValue } from '@payments-mlops/contracts';
import type { OnlineFeatureColumns, ResolvedFeature } from '@payments-mlops/feature-store';

const EPOCH = '1970-01-01T00:00:00.000Z';
const QUOTED_STATUS: Record<FeatureStatus, string> = {
  PRESENT: '"PRESENT"',
  NOT_FOUND: '"NOT_FOUND"',
  NULL_VALUE: '"NULL_VALUE"',
  OUTSIDE_MAX_AGE: '"OUTSIDE_MAX_AGE"',
};

/**
 * The answer as Feast's feature server gives it, as JSON text: the requested entity keys as the
 * first columns (PRESENT, at the epoch), then one column per feature with its values, statuses
 * and event times. The text is written directly rather than built as objects for
 * JSON.stringify, since a 100-entity answer has 15,000 array entries; the output is the same
 * bytes JSON.stringify would give for the equivalent object.
 */
export class FeastResponseWriter {
  private readonly headers = new Map<string, string>();
  private features: readonly ResolvedFeature[] | undefined;

  write(
    entities: Readonly<Record<string, readonly unknown[]>>,
    joinKeys: readonly string[],
    columns: OnlineFeatureColumns,
    fullFeatureNames: boolean,
  ): string {
    // Pieces joined once at the end: one flat string. Appending them one by one made a rope of
    // thousands of pieces (a 100-entity answer) that sending had to flatten, at several times
    // the cost of writing the answer itself.
    const json: string[] = [this.header(columns.features, joinKeys, fullFeatureNames)];
    let first = true;
    for (const key of joinKeys) {
      const keys = entities[key] ?? [];
      const statuses = repeatArray('"PRESENT"', keys.length);
      const times = repeatArray(`"${EPOCH}"`, keys.length);
      json.push(`${first ? '{"values":' : ',{"values":'}${JSON.stringify(keys)},"statuses":${statuses},"event_timestamps":${times}}`);
      first = false;
    }
    const times = new TimeFormatter();
    const rows = columns.values[0]?.length ?? 0;
    if (rows === 1) {
      // One entity, the common online call: a column's text after its value depends only on
      // its status and time, which the features of one view share, so it is built once per view.
      let lastStatus: FeatureStatus | undefined;
      let lastMs = -1;
      let tail = '';
      for (let column = 0; column < columns.features.length; column++) {
        const status = columns.statuses[column]![0]!;
        const ms = columns.eventTimestamps[column]![0]!;
        if (status !== lastStatus || ms !== lastMs) {
          lastStatus = status;
          lastMs = ms;
          tail = `],"statuses":${SINGLE_STATUS[status]},"event_timestamps":[${times.quoted(ms)}]}`;
        }
        json.push(first ? '{"values":[' : ',{"values":[', valueJson(columns.values[column]![0]), tail);
        first = false;
      }
      json.push(']}');
      return json.join('');
    }
    // Features of one view share their statuses (mostly) and event times (always): each column
    // is compared with the one before and reuses its text when equal.
    let lastStatuses: readonly FeatureStatus[] | undefined;
    let lastStatusesJson = '';
    let lastTimes: readonly number[] | undefined;
    let lastTimesJson = '';
    for (let column = 0; column < columns.features.length; column++) {
      const statuses = columns.statuses[column]!;
      const eventTimes = columns.eventTimestamps[column]!;
      if (lastStatuses === undefined || !sameEntries(statuses, lastStatuses)) {
        lastStatuses = statuses;
        lastStatusesJson = statusesJson(statuses);
      }
      if (lastTimes === undefined || !sameEntries(eventTimes, lastTimes)) {
        lastTimes = eventTimes;
        lastTimesJson = times.json(eventTimes);
      }
      json.push(first ? '{"values":' : ',{"values":', valuesJson(columns.values[column]!), ',"statuses":', lastStatusesJson, ',"event_timestamps":', lastTimesJson, '}');
      first = false;
    }
    json.push(']}');
    return json.join('');
  }

  /** `{"metadata":{"feature_names":[…]},"results":[`: the same for every request of one shape. */
  private header(features: readonly ResolvedFeature[], joinKeys: readonly string[], fullFeatureNames: boolean): string {
    // Plans are cached per catalog version, so a new feature list means a new version: start over.
    if (features !== this.features) {
      this.headers.clear();
      this.features = features;
    }
    const cacheKey = `${fullFeatureNames ? 'full' : 'short'}\u0000${joinKeys.join('\u0000')}`;
    let header = this.headers.get(cacheKey);
    if (header === undefined) {
      const names = [...joinKeys, ...features.map((feature) => (fullFeatureNames ? `${feature.view.name}__${feature.field.name}` : feature.field.name))];
      header = `{"metadata":{"feature_names":${JSON.stringify(names)}},"results":[`;
      if (this.headers.size >= 64) this.headers.clear();
      this.headers.set(cacheKey, header);
    }
    return header;
  }
}

const SINGLE_STATUS: Record<FeatureStatus, string> = {
  PRESENT: '["PRESENT"]',
  NOT_FOUND: '["NOT_FOUND"]',
  NULL_VALUE: '["NULL_VALUE"]',
  OUTSIDE_MAX_AGE: '["OUTSIDE_MAX_AGE"]',
};

/** Formats each distinct event time once per answer (features of one view share theirs). */
class TimeFormatter {
  private lastMs = 0;
  private lastQuoted = `"${EPOCH}"`;
  private readonly formatted = new Map<number, string>([[0, `"${EPOCH}"`]]);

  quoted(ms: number): string {
    if (ms === this.lastMs) return this.lastQuoted;
    let quoted = this.formatted.get(ms);
    if (quoted === undefined) this.formatted.set(ms, (quoted = `"${new Date(ms).toISOString()}"`));
    this.lastMs = ms;
    this.lastQuoted = quoted;
    return quoted;
  }

  /** Flat (joined, not appended): the text is shared by every column of a view. */
  json(times: readonly number[]): string {
    const quoted = new Array<string>(times.length);
    for (let row = 0; row < times.length; row++) quoted[row] = this.quoted(times[row]!);
    return `[${quoted.join(',')}]`;
  }
}

function valueJson(value: FeatureValue | undefined): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return JSON.stringify(value);
}

function valuesJson(values: readonly FeatureValue[]): string {
  let text = '[';
  for (let row = 0; row < values.length; row++) text += row === 0 ? valueJson(values[row]) : `,${valueJson(values[row])}`;
  return `${text}]`;
}

/** Flat (joined, not appended): the text is shared by every column of a view. */
function statusesJson(statuses: readonly FeatureStatus[]): string {
  const quoted = new Array<string>(statuses.length);
  for (let row = 0; row < statuses.length; row++) quoted[row] = QUOTED_STATUS[statuses[row]!];
  return `[${quoted.join(',')}]`;
}

function repeatArray(quoted: string, count: number): string {
  return count === 0 ? '[]' : `[${`${quoted},`.repeat(count - 1)}${quoted}]`;
}

function sameEntries<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
