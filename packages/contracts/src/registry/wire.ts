import { z } from 'zod';

/*
 * Building blocks for MLflow's protobuf-JSON wire format. Requests arrive as JSON bodies (POST,
 * PATCH, DELETE) or as query strings (GET), so scalars are accepted the way protobuf's JSON parser
 * accepts them: int64 as a number or a decimal string, booleans as true/false or their spelling,
 * doubles as numbers or the strings "NaN", "Infinity" and "-Infinity", repeated fields as an array
 * or, from a query string, a single value.
 */

const INTEGER_TEXT = /^-?\d+$/;

/** Zod issue messages that the registry's error handler turns into MLflow's own wording. */
export const MISSING_VALUE = 'missing value';

/** An int64 field: a JSON number or a decimal string, read as a safe integer. */
export const Int64 = z.preprocess(
  (value) => (typeof value === 'string' && INTEGER_TEXT.test(value) ? Number(value) : value),
  z.number({ error: 'must be an integer' }).int({ error: 'must be an integer' }),
);

/** An int32 field, as protobuf reads it. */
export const Int32 = z.preprocess(
  (value) => (typeof value === 'string' && INTEGER_TEXT.test(value) ? Number(value) : value),
  z
    .number({ error: 'must be an integer' })
    .int({ error: 'must be an integer' })
    .min(-(2 ** 31), { error: 'must fit in 32 bits' })
    .max(2 ** 31 - 1, { error: 'must fit in 32 bits' }),
);

const NON_FINITE = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY } as const;

/** A double field in a request: a JSON number, a decimal string, or "NaN", "Infinity", "-Infinity". */
export const Double = z
  .union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity']), z.string().regex(/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/)], {
    error: 'must be a number (a JSON number, "NaN", "Infinity" or "-Infinity")',
  })
  .transform((value) => (typeof value === 'number' ? value : value in NON_FINITE ? NON_FINITE[value as keyof typeof NON_FINITE] : Number(value)));

/** A double in a response: JSON has no NaN or Infinity, so protobuf writes them as strings. */
export const DoubleOut = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]);
export type DoubleOut = z.infer<typeof DoubleOut>;

/** Writes a double the way protobuf-JSON does. */
export function doubleToWire(value: number): DoubleOut {
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? 'Infinity' : '-Infinity';
}

/** Reads a double written by `doubleToWire`. */
export function doubleFromWire(value: DoubleOut): number {
  return typeof value === 'number' ? value : NON_FINITE[value];
}

/** A bool field: JSON true/false, or 'true'/'false' from a query string. */
export const Bool = z.preprocess(
  (value) => (value === 'true' ? true : value === 'false' ? false : value),
  z.boolean({ error: 'must be a boolean' }),
);

/**
 * A string MLflow marks as required: absent and empty are both "missing", as its handlers check
 * (protobuf reads an absent string as empty).
 */
export const RequiredString = z
  .string({ error: (issue) => (issue.input === undefined ? MISSING_VALUE : 'must be a string') })
  .min(1, { error: MISSING_VALUE });

/** A repeated field: an array, or one bare value (a query string parameter given once). */
export function repeated<T extends z.ZodType>(item: T) {
  return z.preprocess((value) => (value === undefined || Array.isArray(value) ? value : [value]), z.array(item));
}

/** A protobuf enum read by name (case as declared), or by its number from older clients. */
export function protoEnum<const Names extends readonly [string, ...string[]]>(names: Names, numbers: Record<number, Names[number]>) {
  return z.preprocess(
    (value) => {
      if (typeof value === 'number' && value in numbers) return numbers[value];
      if (typeof value === 'string' && INTEGER_TEXT.test(value) && Number(value) in numbers) return numbers[Number(value)];
      return value;
    },
    z.enum(names, { error: `must be one of ${names.join(', ')}` }),
  );
}

/** The body of every response that carries nothing: `{}`. */
export const Empty = z.object({});
export type Empty = z.infer<typeof Empty>;
