import type { BinMapper } from './binning.js';
import { HIST_STRIDE } from './histogram.js';

/** The regularisation and size limits a split must respect. */
export interface SplitConstraints {
  readonly lambdaL1: number;
  readonly lambdaL2: number;
  readonly minDataInLeaf: number;
  readonly minSumHessianInLeaf: number;
  readonly minGainToSplit: number;
  readonly maxCatThreshold: number;
  readonly catSmooth: number;
  readonly catL2: number;
  readonly minDataPerGroup: number;
  readonly maxCatToOnehot: number;
}

/** Gradient statistics of a set of rows. */
export interface LeafTotals {
  readonly gradient: number;
  readonly hessian: number;
  readonly count: number;
}

/** One side of a candidate split; its row count is estimated until the rows are partitioned. */
export interface SideTotals {
  readonly gradient: number;
  readonly hessian: number;
}

export interface Split {
  readonly feature: number;
  /** Improvement of the regularised objective over not splitting. */
  readonly gain: number;
  /** Numeric: value bins ≤ thresholdBin go left. -1 for categorical. */
  readonly thresholdBin: number;
  /** Categorical: the category bins going left (NaN is handled by defaultLeft). */
  readonly leftBins: readonly number[] | null;
  /** Where NaN goes. */
  readonly defaultLeft: boolean;
  readonly left: SideTotals;
  readonly right: SideTotals;
}

function thresholdL1(g: number, l1: number): number {
  if (l1 === 0) return g;
  const magnitude = Math.abs(g) - l1;
  return magnitude > 0 ? Math.sign(g) * magnitude : 0;
}

/** How much a leaf with these sums lowers the loss: G²/(H + λ) with L1 soft-thresholding. */
export function leafGain(g: number, h: number, l1: number, l2: number): number {
  const t = thresholdL1(g, l1);
  return (t * t) / (h + l2);
}

/** The optimal leaf value, before shrinkage: −G/(H + λ). */
export function leafOutput(g: number, h: number, l1: number, l2: number): number {
  return -thresholdL1(g, l1) / (h + l2);
}

/** Best split of one feature from its histogram, or null when no split is allowed or useful. */
export function findBestSplit(
  hist: Float64Array,
  binOffset: number,
  feature: number,
  mapper: BinMapper,
  totals: LeafTotals,
  c: SplitConstraints,
): Split | null {
  return mapper.kind === 'numeric'
    ? findNumericSplit(hist, binOffset, feature, mapper.nanBin, totals, c)
    : findCategoricalSplit(hist, binOffset, feature, mapper.otherBin, mapper.nanBin, totals, c);
}

/**
 * The scan LightGBM makes, in its order, so that equal data give equal trees: from the top bin
 * down with NaN (if any) on the left, then — only when the leaf has NaN — from the bottom bin up
 * with NaN on the right; a later candidate wins only with a strictly larger gain. Row counts
 * are estimated from hessians bin by bin (rows per unit of hessian in the leaf, rounded per bin),
 * as LightGBM does.
 */
function findNumericSplit(
  hist: Float64Array,
  binOffset: number,
  feature: number,
  nanBin: number,
  totals: LeafTotals,
  c: SplitConstraints,
): Split | null {
  const base = binOffset * HIST_STRIDE;
  const nanAt = base + nanBin * HIST_STRIDE;
  const nanG = hist[nanAt]!;
  const nanH = hist[nanAt + 1]!;
  const hasNan = nanH > 0;
  const { lambdaL1: l1, lambdaL2: l2, minDataInLeaf: minData, minSumHessianInLeaf: minHessian } = c;
  const totalG = totals.gradient;
  const totalH = totals.hessian;
  const totalCount = totals.count;
  const countPerHessian = totalCount / totalH;
  const minGain = leafGain(totalG, totalH, l1, l2) + c.minGainToSplit;
  // The scans are hot (every bin of every feature of every leaf): L1 only when asked for.
  const gainOf = (lg: number, lh: number, rg: number, rh: number): number =>
    l1 === 0 ? (lg * lg) / (lh + l2) + (rg * rg) / (rh + l2) : leafGain(lg, lh, l1, l2) + leafGain(rg, rh, l1, l2);
  let bestGain = minGain;
  let bestBin = -1;
  let bestNanLeft = false;

  // Top down: the right side gathers bins t+1 and above; NaN stays left.
  let rg = 0;
  let rh = 0;
  let rc = 0;
  for (let t = nanBin - 2; t >= 0; t--) {
    const at = base + (t + 1) * HIST_STRIDE;
    const h = hist[at + 1]!;
    rg += hist[at]!;
    rh += h;
    rc += Math.round(h * countPerHessian);
    if (rc < minData || rh < minHessian) continue;
    if (totalCount - rc < minData || totalH - rh < minHessian) break;
    const gain = gainOf(totalG - rg, totalH - rh, rg, rh);
    if (gain > bestGain) {
      bestGain = gain;
      bestBin = t;
      bestNanLeft = true;
    }
  }
  // Bottom up: the left side gathers bins up to t; NaN goes right.
  if (hasNan) {
    let lg = 0;
    let lh = 0;
    let lc = 0;
    for (let t = 0; t <= nanBin - 2; t++) {
      const at = base + t * HIST_STRIDE;
      const h = hist[at + 1]!;
      lg += hist[at]!;
      lh += h;
      lc += Math.round(h * countPerHessian);
      if (lc < minData || lh < minHessian) continue;
      if (totalCount - lc < minData || totalH - lh < minHessian) break;
      const gain = gainOf(lg, lh, totalG - lg, totalH - lh);
      if (gain > bestGain) {
        bestGain = gain;
        bestBin = t;
        bestNanLeft = false;
      }
    }
  }
  if (bestBin < 0) return null;
  let lg = bestNanLeft ? nanG : 0;
  let lh = bestNanLeft ? nanH : 0;
  for (let t = 0; t <= bestBin; t++) {
    const at = base + t * HIST_STRIDE;
    lg += hist[at]!;
    lh += hist[at + 1]!;
  }
  const left = { gradient: lg, hessian: lh };
  const right = { gradient: totalG - lg, hessian: totalH - lh };
  // No NaN seen here: send future NaN to the side that carried more of the training hessian.
  const defaultLeft = hasNan ? bestNanLeft : left.hessian >= right.hessian;
  return {
    feature,
    gain: bestGain - minGain + c.minGainToSplit,
    thresholdBin: bestBin,
    leftBins: null,
    defaultLeft,
    left,
    right,
  };
}

