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
 * The trees are copied once into pre-order flat arrays (a left child is always the next node);
 * a call allocates nothing.
 */
export class LinearTreeShap {
  private readonly trees: readonly Tree[];
  private readonly treeRoot: Int32Array;
  /** Quadrature nodes per tree: half the most unique features on any of its paths, rounded up. */
  private readonly treeNodes: Int32Array;
  /** Per compiled node: the split feature, or −1 at a leaf. */
  private readonly feature: Int32Array;
  /** The node's index in its Tree (internal node, or leaf for leaves). */
  private readonly original: Int32Array;
  private readonly rightChild: Int32Array;
  private readonly leftRatio: Float64Array;
  private readonly rightRatio: Float64Array;
  private readonly leafValue: Float64Array;
  /** Quadrature rules for q = 1..maxNodes, q values each, at offset q(q − 1)/2. */
  private readonly rulePoints: Float64Array;
  private readonly ruleWeights: Float64Array;

  // Walk state, reused: rows of q values per depth.
  private readonly product: Float64Array;
  private readonly subtreeSum: Float64Array;
  /** Per depth: what deeper splits on the same feature took out of the edge being walked. */
  private readonly excluded: Float64Array;
  /** Per feature: the depth of its last split on the current path (−1: none), and its fractions. */
  private readonly lastDepth: Int32Array;
  private readonly lastZero: Float64Array;
  private readonly lastOne: Float64Array;

  // The call in progress.
  private tree!: Tree;
  private q = 1;
  private points: Float64Array = new Float64Array(0);
  private weights: Float64Array = new Float64Array(0);
  private row: ArrayLike<number> = [];
  private offset = 0;
  private phi: Float64Array = new Float64Array(0);
  private phiOffset = 0;

  constructor(trees: readonly Tree[], numFeatures: number) {
    this.trees = trees;
    const size = trees.reduce((n, t) => n + 2 * t.numLeaves - 1, 0);
    this.treeRoot = new Int32Array(trees.length);
    this.treeNodes = new Int32Array(trees.length);
    this.feature = new Int32Array(size);
    this.original = new Int32Array(size);
    this.rightChild = new Int32Array(size);
    this.leftRatio = new Float64Array(size);
    this.rightRatio = new Float64Array(size);
    this.leafValue = new Float64Array(size);
    let next = 0;
    let maxDepth = 0;
    let maxNodes = 1;
    const onPath = new Int32Array(numFeatures);
    trees.forEach((tree, t) => {
      this.treeRoot[t] = next;
      let unique = 0;
      const compile = (node: number, depth: number, uniqueDepth: number): void => {
        const at = next++;
        maxDepth = Math.max(maxDepth, depth);
        unique = Math.max(unique, uniqueDepth);
        if (node < 0) {
          this.feature[at] = -1;
          this.original[at] = ~node;
          this.leafValue[at] = tree.leafValue[~node]!;
          return;
        }
        const f = tree.splitFeature[node]!;
        const cover = tree.internalCount[node]!;
        this.feature[at] = f;
        this.original[at] = node;
        this.leftRatio[at] = coverOf(tree, tree.leftChild[node]!) / cover;
        this.rightRatio[at] = coverOf(tree, tree.rightChild[node]!) / cover;
        const below = onPath[f] === 0 ? uniqueDepth + 1 : uniqueDepth;
        onPath[f]!++;
        compile(tree.leftChild[node]!, depth + 1, below);
        this.rightChild[at] = next;
        compile(tree.rightChild[node]!, depth + 1, below);
        onPath[f]!--;
      };
      compile(tree.numLeaves === 1 ? ~0 : 0, 0, 0);
      this.treeNodes[t] = Math.max(1, Math.ceil(unique / 2));
      maxNodes = Math.max(maxNodes, this.treeNodes[t]);
    });
    this.rulePoints = new Float64Array((maxNodes * (maxNodes + 1)) / 2);
    this.ruleWeights = new Float64Array(this.rulePoints.length);
    for (let q = 1; q <= maxNodes; q++) {
      const { nodes, weights } = gaussLegendre(q);
      this.rulePoints.set(nodes, (q * (q - 1)) / 2);
      this.ruleWeights.set(weights, (q * (q - 1)) / 2);
    }
    const rows = (maxDepth + 1) * maxNodes;
    this.product = new Float64Array(rows);
    this.subtreeSum = new Float64Array(rows);
    this.excluded = new Float64Array(rows);
    this.lastDepth = new Int32Array(numFeatures).fill(-1);
    this.lastZero = new Float64Array(numFeatures);
    this.lastOne = new Float64Array(numFeatures);
  }

