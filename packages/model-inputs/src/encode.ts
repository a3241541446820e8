import type { FeatureStatus, FeatureValue, ModelInput } from '@payments-mlops/contracts';

export const DAY_MS = 86_400_000;

/*
 * The one rule that turns a feature value into a model input, used by the trainer on the
 * training set and by ml-serving on online features, so a feature means the same number in both.
 */

const categoryIndexes = new WeakMap<ModelInput, ReadonlyMap<string, number>>();

/** The value → index map of a categorical input, built once per input object. */
export function categoryIndex(input: ModelInput): ReadonlyMap<string, number> {
  let index = categoryIndexes.get(input);
  if (index === undefined) {
    index = new Map((input.categories ?? []).map((value, position) => [value, position]));
    categoryIndexes.set(input, index);
  }
  return index;
}

/** One feature value as the model sees it; missing (null, undefined, NaN) is NaN in every kind. */
export function encodeValue(input: ModelInput, value: FeatureValue | undefined, asOfMs: number): number {
  if (value === null || value === undefined) return Number.NaN;
  switch (input.kind) {
    case 'numeric':
      return typeof value === 'number' ? value : Number.NaN;
    case 'boolean':
      if (typeof value === 'boolean') return value ? 1 : 0;
      // Training datasets carry booleans as 0/1.
      return value === 1 || value === 0 ? value : Number.NaN;
    case 'categorical':
      return typeof value === 'string' ? (categoryIndex(input).get(value) ?? Number.NaN) : Number.NaN;
    case 'age_days':
      return typeof value === 'number' && Number.isFinite(value) ? (asOfMs - value) / DAY_MS : Number.NaN;
  }
}

/** True when a present categorical value is outside the input's categories (scored as unknown). */
export function isUnknownCategory(input: ModelInput, value: FeatureValue | undefined): boolean {
  return input.kind === 'categorical' && typeof value === 'string' && !categoryIndex(input).has(value);
}

/** The shape of feature-store's OnlineFeatureColumns that encoding reads. */
export interface OnlineColumns {
  features: readonly { field: { name: string } }[];
  values: readonly (readonly FeatureValue[])[];
  statuses: readonly (readonly FeatureStatus[])[];
}

export interface EncodedRows {
  /** Row-major `[rows, inputs.length]`, the ONNX input. */
  values: Float32Array;
  rowCount: number;
  /** Per row, the names of the categorical inputs whose value was present but unknown. */
  unknownCategories: string[][];
}

/** What encoding one input needs, resolved once per (feature list, inputs) pair. */
interface InputPlan {
  /** Each input's column position in the feature list. */
  positions: Int32Array;
  /** The category index of each categorical input; undefined for the other kinds. */
  categories: (ReadonlyMap<string, number> | undefined)[];
}

/** Per feature list (a read plan's, the same array on every read), per inputs array. */
const inputPlans = new WeakMap<OnlineColumns['features'], WeakMap<readonly ModelInput[], InputPlan>>();

function inputPlanOf(inputs: readonly ModelInput[], features: OnlineColumns['features']): InputPlan {
  let byInputs = inputPlans.get(features);
  if (byInputs === undefined) inputPlans.set(features, (byInputs = new WeakMap()));
  let plan = byInputs.get(inputs);
  if (plan === undefined) {
    const byName = new Map(features.map((feature, position) => [feature.field.name, position]));
    plan = {
      positions: Int32Array.from(inputs, (input) => {
        const position = byName.get(input.name);
        if (position === undefined) throw new Error(`online features lack model input '${input.name}'`);
        return position;
      }),
      categories: inputs.map((input) => (input.kind === 'categorical' ? categoryIndex(input) : undefined)),
    };
    byInputs.set(inputs, plan);
  }
  return plan;
}

/**
 * Online features → the model's input matrix. Columns are matched to inputs by feature name, so
 * the read plan may list features in any order; any status but PRESENT is NaN. Serving calls it
 * once per request, so the name matching is done once per (feature list, inputs) pair.
 */
