// TRON's loops over the columns (linear-tron.ts), as plain functions so that the hot loops run outside
// its generator, and the column vectors it can keep between the problems of a chain.
import { CgKernel } from './linear-tron-cg-wasm';

/*
 * Each loop is the one TRON ran inline, the same float operations in the same order (the sums in
 * column order), so the iterates are the same bits.
 */

/**
 * TRON's vectors over the columns (10 of them, ~0.7 MB each on the 10,000-row media rows), kept by the
 * C search's chains between their Cs instead of allocated per problem, and CG's per-step loops over
 * them: in the WebAssembly SIMD kernel (linear-tron-cg-wasm.ts, the vectors in its memory) or, where
 * that is missing, the JS loops below; the same bits. One TRON at a time uses one: TRON writes each
 * vector before it reads it, except the last one, all zeros, which it only reads.
 */
export class TronWork {
  private v: Float64Array[] = [];
  private k: CgKernel | null = null;
  private readonly sums = new Float64Array(2);

  /** 10 vectors of length d1, made again when d1 changes */
  vectors(d1: number): Float64Array[] {
    if (this.v[0]?.length !== d1) {
      this.k = CgKernel.of(d1, 10);
      this.v = this.k ? this.k.vectors : Array.from({ length: 10 }, () => new Float64Array(d1));
    }
    return this.v;
  }

  /** cgCurvature on two of these vectors */
  curvature(dv: Float64Array, Hd: Float64Array, d1: number): number {
    const k = this.k;
    if (!k) return cgCurvature(dv, Hd, d1);
    const pairs = d1 >> 1;
    return cgCurvature(dv, Hd, d1, 2 * pairs, k.curv(dv.byteOffset, Hd.byteOffset, 16 * pairs));
  }

  /** cgMove on these vectors */
  move(
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
    const k = this.k;
    if (!k) return cgMove(s, dv, M, r, rNew, zz, Hd, alpha, d1, out);
    const pairs = d1 >> 1;
    const o = this.sums;
    k.move(
      s.byteOffset,
      dv.byteOffset,
      M.byteOffset,
      r.byteOffset,
      rNew.byteOffset,
      zz.byteOffset,
      Hd.byteOffset,
      alpha,
      16 * pairs,
      k.out.byteOffset,
    );
    o.set(k.out);
    cgMove(s, dv, M, r, rNew, zz, Hd, alpha, d1, o, 2 * pairs);
    out.set(o);
  }

  /** cgNext on these vectors */
  next(dv: Float64Array, zz: Float64Array, Hd: Float64Array, beta: number, d1: number): void {
    const k = this.k;
    if (!k) return cgNext(dv, zz, Hd, beta, d1);
    const pairs = d1 >> 1;
    k.next(dv.byteOffset, zz.byteOffset, Hd.byteOffset, beta, 16 * pairs);
    cgNext(dv, zz, Hd, beta, d1, 2 * pairs);
  }
}

// CG's loops over the columns, as plain functions (hot loops outside the generator)
/** Hd = dv + 2 Hd (the rows' part given); returns dv'Hd (columns from `from` on, the sum so far `dHd`) */
export function cgCurvature(dv: Float64Array, Hd: Float64Array, d1: number, from = 0, dHd = 0): number {
  for (let k = from; k < d1; k++) {
    const h = dv[k] + 2 * Hd[k];
    Hd[k] = h;
    dHd += dv[k] * h;
  }
  return dHd;
}
/**
 * s += alpha dv with s'Ms into out[0]; rNew = r - alpha Hd, zz = rNew / M with zz'rNew into out[1]
 * (columns from `from` on; when from > 0 the sums so far are in out)
 */
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
  from = 0,
): void {
  let sMs = from > 0 ? out[0] : 0;
  let znew = from > 0 ? out[1] : 0;
  for (let k = from; k < d1; k++) {
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
/** dv = beta dv + zz, Hd = 0 (columns from `from` on) */
export function cgNext(dv: Float64Array, zz: Float64Array, Hd: Float64Array, beta: number, d1: number, from = 0): void {
  for (let k = from; k < d1; k++) {
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
