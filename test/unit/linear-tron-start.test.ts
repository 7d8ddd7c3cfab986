// TRON's start without redundant passes over the rows (linear-tron.ts): f(0) from zero margins, a cold
// start reusing the pass at 0, a warm start along C reusing the previous solution's margins. The
// weights and iterations are the same bits with or without the margins, and the rows are read fewer
// times (counted through a wrapper of the rows). The C search's fold blocks over only their used
// columns (CsrLinearRows.compact) give the view's weights bit for bit, and the passes over the rows in
// the WebAssembly kernel (dots, axpys, axpysSq) give the per-row calls' bits.
import { describe, expect, it } from 'vitest';
import { CsrLinearRows, type LinearRows, type SparseRow } from '../../src/main/core/classify/linear-rows';
import { primalBinary, tronL2Svc } from '../../src/main/core/classify/linear-tron';
import { lcg } from '../helpers/lcg';

/** n rows of 2-7 sparse columns out of `d`, labels 0..2 leaning on column 0. */
function rows(n: number, d: number, seed: number): { X: SparseRow[]; y: number[] } {
  const rnd = lcg(seed);
  const X: SparseRow[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const cols = new Set<number>();
    const m = 2 + Math.floor(rnd() * 6);
    while (cols.size < m) cols.add(Math.floor(rnd() * d));
    const indices = Int32Array.from([...cols].sort((a, b) => a - b));
    const values = Float64Array.from(indices, () => 2 * rnd() - 1);
    X.push({ indices, values });
    const lean = indices[0] === 0 ? values[0] : 0;
    y.push(rnd() < 0.5 + lean / 2 ? 0 : rnd() < 0.5 ? 1 : 2);
  }
  return { X, y };
}

