// The primal C search of the sparse linear SVM (chooseSparseLinearCv with solver 'primal',
// classify/linear-cv.ts, issue 15): threaded and sequential give the same scores and choice bit for
// bit (with and without the warm start along C), without the warm start they are the per-candidate
// fits' scores of before, progress comes in candidate order, a cancel mid-search rejects with an
// AbortError, and the dual solver's search gives what it gave before the change (a fixture).
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseSparseLinearCv, groupFolds, type CvScore, type SparseCvOptions } from '../../src/main/core/classify/choose-params';
import { findLinearWorker } from '../../src/main/core/classify/linear-parallel';
import { searchPrimalCv } from '../../src/main/core/classify/linear-cv';
import { CsrLinearRows } from '../../src/main/core/classify/linear-rows';
import { balancedClassWeights } from '../../src/main/core/classify/svm';
import { weightedF1 } from '../../src/main/core/classify/metrics';
import { predictSparse, trainSparseLinear, type SparseRow } from '../../src/main/core/classify/sparse-linear-svc';
import { isAbortError } from '../../src/main/core/abort';
import { requireBuilt } from '../helpers/built';
import { lcg } from '../helpers/lcg';

/**
 * n rows of 5 classes (class 0 the most frequent) in dialogues of 6: 3-10 of `text` sparse columns
 * (30% of them from the class's own 7 columns), then `dense` columns leaning on the class.
 */
function corpus(n: number, text: number, dense: number, seed: number): { X: SparseRow[]; y: number[]; groups: string[]; d: number } {
  const rnd = lcg(seed);
  const X: SparseRow[] = [];
  const y: number[] = [];
  const groups: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = rnd() < 0.4 ? 0 : 1 + Math.floor(rnd() * 4);
    y.push(c);
    groups.push(`d${Math.floor(i / 6)}`);
    const cols = new Map<number, number>();
    const m = 3 + Math.floor(rnd() * 8);
    for (let k = 0; k < m; k++) {
      const j = rnd() < 0.3 ? c * 7 + Math.floor(rnd() * 7) : Math.floor(rnd() * text);
      cols.set(j, (cols.get(j) ?? 0) + 0.5 + rnd());
    }
    for (let k = 0; k < dense; k++) cols.set(text + k, 2 * rnd() - 1 + (k % 5 === c ? 0.5 : 0));
    const indices = Int32Array.from([...cols.keys()].sort((a, b) => a - b));
    X.push({ indices, values: Float64Array.from(indices, (j) => cols.get(j)!) });
  }
  return { X, y, groups, d: text + dense };
}

/** What a test compares of a search: every candidate's scores (not its seconds) and the choice. */
const outcome = (r: { scores: CvScore[]; best: { C: number }; bestBalanced: boolean }) => ({
  scores: r.scores.map((s) => [s.C, s.balanced, s.weighted_f1, s.folds]),
  best: [r.best.C, r.bestBalanced],
});

/** The search as chooseSparseLinearCv ran it before issue 15: a trainSparseLinear fit per candidate and fold. */
function perCandidate(c: ReturnType<typeof corpus>, Cs: number[], seed: number) {
  const fold = groupFolds(c.groups, 3, seed);
  const scores: unknown[][] = [];
  for (const bal of [false, true]) {
    for (const C of Cs) {
      const per = [0, 1, 2].map((f) => {
        const tr = c.y.flatMap((_, i) => (fold[i] === f ? [] : [i]));
        const held = c.y.flatMap((_, i) => (fold[i] === f ? [i] : []));
        const yt = tr.map((i) => c.y[i]);
        const m = trainSparseLinear(
          tr.map((i) => c.X[i]),
          c.d,
          yt,
          { C, classWeight: bal ? balancedClassWeights(yt, 5) : undefined, probability: false, seed, solver: 'primal' },
        );
        return weightedF1(
          5,
          held.map((i) => c.y[i]),
          predictSparse(
            m,
            held.map((i) => c.X[i]),
          ),
        );
      });
      scores.push([C, bal, per.reduce((a, v) => a + v, 0) / per.length, per]);
    }
  }
  return scores;
}

