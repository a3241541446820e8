import { gaussLegendre } from './gauss-legendre.js';
import { coverOf, goesLeft, type Tree } from './tree.js';

/**
 * Exact path-dependent TreeSHAP in O(nodes · depth) per tree: Linear TreeSHAP (Yu et al.,
 * NeurIPS 2022) with its polynomials held as values at Gauss–Legendre nodes.
 *
 * A leaf with value v, whose path splits on the unique features j (the edges of a repeated
 * feature merged: zero fraction z_j = the product of their cover ratios, one fraction o_j = 1
 * when the row takes all of them), is a product game, and its Shapley value for feature i is
 *   (o_i − z_i) · v · ∫₀¹ Π_{j≠i} (z_j + (o_j − z_j) t) dt,
 * because the weight |S|!(d−|S|−1)!/d! equals ∫₀¹ t^|S| (1−t)^(d−1−|S|) dt. One depth-first walk
 * carries C(t) = Π_j (z_j + (o_j − z_j) t) down, sums S(t) = v · C(t) over each subtree, and at
 * each edge adds (o − z) ∫ S(t) / (z + (o − z) t) dt for the edge's feature, leaving out the
 * subtrees under a deeper split on the same feature (their leaves are counted there, with the
 * merged fractions). The integrand has degree < d, so ceil(d / 2) nodes give it exactly.
 *
 * The walk is two flat loops over each tree's splits in pre-order (a parent before its
 * children): products down, sums and contributions up. Leaves cost no step of their own: a
 * leaf's S / factor is v times its parent's C (over the earlier factor of a repeated feature),
 * so a split takes both leaf children into its own step (on the way down when nothing there
 * repeats), and the leaf factors for the row come down to two numbers, a + b t. The root's
 * product is the quadrature weight, so no step multiplies by one. What depends only on the tree
 * is computed once per model: merged zero fractions, which earlier edge a feature repeats,
 * where a subtree's sum is left out, and 1 / factor at the quadrature nodes for both one
 * fractions (so the walk never divides). Each split's constants sit together in one record of a
 * double array and one of an integer array (which also takes the row's side and one fraction at
 * each split), and the row's directions enter as 0/1 arithmetic rather than branches. A call
 * allocates nothing.
 *
 * What costs here is array access, ~100,000 per row, so the layout is for V8. The arrays are
 * plain packed JS arrays, not typed arrays: once any code in the process has detached an
 * ArrayBuffer (tsx's loader does, transferring module sources; so do streams and workers), V8
 * checks the buffer on every typed-array access (measured on the bench model: 500 µs per row
 * with typed arrays, 340 with the same walk on plain arrays). V8 checks an array's map once per
 * loop iteration, so the quadrature loops touch one array only (`work`), and a split's fields
 * are few loads (side and feature packed beside the flags, b for either side ready).
 */
// Fields of a split's double record.
const ZERO = 0; // merged zero fraction of the edge into the split
const THRESHOLD = 1; // float32 threshold of a numeric split; NaN for categorical (goesLeft decides)
const LEFT_VALUE = 2; // leaf children's values as stored (0 for a child that is a split; the raw score adds them exactly)
const RIGHT_VALUE = 3;
const LEAF_ZERO = 4; // a = Σ leaf value × its edge's merged zero fraction
const LEAF_SLOPE = 5; // b when the row goes left (left value − a), then when it goes right (right value − a)
const FLOATS = 7;
// Fields of a split's integer record.
const FEATURE = 0;
const PARENT = 1; // tree-local index of the parent split (the split itself at the root)
const ABOVE = 2; // nearest edge above on the split's feature (the split it leads to), or NONE
const EDGE_FEATURE = 3; // feature of the edge into the split
const SIDE = 4; // 0: left child of its parent; 1: right
const INVERSE = 5; // where the edge's 1 / factor values start in work: q for o = 0, then q for o = 1
const FLAGS = 6;
const ORIGINAL = 7; // the split's index in its Tree
const CHILD = 8; // tree-local index of the left child split (−1: a leaf), then of the right one
const PREVIOUS = 10; // the parent's ABOVE: the earlier edge on the feature of the edge into the split, or NONE
// The row's, written by the walk: the side it takes (0 left, 1 right), and the merged one
// fraction (0 or 1) of the edge into the split (1 for the sentinel).
const HOT = 11;
const ONE = 12;
const INTS = 13;
const HAS_EXCLUDED = 1; // a deeper split on the edge's feature takes its subtree out of the edge's sum
const DEFAULT_LEFT = 2;
const REPEATED = 4; // the split's feature was split on above
// FLAGS also holds the split's side (bit 4) and feature (bits 5 and up): one load where the walk needs all three.
const SIDE_SHIFT = 4;
const FEATURE_SHIFT = 5;
const BOTTOM = 8; // not the root, both children leaves, neither its feature nor its edge's repeated: one step, on the way down

