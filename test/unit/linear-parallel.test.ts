// The threaded linear SVM fit (classify/linear-parallel.ts, issue 15): on the bundled worker
// (out/node/linear-worker.js) it gives fitLinear's model bit for bit (W, probA, probB, epochs) on CSR
// and dense rows, ticks every binary problem, stops with an AbortError when cancelled mid-fit, and
// falls back to the sequential fit (same model) without a usable worker, for the dual or small fits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { CsrLinearRows, DenseLinearRows, type LinearRows, type SparseRow } from '../../src/main/core/classify/linear-rows';
import { fitLinear, type FitStyle, type LinearModelData, type LinearOptions } from '../../src/main/core/classify/linear-solver';
import { findLinearWorker, fitLinearParallel } from '../../src/main/core/classify/linear-parallel';
import { isAbortError } from '../../src/main/core/abort';
import { requireBuilt } from '../helpers/built';
import { tmpDir } from '../helpers/tmp';
import { lcg } from '../helpers/lcg';

/**
 * n rows of 5 classes (class 4 on one row only, so one fold model lacks it): 2-7 of `text` sparse
 * columns, then `dense` columns leaning on the class. Returned as CSR and (withDense) as dense rows.
 */
function problem(
  n: number,
  text: number,
  dense: number,
  seed: number,
  withDense = true,
): { csr: CsrLinearRows; dense: DenseLinearRows | null; y: number[] } {
  const rnd = lcg(seed);
  const d = text + dense;
  const X: SparseRow[] = [];
  const D: Float64Array[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i === 7 ? 4 : Math.floor(rnd() * 4);
    y.push(c);
    const row = new Float64Array(d);
    const m = 2 + Math.floor(rnd() * 6);
    for (let k = 0; k < m; k++) row[Math.floor(rnd() * text)] = 0.2 + rnd();
    for (let k = 0; k < dense; k++) row[text + k] = 2 * rnd() - 1 + (k % 4 === c ? 0.4 : 0);
    const indices = Int32Array.from({ length: d }, (_, k) => k).filter((k) => row[k] !== 0);
    X.push({ indices, values: Float64Array.from(indices, (k) => row[k]) });
    if (withDense) D.push(row);
  }
  return { csr: CsrLinearRows.of(X, d), dense: withDense ? DenseLinearRows.pack(D, d) : null, y };
}

