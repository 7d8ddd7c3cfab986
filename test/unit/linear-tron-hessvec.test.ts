// TRON's Hessian products through LinearRows.hessVec (one call per product; dense rows in JS, CSR rows
// in the WebAssembly kernel) and its fused conjugate-gradient loops: the products match the textbook
// sum and, on CSR rows, the JS loop's bits; the fits keep the bits the solver gave before (fingerprints
// of that solver's weights) and meet its stop rule.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CsrLinearRows, DenseLinearRows, type LinearRows, type SparseRow } from '../../src/main/core/classify/linear-rows';
import { CsrKernel } from '../../src/main/core/classify/linear-rows-wasm';
import { tronL2Svc } from '../../src/main/core/classify/linear-tron';
import { lcg } from '../helpers/lcg';

/** n rows: 1-6 of `text` sparse columns, then `dense` columns in (-1, 1); labels leaning on the first dense column. */
function problem(
  n: number,
  text: number,
  dense: number,
  seed: number,
): { X: SparseRow[]; dense: Float64Array[]; y: Int8Array; Ci: Float64Array; d: number } {
  const rnd = lcg(seed);
  const d = text + dense;
  const X: SparseRow[] = [];
  const D: Float64Array[] = [];
  const y = new Int8Array(n);
  const Ci = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const cols = new Set<number>();
    const m = 1 + Math.floor(rnd() * 6);
    while (cols.size < m) cols.add(Math.floor(rnd() * text));
    const idx = [...cols].sort((a, b) => a - b);
    const row = new Float64Array(d);
    for (const c of idx) row[c] = 0.2 + rnd();
    for (let k = 0; k < dense; k++) row[text + k] = 2 * rnd() - 1;
    const indices = Int32Array.from({ length: d }, (_, k) => k).filter((k) => row[k] !== 0);
    X.push({ indices, values: Float64Array.from(indices, (k) => row[k]) });
    D.push(row);
    y[i] = rnd() < 0.3 + 0.4 * (row[text] > 0 ? 1 : 0) ? 1 : -1;
    Ci[i] = y[i] > 0 ? 2 : 1;
  }
  return { X, dense: D, y, Ci, d };
}

const layouts = (p: ReturnType<typeof problem>): [string, LinearRows][] => [
  ['csr', CsrLinearRows.of(p.X, p.d)],
  ['dense', DenseLinearRows.pack(p.dense, p.d)],
];

/** 0.5 w'w + sum_i C_i max(0, 1 - y_i w'x_i)^2 and its gradient, computed row by row from the dense form. */
function objective(p: ReturnType<typeof problem>, w: Float64Array): { f: number; g: Float64Array } {
  const g = Float64Array.from(w);
  let f = 0;
  for (const v of w) f += 0.5 * v * v;
  p.dense.forEach((x, i) => {
    let z = w[p.d];
    for (let k = 0; k < p.d; k++) z += w[k] * x[k];
    const m = 1 - p.y[i] * z;
    if (m <= 0) return;
    f += p.Ci[i] * m * m;
    const a = -2 * p.Ci[i] * p.y[i] * m;
    for (let k = 0; k < p.d; k++) g[k] += a * x[k];
    g[p.d] += a;
  });
  return { f, g };
}