export class LinearTreeShap {
  private readonly trees: readonly Tree[];
  /** Each tree's splits are splitStart[t] .. splitStart[t + 1] − 1. */
  private readonly splitStart: number[];
  /** Quadrature nodes per tree: half the most unique features on any of its paths, rounded up. */
  private readonly treeRule: number[];
  private readonly floats: number[];
  private readonly ints: number[];
  /**
   * Each tree's splits that take a step on the way up (all but BOTTOM ones and roots), children
   * before parents, are ints[upStart[t]] .. ints[upStart[t + 1] − 1], after the records.
   */
  private readonly upStart: number[];
  /** The sentinel edge: factor 1 (zero fraction 1, taken). */
  private readonly none: number;
  /**
   * Every double the quadrature loops touch, in one array (one map check per iteration, not one
   * per array): the rules' points for q = 1..maxRule at offset q(q − 1)/2, their weights from
   * weightsAt; 1 / factor of each edge at each node, for o = 0 then o = 1 (0 for a factor of 0,
   * never divided by), at the split's INVERSE; and the walk's q values per split of the tree
   * being walked: products from productAt, subtree sums from sumAt, sums left out from excludedAt.
   */
  private readonly work: number[];
  private readonly weightsAt: number;
  private readonly productAt: number;
  private readonly sumAt: number;
  private readonly excludedAt: number;
  /** maxRule ones (the factor of no earlier edge), and maxRule slots written and never read (its left-out sum). */
  private readonly onesAt: number;
  private readonly scratchAt: number;

  /** The row as float32 values, and its contributions, as plain arrays for the walk. */
  private readonly x: number[];
  private readonly contribution: number[];

  // Walk state.

