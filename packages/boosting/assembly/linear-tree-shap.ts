// The walk of Linear TreeSHAP over the split records src/linear-tree-shap.ts compiles (that file
// documents the algorithm, the records and their fields), in AssemblyScript, built to
// ../wasm/linear-tree-shap.wasm by `pnpm --filter @payments-mlops/boosting build:wasm`; the
// committed binary is checked against this source by src/linear-tree-shap.test.ts.
//
// Memory is imported and never grown; `layout` says where its arrays are: the double records,
// the integer records (then each tree's up order), the quadrature work array, the row (float32
// values as doubles), the contributions, each tree's first split, rule size and first up step,
// and each single-leaf tree's value. The caller writes the row and the side (HOT) of every
// categorical split before a walk. The quadrature loops take two nodes per f64x2 instruction.

// Fields of a split's double record.
const ZERO = 0;
const THRESHOLD = 1;
const LEFT_VALUE = 2;
const RIGHT_VALUE = 3;
const LEAF_ZERO = 4;
const LEAF_SLOPE = 5;
const FLOATS = 7;
// Fields of a split's integer record.
const FEATURE = 0;
const PARENT = 1;
const ABOVE = 2;
const EDGE_FEATURE = 3;
const INVERSE = 5;
const FLAGS = 6;
const CHILD = 8;
const PREVIOUS = 10;
const HOT = 11;
const ONE = 12;
const INTS = 13;
const HAS_EXCLUDED = 1;
const REPEATED = 4;
const SIDE_SHIFT = 4;
const FEATURE_SHIFT = 5;
const BOTTOM = 8;

let floatsAt: usize = 0;
let intsAt: usize = 0;
let workAt: usize = 0;
let xAt: usize = 0;
let phiAt: usize = 0;
let splitStartAt: usize = 0;
let treeRuleAt: usize = 0;
let upStartAt: usize = 0;
let singleLeafAt: usize = 0;
let none: i32 = 0;
let weightsAt: i32 = 0;
let productAt: i32 = 0;
let sumAt: i32 = 0;
let excludedAt: i32 = 0;
let onesAt: i32 = 0;
let scratchAt: i32 = 0;

@inline function float(i: i32): f64 {
  return load<f64>(floatsAt + (<usize>i << 3));
}
@inline function int(i: i32): i32 {
  return load<i32>(intsAt + (<usize>i << 2));
}
@inline function setInt(i: i32, value: i32): void {
  store<i32>(intsAt + (<usize>i << 2), value);
}
@inline function work(i: i32): f64 {
  return load<f64>(workAt + (<usize>i << 3));
}
@inline function setWork(i: i32, value: f64): void {
  store<f64>(workAt + (<usize>i << 3), value);
}
@inline function addWork(i: i32, value: f64): void {
  const at = workAt + (<usize>i << 3);
  store<f64>(at, load<f64>(at) + value);
}
@inline function vwork(i: i32): v128 {
  return v128.load(workAt + (<usize>i << 3));
}
@inline function setVwork(i: i32, value: v128): void {
  v128.store(workAt + (<usize>i << 3), value);
}
@inline function lanes(value: v128): f64 {
  return f64x2.extract_lane(value, 0) + f64x2.extract_lane(value, 1);
}
@inline function addPhi(feature: i32, value: f64): void {
  const at = phiAt + (<usize>feature << 3);
  store<f64>(at, load<f64>(at) + value);
}

/** Byte offsets of the arrays in memory. */
export function layout(floats: usize, ints: usize, workArray: usize, x: usize, phi: usize, splitStart: usize, treeRule: usize, upStart: usize, singleLeaf: usize): void {
  floatsAt = floats;
  intsAt = ints;
  workAt = workArray;
  xAt = x;
  phiAt = phi;
  splitStartAt = splitStart;
  treeRuleAt = treeRule;
  upStartAt = upStart;
  singleLeafAt = singleLeaf;
}

/** The sentinel split, and where the regions of the work array start (double indices). */
export function regions(sentinel: i32, weights: i32, products: i32, sums: i32, excluded: i32, ones: i32, scratch: i32): void {
  none = sentinel;
  weightsAt = weights;
  productAt = products;
  sumAt = sums;
  excludedAt = excluded;
  onesAt = ones;
  scratchAt = scratch;
}

/**
 * Adds the Shapley values of trees first, first + step, … < numTrees for the row into the
 * contributions, and returns raw plus the values of the leaves the row reaches, in tree order.
 */
export function accumulateTrees(first: i32, step: i32, numTrees: i32, raw: f64): f64 {
  let score = raw;
  for (let t = first; t < numTrees; t += step) score += accumulate(t);
  return score;
}

