import { BoostingInputError } from './errors.js';
import { MODEL_FORMAT, ModelJson, treeFromJson, treeToJson } from './model-json.js';
import { transformRaw } from './objectives.js';
import type { ObjectiveName } from './params.js';
import { leafOf, type Tree } from './tree.js';

/**
 * Rows to score: an array of rows (each with one value per feature, NaN for missing), or
 * columnar data such as a Dataset (`{ columns }`).
 */
export type FeatureInput = readonly ArrayLike<number>[] | { readonly columns: readonly ArrayLike<number>[] };

export interface ModelDefinition {
  readonly objective: ObjectiveName;
  /** Raw outputs per row: 1 for binary and regression, the number of classes for multiclass. */
  readonly numClass: number;
  readonly numFeatures: number;
  readonly featureNames: readonly string[];
  readonly categoricalFeatures: readonly number[];
  /** Starting raw score per class (float32 values, as ONNX base_values). */
  readonly initScores: Float64Array;
  /** Round-major: tree t adds to class t % numClass. */
  readonly trees: readonly Tree[];
  readonly params?: Readonly<Record<string, unknown>>;
}

/** A trained gradient-boosted tree ensemble. */
export class BoostedModel implements ModelDefinition {
  readonly objective: ObjectiveName;
  readonly numClass: number;
  readonly numFeatures: number;
  readonly featureNames: readonly string[];
  readonly categoricalFeatures: readonly number[];
  readonly initScores: Float64Array;
  readonly trees: readonly Tree[];
  readonly params: Readonly<Record<string, unknown>> | undefined;

  constructor(definition: ModelDefinition) {
    this.objective = definition.objective;
    this.numClass = definition.numClass;
    this.numFeatures = definition.numFeatures;
    this.featureNames = definition.featureNames;
    this.categoricalFeatures = definition.categoricalFeatures;
    this.initScores = definition.initScores;
    this.trees = definition.trees;
    this.params = definition.params;
  }

  /** Boosting rounds in the model (trees per class). */
  get numRounds(): number {
    return this.trees.length / this.numClass;
  }

  /**
   * Raw scores (log-odds for binary, per-class margins for multiclass, values for regression),
   * row-major: numClass values per row.
   */
  predictRaw(input: FeatureInput): Float64Array {
    const { values, numRows } = this.rowMajor(input);
    const k = this.numClass;
    const out = new Float64Array(numRows * k);
    for (let i = 0; i < numRows; i++) this.rawInto(values, i * this.numFeatures, out, i * k);
    return out;
  }

  /** Probabilities of class 1 (binary), per-class probabilities row-major (multiclass), or values. */
  predict(input: FeatureInput): Float64Array {
    return transformRaw(this.objective, this.predictRaw(input), this.numClass);
  }

  /** Raw scores of one row, the form serving uses. */
  predictRawRow(row: ArrayLike<number>): Float64Array {
    this.checkRow(row, 0);
    const out = new Float64Array(this.numClass);
    this.rawInto(row, 0, out, 0);
    return out;
  }

  toJSON(): ModelJson {
    return {
      format: MODEL_FORMAT,
      formatVersion: 1,
      objective: this.objective,
      numClass: this.numClass,
      numFeatures: this.numFeatures,
      featureNames: [...this.featureNames],
      categoricalFeatures: [...this.categoricalFeatures],
      initScores: Array.from(this.initScores),
      trees: this.trees.map(treeToJson),
      ...(this.params === undefined ? {} : { params: { ...this.params } }),
    };
  }

  /** Rebuilds a model from toJSON's output (parsed JSON), checking it thoroughly. */
  static fromJSON(json: unknown): BoostedModel {
    const parsed = ModelJson.safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
      throw new BoostingInputError(`invalid model JSON: ${problems.join('; ')}`);
    }
    const m = parsed.data;
    const fail = (problem: string): never => {
      throw new BoostingInputError(`invalid model JSON: ${problem}`);
    };
    if (m.featureNames.length !== m.numFeatures) fail(`${m.featureNames.length} feature names for ${m.numFeatures} features`);
    if (m.initScores.length !== m.numClass) fail(`${m.initScores.length} init scores for ${m.numClass} classes`);
    if ((m.objective === 'multiclass') !== m.numClass > 1) fail(`numClass ${m.numClass} does not fit objective ${m.objective}`);
    if (m.trees.length % m.numClass !== 0) fail(`${m.trees.length} trees is not a whole number of rounds of ${m.numClass}`);
    if (m.categoricalFeatures.some((f) => f >= m.numFeatures)) fail('a categorical feature index is out of range');
    return new BoostedModel({
      objective: m.objective,
      numClass: m.numClass,
      numFeatures: m.numFeatures,
      featureNames: m.featureNames,
      categoricalFeatures: m.categoricalFeatures,
      initScores: Float64Array.from(m.initScores),
      trees: m.trees.map((t, i) => treeFromJson(t, m.numFeatures, `tree ${i}`)),
      ...(m.params === undefined ? {} : { params: m.params }),
    });
  }

  private rawInto(features: ArrayLike<number>, offset: number, out: Float64Array, outOffset: number): void {
    const k = this.numClass;
    for (let c = 0; c < k; c++) out[outOffset + c] = this.initScores[c]!;
    const trees = this.trees;
    for (let t = 0; t < trees.length; t++) {
      const tree = trees[t]!;
      out[outOffset + (t % k)]! += tree.leafValue[leafOf(tree, features, offset)]!;
    }
  }

  private checkRow(row: ArrayLike<number>, index: number): void {
    if (row.length !== this.numFeatures) {
      throw new BoostingInputError(
        `row ${index} has ${row.length} features; the model expects ${this.numFeatures} (${this.featureNames.join(', ')})`,
      );
    }
  }

  /** The input as one row-major Float64Array, after checking the number of features. */
  private rowMajor(input: FeatureInput): { values: Float64Array; numRows: number } {
    const f = this.numFeatures;
    if (Array.isArray(input)) {
      const rows = input as readonly ArrayLike<number>[];
      const values = new Float64Array(rows.length * f);
      rows.forEach((row, i) => {
        this.checkRow(row, i);
        for (let j = 0; j < f; j++) values[i * f + j] = row[j]!;
      });
      return { values, numRows: rows.length };
    }
    const { columns } = input as { readonly columns: readonly ArrayLike<number>[] };
    if (columns.length !== f) {
      throw new BoostingInputError(`input has ${columns.length} feature columns; the model expects ${f}`);
    }
    const numRows = columns[0]!.length;
    const values = new Float64Array(numRows * f);
    columns.forEach((column, j) => {
      if (column.length !== numRows) {
        throw new BoostingInputError(`column ${j} has ${column.length} rows but column 0 has ${numRows}`);
      }
      for (let i = 0; i < numRows; i++) values[i * f + j] = column[i]!;
    });
    return { values, numRows };
  }
}
