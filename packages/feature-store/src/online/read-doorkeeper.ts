/**
 * Remembers, approximately, which keys were read once recently, so that a cache admits a key on
 * its second read rather than its first (TinyLFU's doorkeeper). A key read once in a long while (a
 * customer's state, read for one payment) then never enters the cache, where it would only push
 * out a key read often (a merchant's) and survive long enough to be promoted to the old
 * generation before it is evicted: garbage for every major GC.
 *
 * A bitmap of 2^22 bits (512 kB) with two positions per key from one FNV-1a hash, cleared after
 * 2^20 keys, so a false "seen" stays rare (about 15 % just before a clear) and only admits a key
 * one read early.
 */
export class ReadDoorkeeper {
  private readonly bits = new Uint32Array(BITS / 32);
  private recorded = 0;

  /** Whether `key` was seen since the last clear; records it either way. */
  seenBefore(key: string): boolean {
    let hash = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
    const first = (hash >>> 0) & (BITS - 1);
    const second = (Math.imul(hash ^ (hash >>> 16), 0x45d9f3b) >>> 0) & (BITS - 1);
    const seen = this.has(first) && this.has(second);
    if (!seen) {
      if (++this.recorded > CLEAR_AFTER) this.clear();
      this.set(first);
      this.set(second);
    }
    return seen;
  }

  clear(): void {
    this.bits.fill(0);
    this.recorded = 0;
  }

  private has(bit: number): boolean {
    return (this.bits[bit >>> 5]! & (1 << (bit & 31))) !== 0;
  }

  private set(bit: number): void {
    this.bits[bit >>> 5]! |= 1 << (bit & 31);
  }
}

const BITS = 1 << 22;
const CLEAR_AFTER = 1 << 20;