const norm = (v: Float64Array): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe('TRON through LinearRows.hessVec', () => {
  it('hessVec adds sum over the given rows of C_i (x_i . s) x_i, odd and even row counts, on both layouts', () => {
    const p = problem(41, 25, 7, 3);
    const rnd = lcg(99);
    const s = Float64Array.from({ length: p.d + 1 }, () => 2 * rnd() - 1);
    for (const m of [0, 1, 16, 17]) {
      const I = Int32Array.from({ length: m }, (_, t) => 2 * t + (t % 3 === 0 ? 1 : 0));
      const want = new Float64Array(p.d + 1);
      for (const i of I) {
        const x = p.dense[i];
        let z = s[p.d];
        for (let k = 0; k < p.d; k++) z += x[k] * s[k];
        for (let k = 0; k < p.d; k++) want[k] += p.Ci[i] * z * x[k];
        want[p.d] += p.Ci[i] * z;
      }
      for (const [name, X] of layouts(p)) {
        const Hs = Float64Array.from({ length: p.d + 1 }, (_, k) => k);
        X.hessVec(I, m, p.Ci, s, Hs);
        Hs.forEach((v, k) => expect(v - k, `${name} m=${m} column ${k}`).toBeCloseTo(want[k], 12));
      }
    }
  });

  it("the WebAssembly kernel gives the JS loop's bits, on all rows and on a subset view", () => {
    const p = problem(57, 40, 9, 5);
    const rnd = lcg(4);
    const s = Float64Array.from({ length: p.d + 1 }, () => 2 * rnd() - 1);
    const full = CsrLinearRows.of(p.X, p.d);
    for (const X of [full, full.subset(Int32Array.from({ length: 30 }, (_, t) => 56 - t))]) {
      const Ci = Float64Array.from({ length: X.n }, () => 0.5 + rnd());
      const I = Int32Array.from({ length: X.n }, (_, i) => i).filter((i) => i % 4 !== 1);
      // the JS loop: per row a = C_i (x_i . s), then Hs += a x_i (CsrLinearRows.dot / axpy)
      const want = Float64Array.from({ length: p.d + 1 }, () => rnd());
      const got = Float64Array.from(want);
      for (const i of I) X.axpy(i, Ci[i] * X.dot(i, s), want);
      // the view's CSR block and row map (private fields of CsrLinearRows)
      const raw = X as unknown as { ptr: Int32Array; ind: Int32Array; val: Float64Array; map: Int32Array };
      const kernel = CsrKernel.of(raw.ptr, raw.ind, raw.val, p.d + 1);
      expect(kernel).not.toBeNull();
      kernel!.hessVec(raw.map, I, I.length, Ci, s, got);
      expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer))).toBe(true);
      const viaRows = Float64Array.from(want.map(() => 0));
      const viaJs = Float64Array.from(viaRows);
      X.hessVec(I, I.length, Ci, s, viaRows);
      for (const i of I) X.axpy(i, Ci[i] * X.dot(i, s), viaJs);
      expect(Buffer.from(viaRows.buffer).equals(Buffer.from(viaJs.buffer))).toBe(true);
    }
  });

  // sha256 (first 16 hex digits) of the weights tronL2Svc gave before hessVec and the fused CG loops
  // (the solver of commit c5565aa, run on these problems), per layout
  const before: Record<string, string> = {
    '300 csr': '45160bd49f7cbed6',
    '300 dense': '0658b885c9cc202d',
    '120 csr': '90e138b4cf55d584',
    '120 dense': '063c0a01c0f77bdc',
  };
  for (const [n, text, dense, seed] of [
    [300, 50, 12, 7],
    [120, 30, 5, 11],
  ]) {
    it(`${n} rows: the same weights, bit for bit, as before the fusion, and the stop rule holds`, () => {
      const p = problem(n, text, dense, seed);
      const eps = 0.001;
      const pos = p.y.filter((v) => v > 0).length;
      const g0 = norm(objective(p, new Float64Array(p.d + 1)).g);
      for (const [name, X] of layouts(p)) {
        const w = new Float64Array(p.d + 1);
        const iters = tronL2Svc(X, p.y, p.Ci, eps, 1000, w);
        expect(iters).toBeLessThan(1000);
        expect(createHash('sha256').update(Buffer.from(w.buffer)).digest('hex').slice(0, 16), name).toBe(before[`${n} ${name}`]);
        expect(norm(objective(p, w).g)).toBeLessThanOrEqual(((eps * Math.max(Math.min(pos, n - pos), 1)) / n) * g0 * 1.000001);
      }
    });
  }
});