  constructor(trees: readonly Tree[], numFeatures: number) {
    this.trees = trees;
    const size = trees.reduce((n, t) => n + t.numLeaves - 1, 0);
    const none = size;
    this.none = none;
    this.splitStart = smallInts(trees.length + 1);
    this.treeRule = smallInts(trees.length);
    const floats = doubles((size + 1) * FLOATS);
    let ints = smallInts((size + 1) * INTS);
    ints[none * INTS + ONE] = 1;
    floats[none * FLOATS + ZERO] = 1;
    let next = 0;
    let maxRule = 1;
    let maxSplits = 1;
    let inverseSize = 0;
    // The deepest edge on the current path for each feature.
    const lastEdge = smallInts(numFeatures).fill(none);
    trees.forEach((tree, t) => {
      const start = next;
      this.splitStart[t] = start;
      let unique = 1;
      /** Compiles split `node` and the splits below it, in pre-order. */
      const compile = (node: number, parent: number, side: number, uniqueDepth: number): void => {
        const s = next++;
        const f = tree.splitFeature[node]!;
        const above = lastEdge[f]!;
        const cover = tree.internalCount[node]!;
        const float = s * FLOATS;
        const int = s * INTS;
        floats[float + THRESHOLD] = tree.categories[node] === null ? tree.threshold[node]! : NaN;
        ints[int + FEATURE] = f;
        ints[int + PARENT] = parent < 0 ? 0 : parent - start;
        ints[int + PREVIOUS] = parent < 0 ? none : ints[parent * INTS + ABOVE]!;
        ints[int + ABOVE] = above;
        ints[int + SIDE] = side;
        ints[int + ORIGINAL] = node;
        ints[int + FLAGS] = ints[int + FLAGS]! | (tree.defaultLeft[node] === 1 ? DEFAULT_LEFT : 0) | (above !== none ? REPEATED : 0);
        if (above !== none) ints[above * INTS + FLAGS] = ints[above * INTS + FLAGS]! | HAS_EXCLUDED;
        const depth = above === none ? uniqueDepth + 1 : uniqueDepth;
        unique = Math.max(unique, depth);
        const leafValues = [0, 0];
        ints[int + CHILD] = -1;
        ints[int + CHILD + 1] = -1;
        for (const [child, childSide] of [
          [tree.leftChild[node]!, 0],
          [tree.rightChild[node]!, 1],
        ] as const) {
          const zero = floats[above * FLOATS + ZERO]! * (coverOf(tree, child) / cover);
          if (child < 0) {
            leafValues[childSide] = tree.leafValue[~child]!;
            floats[float + LEAF_ZERO]! += tree.leafValue[~child]! * zero;
            continue;
          }
          floats[next * FLOATS + ZERO] = zero;
          ints[next * INTS + EDGE_FEATURE] = f;
          lastEdge[f] = next;
          ints[int + CHILD + childSide] = next - start;
          compile(child, s, childSide, depth);
        }
        const edgeRepeats = parent >= 0 && ints[parent * INTS + ABOVE] !== none;
        if (parent >= 0 && !edgeRepeats && above === none && tree.leftChild[node]! < 0 && tree.rightChild[node]! < 0) {
          ints[int + FLAGS] = ints[int + FLAGS]! | BOTTOM;
        }
        floats[float + LEFT_VALUE] = leafValues[0]!;
        floats[float + RIGHT_VALUE] = leafValues[1]!;
        floats[float + LEAF_SLOPE] = leafValues[0]! - floats[float + LEAF_ZERO]!;
        floats[float + LEAF_SLOPE + 1] = leafValues[1]! - floats[float + LEAF_ZERO]!;
        lastEdge[f] = above;
      };
      if (tree.numLeaves > 1) compile(0, -1, 0, 0);
      const q = Math.ceil(unique / 2);
      this.treeRule[t] = q;
      for (let s = start; s < next; s++) {
        ints[s * INTS + INVERSE] = inverseSize;
        inverseSize += 2 * q;
      }
      maxRule = Math.max(maxRule, q);
      maxSplits = Math.max(maxSplits, next - start);
    });
    this.splitStart[trees.length] = next;
    const upOrder: number[] = [];
    this.upStart = smallInts(trees.length + 1);
    trees.forEach((_, t) => {
      this.upStart[t] = ints.length + upOrder.length;
      for (let s = this.splitStart[t + 1]! - 1; s > this.splitStart[t]!; s--) {
        if ((ints[s * INTS + FLAGS]! & BOTTOM) === 0) upOrder.push(s);
      }
    });
    this.upStart[trees.length] = ints.length + upOrder.length;
    ints = ints.concat(upOrder);
    for (let s = 0; s < size; s++) {
      ints[s * INTS + FLAGS] = ints[s * INTS + FLAGS]! | (ints[s * INTS + SIDE]! << SIDE_SHIFT) | (ints[s * INTS + FEATURE]! << FEATURE_SHIFT);
    }
    this.floats = floats;
    this.ints = ints;

    const rules = (maxRule * (maxRule + 1)) / 2;
    const walkSize = maxSplits * maxRule;
    this.weightsAt = rules;
    const inverseAt = 2 * rules;
    this.productAt = inverseAt + inverseSize;
    this.sumAt = this.productAt + walkSize;
    this.excludedAt = this.sumAt + walkSize;
    this.onesAt = this.excludedAt + walkSize;
    this.scratchAt = this.onesAt + maxRule;
    const work = doubles(this.scratchAt + maxRule);
    for (let k = 0; k < maxRule; k++) work[this.onesAt + k] = 1;
    this.work = work;
    for (let q = 1; q <= maxRule; q++) {
      const { nodes, weights } = gaussLegendre(q);
      nodes.forEach((x, k) => (work[(q * (q - 1)) / 2 + k] = x));
      weights.forEach((w, k) => (work[rules + (q * (q - 1)) / 2 + k] = w));
    }
    for (let s = 0; s < size; s++) ints[s * INTS + INVERSE]! += inverseAt;
    trees.forEach((_, t) => {
      const q = this.treeRule[t]!;
      const rule = (q * (q - 1)) / 2;
      for (let s = this.splitStart[t]! + 1; s < this.splitStart[t + 1]!; s++) {
        const z = floats[s * FLOATS + ZERO]!;
        const at = ints[s * INTS + INVERSE]!;
        for (let k = 0; k < q; k++) {
          const x = work[rule + k]!;
          const cold = z * (1 - x);
          work[at + k] = cold === 0 ? 0 : 1 / cold;
          work[at + q + k] = 1 / (z + (1 - z) * x);
        }
      }
    });

    this.x = doubles(numFeatures);
    this.contribution = doubles(numFeatures);
  }