function accumulate(t: i32): f64 {
  const start = load<i32>(splitStartAt + (<usize>t << 2));
  const end = load<i32>(splitStartAt + (<usize>(t + 1) << 2));
  if (end == start) return load<f64>(singleLeafAt + (<usize>t << 3));
  const q = load<i32>(treeRuleAt + (<usize>t << 2));
  const rule = (q * (q - 1)) >> 1;

  for (let s = start; s < end; s++) {
    const i = s - start;
    const ir = s * INTS;
    const fr = s * FLOATS;
    const flags = int(ir + FLAGS);
    const value = load<f64>(xAt + (<usize>(flags >> FEATURE_SHIFT) << 3));
    const threshold = float(fr + THRESHOLD);
    // A categorical split's side was written by the caller.
    let hot: i32;
    if (threshold == threshold) {
      hot = <i32>!(value <= threshold) & (1 ^ (<i32>(value != value) & (flags >> 1)));
      setInt(ir + HOT, hot);
    } else {
      hot = int(ir + HOT);
    }
    if (i == 0) {
      for (let k = 0; k < q; k++) {
        setWork(productAt + k, work(weightsAt + rule + k));
        setWork(sumAt + k, 0);
      }
      continue;
    }
    const p = int(ir + PARENT);
    const previous = int(ir + PREVIOUS);
    const previousOne = int(previous * INTS + ONE);
    const o = previousOne & (1 ^ int((start + p) * INTS + HOT) ^ ((flags >> SIDE_SHIFT) & 1));
    setInt(ir + ONE, o);
    const z = float(fr + ZERO);
    const slope = <f64>o - z;
    const from = productAt + p * q;
    if ((flags & BOTTOM) != 0) {
      bottomStep(s, flags, hot, from, sumAt + p * q, z, slope, q, rule);
      continue;
    }
    const at = productAt + i * q;
    const sumOfSplit = sumAt + i * q;
    // No earlier factor on the feature: divide by the ones (exact), so one loop serves both cases.
    const undo = previous == none ? onesAt : int(previous * INTS + INVERSE) + previousOne * q;
    if ((flags & (HAS_EXCLUDED | REPEATED)) == 0) {
      const a = float(fr + LEAF_ZERO);
      const b = float(fr + LEAF_SLOPE + hot);
      const zz = f64x2.splat(z);
      const ss = f64x2.splat(slope);
      const aa = f64x2.splat(a);
      const bb = f64x2.splat(b);
      let sum = f64x2.splat(0);
      let k = 0;
      for (; k + 1 < q; k += 2) {
        const u = vwork(rule + k);
        const c = f64x2.mul(f64x2.mul(vwork(from + k), f64x2.add(zz, f64x2.mul(ss, u))), vwork(undo + k));
        setVwork(at + k, c);
        setVwork(sumOfSplit + k, f64x2.mul(c, f64x2.add(aa, f64x2.mul(bb, u))));
        sum = f64x2.add(sum, c);
      }
      let leafIntegral = lanes(sum);
      if (k < q) {
        const u = work(rule + k);
        const c = work(from + k) * (z + slope * u) * work(undo + k);
        setWork(at + k, c);
        setWork(sumOfSplit + k, c * (a + b * u));
        leafIntegral += c;
      }
      addPhi(flags >> FEATURE_SHIFT, b * leafIntegral);
      continue;
    }
    const zz = f64x2.splat(z);
    const ss = f64x2.splat(slope);
    const zero = f64x2.splat(0);
    const excluded = excludedAt + i * q;
    let k = 0;
    for (; k + 1 < q; k += 2) {
      setVwork(at + k, f64x2.mul(f64x2.mul(vwork(from + k), f64x2.add(zz, f64x2.mul(ss, vwork(rule + k)))), vwork(undo + k)));
      setVwork(sumOfSplit + k, zero);
      setVwork(excluded + k, zero);
    }
    if (k < q) {
      setWork(at + k, work(from + k) * (z + slope * work(rule + k)) * work(undo + k));
      setWork(sumOfSplit + k, 0);
      setWork(excluded + k, 0);
    }
  }

  const upEnd = load<i32>(upStartAt + (<usize>(t + 1) << 2));
  for (let j = load<i32>(upStartAt + (<usize>t << 2)); j < upEnd; j++) {
    const s = int(j);
    const i = s - start;
    const ir = s * INTS;
    const flags = int(ir + FLAGS);
    if ((flags & (HAS_EXCLUDED | REPEATED)) != 0) {
      gatherRare(s, start, q, rule);
      continue;
    }
    const o = int(ir + ONE);
    const at = sumAt + i * q;
    const to = sumAt + int(ir + PARENT) * q;
    const factor = int(ir + INVERSE) + o * q;
    let sum = f64x2.splat(0);
    let k = 0;
    for (; k + 1 < q; k += 2) {
      const subtree = vwork(at + k);
      sum = f64x2.add(sum, f64x2.mul(vwork(factor + k), subtree));
      setVwork(to + k, f64x2.add(vwork(to + k), subtree));
    }
    let integral = lanes(sum);
    if (k < q) {
      const subtree = work(at + k);
      integral += work(factor + k) * subtree;
      addWork(to + k, subtree);
    }
    addPhi(int(ir + EDGE_FEATURE), (<f64>o - float(s * FLOATS + ZERO)) * integral);
  }
  addPhi(int(start * INTS + FEATURE), float(start * FLOATS + LEAF_SLOPE + int(start * INTS + HOT)));
  return reachedLeaf(start);
}

