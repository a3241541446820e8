/**
 * A small seeded generator (mulberry32): every random choice in training (the binning sample,
 * bagging, feature subsampling) draws from one of these, so a seed fixes the model bit for bit.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A uniform integer in [0, bound). */
  nextInt(bound: number): number {
    return Math.floor(this.next() * bound);
  }

  /**
   * `count` distinct integers from [0, population), in increasing order (Floyd's algorithm would
   * not keep the order; selection sampling does, in one pass).
   */
  sampleSorted(population: number, count: number): Int32Array {
    const out = new Int32Array(Math.min(count, population));
    let needed = out.length;
    let filled = 0;
    for (let i = 0; i < population && needed > 0; i++) {
      if (this.next() * (population - i) < needed) {
        out[filled++] = i;
        needed--;
      }
    }
    return out;
  }
}