  /**
   * Adds the Shapley values of trees first, first + step, … for `row` into phi[phiOffset + f],
   * and returns raw plus the values of the leaves the row reaches, added in tree order (as
   * predictRaw adds them).
   */
  accumulateTrees(first: number, step: number, row: ArrayLike<number>, phi: Float64Array, phiOffset: number, raw: number): number {
    const { x, contribution } = this;
    for (let f = 0; f < x.length; f++) {
      x[f] = Math.fround(row[f]!);
      contribution[f] = 0;
    }
    let score = raw;
    for (let t = first; t < this.trees.length; t += step) score += this.accumulate(t, x, contribution);
    for (let f = 0; f < x.length; f++) phi[phiOffset + f]! += contribution[f]!;
    return score;
  }

  /** Adds tree t's Shapley values for the float32 row x into phi; returns the value of the leaf x reaches. */
  private accumulate(t: number, x: number[], phi: number[]): number {
    const start = this.splitStart[t]!;
    const end = this.splitStart[t + 1]!;
    if (end === start) return this.trees[t]!.leafValue[0]!;
    const q = this.treeRule[t]!;
    const rule = (q * (q - 1)) / 2;
    const { floats, ints, none, work, productAt, sumAt } = this;

    // Down: the side the row takes at each split, the one fraction of each edge, and the
    // product C(t) of the factors on the path to each split (a repeated feature's earlier
    // factor divided out, its merged one multiplied in). The root's product is the node's
    // weight, so every product, sum and integral below carries it. A split with nothing
    // repeated takes in its leaf children here: their factors weighted by their values are
    // a + b t, their share b ∫ C, and they start the subtree's sum S(t).
    for (let s = start; s < end; s++) {
      const i = s - start;
      const int = s * INTS;
      const float = s * FLOATS;
      const flags = ints[int + FLAGS]!;
      const value = x[flags >> FEATURE_SHIFT]!;
      const threshold = floats[float + THRESHOLD]!;
      // goesLeft's rule, inlined for numeric splits as 0/1 arithmetic: right unless x ≤ threshold, or NaN and NaN goes left.
      const hot =
        threshold === threshold
          ? Number(!(value <= threshold)) & (1 ^ (Number(value !== value) & (flags >> 1)))
          : Number(!goesLeft(this.trees[t]!, ints[int + ORIGINAL]!, value));
      ints[int + HOT] = hot;
      if (i === 0) {
        for (let k = 0; k < q; k++) {
          work[productAt + k] = work[this.weightsAt + rule + k]!;
          work[sumAt + k] = 0;
        }
        continue;
      }
      const p = ints[int + PARENT]!;
      const previous = ints[int + PREVIOUS]!;
      const previousOne = ints[previous * INTS + ONE]!;
      const o = previousOne & (1 ^ ints[(start + p) * INTS + HOT]! ^ ((flags >> SIDE_SHIFT) & 1));
      ints[int + ONE] = o;
      const z = floats[float + ZERO]!;
      const slope = o - z;
      const from = productAt + p * q;
      if ((flags & BOTTOM) !== 0) {
        this.bottomStep(s, flags, hot, from, sumAt + p * q, z, slope, q, rule, phi);
        continue;
      }
      const at = productAt + i * q;
      const sumOfSplit = sumAt + i * q;
      // The earlier edge leads to a split, which has cover, so its factor is never 0.
      const undo = previous === none ? -1 : ints[previous * INTS + INVERSE]! + previousOne * q;
      if ((flags & (HAS_EXCLUDED | REPEATED)) === 0) {
        const a = floats[float + LEAF_ZERO]!;
        const b = floats[float + LEAF_SLOPE + hot]!;
        let leafIntegral = 0;
        if (undo < 0) {
          let k = 0;
          for (; k + 1 < q; k += 2) {
            const u = work[rule + k]!;
            const v = work[rule + k + 1]!;
            const c = work[from + k]! * (z + slope * u);
            const d = work[from + k + 1]! * (z + slope * v);
            work[at + k] = c;
            work[at + k + 1] = d;
            work[sumOfSplit + k] = c * (a + b * u);
            work[sumOfSplit + k + 1] = d * (a + b * v);
            leafIntegral += c + d;
          }
          if (k < q) {
            const u = work[rule + k]!;
            const c = work[from + k]! * (z + slope * u);
            work[at + k] = c;
            work[sumOfSplit + k] = c * (a + b * u);
            leafIntegral += c;
          }
        } else {
          for (let k = 0; k < q; k++) {
            const u = work[rule + k]!;
            const c = work[from + k]! * (z + slope * u) * work[undo + k]!;
            work[at + k] = c;
            work[sumOfSplit + k] = c * (a + b * u);
            leafIntegral += c;
          }
        }
        phi[flags >> FEATURE_SHIFT]! += b * leafIntegral;
        continue;
      }
      for (let k = 0; k < q; k++) {
        const c = work[from + k]! * (z + slope * work[rule + k]!);
        work[at + k] = undo < 0 ? c : c * work[undo + k]!;
        work[sumOfSplit + k] = 0;
      }
      // A loop, not fill(): the builtin's call cost more than the q stores. Every rare split's
      // slots are zeroed (a tree walked earlier may have left a sum in them).
      for (let k = 0; k < q; k++) work[this.excludedAt + i * q + k] = 0;
    }

    // Up, children before parents: each split passes its subtree's sum S(t) to its parent and
    // adds its edge's share (o − z) ∫ (S − what deeper splits on the feature took) / factor.
    const upEnd = this.upStart[t + 1]!;
    for (let j = this.upStart[t]!; j < upEnd; j++) {
      const s = ints[j]!;
      const i = s - start;
      const int = s * INTS;
      const flags = ints[int + FLAGS]!;
      // (The rare step adds its own share: a double returned from a call would be boxed.)
      if ((flags & (HAS_EXCLUDED | REPEATED)) !== 0) {
        this.gatherRare(s, start, q, rule, phi);
        continue;
      }
      const o = ints[int + ONE]!;
      const at = sumAt + i * q;
      const to = sumAt + ints[int + PARENT]! * q;
      const factor = ints[int + INVERSE]! + o * q;
      let integral = 0;
      // Two nodes an iteration: V8 checks the array's map and the stack once per iteration.
      let k = 0;
      for (; k + 1 < q; k += 2) {
        const subtree = work[at + k]!;
        const next = work[at + k + 1]!;
        integral += work[factor + k]! * subtree + work[factor + k + 1]! * next;
        work[to + k]! += subtree;
        work[to + k + 1]! += next;
      }
      if (k < q) {
        const subtree = work[at + k]!;
        integral += work[factor + k]! * subtree;
        work[to + k]! += subtree;
      }
      phi[ints[int + EDGE_FEATURE]!]! += (o - floats[s * FLOATS + ZERO]!) * integral;
    }
    // The root's leaf children: b ∫ C with C = 1.
    phi[ints[start * INTS + FEATURE]!]! += floats[start * FLOATS + LEAF_SLOPE + ints[start * INTS + HOT]!]!;
    return this.reachedLeaf(start);
  }