describe('the primal C search', () => {
  const c = corpus(240, 300, 12, 7);
  const Cs = [0.05, 0.2, 1];
  const base: SparseCvOptions = { Cs, balanced: [false, true], d: c.d, nClasses: 5, seed: 4, groups: c.groups, solver: 'primal' };
  let worker: string;
  beforeAll(() => {
    requireBuilt('node');
    const found = findLinearWorker();
    if (!found) throw new Error('out/node/linear-worker.js not found: build first (node scripts/build-cli.mjs)');
    worker = found;
  });
  const sequential = { threads: 1 };
  // every task in the worker (here: false), or shared between this thread and the worker
  const forced = (here: boolean) => ({ workerPath: worker, threads: 2, minWork: 0, here });

  for (const warmStart of [false, true]) {
    it(`gives the same scores and choice threaded and sequentially (warm start ${warmStart})`, { timeout: 60_000 }, async () => {
      const seq = await chooseSparseLinearCv(c.X, c.y, { ...base, warmStart, parallel: sequential });
      for (const here of [false, true]) {
        const ticks: [number, number, number][] = [];
        const par = await chooseSparseLinearCv(c.X, c.y, {
          ...base,
          warmStart,
          parallel: forced(here),
          onProgress: (done, total, s) => ticks.push([done, total, s.weighted_f1]),
        });
        expect(outcome(par)).toEqual(outcome(seq));
        // one report per candidate, in candidate order, with its score
        expect(ticks).toEqual(seq.scores.map((s, i) => [i + 1, 6, s.weighted_f1]));
      }
      expect(seq.scores.every((s) => s.trainSeconds > 0)).toBe(true);
      if (!warmStart) expect(outcome(seq).scores).toEqual(perCandidate(c, Cs, 4));
    });
  }

  it('hands every binary problem to the worker when told to (the threaded path runs)', { timeout: 60_000 }, async () => {
    const fold = groupFolds(c.groups, 3, 4);
    const plan = { Cs, balanced: [false, true], nClasses: 5, fold, folds: 3, classWeights: new Array<null>(6).fill(null) };
    const X = CsrLinearRows.of(c.X, c.d);
    // a fold's 10 problems (2 weightings x 5 classes) in lockstep as tasks of 6 and 4 lanes, 2 x 3 folds,
    // times 3 Cs without chains
    const cold = await searchPrimalCv(X, c.y, { ...plan, warm: false, parallel: forced(false) });
    expect(cold.workerTasks).toBe(18);
    const warm = await searchPrimalCv(X, c.y, { ...plan, warm: true, parallel: forced(false) });
    expect(warm.workerTasks).toBe(6);
    // a chain starts each C after the first nearer its optimum: fewer Newton iterations
    expect(warm.epochs).toBeLessThan(cold.epochs);
  });

  it('warm-started along C, the scores stay near the cold ones', { timeout: 60_000 }, async () => {
    const cold = await chooseSparseLinearCv(c.X, c.y, { ...base, warmStart: false, parallel: sequential });
    const warm = await chooseSparseLinearCv(c.X, c.y, { ...base, warmStart: true, parallel: sequential });
    warm.scores.forEach((s, i) => expect(Math.abs(s.weighted_f1 - cold.scores[i].weighted_f1)).toBeLessThan(0.02));
  });

  it('rejects with an AbortError when cancelled mid-search, threaded or not', { timeout: 120_000 }, async () => {
    const big = corpus(3000, 20000, 60, 5);
    for (const parallel of [forced(true), forced(false), sequential]) {
      for (const warmStart of [false, true]) {
        const ac = new AbortController();
        let reports = 0;
        let abortedAt = 0;
        const abort = (): void => {
          if (abortedAt) return;
          abortedAt = performance.now();
          ac.abort();
        };
        // at the first turn of the event loop after the search has started: this thread's first task
        // is then solved (the signal is polled between tasks and inside TRON), most are not. Not a
        // timer: in lockstep the whole search can end before any fixed delay, and a cancel after the
        // last task would see every candidate reported (a flaky test at 300 ms)
        const timer = setImmediate(abort);
        const e = await chooseSparseLinearCv(big.X, big.y, {
          ...base,
          Cs: [0.05, 0.1, 0.2, 0.5, 1],
          d: big.d,
          groups: big.groups,
          warmStart,
          parallel,
          signal: ac.signal,
          onProgress: () => reports++,
        }).then(
          () => null,
          (err: unknown) => err,
        );
        clearImmediate(timer);
        expect(isAbortError(e)).toBe(true);
        expect(abortedAt).toBeGreaterThan(0);
        expect(performance.now() - abortedAt).toBeLessThan(2000);
        expect(reports).toBeLessThan(10);
      }
    }
  });
});

describe('the dual C search', () => {
  it('gives the scores and choice it gave before issue 15', { timeout: 60_000 }, async () => {
    // computed by chooseSparseLinearCv at 3f7b42e (before the primal search moved to linear-cv.ts)
    const before = {
      scores: [
        [0.1, false, 0.7681581135005233, [0.8341833569752923, 0.7425770308123248, 0.7277139527139528]],
        [1, false, 0.7543177679746181, [0.731188902421779, 0.7575131780799798, 0.7742512234220958]],
        [0.1, true, 0.7754071727389088, [0.8040045333795334, 0.7583159081134789, 0.763901076723714]],
        [1, true, 0.7592043452873413, [0.743455155955156, 0.7593490629927876, 0.7748088169140801]],
      ],
      best: [0.1, true],
    };
    const c = corpus(240, 300, 0, 7);
    const r = await chooseSparseLinearCv(c.X, c.y, {
      Cs: [0.1, 1],
      balanced: [false, true],
      d: c.d,
      nClasses: 5,
      seed: 4,
      groups: c.groups,
      solver: 'dual',
    });
    expect(outcome(r)).toEqual(before);
  });
});
