// CG's per-step column loops of TRON (linear-tron-cg.ts): TronWork's loops in the WebAssembly SIMD
// kernel (linear-tron-cg-wasm.ts) give the JS loops' bits, vectors and sums, for odd and even column
// counts, and TRON's weights are the same bits with the kernel and with the JS fallback.
import { afterEach, describe, expect, it } from 'vitest';
import { CsrLinearRows, type SparseRow } from '../../src/main/core/classify/linear-rows';
import { simdSwitch } from '../../src/main/core/classify/linear-rows-simd';
import { cgCurvature, cgMove, cgNext, TronWork } from '../../src/main/core/classify/linear-tron-cg';
import { CgKernel } from '../../src/main/core/classify/linear-tron-cg-wasm';
import { primalBinary } from '../../src/main/core/classify/linear-tron';
import { lcg } from '../helpers/lcg';

const bits = (a: Float64Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

afterEach(() => {
  simdSwitch.off = false;
});

describe("TRON's CG loops", () => {
  it('run in the WebAssembly SIMD kernel where it is there (Node 20), else in JS', () => {
    expect(CgKernel.of(9, 10)).not.toBeNull();
    simdSwitch.off = true;
    expect(CgKernel.of(9, 10)).toBeNull();
  });

  for (const d1 of [1, 2, 7, 1000, 1001]) {
    it(`give the JS loops' bits over ${d1} columns`, () => {
      const rnd = lcg(d1);
      const work = new TronWork();
      const v = work.vectors(d1);
      const fill = (): Float64Array[] => {
        const js = v.map(() => new Float64Array(d1));
        v.forEach((x, j) =>
          x.forEach((_, k) => {
            // M (index 1) positive, as TRON's preconditioner is
            x[k] = j === 1 ? 0.5 + rnd() : 2 * rnd() - 1;
            js[j][k] = x[k];
          }),
        );
        return js;
      };
      // [g, M, s, r0, r1, dv, Hd, zz, ...] as tronSteps takes them
      let js = fill();
      expect(work.curvature(v[5], v[6], d1)).toBe(cgCurvature(js[5], js[6], d1));
      expect(bits(v[6])).toBe(bits(js[6]));
      js = fill();
      const got = new Float64Array(2);
      const want = new Float64Array(2);
      work.move(v[2], v[5], v[1], v[3], v[4], v[7], v[6], 0.37, d1, got);
      cgMove(js[2], js[5], js[1], js[3], js[4], js[7], js[6], 0.37, d1, want);
      expect(bits(got)).toBe(bits(want));
      for (const j of [2, 4, 7]) expect(bits(v[j])).toBe(bits(js[j]));
      js = fill();
      work.next(v[5], v[7], v[6], -1.3, d1);
      cgNext(js[5], js[7], js[6], -1.3, d1);
      for (const j of [5, 6]) expect(bits(v[j])).toBe(bits(js[j]));
    });
  }

  it('give TRON the same weights with the kernel and with the JS fallback', () => {
    const rnd = lcg(17);
    const X: SparseRow[] = [];
    const y: number[] = [];
    for (let i = 0; i < 200; i++) {
      const idx = [...new Set(Array.from({ length: 6 }, () => Math.floor(rnd() * 301)))].sort((a, b) => a - b);
      X.push({ indices: Int32Array.from(idx), values: Float64Array.from(idx, () => 2 * rnd() - 1) });
      y.push(idx[0] < 100 ? 0 : rnd() < 0.5 ? 1 : 2);
    }
    const rows = Int32Array.from({ length: 200 }, (_, i) => i);
    const fit = (): string[] => [0, 1, 2].map((cls) => bits(primalBinary(CsrLinearRows.of(X, 301), y, rows, cls, 2, 0.5, 0.001, 1000).w));
    const withKernel = fit();
    simdSwitch.off = true;
    expect(fit()).toEqual(withKernel);
  });
});
