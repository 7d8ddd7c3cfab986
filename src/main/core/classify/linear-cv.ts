// The primal solver's C search (chooseSparseLinearCv with solver 'primal', choose-params.ts) as binary
// problems on threads: the training rows built once, each fold a view of them, the tasks run by
// linear-parallel.ts's runner on this thread and worker threads (linear-worker.ts).
/*
 * Issue 15: train's default linear retrain on 10,000 rows with the media block spent ~70 of its 76 s
 * choosing C (5 Cs x 2 weightings x 3 folds = 30 fits of 7 binary problems, each fit rebuilding its
 * CSR rows and their WebAssembly copy, all on one thread). Here the CSR block and its kernel are made
 * once (sparseFit in choose-params) and fold f's training rows are X.subset (a row map over the same
 * block, the same bits as a block of their own: every product runs row by row in CSR order). A task
 * is one class's binary problem of one fold and weighting, at one C (`cs` of one entry) or along a
 * chain of Cs ascending, each TRON starting from the previous C's w (LIBLINEAR 2.x's warm start in
 * its -C search, find_parameter_C). A task returns its held-out rows' decision values per C (never
 * the weights), so the scoring here is predictSparse's: argmax over the fold model's classes, ties to
 * the lower. Tasks and their results do not depend on which thread solved them or in what order, so
 * the threaded search gives the sequential one's scores bit for bit; with one-C tasks both are the
 * scores of the per-candidate fits of before (trainSparseLinear, test/unit/linear-cv-parallel.test.ts).
 * Progress: a candidate (C, weighting) is scored and reported once all its binary problems are solved
 * and every earlier candidate was, so reports come in candidate order (with chains, a weighting's
 * candidates come together). Cancel: as the threaded fit (runTasks).
 * Measured 2 December 2026, 19:26-19:54 UTC, `nice train --db COPY --fusion none --classifier linear
 * --json` (the default search: 5 Cs x 2 weightings x 3 folds x 7 classes) on copies of the 10,000-row
 * media database (/tmp/solver-e2e/m10k-orig.db), 5 rounds alternating with the 3f7b42e build, load
 * average 2.3-7.5 on 2 cores (other sessions' builds and tests; docs/benchmarks.md): seconds.choose
 * 65.9-150.9 s before, 27.4-88.7 s with chains (27-34 s where the second core was mostly free); the
 * whole process's user CPU 72.4-90.0 s before, 51.7-66.8 s with chains (-30%), 76.8-91.1 s without
 * (3 runs: building the rows once saved little, the threads cost some). The chains take 714 Newton
 * iterations where one task per C takes 1,195 (-40%). Every run chose C 0.1 balanced; without chains
 * the 10 candidates' scores (and per-fold scores) are before's bit for bit, with chains they moved by
 * at most 0.00099 (C 1 balanced; the chosen 0.568148 -> 0.568482).
 * Since (22:16-22:37 UTC, same command, alternating with the bac7414 build, load 1.5-6.8): a fold's
 * rows are a block of their own over the columns they use (~86k of 102k) and a chain hands each C's
 * margins to the next (with linear-tron.ts's start and its passes in the WebAssembly kernel): the
 * same scores bit for bit, process CPU 38.4-52.6 -> 34.5-42.5 s.
 * Since (3 December 2026): a task is up to 8 of one fold's problems (classes x weightings), their
 * TRONs in lockstep (linear-lockstep.ts) so that their Hessian products run as one WebAssembly SIMD
 * pass (linear-rows-simd.ts). The same command, 3 pairs alternating with the 3f807df build, 00:34-00:36
 * UTC, load 1.9-3.7: CPU (user + sys) 31.5 / 28.8 / 30.7 -> 21.8 / 23.8 / 25.0 s, seconds.choose
 * 25.2 / 11.6 / 12.9 -> 8.6 / 9.5 / 10.5 s, every score, the stored model and all predictions the
 * same bits; peak RSS 525-575 -> 642-707 MB (the interleaved vectors, 2 x 64 bytes per column).
 * That was a task per fold and weighting (7 lanes of 8); a fold's 14 problems as 8 + 6 lanes fill the
 * passes better (the pass costs about its lanes: 16 lanes took 2.1x 8 in a micro-benchmark): the
 * search alone on one thread (chooseSparseLinearCv on the dumped rows, 2 pairs) 15.0 / 15.6 -> 14.1 /
 * 14.8 s.
 */
