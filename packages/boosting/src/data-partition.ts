/**
 * Which training rows sit in which leaf: one index array in which every leaf owns a contiguous
 * segment (LightGBM's DataPartition). Splitting a leaf partitions its segment stably, left rows
 * first, so row order — and with it every floating-point sum — is the same on every run.
 */
export class DataPartition {
  readonly indices: Int32Array;
  readonly leafStart: Int32Array;
  readonly leafCount: Int32Array;
  private readonly scratch: Int32Array;

  constructor(numRows: number, maxLeaves: number) {
    this.indices = new Int32Array(numRows);
    this.scratch = new Int32Array(numRows);
    this.leafStart = new Int32Array(maxLeaves);
    this.leafCount = new Int32Array(maxLeaves);
  }

  /** Puts every row of the bag (or all rows) in leaf 0. */
  reset(bag: Int32Array | null, numRows: number): void {
    if (bag === null) {
      for (let i = 0; i < numRows; i++) this.indices[i] = i;
      this.leafCount[0] = numRows;
    } else {
      this.indices.set(bag);
      this.leafCount[0] = bag.length;
    }
    this.leafStart[0] = 0;
  }

  /**
   * Splits `leaf`: rows whose bin has goesLeftByBin[bin] = 1 stay in `leaf`, the others move to
   * `newLeaf`. Returns the number of rows that went left.
   */
  split(leaf: number, newLeaf: number, column: Uint8Array, columnOffset: number, goesLeftByBin: Uint8Array): number {
    const start = this.leafStart[leaf]!;
    const count = this.leafCount[leaf]!;
    const indices = this.indices;
    const scratch = this.scratch;
    let left = 0;
    let right = 0;
    // Branch-free: each row is written to both places and only one cursor advances, because
    // the direction of a row is a coin flip the branch predictor cannot learn.
    for (let j = start; j < start + count; j++) {
      const row = indices[j]!;
      const goes = goesLeftByBin[column[columnOffset + row]!]!;
      indices[start + left] = row;
      scratch[right] = row;
      left += goes;
      right += 1 - goes;
    }
    indices.set(scratch.subarray(0, right), start + left);
    this.leafCount[leaf] = left;
    this.leafStart[newLeaf] = start + left;
    this.leafCount[newLeaf] = right;
    return left;
  }
}
