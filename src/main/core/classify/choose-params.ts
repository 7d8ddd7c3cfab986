/**
 * Hyper-parameter choice for the SVM: a small grid over C (and gamma for RBF), each candidate
 * trained on the training rows and scored by weighted F1 on a development set. The caller
 * guarantees the scoring rows are a dev split, never test. Candidates are trained without
 * probability estimates (predictions use votes / decision values, which probabilities do not
 * change); retrain the chosen parameters with probabilities afterwards.
 */
import { weightedF1 } from './metrics';
import { balancedClassWeights, gammaScale, trainSvm, type FeatureRows, type SvmOptions } from './svm';
import { predictSparse, sparseFit, trainSparseLinear, type SparseRow } from './sparse-linear-svc';
import { searchPrimalCv } from './linear-cv';
import type { ParallelOptions } from './linear-parallel';
import { checkStop, type ShouldStop } from './stop';
import { Rng } from './rng';

export interface ChooseParamsOptions {
  kernel: 'rbf' | 'linear';
  balanced: boolean;
  /** C values to try (default [0.1, 1, 10]) */
  Cs?: number[];
  /**
   * gamma values for RBF: numbers, or 'scale' (sklearn's), or `{ scale: f }` meaning f * scale
   * (default ['scale', {scale: 0.3}, {scale: 3}]); ignored for linear
   */
  gammas?: Array<number | 'scale' | { scale: number }>;
  seed?: number;
  nClasses?: number;
  /** passed through to trainSvm */
  cacheMB?: number;
  linearSolver?: 'primal' | 'dual';
  /** after each candidate: index, total and the candidate's score */
  onProgress?: (done: number, total: number, score: GridScore) => void;
  /** polled between candidates and inside each candidate's solver: true stops with an AbortError */
  shouldStop?: ShouldStop;
}

export interface GridScore {
  C: number;
  /** resolved gamma (null for linear) */
  gamma: number | null;
  /** how the gamma was given ('scale', a number, or 'f*scale') */
  gammaLabel: string | null;
  weighted_f1: number;
  trainSeconds: number;
  /** sparse linear grid: whether this candidate used balanced class weights */
  balanced?: boolean;
}

export interface ChosenParams {
  best: { C: number; gamma: number | null; gammaLabel: string | null; weighted_f1: number };
  scores: GridScore[];
}

export function chooseParams(
  Xtrain: FeatureRows,
  ytrain: number[],
  Xdev: FeatureRows,
  ydev: number[],
  o: ChooseParamsOptions,
): ChosenParams {
  if (Xdev.length === 0) throw new Error('chooseParams: empty dev set');
  let maxY = -1;
  for (const c of ytrain) maxY = Math.max(maxY, c);
  for (const c of ydev) maxY = Math.max(maxY, c);
  const nClasses = o.nClasses ?? maxY + 1;
  const Cs = o.Cs ?? [0.1, 1, 10];
  const grid: Array<{ C: number; gamma: number | null; label: string | null }> = [];
  if (o.kernel === 'rbf') {
    const scale = gammaScale(Xtrain);
    const gammas = o.gammas ?? ['scale', { scale: 0.3 }, { scale: 3 }];
    for (const C of Cs) {
      for (const g of gammas) {
        if (g === 'scale') grid.push({ C, gamma: scale, label: 'scale' });
        else if (typeof g === 'number') grid.push({ C, gamma: g, label: String(g) });
        else grid.push({ C, gamma: g.scale * scale, label: `${g.scale}*scale` });
      }
    }
  } else {
    for (const C of Cs) grid.push({ C, gamma: null, label: null });
  }
  const scores: GridScore[] = [];
  for (const cand of grid) {
    checkStop(o.shouldStop);
    const opts: SvmOptions = {
      kernel: o.kernel,
      C: cand.C,
      balanced: o.balanced,
      probability: false,
      seed: o.seed ?? 0,
      nClasses,
      cacheMB: o.cacheMB,
      linearSolver: o.linearSolver,
      shouldStop: o.shouldStop,
    };
    if (cand.gamma !== null) opts.gamma = cand.gamma;
    const model = trainSvm(Xtrain, ytrain, opts);
    const pred = model.predict(Xdev);
    const s: GridScore = {
      C: cand.C,
      gamma: cand.gamma,
      gammaLabel: cand.label,
      weighted_f1: weightedF1(nClasses, ydev, pred),
      trainSeconds: model.info.trainSeconds,
    };
    scores.push(s);
    o.onProgress?.(scores.length, grid.length, s);
  }
  // best score; ties go to the earlier grid entry (smaller C, then the listed gamma order)
  let best = scores[0];
  for (const s of scores) if (s.weighted_f1 > best.weighted_f1) best = s;
  return { best: { C: best.C, gamma: best.gamma, gammaLabel: best.gammaLabel, weighted_f1: best.weighted_f1 }, scores };
}