  /** The value of the leaf at the end of the row's path through the tree whose splits begin at start. */
  private reachedLeaf(start: number): number {
    let i = 0;
    for (;;) {
      const side = this.ints[(start + i) * INTS + HOT]!;
      const child = this.ints[(start + i) * INTS + CHILD + side]!;
      if (child < 0) return this.floats[(start + i) * FLOATS + (side === 0 ? LEFT_VALUE : RIGHT_VALUE)]!;
      i = child;
    }
  }

  /**
   * A split with two leaf children, on a feature not split on above, whole on the way down:
   * C = C_parent · f, S = C (a + b t), and S / f = C_parent (a + b t), so the edge needs no 1 / f.
   */
  private bottomStep(s: number, flags: number, hot: number, from: number, sumOfParent: number, z: number, slope: number, q: number, rule: number, phi: number[]): void {
    const { floats, ints, work } = this;
    const float = s * FLOATS;
    const a = floats[float + LEAF_ZERO]!;
    const b = floats[float + LEAF_SLOPE + hot]!;
    let leafIntegral = 0;
    let integral = 0;
    let k = 0;
    for (; k + 1 < q; k += 2) {
      const u = work[rule + k]!;
      const v = work[rule + k + 1]!;
      const above = work[from + k]!;
      const aboveNext = work[from + k + 1]!;
      const factor = z + slope * u;
      const factorNext = z + slope * v;
      const leaves = above * (a + b * u);
      const leavesNext = aboveNext * (a + b * v);
      leafIntegral += above * factor + aboveNext * factorNext;
      integral += leaves + leavesNext;
      work[sumOfParent + k]! += leaves * factor;
      work[sumOfParent + k + 1]! += leavesNext * factorNext;
    }
    if (k < q) {
      const u = work[rule + k]!;
      const above = work[from + k]!;
      const factor = z + slope * u;
      const leaves = above * (a + b * u);
      leafIntegral += above * factor;
      integral += leaves;
      work[sumOfParent + k]! += leaves * factor;
    }
    phi[flags >> FEATURE_SHIFT]! += b * leafIntegral;
    phi[ints[s * INTS + EDGE_FEATURE]!]! += slope * integral;
  }