const primal: FitStyle = { solver: 'primal', shuffle: 'fisher-yates', warmFolds: true };
const opts: LinearOptions = { C: 1, classWeight: [1, 2, 1, 1.5, 1], probability: true, seed: 3 };
const bytes = (a: Float64Array | null): string => (a ? Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64') : 'null');
const same = (a: LinearModelData, b: LinearModelData): void => {
  expect(a.classes).toEqual(b.classes);
  expect(a.nFeatures).toBe(b.nFeatures);
  expect(bytes(a.W)).toBe(bytes(b.W));
  expect(bytes(a.probA)).toBe(bytes(b.probA));
  expect(bytes(a.probB)).toBe(bytes(b.probB));
};

describe('the threaded linear SVM fit', () => {
  const p = problem(500, 2000, 40, 11);
  let worker: string;
  const t = tmpDir('es-linear-parallel-');
  afterAll(() => t.cleanup());
  beforeAll(() => {
    requireBuilt('node');
    const found = findLinearWorker();
    if (!found) throw new Error('out/node/linear-worker.js not found: build first (node scripts/build-cli.mjs)');
    worker = found;
  });
  // every task in the worker (here: false), or shared between this thread and the worker
  const forced = (here = false) => ({ workerPath: worker, threads: 2, minWork: 0, here });

  for (const layout of ['csr', 'dense'] as const) {
    it(`gives the sequential fit's model bit for bit (${layout} rows, with probabilities)`, { timeout: 60_000 }, async () => {
      const X: LinearRows = p[layout]!;
      const seq = fitLinear(X, p.y, opts, primal);
      const ticks: [number, number][] = [];
      const par = await fitLinearParallel(X, p.y, { ...opts, onProgress: (d, n) => ticks.push([d, n]) }, primal, forced());
      // a task per model, each its classes in lockstep: the full fit's 5 problems and 5 + 5 + 4 fold
      // problems (one fold has no row of class 4)
      expect(par.workerTasks).toBe(4);
      same(par.model, seq.model);
      expect(par.epochs).toBe(seq.epochs);
      // 5 classes x (3 folds + the full fit), the fold lacking class 4 ticked without a problem
      expect(ticks.map(([d]) => d)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(ticks.every(([, n]) => n === 20)).toBe(true);
    });
  }

  it("gives the sequential fit's model without probabilities, and with this thread solving problems too", { timeout: 60_000 }, async () => {
    const o = { ...opts, probability: false, eps: 0.001 };
    const par = await fitLinearParallel(p.csr, p.y, o, primal, forced());
    expect(par.workerTasks).toBe(1);
    same(par.model, fitLinear(p.csr, p.y, o, primal).model);
    const shared = await fitLinearParallel(p.csr, p.y, opts, primal, forced(true));
    same(shared.model, fitLinear(p.csr, p.y, opts, primal).model);
  });

  it('stops mid-fit with an AbortError, by signal or by shouldStop', { timeout: 60_000 }, async () => {
    const big = problem(3000, 20000, 60, 5, false);
    const ac = new AbortController();
    let abortedAt = 0;
    const bySignal = fitLinearParallel(
      big.csr,
      big.y,
      {
        ...opts,
        signal: ac.signal,
        onProgress: (done) => {
          if (done === 1) {
            abortedAt = performance.now();
            ac.abort();
          }
        },
      },
      primal,
      forced(),
    );
    const e1 = await bySignal.then(
      () => null,
      (e: unknown) => e,
    );
    expect(isAbortError(e1)).toBe(true);
    expect(performance.now() - abortedAt).toBeLessThan(2000);
    // shouldStop, every task in the worker, then this thread solving problems too
    for (const here of [false, true]) {
      let stop = false;
      let ticks = 0;
      const e2 = await fitLinearParallel(
        big.csr,
        big.y,
        { ...opts, shouldStop: () => stop, onProgress: () => (stop = ++ticks >= 2) },
        primal,
        forced(here),
      ).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isAbortError(e2)).toBe(true);
      expect(ticks).toBeLessThan(20);
    }
  });

  it('falls back to the sequential fit without a usable worker, for the dual solver and for small fits', { timeout: 60_000 }, async () => {
    const small = problem(120, 200, 8, 2, false);
    const seq = fitLinear(small.csr, small.y, opts, primal).model;
    const broken = path.join(t.dir, 'broken-worker.js');
    fs.writeFileSync(broken, "throw new Error('this worker does not start');\n");
    const runs = [
      { workerPath: null, threads: 2, minWork: 0 },
      { workerPath: path.join(t.dir, 'missing.js'), threads: 2, minWork: 0 },
      { workerPath: broken, threads: 2, minWork: 0, here: false },
      { workerPath: worker, threads: 1, minWork: 0 },
      { workerPath: worker, threads: 2 }, // under MIN_WORK
    ];
    for (const r of runs) {
      const ticks: number[] = [];
      const out = await fitLinearParallel(small.csr, small.y, { ...opts, onProgress: (d) => ticks.push(d) }, primal, r);
      expect(out.workerTasks).toBe(0);
      same(out.model, seq);
      expect(ticks.at(-1)).toBe(20);
    }
    const dual: FitStyle = { ...primal, solver: 'dual' };
    const d = await fitLinearParallel(small.csr, small.y, opts, dual, forced());
    expect(d.workerTasks).toBe(0);
    same(d.model, fitLinear(small.csr, small.y, opts, dual).model);
  });
});
