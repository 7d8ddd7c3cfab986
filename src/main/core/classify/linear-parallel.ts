// fitLinear with the primal solver's independent binary problems on worker threads (linear-worker.ts):
// the same model, bit for bit, in about half the wall time on two cores (issue 15's MELD-size retrain).
/*
 * With probabilities a fit is (folds + 1) x classes one-vs-rest binary problems (28 for 7 classes and
 * 3 folds), none depending on another under TRON (no Rng, cold starts). They go to a few workers, each
 * taking the next task when it finishes one (the full fit's first: they are the largest); the rows are
 * shared once through SharedArrayBuffers (LinearRows.toShared). Fold assignment (the Rng), decision
 * values and sigmoids stay here, in fitLinear's order (linear-calibrate.ts), so the result is
 * fitLinear's. The dual solver stays sequential: it draws from one Rng in sequence and warm-starts
 * its folds from the full fit.
 * Falls back to fitLinear when: the solver is the dual, there are under 2 cores or classes, the work
 * is small (MIN_WORK), the bundled worker is missing, or a worker fails (start or run). Cancel: the
 * fit's stop poll (shouldStop / signal, e.g. train's shared flag) is read every 25 ms and at each
 * finished task; a stop raises the workers' shared flag, terminates them and rejects with AbortError.
 */
import { Worker } from 'node:worker_threads';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { foldRows, plattSigmoids, scoreFold, stratifiedFolds } from './linear-calibrate';
import type { LinearRows, SharedLinearRows } from './linear-rows';
import { fitLinear, fitPlan, type FitStyle, type LinearModelData, type LinearOptions } from './linear-solver';
import { Rng } from './rng';
import { checkStop, stopError } from './stop';

/** What a worker gets once (workerData). */
export interface LinearWorkerData {
  rows: SharedLinearRows;
  /** labels of all training rows */
  y: Float64Array;
  /** fold per row (probabilities), else null */
  fold: Int32Array | null;
  C: number;
  classWeight: number[] | null;
  maxIter: number;
  /** Int32[1]: 1 = stop */
  stop: SharedArrayBuffer;
}

/** One binary problem: class `cls` against the rest, on all rows (fold -1) or fold `fold`'s training rows. */
export interface LinearTask {
  id: number;
  fold: number;
  cls: number;
  eps: number;
}

export type LinearTaskResult = { id: number; w: Float64Array; iter: number } | { id: number; error: string; aborted: boolean };

/** Threading knobs of fitLinearParallel (the defaults suit train; tests force or avoid the threads). */
export interface ParallelOptions {
  /** the bundled linear-worker.js (default: findLinearWorker()) */
  workerPath?: string | null;
  /** most worker threads (default: min(os.availableParallelism(), 4)) */
  threads?: number;
  /** least binary problems x (stored values + dim) for threads (default MIN_WORK) */
  minWork?: number;
}

/**
 * Least work worth the threads: binary problems x (stored values + dim), a pass over the rows and the
 * weight vector per Newton / CG step. Measured 2 December 2026 on the shared 2-core machine, synthetic
 * media-like CSR rows (29 text + 200 dense values a row, 100,200 columns, 7 classes, probabilities):
 * 200 rows x 2,020 columns (work 0.2M) 0.2-0.6 s sequential, 0.4-0.9 s threaded (thread start-up);
 * 300 x 100,200 (4.7M) 2.3 s vs 2.1-2.3 s; 10,000 x 100,200 (67M) 7.1-8.1 s vs 3.8-4.0 s idle.
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
 * fitLinear(X, y, o, style), its primal binary problems on worker threads where that pays; the same
 * model and epochs, and the worker threads used (0: fitLinear ran here). Rejects with an AbortError
 * when the fit's stop poll fires.
 */
