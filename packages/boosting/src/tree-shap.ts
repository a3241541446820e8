import { coverOf, goesLeft, maxDepth, type Tree } from './tree.js';

/**
 * Path-dependent TreeSHAP (Lundberg et al. 2018, Algorithm 2): exact Shapley values of one
 * tree's output for one row, in O(leaves · depth²), where a feature outside the coalition
 * follows both children weighted by their training cover. The path of (feature, zero fraction,
 * one fraction, weight) entries lives in flat typed arrays; each recursion level works on a copy
 * of its parent's entries placed after them.
 */
export class TreeShap {
  private readonly feature: Int32Array;
  private readonly zeroFraction: Float64Array;
  private readonly oneFraction: Float64Array;
  private readonly weight: Float64Array;
  /** reciprocal[k] = 1 / k: the inner loops multiply instead of dividing. */
  private readonly reciprocal: Float64Array;

  constructor(depth: number) {
    const size = ((depth + 2) * (depth + 3)) / 2;
    this.reciprocal = Float64Array.from({ length: depth + 3 }, (_, k) => 1 / k);
    this.feature = new Int32Array(size);
    this.zeroFraction = new Float64Array(size);
    this.oneFraction = new Float64Array(size);
    this.weight = new Float64Array(size);
  }

  static forTrees(trees: readonly Tree[]): TreeShap {
    return new TreeShap(trees.reduce((d, t) => Math.max(d, maxDepth(t)), 0));
  }

  /** Adds the tree's Shapley values for `row` (values at row[offset + f]) into phi. */
  accumulate(tree: Tree, row: ArrayLike<number>, offset: number, phi: Float64Array): void {
    if (tree.numLeaves === 1) return;
    this.recurse(tree, row, offset, phi, 0, 0, 0, 1, 1, -1);
  }

  private recurse(
    tree: Tree,
    row: ArrayLike<number>,
    offset: number,
    phi: Float64Array,
    node: number,
    parentStart: number,
    uniqueDepth: number,
    parentZero: number,
    parentOne: number,
    parentFeature: number,
  ): void {
    // This level's path: a copy of the parent's, extended by the edge taken to get here.
    const start = parentStart + uniqueDepth;
    if (uniqueDepth > 0) this.copy(parentStart, start, uniqueDepth);
    this.extend(start, uniqueDepth, parentZero, parentOne, parentFeature);

    if (node < 0) {
      const value = tree.leafValue[~node]!;
      for (let i = 1; i <= uniqueDepth; i++) {
        const w = this.unwoundSum(start, uniqueDepth, i);
        phi[this.feature[start + i]!]! += w * (this.oneFraction[start + i]! - this.zeroFraction[start + i]!) * value;
      }
      return;
    }

    const splitFeature = tree.splitFeature[node]!;
    const left = tree.leftChild[node]!;
    const right = tree.rightChild[node]!;
    const hot = goesLeft(tree, node, row[offset + splitFeature]!) ? left : right;
    const cold = hot === left ? right : left;
    const cover = tree.internalCount[node]!;
    const hotZero = coverOf(tree, hot) / cover;
    const coldZero = coverOf(tree, cold) / cover;
    let incomingZero = 1;
    let incomingOne = 1;
    let depth = uniqueDepth;
    // A feature met again on the path: undo its earlier edge and merge the two.
    for (let i = 1; i <= depth; i++) {
      if (this.feature[start + i] === splitFeature) {
        incomingZero = this.zeroFraction[start + i]!;
        incomingOne = this.oneFraction[start + i]!;
        this.unwind(start, depth, i);
        depth--;
        break;
      }
    }
    this.recurse(tree, row, offset, phi, hot, start, depth + 1, hotZero * incomingZero, incomingOne, splitFeature);
    this.recurse(tree, row, offset, phi, cold, start, depth + 1, coldZero * incomingZero, 0, splitFeature);
  }

  /** Plain loops: paths are short, and copyWithin's call overhead dominated the profile. */
  private copy(from: number, to: number, length: number): void {
    const { feature, zeroFraction, oneFraction, weight } = this;
    for (let i = 0; i < length; i++) {
      feature[to + i] = feature[from + i]!;
      zeroFraction[to + i] = zeroFraction[from + i]!;
      oneFraction[to + i] = oneFraction[from + i]!;
      weight[to + i] = weight[from + i]!;
    }
  }

  private extend(start: number, depth: number, zero: number, one: number, feature: number): void {
    const w = this.weight;
    this.feature[start + depth] = feature;
    this.zeroFraction[start + depth] = zero;
    this.oneFraction[start + depth] = one;
    w[start + depth] = depth === 0 ? 1 : 0;
    const invDepth = this.reciprocal[depth + 1]!;
    for (let i = depth - 1; i >= 0; i--) {
      w[start + i + 1]! += one * w[start + i]! * (i + 1) * invDepth;
      w[start + i] = zero * w[start + i]! * (depth - i) * invDepth;
    }
  }

  private unwind(start: number, depth: number, index: number): void {
    const w = this.weight;
    const one = this.oneFraction[start + index]!;
    const zero = this.zeroFraction[start + index]!;
    let next = w[start + depth]!;
    for (let i = depth - 1; i >= 0; i--) {
      if (one !== 0) {
        const tmp = w[start + i]!;
        w[start + i] = (next * (depth + 1)) / ((i + 1) * one);
        next = tmp - (w[start + i]! * zero * (depth - i)) / (depth + 1);
      } else {
        w[start + i] = (w[start + i]! * (depth + 1)) / (zero * (depth - i));
      }
    }
    for (let i = index; i < depth; i++) {
      this.feature[start + i] = this.feature[start + i + 1]!;
      this.zeroFraction[start + i] = this.zeroFraction[start + i + 1]!;
      this.oneFraction[start + i] = this.oneFraction[start + i + 1]!;
    }
  }

  /** The path weight sum with entry `index` removed, without modifying the path. */
  private unwoundSum(start: number, depth: number, index: number): number {
    const w = this.weight;
    const inv = this.reciprocal;
    const one = this.oneFraction[start + index]!;
    const zero = this.zeroFraction[start + index]!;
    const scale = depth + 1;
    let total = 0;
    if (one !== 0) {
      let next = w[start + depth]!;
      const zeroOverDepth = zero * inv[depth + 1]!;
      const scaleOverOne = scale / one;
      for (let i = depth - 1; i >= 0; i--) {
        const tmp = next * scaleOverOne * inv[i + 1]!;
        total += tmp;
        next = w[start + i]! - tmp * zeroOverDepth * (depth - i);
      }
    } else {
      const scaleOverZero = scale / zero;
      for (let i = depth - 1; i >= 0; i--) total += w[start + i]! * scaleOverZero * inv[depth - i]!;
    }
    return total;
  }
}