  /**
   * The up step of a split whose feature repeats (the leaves' products lose the earlier
   * factor, and its subtree leaves the earlier edge's sum) or whose edge has a subtree left
   * out; its edge's share is (o − z) ∫ (S − left out) / factor.
   */
  private gatherRare(s: number, start: number, q: number, rule: number, phi: number[]): void {
    const { floats, ints, none, work, productAt, sumAt, excludedAt } = this;
    const i = s - start;
    const int = s * INTS;
    const float = s * FLOATS;
    const at = i * q;
    const to = sumAt + ints[int + PARENT]! * q;
    const o = ints[int + ONE]!;
    const factor = ints[int + INVERSE]! + o * q;
    const previous = ints[int + ABOVE]!;
    const previousOne = ints[previous * INTS + ONE]!;
    const a = floats[float + LEAF_ZERO]!;
    const b = previousOne === 1 ? floats[float + LEAF_SLOPE + ints[int + HOT]!]! : -a;
    // One loop for every case, no branches in it: a feature not repeated divides by ones and
    // leaves its subtree in scratch; a sum nothing took from is 0 (zeroed on the way down).
    const repeated = previous !== none;
    const undo = repeated ? ints[previous * INTS + INVERSE]! + previousOne * q : this.onesAt;
    const into = repeated ? excludedAt + (previous - start) * q : this.scratchAt;
    const product = productAt + at;
    const sum = sumAt + at;
    const excluded = excludedAt + at;
    let leafIntegral = 0;
    let integral = 0;
    for (let k = 0; k < q; k++) {
      const c = work[product + k]! * work[undo + k]!;
      leafIntegral += c;
      const subtree = work[sum + k]! + c * (a + b * work[rule + k]!);
      work[into + k]! += subtree;
      integral += work[factor + k]! * (subtree - work[excluded + k]!);
      work[to + k]! += subtree;
    }
    phi[ints[int + FEATURE]!]! += b * leafIntegral;
    phi[ints[int + EDGE_FEATURE]!]! += (o - floats[float + ZERO]!) * integral;
  }
}


/** A packed array of doubles (V8 keeps them unboxed): filled with a double first, then zeroed. */
function doubles(length: number): number[] {
  const values = Array.from({ length }, () => 0.5);
  values.fill(0);
  return values;
}

/** A packed array of small integers. */
function smallInts(length: number): number[] {
  return Array.from({ length }, () => 0);
}
