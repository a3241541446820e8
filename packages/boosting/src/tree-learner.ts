import type { BinMapper, BinnedData } from './binning.js';
import { DataPartition } from './data-partition.js';
import {
  buildHistogram,
  buildHistogramSparse,
  histogramLayout,
  rowMajorBins,
  newHistogram,
  subtractHistogram,
  type HistogramLayout,
} from './histogram.js';
import { findBestSplit, leafOutput, type LeafTotals, type Split, type SplitConstraints } from './split-finder.js';
import type { Tree } from './tree.js';

export interface TreeLearnerOptions extends SplitConstraints {
  readonly numLeaves: number;
  /** 0: unlimited. */
  readonly maxDepth: number;
  readonly learningRate: number;
}

/** A grown tree with, per internal node, its routing by bin (to score binned rows quickly). */
export interface GrownTree {
  readonly tree: Tree;
  readonly goesLeftByBin: readonly Uint8Array[];
}

const MAX_BINS = 256;

/** Leaves with fewer than 1/SPARSE_LEAF of the rows are built from row-major bins. */
const SPARSE_LEAF = 50;

/**
 * Grows one tree leaf-wise (best-first) on binned data, as LightGBM does: the leaf whose best
 * split gains most is split next, until numLeaves or no useful split. The smaller child's
 * histogram is built from its rows and the larger one's derived as parent − smaller.
 */
export class TreeLearner {
  readonly partition: DataPartition;
  private readonly layout: HistogramLayout;
  private readonly histograms: Float64Array[];
  private readonly orderedGradients: Float64Array;
  private readonly orderedHessians: Float64Array;
  private readonly rowBins: Uint8Array;
  private readonly maxLeaves: number;

  constructor(
    private readonly data: BinnedData,
    private readonly mappers: readonly BinMapper[],
    private readonly options: TreeLearnerOptions,
  ) {
    this.maxLeaves = options.numLeaves;
    this.layout = histogramLayout(mappers.map((m) => m.numBins));
    this.histograms = Array.from({ length: this.maxLeaves }, () => newHistogram(this.layout));
    this.partition = new DataPartition(data.numRows, this.maxLeaves);
    this.orderedGradients = new Float64Array(data.numRows);
    this.orderedHessians = new Float64Array(data.numRows);
    this.rowBins = rowMajorBins(data.bins, data.numRows, data.numFeatures);
  }

  /**
   * Grows a tree on the gradients of the bag's rows (all rows when bag is null), splitting only
   * on `features`.
   */
  grow(gradients: Float64Array, hessians: Float64Array, bag: Int32Array | null, features: Int32Array): GrownTree {
    const { numLeaves: maxLeaves, learningRate } = this.options;
    const { numRows, bins } = this.data;
    const partition = this.partition;
    partition.reset(bag, numRows);

    const nodes = maxLeaves - 1;
    const splitFeature = new Int32Array(nodes);
    const threshold = new Float64Array(nodes);
    const categories: (Int32Array | null)[] = [];
    const defaultLeft = new Uint8Array(nodes);
    const leftChild = new Int32Array(nodes);
    const rightChild = new Int32Array(nodes);
    const splitGain = new Float64Array(nodes);
    const internalCount = new Float64Array(nodes);
    const goesLeftByBin: Uint8Array[] = [];

    const totals: LeafTotals[] = [this.rootTotals(gradients, hessians, bag)];
    const bestSplit: (Split | null)[] = [];
    const depth = [0];
    // The internal node whose child slot (left: 0, right: 1) points at each leaf.
    const parentNode = [-1];
    const parentSide = [0];

    if (this.splittable(totals[0]!, 0)) {
      this.buildLeafHistogram(this.histograms[0]!, 0, features, gradients, hessians);
      bestSplit[0] = this.bestSplitOf(0, totals[0]!, features);
    } else {
      bestSplit[0] = null;
    }

    let numLeaves = 1;
    while (numLeaves < maxLeaves) {
      let leaf = -1;
      for (let l = 0; l < numLeaves; l++) {
        const s = bestSplit[l];
        if (s && (leaf < 0 || s.gain > bestSplit[leaf]!.gain)) leaf = l;
      }
      if (leaf < 0) break;
      const split = bestSplit[leaf]!;
      const node = numLeaves - 1;
      const newLeaf = numLeaves;
      const mapper = this.mappers[split.feature]!;

      splitFeature[node] = split.feature;
      defaultLeft[node] = split.defaultLeft ? 1 : 0;
      splitGain[node] = split.gain;
      internalCount[node] = totals[leaf]!.count;
      if (mapper.kind === 'numeric') {
        threshold[node] = mapper.upperBounds[split.thresholdBin]!;
        categories[node] = null;
      } else {
        threshold[node] = NaN;
        categories[node] = Int32Array.from(split.leftBins!.map((bin) => mapper.categories[bin]!)).sort();
      }
      const table = routingTable(split, mapper);
      goesLeftByBin[node] = table;
      if (parentNode[leaf]! >= 0) {
        if (parentSide[leaf] === 0) leftChild[parentNode[leaf]!] = node;
        else rightChild[parentNode[leaf]!] = node;
      }
      leftChild[node] = ~leaf;
      rightChild[node] = ~newLeaf;
      parentNode[leaf] = node;
      parentSide[leaf] = 0;
      parentNode[newLeaf] = node;
      parentSide[newLeaf] = 1;
      depth[leaf] = depth[newLeaf] = depth[leaf]! + 1;

      const leftCount = partition.split(leaf, newLeaf, bins, split.feature * numRows, table);
      const parentCount = totals[leaf]!.count;
      const leftTotals = { ...split.left, count: leftCount };
      const rightTotals = { ...split.right, count: parentCount - leftCount };
      totals[leaf] = leftTotals;
      totals[newLeaf] = rightTotals;
      numLeaves++;

      // After the last split the tree is full: its leaves need no histograms.
      const full = numLeaves === maxLeaves;
      const leftSplittable = !full && this.splittable(leftTotals, depth[leaf]!);
      const rightSplittable = !full && this.splittable(rightTotals, depth[newLeaf]);
      if (leftSplittable || rightSplittable) {
        const parentHist = this.histograms[leaf]!;
        const freeHist = this.histograms[newLeaf]!;
        const smaller = leftCount <= parentCount - leftCount ? leaf : newLeaf;
        this.buildLeafHistogram(freeHist, smaller, features, gradients, hessians);
        subtractHistogram(parentHist, freeHist);
        // The parent's buffer now holds the larger child.
        this.histograms[smaller] = freeHist;
        this.histograms[smaller === leaf ? newLeaf : leaf] = parentHist;
      }
      bestSplit[leaf] = leftSplittable ? this.bestSplitOf(leaf, leftTotals, features) : null;
      bestSplit[newLeaf] = rightSplittable ? this.bestSplitOf(newLeaf, rightTotals, features) : null;
    }

    const leafValue = new Float64Array(numLeaves);
    const leafCount = new Float64Array(numLeaves);
    for (let l = 0; l < numLeaves; l++) {
      const t = totals[l]!;
      const value = leafOutput(t.gradient, t.hessian, this.options.lambdaL1, this.options.lambdaL2) * learningRate;
      // float32 leaf values: exactly what the ONNX export stores.
      leafValue[l] = Math.fround(value);
      leafCount[l] = t.count;
    }
    const internal = numLeaves - 1;
    const tree: Tree = {
      numLeaves,
      splitFeature: splitFeature.slice(0, internal),
      threshold: threshold.slice(0, internal),
      categories: categories.slice(0, internal),
      defaultLeft: defaultLeft.slice(0, internal),
      leftChild: leftChild.slice(0, internal),
      rightChild: rightChild.slice(0, internal),
      splitGain: splitGain.slice(0, internal),
      internalCount: internalCount.slice(0, internal),
      leafValue,
      leafCount,
    };
    return { tree, goesLeftByBin };
  }