export interface SparseChoiceOptions {
  Cs: number[];
  /** class weightings to try: false = all 1, true = balanced (both: chosen on dev too) */
  balanced: boolean[];
  d: number;
  nClasses: number;
  seed: number;
  signal?: AbortSignal;
  /** the linear solver of every candidate fit (trainSparseLinear's default when absent) */
  solver?: 'primal' | 'dual';
  onProgress?: (done: number, total: number, score: GridScore) => void;
}

/**
 * The same choice for the sparse linear SVM (sparse-linear-svc.ts): every C x weighting trained
 * on the training rows without probabilities and scored by weighted F1 on the dev rows; ties go
 * to the earlier candidate (unweighted first, then smaller C). Async: it gives the event loop a
 * turn after each candidate, so that a cancel (Ctrl-C, the app's cancel request) gets through.
 */
export async function chooseSparseLinear(
  Xtrain: readonly SparseRow[],
  ytrain: number[],
  Xdev: readonly SparseRow[],
  ydev: number[],
  o: SparseChoiceOptions,
): Promise<ChosenParams & { bestBalanced: boolean }> {
  if (Xdev.length === 0) throw new Error('chooseSparseLinear: empty dev set');
  const scores: GridScore[] = [];
  const total = o.Cs.length * o.balanced.length;
  for (const bal of o.balanced) {
    const classWeight = bal ? balancedClassWeights(ytrain, o.nClasses) : undefined;
    for (const C of o.Cs) {
      const t0 = performance.now();
      const m = trainSparseLinear(Xtrain, o.d, ytrain, {
        C,
        classWeight,
        probability: false,
        seed: o.seed,
        signal: o.signal,
        solver: o.solver,
      });
      const s: GridScore = {
        C,
        gamma: null,
        gammaLabel: null,
        weighted_f1: weightedF1(o.nClasses, ydev, predictSparse(m, Xdev)),
        trainSeconds: (performance.now() - t0) / 1000,
        balanced: bal,
      };
      scores.push(s);
      o.onProgress?.(scores.length, total, s);
      await new Promise((r) => setImmediate(r));
    }
  }
  let best = scores[0];
  for (const s of scores) if (s.weighted_f1 > best.weighted_f1) best = s;
  return { best: { C: best.C, gamma: null, gammaLabel: null, weighted_f1: best.weighted_f1 }, scores, bestBalanced: !!best.balanced };
}

export interface SparseCvOptions extends SparseChoiceOptions {
  /** the training rows' group (dialogue); rows of one group stay in one fold */
  groups: readonly (string | number | null)[];
  /** folds (default 3) */
  folds?: number;
  /**
   * primal solver: each fold and class solved along the Cs ascending, each C's TRON starting from
   * the previous C's weights (LIBLINEAR's -C search; default true, 40% fewer Newton iterations on
   * the 10,000-row media retrain, linear-cv.ts); false: every C from 0 (the scores of before)
   */
  warmStart?: boolean;
  /** primal solver: the search's threading (linear-parallel.ts; tests force or avoid the threads) */
  parallel?: ParallelOptions;
}

export interface CvScore extends GridScore {
  /** weighted F1 of each fold's held-out rows */
  folds: number[];
}

/**
 * Assigns whole groups to k folds: groups in a seeded random order, each to the fold with the fewest
 * rows so far (rows without a group are their own group). Returns the fold of each row.
 */
export function groupFolds(groups: readonly (string | number | null)[], k: number, seed: number): Int32Array {
  const members = new Map<string, number[]>();
  groups.forEach((g, i) => {
    const key = g === null ? `\u0000row${i}` : String(g);
    const m = members.get(key);
    if (m) m.push(i);
    else members.set(key, [i]);
  });
  const keys = [...members.keys()];
  const rng = new Rng(seed);
  for (let i = keys.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [keys[i], keys[j]] = [keys[j], keys[i]];
  }
  const size = new Array<number>(k).fill(0);
  const fold = new Int32Array(groups.length);
  for (const key of keys) {
    let f = 0;
    for (let j = 1; j < k; j++) if (size[j] < size[f]) f = j;
    for (const i of members.get(key)!) fold[i] = f;
    size[f] += members.get(key)!.length;
  }
  return fold;
}

