import { z } from 'zod';
import { BoostingInputError } from './errors.js';
import { OBJECTIVES } from './params.js';
import type { Tree } from './tree.js';

export const MODEL_FORMAT = 'payments-mlops.boosting.model';

const TreeJson = z.object({
  numLeaves: z.number().int().min(1),
  splitFeature: z.array(z.number().int().min(0)),
  /** null for categorical splits. */
  threshold: z.array(z.number().nullable()),
  categories: z.array(z.array(z.number().int().min(0)).nullable()),
  defaultLeft: z.array(z.boolean()),
  leftChild: z.array(z.number().int()),
  rightChild: z.array(z.number().int()),
  splitGain: z.array(z.number()),
  internalCount: z.array(z.number().min(0)),
  leafValue: z.array(z.number()),
  leafCount: z.array(z.number().min(0)),
});
export type TreeJson = z.infer<typeof TreeJson>;

/** The serialisable form of a model: plain JSON, for storage, explanations and debugging. */
export const ModelJson = z.object({
  format: z.literal(MODEL_FORMAT),
  formatVersion: z.literal(1),
  objective: z.enum(OBJECTIVES as ['binary', 'multiclass', 'regression']),
  numClass: z.number().int().min(1),
  numFeatures: z.number().int().min(1),
  featureNames: z.array(z.string()),
  categoricalFeatures: z.array(z.number().int().min(0)),
  initScores: z.array(z.number()),
  /** Round-major: tree t contributes to class t % numClass. */
  trees: z.array(TreeJson),
  /** The parameters the model was trained with, for the record. */
  params: z.record(z.string(), z.unknown()).optional(),
});
export type ModelJson = z.infer<typeof ModelJson>;

export function treeToJson(tree: Tree): TreeJson {
  return {
    numLeaves: tree.numLeaves,
    splitFeature: Array.from(tree.splitFeature),
    threshold: Array.from(tree.threshold, (t) => (Number.isNaN(t) ? null : t)),
    categories: tree.categories.map((c) => (c === null ? null : Array.from(c))),
    defaultLeft: Array.from(tree.defaultLeft, (d) => d === 1),
    leftChild: Array.from(tree.leftChild),
    rightChild: Array.from(tree.rightChild),
    splitGain: Array.from(tree.splitGain),
    internalCount: Array.from(tree.internalCount),
    leafValue: Array.from(tree.leafValue),
    leafCount: Array.from(tree.leafCount),
  };
}

/** Rebuilds a tree, checking that it is one: sizes agree, children are in range, no cycles. */
export function treeFromJson(json: TreeJson, numFeatures: number, where: string): Tree {
  const internal = json.numLeaves - 1;
  const fail = (problem: string): never => {
    throw new BoostingInputError(`invalid model JSON: ${where}: ${problem}`);
  };
  for (const key of ['splitFeature', 'threshold', 'categories', 'defaultLeft', 'leftChild', 'rightChild', 'splitGain', 'internalCount'] as const) {
    if (json[key].length !== internal) fail(`${key} has ${json[key].length} entries for ${internal} internal nodes`);
  }
  for (const key of ['leafValue', 'leafCount'] as const) {
    if (json[key].length !== json.numLeaves) fail(`${key} has ${json[key].length} entries for ${json.numLeaves} leaves`);
  }
  const seen = new Uint8Array(internal);
  const seenLeaves = new Uint8Array(json.numLeaves);
  const visit = (child: number): void => {
    if (child < 0) {
      const leaf = ~child;
      if (leaf >= json.numLeaves || seenLeaves[leaf]) fail(`leaf ${leaf} is out of range or reached twice`);
      seenLeaves[leaf] = 1;
    } else {
      if (child >= internal || seen[child]) fail(`node ${child} is out of range or reached twice`);
      seen[child] = 1;
      visit(json.leftChild[child]!);
      visit(json.rightChild[child]!);
    }
  };
  if (internal > 0) visit(0);
  json.splitFeature.forEach((f, node) => {
    if (f >= numFeatures) fail(`node ${node} splits on feature ${f} of ${numFeatures}`);
    if ((json.threshold[node] === null) === (json.categories[node] === null)) {
      fail(`node ${node} needs exactly one of a threshold or categories`);
    }
  });
  return {
    numLeaves: json.numLeaves,
    splitFeature: Int32Array.from(json.splitFeature),
    threshold: Float64Array.from(json.threshold, (t) => t ?? NaN),
    categories: json.categories.map((c) => (c === null ? null : Int32Array.from(c).sort())),
    defaultLeft: Uint8Array.from(json.defaultLeft, (d) => (d ? 1 : 0)),
    leftChild: Int32Array.from(json.leftChild),
    rightChild: Int32Array.from(json.rightChild),
    splitGain: Float64Array.from(json.splitGain),
    internalCount: Float64Array.from(json.internalCount),
    leafValue: Float64Array.from(json.leafValue),
    leafCount: Float64Array.from(json.leafCount),
  };
}
