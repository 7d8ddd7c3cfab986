// Deterministic bytes for frame and pixel tests (xorshift32), limited to lo..hi: the same bytes in every
// test that draws them from the same seed.
export function xorshiftBytes(n: number, seed: number, lo = 0, hi = 255): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = lo + (x % (hi - lo + 1));
  }
  return out;
}