import { foldRows } from './linear-calibrate';
import { runTasks, threadsFor, type ParallelOptions, type TaskPool } from './linear-parallel';
import { CsrLinearRows, linearRowsFromShared, type LinearRows, type SharedLinearRows } from './linear-rows';
import { argmaxClass } from './linear-solver';
import { laneClock, laneSeconds, runLockstep, type LaneClock } from './linear-lockstep';
import { primalSteps, type HessVecAsk, type PrimalSolution } from './linear-tron';
import { TronWork } from './linear-tron-cg';
import { LANES } from './linear-rows-simd';
import { weightedF1 } from './metrics';
import { checkStop, stopOnSignal } from './stop';
import type { CvScore } from './choose-params';

/**
 * One task of the search: for each lane q, class classes[q] against the rest on fold `fold`'s training
 * rows with weighting bs[q], at Cs[c] for c of `cs` in order; the lanes' TRONs run in lockstep
 * (linear-lockstep.ts). A fold's problems of both weightings are dealt into tasks of up to 8 lanes (the
 * SIMD pass's width: 14 as 8 + 6, not 7 + 7 in two passes of 8).
 */
export interface CvTask {
  id: number;
  fold: number;
  bs: number[];
  classes: number[];
  /** indices into Cs, solved in this order, each from the previous one's w (one entry: from 0) */
  cs: number[];
}

/** What a worker gets once (workerData) for the C search. */
export interface CvWorkerData extends TaskPool<CvTask> {
  kind: 'cv';
  /** all training rows (null when no worker runs: the rows stay on this thread) */
  rows: SharedLinearRows | null;
  /** labels of all training rows */
  y: Float64Array;
  /** CV fold per training row */
  fold: Int32Array;
  folds: number;
  Cs: number[];
  /** class weights of weighting b on fold f's training rows at [b * folds + f]; null = all 1 */
  classWeights: (number[] | null)[];
  eps: number;
  maxIter: number;
}

/** A task's result, per lane q then entry e of its `cs` (index q * cs.length + e): held-out decision values, Newton iterations, seconds solving. */
export interface CvSolved {
  dec: Float64Array[];
  iter: number[];
  seconds: number[];
}

/** The training and held-out rows of fold f. */
function foldSplit(fold: Int32Array, f: number): { train: Int32Array; held: Int32Array } {
  const train: number[] = [];
  const held: number[] = [];
  for (let i = 0; i < fold.length; i++) (fold[i] === f ? held : train).push(i);
  return { train: Int32Array.from(train), held: Int32Array.from(held) };
}

