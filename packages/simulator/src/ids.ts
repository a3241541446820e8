import { Random } from './random.js';

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

function byte(word: number, shift: number): string {
  return HEX[(word >>> shift) & 0xff] as string;
}

/**
 * Identifiers of one run. Entities of the initial population have plain ids (`cus_0000042`), the
 * same for every run with the same seed and size, so a stream run talks about the customers a seed
 * run wrote. Everything a run creates (payments, events, guest checkouts, replacement cards) carries
 * the run's tag, derived from the seed and the start, so two runs never collide.
 */
export class IdFactory {
  readonly tag: string;
  private readonly random: Random;
  private readonly counters = new Map<string, number>();
  private payments = 0;

  constructor(seed: number, startMs: number) {
    const tagRandom = new Random(seed, 0x1d5 ^ Math.floor(startMs / 1000));
    this.tag = tagRandom.uint32().toString(36).padStart(7, '0');
    this.random = new Random(seed, 0x5eed ^ Math.floor(startMs / 1000));
  }

  /** A version 4, RFC 9562 variant UUID drawn from the run's own stream. */
  uuid(): string {
    const a = this.random.uint32();
    const b = this.random.uint32();
    const c = this.random.uint32();
    const d = this.random.uint32();
    return (
      byte(a, 24) + byte(a, 16) + byte(a, 8) + byte(a, 0) + '-' +
      byte(b, 24) + byte(b, 16) + '-' +
      HEX[0x40 | ((b >>> 8) & 0x0f)] + byte(b, 0) + '-' +
      HEX[0x80 | ((c >>> 24) & 0x3f)] + byte(c, 16) + '-' +
      byte(c, 8) + byte(c, 0) + byte(d, 24) + byte(d, 16) + byte(d, 8) + byte(d, 0)
    );
  }

  /** `pay_<tag>_<n>`: the hottest sequence, kept off the map. */
  paymentId(): string {
    return `pay_${this.tag}_${(++this.payments).toString().padStart(8, '0')}`;
  }

  /** `<prefix>_<tag>_<n>`, counting per prefix from 1. */
  next(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return `${prefix}_${this.tag}_${n.toString().padStart(7, '0')}`;
  }
}

export function populationId(prefix: string, index: number, width: number): string {
  return `${prefix}_${(index + 1).toString().padStart(width, '0')}`;
}
