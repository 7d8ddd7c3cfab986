// fitLinear with the primal solver's independent binary problems on worker threads (linear-worker.ts):
// the same model, bit for bit, in less wall time on two cores (issue 15's MELD-size retrain). Its task
// runner (runTasks) also runs the primal C search's problems (linear-cv.ts).
/*
 * Measured 2 December 2026, `train --fusion none --classifier linear --C 1` on 10,000 rows with the
 * media block, 2 shared cores, alternating with the sequential build: SVM stage 9.95-10.66 ->
 * 5.53-6.62 s wall where the second core was free (4 pairs), little gain when another process held
 * it; ~15% more CPU, peak RSS +100 MB (docs/benchmarks.md).
 * With probabilities a fit is (folds + 1) x classes one-vs-rest binary problems (28 for 7 classes and
 * 3 folds), none depending on another under TRON (no Rng, cold starts). This thread and a worker
 * per further core take them in order (the full fit's first: they are the largest) from one shared
 * counter, a task per model (the full fit, each fold's), its classes' TRONs in lockstep so that their
 * Hessian products run as one SIMD pass (linear-lockstep.ts; the same bits); the rows are shared once
 * through SharedArrayBuffers (LinearRows.toShared). This thread works too because a task in a worker took 10-25% longer than here (a fresh isolate; measured on
 * the synthetic rows below), and a worker that is late to start or fails costs nothing: its tasks
 * are done here. Fold assignment (the Rng), decision values and sigmoids stay here, in fitLinear's
 * order (linear-calibrate.ts), so the result is fitLinear's. The dual solver stays sequential: it
 * draws from one Rng in sequence and warm-starts its folds from the full fit.
 * Runs fitLinear as it is for the dual, under 2 classes or cores, small work (MIN_WORK) or no bundled
 * worker. Cancel: this thread's TRON polls the fit's stop (shouldStop / signal, e.g. train's shared
 * flag) at each Newton step, and while it waits for workers every 25 ms; a stop raises the workers'
 * shared flag, terminates them and rejects with AbortError. Progress ticks as tasks finish (a worker's
 * when this thread is between tasks).
 */
import { Worker } from 'node:worker_threads';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { foldRows, plattSigmoids, scoreFold, stratifiedFolds } from './linear-calibrate';
import { laneClock, runLockstep } from './linear-lockstep';
import { primalSteps, type HessVecAsk, type PrimalSolution } from './linear-tron';
import type { LinearRows, SharedLinearRows } from './linear-rows';
import type { CvWorkerData } from './linear-cv';
import { fitLinear, fitPlan, type FitStyle, type LinearModelData, type LinearOptions } from './linear-solver';
import { Rng } from './rng';
import { checkStop } from './stop';

/** Tasks shared with worker threads: every task of the run, index = id, and the control words. */
export interface TaskPool<T> {
  tasks: T[];
  /** Int32[2]: [0] 1 = stop, [1] the next task to take (Atomics.add) */
  ctl: SharedArrayBuffer;
}

/** What a worker gets once (workerData): a fit's binary problems, or the C search's (linear-cv.ts). */
export type LinearWorkerData = FitWorkerData | CvWorkerData;

/** A fit's binary problems (fitLinearParallel). */
export interface FitWorkerData extends TaskPool<LinearTask> {
  kind: 'fit';
  rows: SharedLinearRows;
  /** labels of all training rows */
  y: Float64Array;
  /** fold per row (probabilities), else null */
  fold: Int32Array | null;
  C: number;
  classWeight: number[] | null;
  maxIter: number;
}

/**
 * The binary problems of one model: each class of `classes` against the rest, on all rows (fold -1)
 * or fold `fold`'s training rows, their TRONs in lockstep (linear-lockstep.ts).
 */
export interface LinearTask {
  id: number;
  fold: number;
  classes: number[];
  eps: number;
}

/** What a worker posts per task: its result (`r`, typed arrays transferred), or why it failed. */
export type TaskMessage<R> = { id: number; r: R } | { id: number; error: string; aborted: boolean };

/** Threading knobs of fitLinearParallel (the defaults suit train; tests force or avoid the threads). */
export interface ParallelOptions {
  /** the bundled linear-worker.js (default: findLinearWorker()) */
  workerPath?: string | null;
  /** most threads, this one included (default: min(os.availableParallelism(), 4)) */
  threads?: number;
  /** false: this thread takes no task while a worker lives (tests: every task in a worker) */
  here?: boolean;
  /** least binary problems x (stored values + dim) for threads (default MIN_WORK) */
  minWork?: number;
}

