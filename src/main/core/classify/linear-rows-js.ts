// The JS forms of LinearRows' whole-pass products (linear-rows.ts): the dense rows' own, and the CSR
// rows' where WebAssembly is missing; each sums as the per-row dot / axpy / sqAxpy calls do.
import type { LinearRows } from './linear-rows';

/**
 * Hs += sum over t < m of Ci[i] (x_i . s) x_i, i = I[t], rows in pairs through axpy2: the JS form of
 * LinearRows.hessVec. Dense rows always take it; CSR rows only where WebAssembly is missing, so in
 * practice its dot/axpy calls see one layout per process and stay monomorphic.
 */
export function hessVecByRows(X: LinearRows, I: Int32Array, m: number, Ci: Float64Array, s: Float64Array, Hs: Float64Array): void {
  let t = 0;
  for (; t + 1 < m; t += 2) {
    const i0 = I[t];
    const i1 = I[t + 1];
    X.axpy2(i0, Ci[i0] * X.dot(i0, s), i1, Ci[i1] * X.dot(i1, s), Hs);
  }
  for (; t < m; t++) {
    const i = I[t];
    X.axpy(i, Ci[i] * X.dot(i, s), Hs);
  }
}

/** LinearRows.dots / axpys / sqAxpys row by row: the dense rows' form, and the CSR rows' without WebAssembly. */
export const byRows = {
  dots(X: LinearRows, w: Float64Array, y: Int8Array, z: Float64Array): void {
    for (let i = 0; i < X.n; i++) z[i] = y[i] * X.dot(i, w);
  },
  axpys(X: LinearRows, I: Int32Array, m: number, A: Float64Array, v: Float64Array, square: boolean): void {
    for (let t = 0; t < m; t++) {
      if (square) X.sqAxpy(I[t], A[t], v);
      else X.axpy(I[t], A[t], v);
    }
  },
};

/** x[o .. o+n) . v[0 .. n) with four independent partial sums (not latency bound). */
export function dotAt(x: Float64Array, o: number, v: Float64Array, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < n; k += 4) {
    s0 += x[o + k] * v[k];
    s1 += x[o + k + 1] * v[k + 1];
    s2 += x[o + k + 2] * v[k + 2];
    s3 += x[o + k + 3] * v[k + 3];
  }
  for (; k < n; k++) s0 += x[o + k] * v[k];
  return s0 + s1 + (s2 + s3);
}
