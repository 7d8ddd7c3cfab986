// Several classes' TRON Hessian products in one WebAssembly SIMD pass (CsrLinearRows.hessVecs,
// linear-rows-simd.ts) and TRONs run side by side on them (runLockstep, linear-lockstep.ts): each
// product and each fit has the bits of the single-class product and of TRON alone, with SIMD and with
// the fallback (one product per class), on a block and on a view of it.
import { afterEach, describe, expect, it } from 'vitest';
import { CsrLinearRows, type SparseRow } from '../../src/main/core/classify/linear-rows';
import { simdSwitch } from '../../src/main/core/classify/linear-rows-simd';
import { CsrKernel } from '../../src/main/core/classify/linear-rows-wasm';
import { laneClock, runLockstep } from '../../src/main/core/classify/linear-lockstep';
import { primalBinary, primalSteps, type HessVecAsk, type PrimalSolution } from '../../src/main/core/classify/linear-tron';
import { TronWork } from '../../src/main/core/classify/linear-tron-cg';
import { lcg } from '../helpers/lcg';

/** n rows: 2-9 of `text` sparse columns, then `dense` columns in (-1, 1); labels 0..classes-1 leaning on the dense ones. */
function rows(n: number, text: number, dense: number, classes: number, seed: number): { X: SparseRow[]; y: number[]; d: number } {
  const rnd = lcg(seed);
  const X: SparseRow[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const cls = Math.floor(rnd() * classes);
    const cols = new Set<number>();
    const m = 2 + Math.floor(rnd() * 8);
    while (cols.size < m) cols.add(rnd() < 0.3 ? cls * 3 + Math.floor(rnd() * 3) : Math.floor(rnd() * text));
    const idx = [...cols].sort((a, b) => a - b);
    const values = idx.map(() => 0.2 + rnd());
    for (let k = 0; k < dense; k++) {
      idx.push(text + k);
      values.push(2 * rnd() - 1 + (k % classes === cls ? 0.7 : 0));
    }
    X.push({ indices: Int32Array.from(idx), values: Float64Array.from(values) });
    y.push(cls);
  }
  return { X, y, d: text + dense };
}

const same = (a: Float64Array, b: Float64Array): boolean =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** `q` asks over the view's rows: each its own ascending active set (some empty), C_i and vector s (with negative values). */
function asks(n: number, d1: number, q: number, seed: number): HessVecAsk[] {
  const rnd = lcg(seed);
  return Array.from({ length: q }, (_, p) => {
    const keep = p === 3 ? 0 : 0.3 + 0.6 * rnd();
    const I = Int32Array.from({ length: n }, (_, i) => i).filter(() => rnd() < keep);
    const Ci = Float64Array.from({ length: n }, () => 0.05 + rnd());
    const s = Float64Array.from({ length: d1 }, () => 2 * rnd() - 1);
    const Iall = new Int32Array(n);
    Iall.set(I);
    return { I: Iall, m: I.length, Ci, s, Hs: new Float64Array(d1) };
  });
}

afterEach(() => {
  simdSwitch.off = false;
});

describe('several Hessian products in one pass', () => {
  it('is the SIMD pass where WebAssembly SIMD is there (Node 20)', () => {
    const r = rows(20, 30, 4, 3, 1);
    const X = CsrLinearRows.of(r.X, r.d) as unknown as { ptr: Int32Array; ind: Int32Array; val: Float64Array };
    expect(CsrKernel.of(X.ptr, X.ind, X.val, r.d + 1)!.batched).toBe(true);
    simdSwitch.off = true;
    expect(CsrKernel.of(X.ptr, X.ind, X.val, r.d + 1)!.batched).toBe(false);
  });

  for (const simd of [true, false]) {
    it(`gives each ask hessVec's bits, 1 to 9 asks, on a block and on a view (SIMD ${simd})`, () => {
      simdSwitch.off = !simd;
      const r = rows(90, 60, 7, 5, 3);
      const full = CsrLinearRows.of(r.X, r.d);
      const view = full.subset(Int32Array.from({ length: 50 }, (_, t) => 89 - t));
      const compact = full.compact(Int32Array.from({ length: 60 }, (_, t) => t + 20)).X;
      for (const X of [full, view, compact]) {
        for (let q = 1; q <= 9; q++) {
          const got = asks(X.n, X.dim, q, 10 * q + X.n);
          const want = got.map((a) => {
            const Hs = new Float64Array(X.dim);
            X.hessVec(a.I, a.m, a.Ci, a.s, Hs);
            return Hs;
          });
          X.hessVecs(got);
          got.forEach((a, p) => expect(same(a.Hs, want[p]), `n ${X.n} q ${q} ask ${p}`).toBe(true));
          // the lanes are left clean: the same asks again give the same bits
          for (const a of got) a.Hs.fill(0);
          X.hessVecs(got);
          got.forEach((a, p) => expect(same(a.Hs, want[p])).toBe(true));
        }
      }
    });

    it(`runs 6 classes' TRONs side by side with the weights each gives alone, chained along C (SIMD ${simd})`, () => {
      simdSwitch.off = !simd;
      const r = rows(300, 120, 6, 6, 9);
      const all = CsrLinearRows.of(r.X, r.d);
      const train = Int32Array.from({ length: 300 }, (_, i) => i).filter((i) => i % 3 !== 0);
      const { X } = all.compact(train);
      const Cs = [0.05, 0.5, 2];
      const alone = [0, 1, 2, 3, 4, 5].map((cls) => {
        let w: Float64Array | undefined;
        let z: Float64Array | null = null;
        return Cs.map((C) => {
          const sol = primalBinary(X, r.y, train, cls, 2 * C, C, 0.01, 1000, undefined, w, z, all.dim);
          w = sol.w;
          z = sol.z;
          return { w: Float64Array.from(sol.w), iter: sol.iter };
        });
      });
      const together: { w: Float64Array; iter: number }[][] = alone.map(() => []);
      function* chain(cls: number) {
        let w: Float64Array | undefined;
        let z: Float64Array | null = null;
        const work = new TronWork(); // TRON's column vectors reused along the chain, as the C search does
        for (const C of Cs) {
          const sol: PrimalSolution = yield* primalSteps(X, r.y, train, cls, 2 * C, C, 0.01, 1000, undefined, w, z, all.dim, work);
          w = sol.w;
          z = sol.z;
          together[cls].push({ w: Float64Array.from(sol.w), iter: sol.iter });
        }
      }
      const lanes = alone.map((_, cls) => ({ steps: chain(cls), clock: laneClock() }));
      runLockstep(X, lanes);
      alone.forEach((per, cls) =>
        per.forEach((a, e) => {
          expect(together[cls][e].iter).toBe(a.iter);
          expect(same(together[cls][e].w, a.w), `class ${cls} C ${Cs[e]}`).toBe(true);
        }),
      );
      // the lanes finish at different times (different Newton and CG steps), and each has its clock
      expect(new Set(alone.map((per) => per.reduce((s, a) => s + a.iter, 0))).size).toBeGreaterThan(1);
      expect(lanes.every((l) => l.clock.seconds > 0)).toBe(true);
    });
  }
});