/** X's rows, counting the row products TRON asks for (each dot, and a dots pass as one per row). */
function counted(X: LinearRows): { rows: LinearRows; dots: () => number } {
  let dots = 0;
  const rows = new Proxy(X, {
    get(t, p) {
      const v = Reflect.get(t, p, t) as unknown;
      if (p === 'dot')
        return (i: number, w: Float64Array) => {
          dots++;
          return t.dot(i, w);
        };
      if (p === 'dots')
        return (w: Float64Array, y: Int8Array, z: Float64Array) => {
          dots += t.n;
          t.dots(w, y, z);
        };
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  });
  return { rows, dots: () => dots };
}

const bits = (a: Float64Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

describe('TRON start', () => {
  const { X, y } = rows(240, 60, 17);
  const all = Int32Array.from({ length: X.length }, (_, i) => i);
  const block = CsrLinearRows.of(X, 60);

  it('a cold start reads every row once per trial step only (no pass for f(0) or a second one for w = 0)', () => {
    const { rows: R, dots } = counted(block);
    const yy = Int8Array.from(y, (v) => (v === 0 ? 1 : -1));
    const Ci = Float64Array.from(yy, (v) => (v > 0 ? 0.7 : 0.3));
    const w = new Float64Array(61);
    const margins = { z: null as Float64Array | null };
    const iter = tronL2Svc(R, yy, Ci, 0.001, 1000, w, undefined, margins);
    expect(iter).toBeGreaterThan(2);
    // one dot per row per trial point (every step accepted here: iter - 1 of them), none at the start
    expect(dots()).toBe(X.length * (iter - 1));
    // the returned margins are y_i w'x_i of the solution, as a fresh product gives them
    expect(margins.z).toBeInstanceOf(Float64Array);
    margins.z!.forEach((z, i) => expect(Object.is(z, yy[i] * block.dot(i, w))).toBe(true));
  });

  it('along C, the previous solution and its margins give the same weights as the solution alone, with one row pass fewer', () => {
    for (const cls of [0, 1, 2]) {
      let w: Float64Array | undefined;
      let z: Float64Array | null = null;
      for (const C of [0.05, 0.3, 2]) {
        const plain = counted(block);
        const fresh = primalBinary(plain.rows, y, all, cls, 1.5 * C, C, 0.01, 1000, undefined, w);
        const reuse = counted(block);
        const warm = primalBinary(reuse.rows, y, all, cls, 1.5 * C, C, 0.01, 1000, undefined, w, z);
        expect(bits(warm.w), `class ${cls} C ${C}`).toBe(bits(fresh.w));
        expect(warm.iter).toBe(fresh.iter);
        if (w && z) expect(reuse.dots()).toBe(plain.dots() - X.length);
        w = warm.w;
        z = warm.z;
      }
      expect(z).toBeInstanceOf(Float64Array);
    }
  });

  it("a fold's compacted block gives the view's weights bit for bit, +0 on the columns it does not use", () => {
    // 400 columns: some unused by all rows, more by the fold's (every third row out)
    const { X, y } = rows(150, 400, 5);
    const block = CsrLinearRows.of(X, 400);
    const fold = Int32Array.from({ length: X.length }, (_, i) => i).filter((i) => i % 3 !== 1);
    const view = block.subset(fold);
    const { X: own, cols } = block.compact(fold);
    expect(own.dim).toBe(cols.length + 1);
    expect(cols.length).toBeLessThan(350);
    expect(cols.every((c, j) => j === 0 || c > cols[j - 1])).toBe(true);
    for (const cls of [0, 2]) {
      let wv: Float64Array | undefined;
      let wc: Float64Array | undefined;
      for (const C of [0.1, 1]) {
        const a = primalBinary(view, y, fold, cls, 2 * C, C, 0.001, 1000, undefined, wv);
        const b = primalBinary(own, y, fold, cls, 2 * C, C, 0.001, 1000, undefined, wc, null, view.dim);
        const full = new Float64Array(view.dim);
        cols.forEach((c, j) => (full[c] = b.w[j]));
        full[view.dim - 1] = b.w[b.w.length - 1];
        expect(bits(full), `class ${cls} C ${C}`).toBe(bits(a.w));
        expect(b.iter).toBe(a.iter);
        wv = a.w;
        wc = b.w;
      }
    }
  });

  it("the kernel's passes over the rows give the per-row calls' bits, on all rows and on a view", () => {
    const rnd = lcg(23);
    for (const X of [block, block.subset(all.filter((i) => i % 4 !== 2))]) {
      const n = X.n;
      const w = Float64Array.from({ length: 61 }, () => 2 * rnd() - 1);
      const yy = Int8Array.from({ length: n }, () => (rnd() < 0.4 ? 1 : -1));
      const z = new Float64Array(n);
      X.dots(w, yy, z);
      z.forEach((v, i) => expect(Object.is(v, yy[i] * X.dot(i, w))).toBe(true));
      const I = Int32Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 !== 0);
      const A = Float64Array.from(I, () => 2 * rnd() - 1);
      const B = Float64Array.from(I, () => 0.1 + rnd());
      const got = Float64Array.from({ length: 61 }, () => rnd());
      const want = Float64Array.from(got);
      X.axpys(I, I.length, A, got);
      I.forEach((i, t) => X.axpy(i, A[t], want));
      expect(bits(got)).toBe(bits(want));
      // the gradient's and the preconditioner's sums in one pass: each as its own per-row calls
      const gotM = Float64Array.from({ length: 61 }, () => rnd());
      const wantM = Float64Array.from(gotM);
      const got2 = Float64Array.from(want);
      const want2 = Float64Array.from(want);
      X.axpysSq(I, I.length, A, got2, B, gotM);
      I.forEach((i, t) => X.axpy(i, A[t], want2));
      I.forEach((i, t) => X.sqAxpy(i, B[t], wantM));
      expect(bits(got2)).toBe(bits(want2));
      expect(bits(gotM)).toBe(bits(wantM));
    }
  });
});
