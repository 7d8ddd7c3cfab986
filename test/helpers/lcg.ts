// A seeded uniform generator for test data (Numerical Recipes' 32-bit LCG): the same numbers in every
// test that builds synthetic rows or signals from it, in [0, 1).
export function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 4294967296;
  };
}
