import type { SeededRandom } from './random.js';
import { coverOf, goesLeft, type Tree } from './tree.js';

/** References and random trees for the TreeSHAP tests (not exported from the package). */

/**
 * The path-dependent value of a coalition S: walk the tree; at a split on a feature outside S,
 * take both children weighted by their training cover.
 */
function coalitionValue(tree: Tree, row: ArrayLike<number>, inCoalition: (f: number) => boolean): number {
  const walk = (node: number): number => {
    if (node < 0) return tree.leafValue[~node]!;
    const left = tree.leftChild[node]!;
    const right = tree.rightChild[node]!;
    const f = tree.splitFeature[node]!;
    if (inCoalition(f)) return walk(goesLeft(tree, node, row[f]!) ? left : right);
    return (coverOf(tree, left) * walk(left) + coverOf(tree, right) * walk(right)) / tree.internalCount[node]!;
  };
  return tree.numLeaves === 1 ? tree.leafValue[0]! : walk(0);
}

/** Shapley values by enumerating every coalition: Σ |S|!(M−|S|−1)!/M! · (v(S ∪ {i}) − v(S)). */
export function exactShapley(tree: Tree, row: ArrayLike<number>, numFeatures: number): number[] {
  const factorial = (k: number): number => (k <= 1 ? 1 : k * factorial(k - 1));
  const phi = new Array<number>(numFeatures).fill(0);
  const values = new Float64Array(1 << numFeatures);
  for (let mask = 0; mask < 1 << numFeatures; mask++) values[mask] = coalitionValue(tree, row, (f) => (mask & (1 << f)) !== 0);
  for (let i = 0; i < numFeatures; i++) {
    for (let mask = 0; mask < 1 << numFeatures; mask++) {
      if (mask & (1 << i)) continue;
      let size = 0;
      for (let f = 0; f < numFeatures; f++) if (mask & (1 << f)) size++;
      const weight = (factorial(size) * factorial(numFeatures - size - 1)) / factorial(numFeatures);
      phi[i]! += weight * (values[mask | (1 << i)]! - values[mask]!);
    }
  }
  return phi;
}

export interface RandomTreeOptions {
  readonly numFeatures: number;
  readonly numLeaves: number;
  /** Features whose splits are categorical (codes 0..5). */
  readonly categorical?: readonly number[];
  /** Grow one branch only (a chain), for deep trees. */
  readonly chain?: boolean;
  /** Chance that a leaf has no training rows (a zero cover ratio). */
  readonly emptyLeafChance?: number;
}

/**
 * A random tree in the package's layout: few features, so they repeat along paths; thresholds
 * in [0, 1) as float32; categorical splits send a random set of codes left; NaN goes a random way.
 */
export function randomTree(random: SeededRandom, options: RandomTreeOptions): Tree {
  const { numFeatures, numLeaves, categorical = [], chain = false, emptyLeafChance = 0 } = options;
  const internal = numLeaves - 1;
  const tree = {
    numLeaves,
    splitFeature: new Int32Array(internal),
    threshold: new Float64Array(internal),
    categories: new Array<Int32Array | null>(internal).fill(null),
    defaultLeft: new Uint8Array(internal),
    leftChild: new Int32Array(internal),
    rightChild: new Int32Array(internal),
    splitGain: new Float64Array(internal).fill(1),
    internalCount: new Float64Array(internal),
    leafValue: new Float64Array(numLeaves),
    leafCount: new Float64Array(numLeaves),
  };
  for (let leaf = 0; leaf < numLeaves; leaf++) {
    tree.leafValue[leaf] = Math.fround(random.next() * 4 - 2);
    tree.leafCount[leaf] = random.next() < emptyLeafChance ? 0 : 1 + random.nextInt(50);
  }
  // Grow leaf-wise: split a random current leaf (the last one for a chain) until numLeaves.
  const open: number[] = [~0];
  let nextNode = 0;
  let nextLeaf = 1;
  const parentOf = new Map<number, { node: number; left: boolean }>();
  while (nextNode < internal) {
    const pick = chain ? open.length - 1 : random.nextInt(open.length);
    const leafRef = open.splice(pick, 1)[0]!;
    const node = nextNode++;
    const where = parentOf.get(leafRef);
    if (where !== undefined) (where.left ? tree.leftChild : tree.rightChild)[where.node] = node;
    const f = random.nextInt(numFeatures);
    tree.splitFeature[node] = f;
    tree.defaultLeft[node] = random.next() < 0.5 ? 1 : 0;
    if (categorical.includes(f)) {
      tree.threshold[node] = NaN;
      tree.categories[node] = Int32Array.from([0, 1, 2, 3, 4, 5].filter(() => random.next() < 0.5));
    } else {
      tree.threshold[node] = Math.fround(random.next());
    }
    const left = leafRef;
    const right = ~nextLeaf++;
    tree.leftChild[node] = left;
    tree.rightChild[node] = right;
    parentOf.set(left, { node, left: true });
    parentOf.set(right, { node, left: false });
    open.push(left, right);
  }
  const countOf = (child: number): number =>
    child < 0 ? tree.leafCount[~child]! : (tree.internalCount[child] = countOf(tree.leftChild[child]!) + countOf(tree.rightChild[child]!));
  // A split needs some cover: an empty one gets a row in its leftmost leaf.
  for (let node = 0; internal > 0 && node < internal; node++) {
    if (countOf(0) > 0 && tree.internalCount[node]! > 0) continue;
    let child = node;
    while (child >= 0) child = tree.leftChild[child]!;
    tree.leafCount[~child] = 1;
    node = -1;
  }
  return tree;
}

/** A row for randomTree's trees: values in [0, 1), codes 0..6 for categorical features, some NaN. */
export function randomRow(random: SeededRandom, numFeatures: number, categorical: readonly number[] = [], nanChance = 0.15): Float64Array {
  return Float64Array.from({ length: numFeatures }, (_, f) => {
    if (random.next() < nanChance) return NaN;
    return categorical.includes(f) ? random.nextInt(7) : random.next();
  });
}
