// The one seeded pseudo-random generator (mulberry32) of the core: classifier cross-validation and
// coordinate descent, fusion initialisation, splits, shuffles and dropout. The same seed gives the
// same stream everywhere. Not cryptographic.
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

  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** In-place Fisher-Yates shuffle of the first `len` entries (default: all); returns `a`. */
  shuffle<A extends { length: number; [i: number]: unknown }>(a: A, len = a.length): A {
    for (let i = len - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
}