/**
 * C and class weighting for the sparse linear SVM by cross-validation on the TRAINING rows only,
 * folds grouped by dialogue (utterances of one dialogue never sit on both sides): each candidate is
 * scored by the mean over folds of the held-out fold's weighted F1. Ties (within 1e-9) go to the
 * earlier candidate (unweighted first, then smaller C). No dev or test row is seen here, so the
 * dev split stays free to confirm the choice.
 */
export async function chooseSparseLinearCv(
  X: readonly SparseRow[],
  y: number[],
  o: SparseCvOptions,
): Promise<ChosenParams & { bestBalanced: boolean; scores: CvScore[] }> {
  const k = Math.max(2, Math.min(o.folds ?? 3, new Set(o.groups).size));
  const fold = groupFolds(o.groups, k, o.seed);
  if (o.solver === 'primal') return choosePrimalCv(X, y, fold, k, o);
  const parts = [...Array(k).keys()].map((f) => {
    const train: number[] = [];
    const held: number[] = [];
    for (let i = 0; i < X.length; i++) (fold[i] === f ? held : train).push(i);
    return { Xt: train.map((i) => X[i]), yt: train.map((i) => y[i]), Xh: held.map((i) => X[i]), yh: held.map((i) => y[i]) };
  });
  const scores: CvScore[] = [];
  const total = o.Cs.length * o.balanced.length;
  for (const bal of o.balanced) {
    for (const C of o.Cs) {
      const t0 = performance.now();
      const per: number[] = [];
      for (const p of parts) {
        const classWeight = bal ? balancedClassWeights(p.yt, o.nClasses) : undefined;
        const m = trainSparseLinear(p.Xt, o.d, p.yt, {
          C,
          classWeight,
          probability: false,
          seed: o.seed,
          signal: o.signal,
          solver: o.solver,
        });
        per.push(weightedF1(o.nClasses, p.yh, predictSparse(m, p.Xh)));
        await new Promise((r) => setImmediate(r));
      }
      const mean = per.reduce((a, b) => a + b, 0) / per.length;
      const s: CvScore = {
        C,
        gamma: null,
        gammaLabel: null,
        weighted_f1: mean,
        trainSeconds: (performance.now() - t0) / 1000,
        balanced: bal,
        folds: per,
      };
      scores.push(s);
      o.onProgress?.(scores.length, total, s);
    }
  }
  return bestOfCv(scores);
}

/**
 * chooseSparseLinearCv for the primal solver (linear-cv.ts): the training rows built once, the
 * binary problems of every candidate and fold on threads; the same candidates and choice rule, the
 * scores within TRON's tolerance of the per-candidate fits' (bit for bit with warmStart false). A
 * score's trainSeconds is the candidate's share: the seconds its binary problems took to solve,
 * summed over the threads that solved them.
 */
async function choosePrimalCv(
  X: readonly SparseRow[],
  y: number[],
  fold: Int32Array,
  k: number,
  o: SparseCvOptions,
): Promise<ChosenParams & { bestBalanced: boolean; scores: CvScore[] }> {
  // the checks and the CSR block (and its WebAssembly copy) of trainSparseLinear, once
  const { rows } = sparseFit(X, o.d, y, { C: Math.min(...o.Cs), probability: false, seed: o.seed, solver: 'primal' });
  const classWeights: (number[] | null)[] = [];
  for (const bal of o.balanced) {
    for (let f = 0; f < k; f++)
      classWeights.push(
        bal
          ? balancedClassWeights(
              y.filter((_, i) => fold[i] !== f),
              o.nClasses,
            )
          : null,
      );
  }
  const { scores } = await searchPrimalCv(rows, y, {
    Cs: o.Cs,
    balanced: o.balanced,
    nClasses: o.nClasses,
    fold,
    folds: k,
    classWeights,
    warm: o.warmStart ?? true,
    signal: o.signal,
    onProgress: o.onProgress,
    parallel: o.parallel,
  });
  return bestOfCv(scores);
}

/** The CV choice: the highest mean held-out score; ties (within 1e-9) to the earlier candidate. */
function bestOfCv(scores: CvScore[]): ChosenParams & { bestBalanced: boolean; scores: CvScore[] } {
  let best = scores[0];
  for (const s of scores) if (s.weighted_f1 > best.weighted_f1 + 1e-9) best = s;
  return { best: { C: best.C, gamma: null, gammaLabel: null, weighted_f1: best.weighted_f1 }, scores, bestBalanced: !!best.balanced };
}