/**
 * Least work worth the threads: binary problems x (stored values + dim), a pass over the rows and the
 * weight vector per Newton / CG step. Measured 2 December 2026 (19:17 UTC, load 2.6-2.8, 3 alternating
 * runs, wall s sequential vs threaded) on synthetic media-like CSR rows (29 text + 200 dense values a
 * row, 100,200 columns, 7 classes, probabilities): 200 rows x 2,020 columns (work 0.2M) 0.11-0.20 vs
 * 0.20-0.40 (a worker's start-up); 300 x 100,200 (4.7M) 2.27-2.51 vs 1.86-2.97; 1,000 x 100,200
 * (9.2M) 2.63-3.04 vs 2.31-2.69; 10,000 x 100,200 (67M) 6.5-6.6 vs 3.4-4.7.
 */
export const MIN_WORK = 5_000_000;

/** The bundled worker beside the bundled CLI / app / train worker, or out/node's for the sources (tests); null when none. */
export function findLinearWorker(): string | null {
  const candidates = [
    path.join(__dirname, 'linear-worker.js'),
    path.resolve(__dirname, '../node/linear-worker.js'),
    path.resolve(__dirname, '../../../../out/node/linear-worker.js'),
  ];
  return candidates.find((p) => fs.existsSync(p)) ?? null;
}

/**
 * The threads and worker file for `tasks` tasks of `work` units (binary problems x (stored values +
 * dim)), or null when threads do not pay: under 2 threads or MIN_WORK, or no bundled worker. The one
 * rule of the threaded fit and the threaded C search (linear-cv.ts).
 */
export function threadsFor(p: ParallelOptions, tasks: number, work: number): { threads: number; file: string } | null {
  const threads = Math.min(p.threads ?? Math.min(os.availableParallelism(), 4), tasks);
  const file = p.workerPath === undefined ? findLinearWorker() : p.workerPath;
  if (threads < 2 || work < (p.minWork ?? MIN_WORK) || !file || !fs.existsSync(file)) return null;
  return { threads, file };
}

/**
 * fitLinear(X, y, o, style), its primal binary problems on worker threads where that pays; the same
 * model and epochs, and how many tasks (a model's binary problems each) worker threads solved (0 when
 * fitLinear ran).
 * Rejects with an AbortError when the fit's stop poll fires.
 */
export async function fitLinearParallel(
  X: LinearRows,
  y: ArrayLike<number>,
  o: LinearOptions,
  style: FitStyle,
  p: ParallelOptions = {},
): Promise<{ model: LinearModelData; epochs: number; workerTasks: number }> {
  const seq = () => ({ ...fitLinear(X, y, o, style), workerTasks: 0 });
  if (style.solver !== 'primal') return seq();
  const { classes, stop, eps, folds, total } = fitPlan(y, o, style);
  const M = classes.length;
  const use = M < 2 ? null : threadsFor(p, total, total * (X.storedValues() + X.dim));
  if (!use) return seq();
  const { threads, file } = use;
  checkStop(stop);

  // the Rng here, as in fitLinear (whose primal fits draw nothing from it before the folds)
  const fold = o.probability ? stratifiedFolds(new Rng(o.seed), y, classes, folds) : null;
  const tasks: LinearTask[] = [{ id: 0, fold: -1, classes, eps }];
  const foldClasses: number[][] = [];
  let done = 0;
  let skipped = 0;
  const tick = (): void => o.onProgress?.(++done, total);
  for (let f = 0; fold && f < folds; f++) {
    const { trainClasses } = foldRows(fold, f, y);
    foldClasses.push(trainClasses);
    tasks.push({ id: tasks.length, fold: f, classes: trainClasses, eps: 10 * eps });
    skipped += M - trainClasses.length; // a class no fold model has: no problem to solve, a tick
  }
  const data: FitWorkerData = {
    kind: 'fit',
    rows: X.toShared(),
    y: Float64Array.from(y),
    fold,
    C: o.C,
    classWeight: o.classWeight ? Array.from(o.classWeight) : null,
    maxIter: o.maxIter ?? 1000,
    tasks,
    ctl: new SharedArrayBuffer(8),
  };
  const ran = await runTasks(file, data, threads - 1, p.here ?? true, taskRunner(X, data, stop), stop, o.signal, (_, r) => r.forEach(tick));
  const { workerTasks } = ran;
  const results = ran.results.flat(); // the binary problems in task order
  for (let k = 0; k < skipped; k++) tick();

  const d1 = X.dim;
  let epochs = 0;
  const weights = (first: number, count: number): Float64Array => {
    const W = new Float64Array(count * d1);
    for (let m = 0; m < count; m++) {
      W.set(results[first + m].w, m * d1);
      epochs += results[first + m].iter;
    }
    return W;
  };
  const W = weights(0, M);
  const model: LinearModelData = { nFeatures: d1 - 1, classes, W, probA: null, probB: null };
  if (!fold) return { model, epochs, workerTasks };
  const dec = Array.from({ length: M }, () => new Float64Array(X.n));
  let first = M;
  foldClasses.forEach((trainClasses, f) => {
    scoreFold(X, fold, f, classes, trainClasses, weights(first, trainClasses.length), dec);
    first += trainClasses.length;
  });
  const { probA, probB } = plattSigmoids(dec, y, classes);
  return { model: { ...model, probA, probB }, epochs, workerTasks };
}