  /** Adds tree t's Shapley values for `row` (values at row[offset + f]) into phi[phiOffset + f]. */
  accumulate(t: number, row: ArrayLike<number>, offset: number, phi: Float64Array, phiOffset: number): void {
    const root = this.treeRoot[t]!;
    if (this.feature[root]! < 0) return;
    const q = this.treeNodes[t]!;
    this.tree = this.trees[t]!;
    this.q = q;
    this.points = this.rulePoints.subarray((q * (q - 1)) / 2, (q * (q + 1)) / 2);
    this.weights = this.ruleWeights.subarray((q * (q - 1)) / 2, (q * (q + 1)) / 2);
    this.row = row;
    this.offset = offset;
    this.phi = phi;
    this.phiOffset = phiOffset;
    this.product.fill(1, 0, q);
    this.visit(root, 0);
  }

  /** Walks the subtree at compiled node n, whose path product is in row `depth`; leaves its sum there. */
  private visit(n: number, depth: number): void {
    const { q, product, subtreeSum: sum } = this;
    const at = depth * q;
    const f = this.feature[n]!;
    if (f < 0) {
      const v = this.leafValue[n]!;
      for (let k = 0; k < q; k++) sum[at + k] = v * product[at + k]!;
      return;
    }
    const { points, weights, excluded, lastDepth, lastZero, lastOne } = this;
    const hotLeft = goesLeft(this.tree, this.original[n]!, this.row[this.offset + f]!);
    const previousDepth = lastDepth[f]!;
    const previousZero = previousDepth < 0 ? 1 : lastZero[f]!;
    const previousOne = previousDepth < 0 ? 1 : lastOne[f]!;
    const below = at + q;
    for (let k = 0; k < q; k++) sum[at + k] = 0;
    for (let side = 0; side < 2; side++) {
      const zero = previousZero * (side === 0 ? this.leftRatio[n]! : this.rightRatio[n]!);
      const one = hotLeft === (side === 0) ? previousOne : 0;
      // A factor that is 0 everywhere (no cover, not taken) zeroes every leaf and edge below.
      if (zero === 0 && one === 0) continue;
      const slope = one - zero;
      if (previousDepth < 0) {
        for (let k = 0; k < q; k++) product[below + k] = product[at + k]! * (zero + slope * points[k]!);
      } else {
        // The feature was split on above: its earlier factor gives way to the merged one.
        const previousSlope = previousOne - previousZero;
        for (let k = 0; k < q; k++) {
          const t = points[k]!;
          product[below + k] = (product[at + k]! * (zero + slope * t)) / (previousZero + previousSlope * t);
        }
      }
      lastDepth[f] = depth;
      lastZero[f] = zero;
      lastOne[f] = one;
      for (let k = 0; k < q; k++) excluded[at + k] = 0;
      this.visit(side === 0 ? n + 1 : this.rightChild[n]!, depth + 1);
      if (slope !== 0) {
        let integral = 0;
        for (let k = 0; k < q; k++) {
          integral += (weights[k]! * (sum[below + k]! - excluded[at + k]!)) / (zero + slope * points[k]!);
        }
        this.phi[this.phiOffset + f]! += slope * integral;
      }
      for (let k = 0; k < q; k++) sum[at + k]! += sum[below + k]!;
    }
    lastDepth[f] = previousDepth;
    lastZero[f] = previousZero;
    lastOne[f] = previousOne;
    if (previousDepth >= 0) {
      const above = previousDepth * q;
      for (let k = 0; k < q; k++) excluded[above + k]! += sum[at + k]!;
    }
  }
}