function reachedLeaf(start: i32): f64 {
  let i = 0;
  while (true) {
    const side = int((start + i) * INTS + HOT);
    const child = int((start + i) * INTS + CHILD + side);
    if (child < 0) return float((start + i) * FLOATS + (side == 0 ? LEFT_VALUE : RIGHT_VALUE));
    i = child;
  }
}

function bottomStep(s: i32, flags: i32, hot: i32, from: i32, sumOfParent: i32, z: f64, slope: f64, q: i32, rule: i32): void {
  const fr = s * FLOATS;
  const a = float(fr + LEAF_ZERO);
  const b = float(fr + LEAF_SLOPE + hot);
  const zz = f64x2.splat(z);
  const ss = f64x2.splat(slope);
  const aa = f64x2.splat(a);
  const bb = f64x2.splat(b);
  let leafSum = f64x2.splat(0);
  let sum = f64x2.splat(0);
  let k = 0;
  for (; k + 1 < q; k += 2) {
    const u = vwork(rule + k);
    const above = vwork(from + k);
    const factor = f64x2.add(zz, f64x2.mul(ss, u));
    const leaves = f64x2.mul(above, f64x2.add(aa, f64x2.mul(bb, u)));
    leafSum = f64x2.add(leafSum, f64x2.mul(above, factor));
    sum = f64x2.add(sum, leaves);
    setVwork(sumOfParent + k, f64x2.add(vwork(sumOfParent + k), f64x2.mul(leaves, factor)));
  }
  let leafIntegral = lanes(leafSum);
  let integral = lanes(sum);
  if (k < q) {
    const u = work(rule + k);
    const above = work(from + k);
    const factor = z + slope * u;
    const leaves = above * (a + b * u);
    leafIntegral += above * factor;
    integral += leaves;
    addWork(sumOfParent + k, leaves * factor);
  }
  addPhi(flags >> FEATURE_SHIFT, b * leafIntegral);
  addPhi(int(s * INTS + EDGE_FEATURE), slope * integral);
}

@inline function gatherRare(s: i32, start: i32, q: i32, rule: i32): void {
  const i = s - start;
  const ir = s * INTS;
  const fr = s * FLOATS;
  const at = i * q;
  const to = sumAt + int(ir + PARENT) * q;
  const o = int(ir + ONE);
  const factor = int(ir + INVERSE) + o * q;
  const previous = int(ir + ABOVE);
  const previousOne = int(previous * INTS + ONE);
  const a = float(fr + LEAF_ZERO);
  const b = previousOne == 1 ? float(fr + LEAF_SLOPE + int(ir + HOT)) : -a;
  const repeated = previous != none;
  const undo = repeated ? int(previous * INTS + INVERSE) + previousOne * q : onesAt;
  const into = repeated ? excludedAt + (previous - start) * q : scratchAt;
  const product = productAt + at;
  const sum = sumAt + at;
  const excluded = excludedAt + at;
  const aa = f64x2.splat(a);
  const bb = f64x2.splat(b);
  let leafSum = f64x2.splat(0);
  let sum2 = f64x2.splat(0);
  let k = 0;
  for (; k + 1 < q; k += 2) {
    const c = f64x2.mul(vwork(product + k), vwork(undo + k));
    leafSum = f64x2.add(leafSum, c);
    const subtree = f64x2.add(vwork(sum + k), f64x2.mul(c, f64x2.add(aa, f64x2.mul(bb, vwork(rule + k)))));
    setVwork(into + k, f64x2.add(vwork(into + k), subtree));
    sum2 = f64x2.add(sum2, f64x2.mul(vwork(factor + k), f64x2.sub(subtree, vwork(excluded + k))));
    setVwork(to + k, f64x2.add(vwork(to + k), subtree));
  }
  let leafIntegral = lanes(leafSum);
  let integral = lanes(sum2);
  if (k < q) {
    const c = work(product + k) * work(undo + k);
    leafIntegral += c;
    const subtree = work(sum + k) + c * (a + b * work(rule + k));
    addWork(into + k, subtree);
    integral += work(factor + k) * (subtree - work(excluded + k));
    addWork(to + k, subtree);
  }
  addPhi(int(ir + FEATURE), b * leafIntegral);
  addPhi(int(ir + EDGE_FEATURE), (<f64>o - float(fr + ZERO)) * integral);
}
