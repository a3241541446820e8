import { readFileSync } from 'node:fs';
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
 * The walk runs in WebAssembly (assembly/linear-tree-shap.ts, built to wasm/ by `pnpm build:wasm`):
 * this file compiles the records into the module's memory, writes the row (and the side of
 * each categorical split, which goesLeft decides) and reads the contributions back. What costs
 * is ~100,000 record and work accesses per row. In JavaScript each one paid V8's checks (an
 * array's map and bounds, or, once any code in the process has detached an ArrayBuffer, as tsx's
 * loader and streams do, a detach check per typed-array access); WebAssembly loads are plain
 * loads, and the quadrature loops take two nodes per SIMD instruction. On the bench model
 * (`bench/boosting/explain.ts`) it cut ~240 µs per row to ~145.
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
// The row's, written by the walk: the side it takes (0 left, 1 right; written here for a
// categorical split), and the merged one fraction (0 or 1) of the edge into the split (1 for
// the sentinel).
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

/** Linear TreeSHAP for one model's trees: their split records compiled once, walked per row by the kernel. */
export class LinearTreeShap {
  private readonly trees: readonly Tree[];
  private readonly walk: KernelExports['accumulateTrees'];
  /** Views of the module's memory: the row (float32 values), its contributions, the integer records. */
  private readonly x: Float64Array;
  private readonly contribution: Float64Array;
  private readonly ints: Int32Array;
  /** Each categorical split's record, tree and node: their sides are goesLeft's, written before the walk. */
  private readonly categorical: { split: number; tree: number; node: number; feature: number }[] = [];

  constructor(trees: readonly Tree[], numFeatures: number) {
    this.trees = trees;
    const records = compileRecords(trees, numFeatures);
    // The module's memory, sized once (it never grows, so these views stay valid): each array at
    // an 8-byte aligned offset.
    let bytes = 0;
    const place = (length: number, size: number): number => {
      const at = bytes;
      bytes += Math.ceil((length * size) / 8) * 8;
      return at;
    };
    const floatsAt = place(records.floats.length, 8);
    const intsAt = place(records.ints.length, 4);
    const workAt = place(records.work.length, 8);
    const xAt = place(numFeatures, 8);
    const contributionAt = place(numFeatures, 8);
    const splitStartAt = place(records.splitStart.length, 4);
    const treeRuleAt = place(records.treeRule.length, 4);
    const upStartAt = place(records.upStart.length, 4);
    const singleLeafAt = place(trees.length, 8);
    const pages = Math.max(1, Math.ceil(bytes / WASM_PAGE));
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const { buffer } = memory;
    new Float64Array(buffer, floatsAt, records.floats.length).set(records.floats);
    this.ints = new Int32Array(buffer, intsAt, records.ints.length);
    this.ints.set(records.ints);
    new Float64Array(buffer, workAt, records.work.length).set(records.work);
    this.x = new Float64Array(buffer, xAt, numFeatures);
    this.contribution = new Float64Array(buffer, contributionAt, numFeatures);
    new Int32Array(buffer, splitStartAt, records.splitStart.length).set(records.splitStart);
    new Int32Array(buffer, treeRuleAt, records.treeRule.length).set(records.treeRule);
    new Int32Array(buffer, upStartAt, records.upStart.length).set(records.upStart);
    new Float64Array(buffer, singleLeafAt, trees.length).set(trees.map((tree) => (tree.numLeaves === 1 ? tree.leafValue[0]! : 0)));
    const kernel = new WebAssembly.Instance(kernelModule(), { env: { memory } }).exports as unknown as KernelExports;
    kernel.layout(floatsAt, intsAt, workAt, xAt, contributionAt, splitStartAt, treeRuleAt, upStartAt, singleLeafAt);
    kernel.regions(records.none, records.weightsAt, records.productAt, records.sumAt, records.excludedAt, records.onesAt, records.scratchAt);
    this.walk = kernel.accumulateTrees;
    trees.forEach((_, t) => {
      for (let s = records.splitStart[t]!; s < records.splitStart[t + 1]!; s++) {
        if (Number.isNaN(records.floats[s * FLOATS + THRESHOLD])) {
          this.categorical.push({ split: s, tree: t, node: records.ints[s * INTS + ORIGINAL]!, feature: records.ints[s * INTS + FEATURE]! });
        }
      }
    });
  }

  /**
   * Adds the Shapley values of trees first, first + step, … for `row` into phi[phiOffset + f],
   * and returns raw plus the values of the leaves the row reaches, added in tree order (as
   * predictRaw adds them).
   */
  accumulateTrees(first: number, step: number, row: ArrayLike<number>, phi: Float64Array, phiOffset: number, raw: number): number {
    const { x, contribution, ints } = this;
    for (let f = 0; f < x.length; f++) {
      x[f] = Math.fround(row[f]!);
      contribution[f] = 0;
    }
    for (const { split, tree, node, feature } of this.categorical) {
      if ((tree - first) % step === 0 && tree >= first) ints[split * INTS + HOT] = goesLeft(this.trees[tree]!, node, x[feature]!) ? 0 : 1;
    }
    const score = this.walk(first, step, this.trees.length, raw);
    for (let f = 0; f < x.length; f++) phi[phiOffset + f]! += contribution[f]!;
    return score;
  }
}

const WASM_PAGE = 65_536;

/** The kernel's exports (assembly/linear-tree-shap.ts). */
interface KernelExports {
  /** Byte offsets of the arrays in memory. */
  layout(floats: number, ints: number, work: number, x: number, contribution: number, splitStart: number, treeRule: number, upStart: number, singleLeaf: number): void;
  /** The sentinel split, and where the regions of the work array start (double indices). */
  regions(none: number, weights: number, products: number, sums: number, excluded: number, ones: number, scratch: number): void;
  accumulateTrees: (first: number, step: number, numTrees: number, raw: number) => number;
}