/** The solver of one search task on the training rows X: the one code of this thread and the workers. */
export function cvTaskRunner(X: LinearRows, data: Omit<CvWorkerData, 'kind' | 'rows' | 'tasks' | 'ctl'>, stop?: () => boolean) {
  // the latest fold's training rows: CSR rows as a block of their own over the columns they use
  // (CsrLinearRows.compact: the same weights on those columns, bit for bit, over ~15% shorter
  // vectors on the 10,000-row media rows), else a view of X. Tasks come in candidate order, fold
  // after fold, so a thread builds each fold's block about twice.
  let part: { f: number; train: Int32Array; held: Int32Array; Xs: LinearRows; cols: Int32Array | null } | null = null;
  const out1 = new Float64Array(1);
  const d1 = X.dim;
  return (t: CvTask): CvSolved => {
    if (part?.f !== t.fold) {
      part = null; // let the previous fold's block go before the next one is made
      const { train, held } = foldSplit(data.fold, t.fold);
      const c = X instanceof CsrLinearRows ? X.compact(train) : { X: X.subset(train), cols: null };
      part = { f: t.fold, train, held, Xs: c.X, cols: c.cols };
    }
    const p = part;
    const nc = t.cs.length;
    const size = t.classes.length * nc;
    const res: CvSolved = { dec: new Array<Float64Array>(size), iter: new Array<number>(size), seconds: new Array<number>(size) };
    // one lane's chain along its Cs
    function* chain(q: number, clock: LaneClock): Generator<HessVecAsk, void, void> {
      const cls = t.classes[q];
      const cw = data.classWeights[t.bs[q] * data.folds + t.fold];
      let w: Float64Array | undefined;
      let z: Float64Array | null = null; // margins of w on the fold's rows (they do not depend on C)
      // the weights over X's columns (+0 on those the fold's rows do not use, as a fit on a view gives them)
      const full = new Float64Array(d1);
      const work = new TronWork(); // TRON's column vectors, kept along the chain
      for (let e = 0; e < nc; e++) {
        const C = data.Cs[t.cs[e]];
        const t0 = laneSeconds(clock);
        const sol: PrimalSolution = yield* primalSteps(
          p.Xs,
          data.y,
          p.train,
          cls,
          C * (cw?.[cls] ?? 1),
          C,
          data.eps,
          data.maxIter,
          stop,
          w,
          z,
          d1,
          work,
        );
        w = sol.w;
        z = sol.z;
        if (p.cols) {
          for (let j = 0; j < p.cols.length; j++) full[p.cols[j]] = w[j];
          full[d1 - 1] = w[w.length - 1];
        }
        const wFull = p.cols ? full : w;
        const dec = new Float64Array(p.held.length);
        for (let r = 0; r < p.held.length; r++) {
          X.score(p.held[r], wFull, 1, out1); // scoreRow's sums (bias first, then the row in CSR order)
          dec[r] = out1[0];
        }
        res.dec[q * nc + e] = dec;
        res.iter[q * nc + e] = sol.iter;
        res.seconds[q * nc + e] = laneSeconds(clock) - t0;
      }
    }
    runLockstep(
      p.Xs,
      t.classes.map((_, q) => {
        const clock = laneClock();
        return { steps: chain(q, clock), clock };
      }),
    );
    return res;
  };
}

/** The search's candidates and how to run them (choose-params.ts builds it). */
export interface PrimalCvPlan {
  Cs: number[];
  balanced: boolean[];
  nClasses: number;
  /** CV fold per training row, folds 0..folds-1 */
  fold: Int32Array;
  folds: number;
  /** as CvWorkerData.classWeights */
  classWeights: (number[] | null)[];
  /** chains along C ascending (warm starts) instead of one task per C */
  warm: boolean;
  eps?: number;
  maxIter?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, score: CvScore) => void;
  parallel?: ParallelOptions;
}

/**
 * Scores of every candidate (weighting-major, then C as listed), each the mean over folds of the
 * held-out weighted F1 of the fold's one-vs-rest primal model. `trainSeconds` of a candidate: its
 * share of the search, the seconds its binary problems took to solve, summed over the threads that
 * solved them (its wall is not separable when candidates run side by side; in lockstep each problem
 * gets its own steps' CPU time and an equal share of each shared pass). Also the Newton iterations of
 * every problem and how many tasks (CvTask: up to 8 problems each) worker threads solved.
 */
