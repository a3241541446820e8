import type { BoostedModel, Tree } from '@payments-mlops/boosting';

/**
 * Per-feature contributions by decision path (Saabas): along the path a row takes through each
 * tree, the change in the subtree's expected value at every split is credited to the split's
 * feature. Like TreeSHAP the contributions add up to the raw score minus the expected score, but
 * they are not Shapley values; they cost one walk per tree (microseconds for 200 trees) where
 * exact path-dependent TreeSHAP costs milliseconds. Chosen with SERVING_REASONS=path.
 */
interface TreeMeans {
  /** Cover-weighted mean output of each internal node's subtree. */
  node: Float64Array;
}

const means = new WeakMap<BoostedModel, TreeMeans[]>();

function subtreeMeans(tree: Tree): TreeMeans {
  const node = new Float64Array(Math.max(tree.numLeaves - 1, 0));
  const visit = (child: number): [number, number] => {
    if (child < 0) return [tree.leafValue[~child]! * tree.leafCount[~child]!, tree.leafCount[~child]!];
    const [leftSum, leftCount] = visit(tree.leftChild[child]!);
    const [rightSum, rightCount] = visit(tree.rightChild[child]!);
    const count = leftCount + rightCount;
    node[child] = count > 0 ? (leftSum + rightSum) / count : 0;
    return [leftSum + rightSum, count];
  };
  if (tree.numLeaves > 1) visit(0);
  return { node };
}

function meansOf(model: BoostedModel): TreeMeans[] {
  let cached = means.get(model);
  if (cached === undefined) {
    cached = model.trees.map(subtreeMeans);
    means.set(model, cached);
  }
  return cached;
}

/** The routing rule of the trees (and of onnxruntime): float32 comparison, learned NaN direction. */
function goesLeft(tree: Tree, node: number, value: number): boolean {
  const x = Math.fround(value);
  if (x !== x) return tree.defaultLeft[node] === 1;
  const categories = tree.categories[node];
  if (categories === null || categories === undefined) return x <= tree.threshold[node]!;
  return Number.isInteger(x) && categories.includes(x);
}

/** Contributions of every feature to class `classIndex`'s raw score for one row. */
export function pathContributions(model: BoostedModel, row: ArrayLike<number>, classIndex: number): Float64Array {
  const contributions = new Float64Array(model.numFeatures);
  const treeMeans = meansOf(model);
  model.trees.forEach((tree, t) => {
    if (t % model.numClass !== classIndex || tree.numLeaves === 1) return;
    const nodeMeans = treeMeans[t]!.node;
    let node = 0;
    while (node >= 0) {
      const child = goesLeft(tree, node, row[tree.splitFeature[node]!]!) ? tree.leftChild[node]! : tree.rightChild[node]!;
      const childMean = child < 0 ? tree.leafValue[~child]! : nodeMeans[child]!;
      contributions[tree.splitFeature[node]!]! += childMean - nodeMeans[node]!;
      node = child;
    }
  });
  return contributions;
}

/** The `topK` features by absolute contribution, largest first, zero contributions left out. */
export function topContributions(contributions: Float64Array, topK: number): { feature: number; contribution: number }[] {
  const top: { feature: number; contribution: number }[] = [];
  contributions.forEach((contribution, feature) => {
    if (contribution === 0) return;
    const size = Math.abs(contribution);
    let at = top.length;
    while (at > 0 && Math.abs(top[at - 1]!.contribution) < size) at--;
    if (at < topK) {
      top.splice(at, 0, { feature, contribution });
      if (top.length > topK) top.pop();
    }
  });
  return top;
}
