/**
 * Small seeded pseudo-random generator (mulberry32) so training is reproducible given a seed.
 * Not cryptographic; used for shuffles in cross-validation and coordinate descent.
 */
export class Rng {
  private s: number;

  constructor(seed = 0) {
    // mix the seed so that nearby seeds give unrelated streams
    this.s = (Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ 0x27d4eb2f) >>> 0;
  }

  /** Uniform 32-bit unsigned integer. */
  nextU32(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** In-place Fisher-Yates shuffle of the first `len` entries (default: all). */
  shuffle(a: Int32Array | number[], len = a.length): void {
    for (let i = len - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