export async function searchPrimalCv(
  X: LinearRows,
  y: ArrayLike<number>,
  plan: PrimalCvPlan,
): Promise<{ scores: CvScore[]; epochs: number; workerTasks: number }> {
  const { Cs, balanced, nClasses, fold, folds } = plan;
  const stop = stopOnSignal(plan.signal);
  checkStop(stop);
  const nC = Cs.length;
  const total = balanced.length * nC;
  const split = [...Array(folds).keys()].map((f) => {
    const { held } = foldSplit(fold, f);
    return { yh: Array.from(held, (i) => y[i]), classes: foldRows(fold, f, y).trainClasses };
  });
  // chains go along C ascending whatever order the Cs are listed in
  const ascending = [...Cs.keys()].sort((a, b) => Cs[a] - Cs[b] || a - b);
  const tasks: CvTask[] = [];
  const add = (f: number, cs: number[]): void => {
    const { classes } = split[f];
    if (classes.length < 2) return; // one class: the fold model predicts it, nothing to solve
    const lanes = balanced.flatMap((_, b) => classes.map((cls) => ({ b, cls })));
    const chunks = Math.ceil(lanes.length / LANES);
    const size = 2 * Math.ceil(lanes.length / (2 * chunks)); // even: no f64x2 half left empty
    for (let i = 0; i < lanes.length; i += size) {
      const part = lanes.slice(i, i + size);
      tasks.push({ id: tasks.length, fold: f, bs: part.map((l) => l.b), classes: part.map((l) => l.cls), cs });
    }
  };
  if (plan.warm) for (let f = 0; f < folds; f++) add(f, ascending);
  else for (let c = 0; c < nC; c++) for (let f = 0; f < folds; f++) add(f, [c]);

  // decision values per candidate, fold and class index; problems left per candidate
  const dec = Array.from({ length: total }, () => split.map((s) => new Array<Float64Array>(s.classes.length)));
  const pending = new Array<number>(total).fill(0);
  for (const t of tasks) for (const b of t.bs) for (const c of t.cs) pending[b * nC + c]++;
  const seconds = new Array<number>(total).fill(0);
  const scores: CvScore[] = [];
  let epochs = 0;
  const score = (j: number): CvScore => {
    const per = split.map((s, f) => {
      const d = dec[j][f];
      const row = new Float64Array(d.length);
      // predictSparse's rule: the largest decision value, ties to the lower class
      const pred = s.yh.map((_, r) => {
        if (d.length === 1) return s.classes[0]; // one class: nothing was solved, the fold model predicts it
        for (let m = 0; m < d.length; m++) row[m] = d[m][r];
        return argmaxClass(s, row);
      });
      return weightedF1(nClasses, s.yh, pred);
    });
    const mean = per.reduce((a, v) => a + v, 0) / per.length;
    const C = Cs[j % nC];
    const bal = balanced[Math.floor(j / nC)];
    return { C, gamma: null, gammaLabel: null, weighted_f1: mean, trainSeconds: seconds[j], balanced: bal, folds: per };
  };
  const report = (): void => {
    while (scores.length < total && pending[scores.length] === 0) {
      const s = score(scores.length);
      scores.push(s);
      plan.onProgress?.(scores.length, total, s);
    }
  };
  const tick = (k: number, r: CvSolved): void => {
    const t = tasks[k];
    t.classes.forEach((cls, q) => {
      const m = split[t.fold].classes.indexOf(cls);
      t.cs.forEach((c, e) => {
        const j = t.bs[q] * nC + c;
        const x = q * t.cs.length + e;
        dec[j][t.fold][m] = r.dec[x];
        seconds[j] += r.seconds[x];
        epochs += r.iter[x];
        pending[j]--;
      });
    });
    report();
  };

  const p = plan.parallel ?? {};
  const problems = tasks.reduce((a, t) => a + t.classes.length * t.cs.length, 0);
  const use = threadsFor(p, tasks.length, problems * (X.storedValues() + X.dim));
  const data: CvWorkerData = {
    kind: 'cv',
    rows: use ? X.toShared() : null,
    y: Float64Array.from(y),
    fold,
    folds,
    Cs,
    classWeights: plan.classWeights,
    eps: plan.eps ?? 0.01,
    maxIter: plan.maxIter ?? 1000,
    tasks,
    ctl: new SharedArrayBuffer(8),
  };
  report(); // candidates with nothing to solve (every fold of one class)
  const { workerTasks } = await runTasks(
    use?.file ?? '',
    data,
    use ? use.threads - 1 : 0,
    p.here ?? true,
    cvTaskRunner(X, data, stop),
    stop,
    plan.signal,
    tick,
  );
  return { scores, epochs, workerTasks };
}

/** The LinearRows of a worker's CvWorkerData. */
export function cvWorkerRows(data: CvWorkerData): LinearRows {
  if (!data.rows) throw new Error('linear worker: the C search sent no rows');
  return linearRowsFromShared(data.rows);
}
