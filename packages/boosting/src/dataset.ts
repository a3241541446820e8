import { BoostingInputError } from './errors.js';
import type { ObjectiveName } from './params.js';

/**
 * Training or validation data in columnar form, the way the trainer reads it from the offline
 * store: one array per feature, NaN where a value is missing.
 */
export interface Dataset {
  /** One column per feature, all of the same length. */
  readonly columns: readonly ArrayLike<number>[];
  /** binary: 0/1; multiclass: 0..numClass-1; regression: any finite number. */
  readonly labels: ArrayLike<number>;
  /** Optional non-negative row weights, multiplied with class weights. */
  readonly weights?: ArrayLike<number>;
  /** Feature names, carried into the model, its explanations and its ONNX metadata. */
  readonly featureNames?: readonly string[];
  /**
   * Categorical features, by index or name. Their values are category codes: non-negative
   * integers below 2^24 (exact in float32, which is what ONNX compares), NaN when missing.
   */
  readonly categoricalFeatures?: readonly (number | string)[];
}

/** What validation learned about a training set. */
export interface DatasetShape {
  readonly numRows: number;
  readonly numFeatures: number;
  readonly featureNames: readonly string[];
  readonly isCategorical: readonly boolean[];
  readonly numClass: number;
}

/** Largest category code: float32 holds every integer below 2^24 exactly. */
export const MAX_CATEGORY_CODE = 2 ** 24 - 1;

/** Checks the training data in full, before any work, and says precisely what is wrong. */
export function validateTrainingData(
  dataset: Dataset,
  objective: ObjectiveName,
  numClassParam: number | undefined,
): DatasetShape {
  const shape = validateColumns(dataset, 'training data');
  const { labels } = dataset;
  if (labels.length !== shape.numRows) {
    throw new BoostingInputError(
      `training data: labels has ${labels.length} entries but the columns have ${shape.numRows} rows`,
    );
  }
  if (shape.numRows < 2) throw new BoostingInputError('training data: needs at least 2 rows');
  validateWeights(dataset, shape.numRows, 'training data');
  let first: number | undefined;
  let constant = true;
  let maxLabel = -Infinity;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (!Number.isFinite(y)) {
      throw new BoostingInputError(`training data: label at row ${i} is not a finite number (${y})`);
    }
    if (objective === 'binary' && y !== 0 && y !== 1) {
      throw new BoostingInputError(`training data: binary labels must be 0 or 1 (row ${i} has ${y})`);
    }
    if (objective === 'multiclass' && !(Number.isInteger(y) && y >= 0)) {
      throw new BoostingInputError(
        `training data: multiclass labels must be integers ≥ 0 (row ${i} has ${y})`,
      );
    }
    if (first === undefined) first = y;
    else if (y !== first) constant = false;
    if (y > maxLabel) maxLabel = y;
  }
  if (constant) {
    throw new BoostingInputError(`training data: the label is constant (every row is ${first}); nothing to learn`);
  }
  let numClass = 1;
  if (objective === 'multiclass') {
    numClass = numClassParam ?? maxLabel + 1;
    if (!Number.isInteger(numClass) || numClass < 2) {
      throw new BoostingInputError(`numClass must be an integer ≥ 2 (got ${numClass})`);
    }
    if (maxLabel >= numClass) {
      throw new BoostingInputError(`training data: label ${maxLabel} is out of range for numClass ${numClass}`);
    }
  }
  return { ...shape, numClass };
}

/** Checks a validation set against the training set's shape. */
export function validateValidationData(dataset: Dataset, train: DatasetShape, objective: ObjectiveName): void {
  const shape = validateColumns(dataset, 'validation data');
  if (shape.numFeatures !== train.numFeatures) {
    throw new BoostingInputError(
      `validation data has ${shape.numFeatures} features but the training data has ${train.numFeatures}`,
    );
  }
  if (dataset.labels.length !== shape.numRows) {
    throw new BoostingInputError(
      `validation data: labels has ${dataset.labels.length} entries but the columns have ${shape.numRows} rows`,
    );
  }
  validateWeights(dataset, shape.numRows, 'validation data');
  for (let i = 0; i < dataset.labels.length; i++) {
    const y = dataset.labels[i]!;
    const valid =
      objective === 'binary'
        ? y === 0 || y === 1
        : objective === 'multiclass'
          ? Number.isInteger(y) && y >= 0 && y < train.numClass
          : Number.isFinite(y);
    if (!valid) throw new BoostingInputError(`validation data: label at row ${i} is invalid (${y})`);
  }
}

function validateColumns(dataset: Dataset, what: string): Omit<DatasetShape, 'numClass'> {
  const { columns } = dataset;
  if (columns.length === 0) throw new BoostingInputError(`${what}: no feature columns`);
  const numRows = columns[0]!.length;
  columns.forEach((column, f) => {
    if (column.length !== numRows) {
      throw new BoostingInputError(
        `${what}: column ${f} has ${column.length} rows but column 0 has ${numRows}; every column must have the same length`,
      );
    }
  });
  const numFeatures = columns.length;
  const featureNames = dataset.featureNames ?? columns.map((_, f) => `f${f}`);
  if (featureNames.length !== numFeatures) {
    throw new BoostingInputError(`${what}: ${featureNames.length} feature names for ${numFeatures} columns`);
  }
  if (new Set(featureNames).size !== featureNames.length) {
    throw new BoostingInputError(`${what}: feature names must be unique`);
  }
  const isCategorical = new Array<boolean>(numFeatures).fill(false);
  for (const ref of dataset.categoricalFeatures ?? []) {
    const index = typeof ref === 'number' ? ref : featureNames.indexOf(ref);
    if (!Number.isInteger(index) || index < 0 || index >= numFeatures) {
      throw new BoostingInputError(`${what}: categorical feature ${JSON.stringify(ref)} is not one of the columns`);
    }
    isCategorical[index] = true;
    const column = columns[index]!;
    for (let i = 0; i < numRows; i++) {
      const v = column[i]!;
      if (!Number.isNaN(v) && !(Number.isInteger(v) && v >= 0 && v <= MAX_CATEGORY_CODE)) {
        throw new BoostingInputError(
          `${what}: categorical feature ${featureNames[index]} has ${v} at row ${i}; ` +
            `category codes are integers in [0, ${MAX_CATEGORY_CODE}] or NaN`,
        );
      }
    }
  }
  return { numRows, numFeatures, featureNames, isCategorical };
}

function validateWeights(dataset: Dataset, numRows: number, what: string): void {
  const { weights } = dataset;
  if (weights === undefined) return;
  if (weights.length !== numRows) {
    throw new BoostingInputError(`${what}: weights has ${weights.length} entries for ${numRows} rows`);
  }
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (!(w >= 0 && Number.isFinite(w))) {
      throw new BoostingInputError(`${what}: weight at row ${i} must be a finite number ≥ 0 (got ${w})`);
    }
  }
}
