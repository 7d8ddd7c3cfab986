// TRON's loops over the columns (linear-tron.ts), as plain functions so that the hot loops run outside
// its generator, and the column vectors it can keep between the problems of a chain.
/*
 * Each loop is the one TRON ran inline, the same float operations in the same order (the sums in
 * column order), so the iterates are the same bits.
 */

/**
 * TRON's vectors over the columns (10 of them, ~0.7 MB each on the 10,000-row media rows), kept by the
 * C search's chains between their Cs instead of allocated per problem. One TRON at a time uses one:
 * TRON writes each vector before it reads it, except the last one, all zeros, which it only reads.
 */
export class TronWork {
  private v: Float64Array[] = [];

  /** 10 vectors of length d1, made again when d1 changes */
  vectors(d1: number): Float64Array[] {
    if (this.v[0]?.length !== d1) this.v = Array.from({ length: 10 }, () => new Float64Array(d1));
    return this.v;
  }
}

// CG's loops over the columns, as plain functions (hot loops outside the generator)
/** Hd = dv + 2 Hd (the rows' part given); returns dv'Hd */
export function cgCurvature(dv: Float64Array, Hd: Float64Array, d1: number): number {
  let dHd = 0;
  for (let k = 0; k < d1; k++) {
    const h = dv[k] + 2 * Hd[k];
    Hd[k] = h;
    dHd += dv[k] * h;
  }
  return dHd;
}
/** s += alpha dv with s'Ms into out[0]; rNew = r - alpha Hd, zz = rNew / M with zz'rNew into out[1] */
export function cgMove(
  s: Float64Array,
  dv: Float64Array,
  M: Float64Array,
  r: Float64Array,
  rNew: Float64Array,
  zz: Float64Array,
  Hd: Float64Array,
  alpha: number,
  d1: number,
  out: Float64Array,
): void {
  let sMs = 0;
  let znew = 0;
  for (let k = 0; k < d1; k++) {
    const sk = s[k] + alpha * dv[k];
    s[k] = sk;
    sMs += sk * M[k] * sk;
    const rk = r[k] - alpha * Hd[k];
    rNew[k] = rk;
    const zk = rk / M[k];
    zz[k] = zk;
    znew += zk * rk;
  }
  out[0] = sMs;
  out[1] = znew;
}
/** dv = beta dv + zz, Hd = 0 */
export function cgNext(dv: Float64Array, zz: Float64Array, Hd: Float64Array, beta: number, d1: number): void {
  for (let k = 0; k < d1; k++) {
    dv[k] = beta * dv[k] + zz[k];
    Hd[k] = 0;
  }
}
/** CG's start: s = 0, r = -g, zz = dv = r / M */
export function cgStart(
  s: Float64Array,
  r: Float64Array,
  zz: Float64Array,
  dv: Float64Array,
  g: Float64Array,
  M: Float64Array,
  d1: number,
): void {
  for (let k = 0; k < d1; k++) {
    s[k] = 0;
    r[k] = -g[k];
    zz[k] = r[k] / M[k];
    dv[k] = zz[k];
  }
}
/** out = a + b over d1 */
export function sumOf(out: Float64Array, a: Float64Array, b: Float64Array, d1: number): void {
  for (let k = 0; k < d1; k++) out[k] = a[k] + b[k];
}
/** a += alpha b over d1 */
export function addScaled(a: Float64Array, alpha: number, b: Float64Array, d1: number): void {
  for (let k = 0; k < d1; k++) a[k] += alpha * b[k];
}