export function encodeOnlineRows(inputs: readonly ModelInput[], columns: OnlineColumns, asOfMs: number | ArrayLike<number>): EncodedRows {
  const { positions, categories } = inputPlanOf(inputs, columns.features);
  const rowCount = columns.values[0]?.length ?? 0;
  const width = inputs.length;
  const values = new Float32Array(rowCount * width).fill(Number.NaN);
  const unknownCategories: string[][] = new Array<string[]>(rowCount);
  for (let row = 0; row < rowCount; row++) unknownCategories[row] = [];
  for (let i = 0; i < width; i++) {
    const input = inputs[i]!;
    const index = categories[i];
    const featureValues = columns.values[positions[i]!]!;
    const statuses = columns.statuses[positions[i]!]!;
    for (let row = 0; row < rowCount; row++) {
      if (statuses[row] !== 'PRESENT') continue;
      const value = featureValues[row];
      if (index !== undefined) {
        // encodeValue's categorical rule, with the index already at hand.
        if (typeof value !== 'string') continue;
        const code = index.get(value);
        if (code === undefined) unknownCategories[row]!.push(input.name);
        else values[row * width + i] = code;
        continue;
      }
      values[row * width + i] = encodeValue(input, value, typeof asOfMs === 'number' ? asOfMs : asOfMs[row]!);
    }
  }
  return { values, rowCount, unknownCategories };
}

/** The shape of feature-store's DatasetColumn that encoding reads. */
export type DatasetColumnLike =
  | { name: string; dtype: 'Int64' | 'Float64' | 'Bool' | 'UnixTimestamp' | 'Timestamp'; values: Float64Array }
  | { name: string; dtype: 'String'; values: readonly (string | null)[] }
  | { name: string; dtype: 'Array(String)'; values: readonly (readonly string[] | null)[] };

export interface EncodedColumns {
  /** One column per input, in inputs order, as boosting's Dataset takes them. */
  columns: Float64Array[];
  featureNames: string[];
  /** Names of the categorical inputs (integer codes, NaN for unknown or missing). */
  categoricalFeatures: string[];
  /** Per categorical input, how many present values were unknown. */
  unknownCounts: Record<string, number>;
}

/** A training dataset's columns → boosting's columns, by the same rule as encodeValue. */
export function encodeDatasetColumns(
  inputs: readonly ModelInput[],
  columns: readonly DatasetColumnLike[],
  eventTimestamps: ArrayLike<number>,
): EncodedColumns {
  const byName = new Map(columns.map((column) => [column.name, column]));
  const unknownCounts: Record<string, number> = {};
  const encoded = inputs.map((input) => {
    const column = byName.get(input.name);
    if (column === undefined) throw new Error(`dataset lacks model input '${input.name}'`);
    const rowCount = column.values.length;
    const out = new Float64Array(rowCount);
    if (input.kind === 'categorical') {
      if (column.dtype !== 'String') throw new Error(`categorical input '${input.name}' needs a String column, got ${column.dtype}`);
      const index = categoryIndex(input);
      let unknown = 0;
      for (let row = 0; row < rowCount; row++) {
        const value = column.values[row];
        if (value === null || value === undefined) out[row] = Number.NaN;
        else {
          const code = index.get(value);
          if (code === undefined) unknown++;
          out[row] = code ?? Number.NaN;
        }
      }
      unknownCounts[input.name] = unknown;
      return out;
    }
    if (column.dtype === 'String' || column.dtype === 'Array(String)') throw new Error(`${input.kind} input '${input.name}' needs a numeric column, got ${column.dtype}`);
    const values = column.values;
    if (input.kind === 'age_days') {
      for (let row = 0; row < rowCount; row++) out[row] = (eventTimestamps[row]! - values[row]!) / DAY_MS;
    } else if (input.kind === 'boolean') {
      for (let row = 0; row < rowCount; row++) out[row] = values[row] === 1 || values[row] === 0 ? values[row]! : Number.NaN;
    } else out.set(values);
    return out;
  });
  return {
    columns: encoded,
    featureNames: inputs.map((input) => input.name),
    categoricalFeatures: inputs.filter((input) => input.kind === 'categorical').map((input) => input.name),
    unknownCounts,
  };
}
