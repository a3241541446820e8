/** Row indices of each period of a time split, and where the boundaries fell. */
export interface TimeSplit {
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
  /** Epoch ms: validation starts here (every train row is strictly earlier). */
  validationStartMs: number;
  /** Epoch ms: test starts here (every validation row is strictly earlier). */
  testStartMs: number;
}

export class EmptySplitError extends Error {
  override readonly name = 'EmptySplitError';
}

/**
 * Splits rows by time: the last `test` fraction of the span is the test period, the
 * `validation` fraction before it the validation period, the rest training. Boundaries are
 * instants, so rows at the same time stay together and no period sees a later one's rows.
 * Rows whose `include` is false (unlabeled) are left out of every period.
 */
export function splitByTime(
  timestamps: ArrayLike<number>,
  fractions: { validation: number; test: number },
  include: (row: number) => boolean = () => true,
): TimeSplit {
  let min = Infinity;
  let max = -Infinity;
  for (let row = 0; row < timestamps.length; row++) {
    if (!include(row)) continue;
    const t = timestamps[row]!;
    if (t < min) min = t;
    if (t > max) max = t;
  }
  if (min === Infinity) throw new EmptySplitError('the training window has no labeled rows');
  // The end is exclusive: one millisecond past the last row keeps it inside the test period.
  const span = max + 1 - min;
  const testStartMs = Math.floor(max + 1 - span * fractions.test);
  const validationStartMs = Math.floor(testStartMs - span * fractions.validation);
  const periods: number[][] = [[], [], []];
  for (let row = 0; row < timestamps.length; row++) {
    if (!include(row)) continue;
    const t = timestamps[row]!;
    periods[t >= testStartMs ? 2 : t >= validationStartMs ? 1 : 0]!.push(row);
  }
  const [train, validation, test] = periods.map((rows) => Int32Array.from(rows)) as [Int32Array, Int32Array, Int32Array];
  for (const [name, rows] of [['training', train], ['validation', validation], ['test', test]] as const) {
    if (rows.length === 0) throw new EmptySplitError(`the ${name} period of the window has no labeled rows`);
  }
  return { train, validation, test, validationStartMs, testStartMs };
}

/** The values of `column` at `rows`. */
export function take(column: ArrayLike<number>, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = column[rows[i]!]!;
  return out;
}

export function takeAll<T>(values: readonly T[], rows: Int32Array): T[] {
  return Array.from(rows, (row) => values[row]!);
}