export async function fitLinearParallel(
  X: LinearRows,
  y: ArrayLike<number>,
  o: LinearOptions,
  style: FitStyle,
  p: ParallelOptions = {},
): Promise<{ model: LinearModelData; epochs: number; threads: number }> {
  const seq = () => ({ ...fitLinear(X, y, o, style), threads: 0 });
  if (style.solver !== 'primal') return seq();
  const { classes, stop, eps, folds, total } = fitPlan(y, o, style);
  const M = classes.length;
  const threads = Math.min(p.threads ?? Math.min(os.availableParallelism(), 4), total);
  const file = p.workerPath === undefined ? findLinearWorker() : p.workerPath;
  if (M < 2 || threads < 2 || total * (X.storedValues() + X.dim) < (p.minWork ?? MIN_WORK) || !file || !fs.existsSync(file)) return seq();
  checkStop(stop);

  // the Rng here, as in fitLinear (whose primal fits draw nothing from it before the folds)
  const fold = o.probability ? stratifiedFolds(new Rng(o.seed), y, classes, folds) : null;
  const tasks: LinearTask[] = classes.map((cls, m) => ({ id: m, fold: -1, cls, eps }));
  const foldClasses: number[][] = [];
  let done = 0;
  let skipped = 0;
  const tick = (): void => o.onProgress?.(++done, total);
  for (let f = 0; fold && f < folds; f++) {
    const { trainClasses } = foldRows(fold, f, y);
    foldClasses.push(trainClasses);
    for (const cls of trainClasses) tasks.push({ id: tasks.length, fold: f, cls, eps: 10 * eps });
    skipped += M - trainClasses.length; // a class no fold model has: no problem to solve, a tick
  }
  const data: LinearWorkerData = {
    rows: X.toShared(),
    y: Float64Array.from(y),
    fold,
    C: o.C,
    classWeight: o.classWeight ? Array.from(o.classWeight) : null,
    maxIter: o.maxIter ?? 1000,
    stop: new SharedArrayBuffer(4),
  };
  const results = await runTasks(file, data, tasks, threads, stop, o.signal, tick);
  if (!results) return seq();
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
  if (!fold) return { model, epochs, threads };
  const dec = Array.from({ length: M }, () => new Float64Array(X.n));
  let first = M;
  foldClasses.forEach((trainClasses, f) => {
    scoreFold(X, fold, f, classes, trainClasses, weights(first, trainClasses.length), dec);
    first += trainClasses.length;
  });
  const { probA, probB } = plattSigmoids(dec, y, classes);
  return { model: { ...model, probA, probB }, epochs, threads };
}

/**
 * The tasks on `threads` workers, each given the next task as it finishes one. Resolves with the
 * results by task id, or null when a worker could not start or failed (the caller then fits
 * sequentially); rejects with an AbortError when `stop` fires.
 */
function runTasks(
  file: string,
  data: LinearWorkerData,
  tasks: LinearTask[],
  threads: number,
  stop: (() => boolean) | undefined,
  signal: AbortSignal | undefined,
  tick: () => void,
): Promise<{ w: Float64Array; iter: number }[] | null> {
  return new Promise((resolve, reject) => {
    const results: { w: Float64Array; iter: number }[] = new Array(tasks.length);
    const workers: Worker[] = [];
    let next = 0;
    let finished = 0;
    let settled = false;
    const end = (): void => {
      settled = true;
      Atomics.store(new Int32Array(data.stop), 0, 1);
      clearInterval(timer);
      signal?.removeEventListener('abort', poll);
      for (const w of workers) void w.terminate();
    };
    const fallBack = (): void => {
      if (settled) return;
      end();
      resolve(null);
    };
    const poll = (): void => {
      if (settled || !stop?.()) return;
      end();
      reject(stopError());
    };
    const timer = setInterval(poll, 25);
    signal?.addEventListener('abort', poll);
    const give = (w: Worker): void => {
      if (next < tasks.length) w.postMessage(tasks[next++]);
    };
    for (let k = 0; k < threads && !settled; k++) {
      let w: Worker;
      try {
        w = new Worker(file, { workerData: data });
      } catch {
        fallBack();
        return;
      }
      workers.push(w);
      w.on('message', (m: LinearTaskResult) => {
        if (settled) return;
        if ('error' in m) {
          if (m.aborted) poll();
          if (!settled) fallBack();
          return;
        }
        results[m.id] = m;
        finished++;
        tick();
        poll();
        if (settled) return;
        if (finished === tasks.length) {
          end();
          resolve(results);
        } else give(w);
      });
      w.on('error', fallBack);
      w.on('exit', fallBack);
      give(w);
    }
  });
}