let compiledKernel: WasmModule | undefined;

/** The compiled kernel, shared by every model's instance (each with a memory of its own). */
function kernelModule(): WasmModule {
  compiledKernel ??= new WebAssembly.Module(readFileSync(new URL('../wasm/linear-tree-shap.wasm', import.meta.url)));
  return compiledKernel;
}

/** The part of the WebAssembly JavaScript API used here (typed in neither the ES libraries nor @types/node 20). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Memory: new (descriptor: { initial: number; maximum: number }) => { readonly buffer: ArrayBuffer };
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => { readonly exports: Record<string, unknown> };
}
type WasmModule = object;
const WebAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/**
 * What the walk reads, compiled once per model. Each split s has a double record at
 * floats[s · FLOATS] and an integer record at ints[s · INTS] (the fields above); `none` is the
 * sentinel split after the last (factor 1, taken).
 */
interface ShapRecords {
  floats: number[];
  /** The records, then each tree's up order: its splits that take a step on the way up (all but BOTTOM ones and roots), children before parents. */
  ints: number[];
  /**
   * Every double the quadrature loops touch: the rules' points for q = 1..maxRule at offset
   * q(q − 1)/2, their weights from weightsAt; 1 / factor of each edge at each node, for o = 0
   * then o = 1 (0 for a factor of 0, never divided by), at the split's INVERSE; and the walk's q
   * values per split of the tree being walked: products from productAt, subtree sums from sumAt,
   * sums left out from excludedAt; maxRule ones from onesAt (the factor of no earlier edge), and
   * maxRule slots from scratchAt, written and never read (the left-out sum of no earlier edge).
   */
  work: number[];
  /** Each tree's splits are splitStart[t] .. splitStart[t + 1] − 1. */
  splitStart: number[];
  /** Quadrature nodes per tree: half the most unique features on any of its paths, rounded up. */
  treeRule: number[];
  /** Tree t's up order is ints[upStart[t]] .. ints[upStart[t + 1] − 1]. */
  upStart: number[];
  none: number;
  weightsAt: number;
  productAt: number;
  sumAt: number;
  excludedAt: number;
  onesAt: number;
  scratchAt: number;
}

/** The split records, rules and work layout of the trees (ShapRecords documents each). */
function compileRecords(trees: readonly Tree[], numFeatures: number): ShapRecords {
  const size = trees.reduce((n, t) => n + t.numLeaves - 1, 0);
  const none = size;
  const splitStart = zeros(trees.length + 1);
  const treeRule = zeros(trees.length);
  const floats = zeros((size + 1) * FLOATS);
  let ints = zeros((size + 1) * INTS);
  ints[none * INTS + ONE] = 1;
  floats[none * FLOATS + ZERO] = 1;
  let next = 0;
  let maxRule = 1;
  let maxSplits = 1;
  let inverseSize = 0;
  // The deepest edge on the current path for each feature.
  const lastEdge = zeros(numFeatures).fill(none);
  trees.forEach((tree, t) => {
    const start = next;
    splitStart[t] = start;
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
    treeRule[t] = q;
    for (let s = start; s < next; s++) {
      ints[s * INTS + INVERSE] = inverseSize;
      inverseSize += 2 * q;
    }
    maxRule = Math.max(maxRule, q);
    maxSplits = Math.max(maxSplits, next - start);
  });
  splitStart[trees.length] = next;
  const upOrder: number[] = [];
  const upStart = zeros(trees.length + 1);
  trees.forEach((_, t) => {
    upStart[t] = ints.length + upOrder.length;
    for (let s = splitStart[t + 1]! - 1; s > splitStart[t]!; s--) {
      if ((ints[s * INTS + FLAGS]! & BOTTOM) === 0) upOrder.push(s);
    }
  });
  upStart[trees.length] = ints.length + upOrder.length;
  ints = ints.concat(upOrder);
  for (let s = 0; s < size; s++) {
    ints[s * INTS + FLAGS] = ints[s * INTS + FLAGS]! | (ints[s * INTS + SIDE]! << SIDE_SHIFT) | (ints[s * INTS + FEATURE]! << FEATURE_SHIFT);
  }

  const rules = (maxRule * (maxRule + 1)) / 2;
  const walkSize = maxSplits * maxRule;
  const weightsAt = rules;
  const inverseAt = 2 * rules;
  const productAt = inverseAt + inverseSize;
  const sumAt = productAt + walkSize;
  const excludedAt = sumAt + walkSize;
  const onesAt = excludedAt + walkSize;
  const scratchAt = onesAt + maxRule;
  const work = zeros(scratchAt + maxRule);
  for (let k = 0; k < maxRule; k++) work[onesAt + k] = 1;
  for (let q = 1; q <= maxRule; q++) {
    const { nodes, weights } = gaussLegendre(q);
    nodes.forEach((x, k) => (work[(q * (q - 1)) / 2 + k] = x));
    weights.forEach((w, k) => (work[rules + (q * (q - 1)) / 2 + k] = w));
  }
  for (let s = 0; s < size; s++) ints[s * INTS + INVERSE]! += inverseAt;
  trees.forEach((_, t) => {
    const q = treeRule[t]!;
    const rule = (q * (q - 1)) / 2;
    for (let s = splitStart[t]! + 1; s < splitStart[t + 1]!; s++) {
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

  return { floats, ints, work, splitStart, treeRule, upStart, none, weightsAt, productAt, sumAt, excludedAt, onesAt, scratchAt };
}

function zeros(length: number): number[] {
  return new Array<number>(length).fill(0);
}