/**
 * LightGBM's categorical split: with few categories, one category against the rest; otherwise
 * categories are ordered by smoothed mean gradient G/(H + catSmooth) and the best prefix of that
 * order (from either end) goes left. The bin of rare and unseen categories always goes right, so
 * the left side is a finite set of known codes (plus NaN when defaultLeft).
 */
function findCategoricalSplit(
  hist: Float64Array,
  binOffset: number,
  feature: number,
  otherBin: number,
  nanBin: number,
  totals: LeafTotals,
  c: SplitConstraints,
): Split | null {
  const base = binOffset * HIST_STRIDE;
  const g = (bin: number): number => hist[base + bin * HIST_STRIDE]!;
  const h = (bin: number): number => hist[base + bin * HIST_STRIDE + 1]!;
  const countPerHessian = totals.count / totals.hessian;
  // Estimated rows per bin, rounded as LightGBM rounds them.
  const n = (bin: number): number => Math.round(h(bin) * countPerHessian);
  const candidates: number[] = [];
  for (let bin = 0; bin <= nanBin; bin++) if (bin !== otherBin && h(bin) > 0) candidates.push(bin);

  const { lambdaL1: l1, minDataInLeaf: minData, minSumHessianInLeaf: minHessian } = c;
  const gainOf = (lg: number, lh: number, l2: number): number =>
    leafGain(lg, lh, l1, l2) + leafGain(totals.gradient - lg, totals.hessian - lh, l1, l2);
  let bestGain = -Infinity;
  let bestLeft: number[] = [];
  let minGain: number;

  if (candidates.length <= c.maxCatToOnehot) {
    minGain = leafGain(totals.gradient, totals.hessian, l1, c.lambdaL2) + c.minGainToSplit;
    for (const bin of candidates) {
      const lc = n(bin);
      const lh = h(bin);
      if (lc < minData || lh < minHessian) continue;
      if (totals.count - lc < minData || totals.hessian - lh < minHessian) continue;
      const gain = gainOf(g(bin), lh, c.lambdaL2);
      if (gain > minGain && gain > bestGain) {
        bestGain = gain;
        bestLeft = [bin];
      }
    }
  } else {
    const l2 = c.lambdaL2 + c.catL2;
    minGain = leafGain(totals.gradient, totals.hessian, l1, l2) + c.minGainToSplit;
    const ordered = candidates.filter((bin) => n(bin) >= c.catSmooth);
    // Smoothed mean gradients, computed once: the sort compares them O(k log k) times.
    const ctr = new Float64Array(nanBin + 1);
    for (const bin of ordered) ctr[bin] = g(bin) / (h(bin) + c.catSmooth);
    ordered.sort((a, b) => ctr[a]! - ctr[b]! || a - b);
    const maxLeft = Math.min(c.maxCatThreshold, Math.floor((ordered.length + 1) / 2));
    let bestFromHighEnd = false;
    let bestSize = 0;
    for (const fromHighEnd of [false, true]) {
      let lg = 0;
      let lh = 0;
      let lc = 0;
      let sinceLastCandidate = 0;
      for (let i = 0; i < ordered.length && i < maxLeft; i++) {
        const bin = ordered[fromHighEnd ? ordered.length - 1 - i : i]!;
        const count = n(bin);
        lg += g(bin);
        lh += h(bin);
        lc += count;
        sinceLastCandidate += count;
        if (lc < minData || lh < minHessian) continue;
        if (totals.count - lc < minData || totals.hessian - lh < minHessian) break;
        if (sinceLastCandidate < c.minDataPerGroup) continue;
        sinceLastCandidate = 0;
        const gain = gainOf(lg, lh, l2);
        if (gain > minGain && gain > bestGain) {
          bestGain = gain;
          bestFromHighEnd = fromHighEnd;
          bestSize = i + 1;
        }
      }
    }
    bestLeft = bestFromHighEnd ? ordered.slice(ordered.length - bestSize) : ordered.slice(0, bestSize);
  }
  if (bestGain === -Infinity) return null;
  let lg = 0;
  let lh = 0;
  for (const bin of bestLeft) {
    lg += g(bin);
    lh += h(bin);
  }
  const defaultLeft = bestLeft.includes(nanBin);
  return {
    feature,
    gain: bestGain - minGain + c.minGainToSplit,
    thresholdBin: -1,
    leftBins: bestLeft.filter((bin) => bin !== nanBin).sort((a, b) => a - b),
    defaultLeft,
    left: { gradient: lg, hessian: lh },
    right: { gradient: totals.gradient - lg, hessian: totals.hessian - lh },
  };
}