type Solved = { w: Float64Array; iter: number };

/**
 * The solver of one task on rows X (all training rows; data.rows in a worker): the one code of this
 * thread and the workers. Fold f's rows are X.subset of its training rows, as in fitLinear; only the
 * latest fold's subset is kept (the tasks come fold by fold). Its classes' TRONs run in lockstep, each
 * with the bits it has alone (fitLinear's). @returns per class of the task, its weights and iterations
 */
export function taskRunner(X: LinearRows, data: Pick<FitWorkerData, 'y' | 'fold' | 'C' | 'classWeight' | 'maxIter'>, stop?: () => boolean) {
  const all = Int32Array.from({ length: X.n }, (_, i) => i);
  let view: { f: number; rows: Int32Array; X: LinearRows } | null = null;
  return (t: LinearTask): Solved[] => {
    let rows: Int32Array = all;
    let Xs = X;
    if (t.fold >= 0) {
      if (view?.f !== t.fold) {
        view = null; // let the previous fold's subset go before the next one is made
        const { train } = foldRows(data.fold!, t.fold, data.y);
        view = { f: t.fold, rows: train, X: X.subset(train) };
      }
      ({ rows, X: Xs } = view);
    }
    const out: Solved[] = new Array<Solved>(t.classes.length);
    function* solve(q: number): Generator<HessVecAsk, void, void> {
      const cls = t.classes[q];
      const Cpos = data.C * (data.classWeight?.[cls] ?? 1);
      const { w, iter }: PrimalSolution = yield* primalSteps(Xs, data.y, rows, cls, Cpos, data.C, t.eps, data.maxIter, stop);
      out[q] = { w, iter };
    }
    runLockstep(
      Xs,
      t.classes.map((_, q) => ({ steps: solve(q), clock: laneClock() })),
    );
    return out;
  };
}

/**
 * data.tasks on this thread (`run`) and `workers` worker threads (data is their workerData), each
 * taking the next task from the shared counter: the one runner of the threaded fit and the C search
 * (linear-cv.ts); with no worker, every task here in order (the sequential run). A worker that cannot
 * start or fails leaves its tasks to this thread. `tick(id, result)` follows each task as it is
 * solved. Resolves with the results by task id and how many the workers solved; rejects with an
 * AbortError when `stop` fires (or with a task's own error).
 */
export async function runTasks<T, R>(
  file: string,
  data: TaskPool<T>,
  workers: number,
  here: boolean,
  run: (t: T) => R,
  stop: (() => boolean) | undefined,
  signal: AbortSignal | undefined,
  tick: (id: number, r: R) => void,
): Promise<{ results: R[]; workerTasks: number }> {
  const { tasks } = data;
  const ctl = new Int32Array(data.ctl);
  const results: R[] = new Array<R>(tasks.length);
  const solved = new Uint8Array(tasks.length);
  let finished = 0;
  let wake: (() => void) | null = null;
  const notify = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  let workerTasks = 0;
  const put = (k: number, r: R, worker: boolean): void => {
    if (solved[k]) return; // a task solved twice (a worker's result after it was given up): the same bits
    solved[k] = 1;
    results[k] = r;
    finished++;
    if (worker) workerTasks++;
    tick(k, r);
  };
  const started: Worker[] = [];
  let alive = 0;
  for (let k = 0; k < workers; k++) {
    let w: Worker;
    try {
      w = new Worker(file, { workerData: data });
    } catch {
      continue;
    }
    started.push(w);
    alive++;
    w.on('message', (m: TaskMessage<R>) => {
      if ('error' in m)
        void w.terminate(); // its task is left to this thread, which meets the same error
      else put(m.id, m.r, true);
      notify();
    });
    w.on('error', () => void w.terminate());
    w.on('exit', () => {
      alive--;
      notify();
    });
  }
  const timer = setInterval(() => stop?.() && notify(), 25);
  signal?.addEventListener('abort', notify);
  const solveHere = async (k: number): Promise<void> => {
    put(k, run(tasks[k]), false);
    await new Promise((r) => setImmediate(r)); // the workers' results and ticks come in between tasks
    checkStop(stop);
  };
  try {
    checkStop(stop);
    while (here || alive === 0) {
      const k = Atomics.add(ctl, 1, 1);
      if (k >= tasks.length) break;
      await solveHere(k);
    }
    while (finished < tasks.length) {
      if (alive === 0) {
        for (let k = 0; k < tasks.length; k++) if (!solved[k]) await solveHere(k);
        break;
      }
      await new Promise<void>((r) => (wake = r));
      checkStop(stop);
    }
  } finally {
    Atomics.store(ctl, 0, 1);
    clearInterval(timer);
    signal?.removeEventListener('abort', notify);
    for (const w of started) void w.terminate();
  }
  return { results, workerTasks };
}
