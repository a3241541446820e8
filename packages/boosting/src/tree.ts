/**
 * One regression tree, in flat arrays (LightGBM's layout): internal nodes 0..numLeaves-2 with
 * node 0 the root, children ≥ 0 naming internal nodes and children < 0 naming leaf ~child.
 *
 * Every comparison is made on float32 values, `Math.fround(x) <= threshold` with a float32
 * threshold, because that is the comparison onnxruntime makes; the trainer chose each threshold
 * so this test routes every training value the way the binned data did, and so the package's
 * predictions and the ONNX export's agree exactly.
 */
export interface Tree {
  readonly numLeaves: number;
  readonly splitFeature: Int32Array;
  /** Numeric splits: the float32 threshold (left when x ≤ threshold). NaN for categorical. */
  readonly threshold: Float64Array;
  /** Categorical splits: the category codes going left, ascending; null for numeric. */
  readonly categories: readonly (Int32Array | null)[];
  /** 1 when NaN goes left. */
  readonly defaultLeft: Uint8Array;
  readonly leftChild: Int32Array;
  readonly rightChild: Int32Array;
  /** Loss reduction of each split (gain importance). */
  readonly splitGain: Float64Array;
  /** Training rows through each internal node (the cover TreeSHAP weighs paths with). */
  readonly internalCount: Float64Array;
  /** Leaf values with the learning rate applied, float32 values (what ONNX stores). */
  readonly leafValue: Float64Array;
  /** Training rows reaching each leaf. */
  readonly leafCount: Float64Array;
}

function containsCategory(sorted: Int32Array, x: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid]!;
    if (v === x) return true;
    if (v < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** The routing rule of internal node `node` for feature value `value`. */
export function goesLeft(tree: Tree, node: number, value: number): boolean {
  const x = Math.fround(value);
  if (x !== x) return tree.defaultLeft[node] === 1;
  const categories = tree.categories[node];
  if (categories === null || categories === undefined) return x <= tree.threshold[node]!;
  return Number.isInteger(x) && containsCategory(categories, x);
}

/** The leaf reached by the row stored at features[offset .. offset + numFeatures). */
export function leafOf(tree: Tree, features: ArrayLike<number>, offset: number): number {
  if (tree.numLeaves === 1) return 0;
  let node = 0;
  while (node >= 0) {
    node = goesLeft(tree, node, features[offset + tree.splitFeature[node]!]!)
      ? tree.leftChild[node]!
      : tree.rightChild[node]!;
  }
  return ~node;
}

/** Training rows reaching a child: an internal node (≥ 0) or leaf ~child. */
export function coverOf(tree: Tree, child: number): number {
  return child < 0 ? tree.leafCount[~child]! : tree.internalCount[child]!;
}

/** Cover-weighted mean of the leaf values: the tree's expected output over the training data. */
export function expectedValue(tree: Tree): number {
  let sum = 0;
  let count = 0;
  for (let leaf = 0; leaf < tree.numLeaves; leaf++) {
    sum += tree.leafValue[leaf]! * tree.leafCount[leaf]!;
    count += tree.leafCount[leaf]!;
  }
  return count > 0 ? sum / count : 0;
}

export function maxDepth(tree: Tree): number {
  const depthOf = (node: number): number =>
    node < 0 ? 0 : 1 + Math.max(depthOf(tree.leftChild[node]!), depthOf(tree.rightChild[node]!));
  return tree.numLeaves === 1 ? 0 : depthOf(0);
}