  private rootTotals(gradients: Float64Array, hessians: Float64Array, bag: Int32Array | null): LeafTotals {
    let g = 0;
    let h = 0;
    if (bag === null) {
      for (let i = 0; i < this.data.numRows; i++) {
        g += gradients[i]!;
        h += hessians[i]!;
      }
      return { gradient: g, hessian: h, count: this.data.numRows };
    }
    for (let j = 0; j < bag.length; j++) {
      g += gradients[bag[j]!]!;
      h += hessians[bag[j]!]!;
    }
    return { gradient: g, hessian: h, count: bag.length };
  }

  private splittable(totals: LeafTotals, depth: number): boolean {
    const { maxDepth, minDataInLeaf, minSumHessianInLeaf } = this.options;
    return (
      (maxDepth === 0 || depth < maxDepth) &&
      totals.count >= 2 * minDataInLeaf &&
      totals.hessian >= 2 * minSumHessianInLeaf
    );
  }

  private buildLeafHistogram(
    hist: Float64Array,
    leaf: number,
    features: Int32Array,
    gradients: Float64Array,
    hessians: Float64Array,
  ): void {
    const { numRows, numFeatures } = this.data;
    const start = this.partition.leafStart[leaf]!;
    const count = this.partition.leafCount[leaf]!;
    if (count * SPARSE_LEAF < numRows) {
      buildHistogramSparse(
        hist, this.rowBins, numFeatures, this.partition.indices, start, count, features, this.layout.featureOffset, gradients, hessians,
      );
      return;
    }
    buildHistogram(
      hist,
      this.data.bins,
      numRows,
      this.partition.indices,
      start,
      count,
      features,
      this.layout.featureOffset,
      gradients,
      hessians,
      this.orderedGradients,
      this.orderedHessians,
    );
  }

  private bestSplitOf(leaf: number, totals: LeafTotals, features: Int32Array): Split | null {
    const hist = this.histograms[leaf]!;
    let best: Split | null = null;
    for (let k = 0; k < features.length; k++) {
      const f = features[k]!;
      const split = findBestSplit(hist, this.layout.featureOffset[f]!, f, this.mappers[f]!, totals, this.options);
      // Ties keep the lower feature index: features are visited in increasing order.
      if (split && (best === null || split.gain > best.gain || (split.gain === best.gain && f < best.feature))) {
        best = split;
      }
    }
    return best;
  }
}

/** For each bin of the split feature, 1 when its rows go left. */
function routingTable(split: Split, mapper: BinMapper): Uint8Array {
  const table = new Uint8Array(MAX_BINS);
  if (mapper.kind === 'numeric') table.fill(1, 0, split.thresholdBin + 1);
  else for (const bin of split.leftBins!) table[bin] = 1;
  table[mapper.nanBin] = split.defaultLeft ? 1 : 0;
  return table;
}

/** The leaf a binned row reaches (training, validation and out-of-bag rows). */
export function leafOfBinned(
  grown: GrownTree,
  bins: Uint8Array,
  numRows: number,
  row: number,
): number {
  const { tree, goesLeftByBin } = grown;
  if (tree.numLeaves === 1) return 0;
  let node = 0;
  while (node >= 0) {
    const bin = bins[tree.splitFeature[node]! * numRows + row]!;
    node = goesLeftByBin[node]![bin] === 1 ? tree.leftChild[node]! : tree.rightChild[node]!;
  }
  return ~node;
}
