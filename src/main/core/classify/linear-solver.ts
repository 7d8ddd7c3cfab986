// The linear SVM's one solver for dense and sparse rows (LinearRows): one-vs-rest L2-regularised SVM
// with a bias feature, LIBLINEAR's dual coordinate descent or TRON, and the CV-fitted Platt sigmoids.
/*
 * Hand-written because no maintained LIBLINEAR build exists on npm. The model: in class k's binary
 * problem the positive rows get C * classWeight[k], the negatives C (LIBLINEAR's and sklearn's
 * LinearSVC one-vs-rest). Solvers:
 * - 'dual': dual coordinate descent with shrinking (Hsieh et al., ICML 2008; LIBLINEAR's
 *   solve_l2r_l1l2_svc, -s 1 for the squared hinge, -s 3 with loss 'l1'; eps default 0.1); fast for
 *   small C, but it runs into its 1000-epoch limit when C is ~1 on a few hundred standardised
 *   features (so does LIBLINEAR itself);
 * - 'primal': trust-region Newton on the squared hinge (LIBLINEAR -s 2, linear-tron.ts; eps default
 *   0.01), much faster when C is not small.
 * Probabilities follow sklearn's CalibratedClassifierCV(method='sigmoid', ensemble=False): decision
 * values from a stratified, seeded k-fold CV (fold models with a 10x looser tolerance) get one Platt
 * sigmoid per class (LIBSVM's sigmoid_train); the model itself is trained on all rows; at prediction
 * the per-class sigmoids are normalised to sum to 1.
 *
 * Speed: the per-row calls through LinearRows cost nothing measurable against the two solvers they
 * replaced (CPU seconds by process.cpuUsage, 3 runs each alternating, 2-core shared machine; MELD quick
 * retrain, 9,989 sparse rows x 72,901, C 0.2 balanced, probabilities: 2.07-2.49 before, 2.06-2.38 after;
 * the same after dense fits made the call sites polymorphic: 2.09-2.32 before, 1.92-2.32 after; dense
 * 9,989 x 256 dual 4.47-5.24 / 4.13-4.67, TRON 3.34-3.84 / 3.61-3.83), so no per-layout copies.
 */
import { sigmoidPredict } from './libsvm-port';
import { foldRows, plattSigmoids, scoreFold, stratifiedFolds } from './linear-calibrate';
import type { LinearRows } from './linear-rows';
import { primalBinary } from './linear-tron';
import { Rng } from './rng';
import { checkStop, type ShouldStop } from './stop';

/** Options of the linear SVM, dense (trainLinear) or sparse (trainSparseLinear). */
export interface LinearOptions {
  C: number;
  /** weight per class index (C of the positive rows of class k's one-vs-rest problem = C * classWeight[k]); missing = 1 */
  classWeight?: ArrayLike<number>;
  probability: boolean;
  seed: number;
  /**
   * stopping tolerance (LIBLINEAR -e): default 0.01 primal, 0.1 dual (on MELD text the dual's 0.1
   * gives the same dev weighted F1 as 0.01, 0.552 vs 0.551, in half the time)
   */
  eps?: number;
  /** most Newton iterations / epochs per binary problem (default 1000) */
  maxIter?: number;
  /** cross-validation folds for the probability sigmoids (default 3) */
  folds?: number;
  onProgress?: (done: number, total: number) => void;
  /** 'primal' TRON or 'dual' coordinate descent; default: 'primal' for dense rows, 'dual' for sparse (train: sparseSolverFor) */
  solver?: 'primal' | 'dual';
  /** dual solver only: 'l2' squared hinge (default) or 'l1' hinge */
  loss?: 'l1' | 'l2';
  /** polled between binary problems and each epoch / Newton step: true stops the fit with an AbortError */
  shouldStop?: ShouldStop;
  /** as shouldStop: an aborted signal stops the fit with an AbortError */
  signal?: AbortSignal;
}

export interface LinearModelData {
  nFeatures: number;
  /** present class indices, ascending */
  classes: number[];
  /** row-major classes.length x (nFeatures + 1); last column is the bias */
  W: Float64Array;
  /** Platt sigmoid per present class, or null */
  probA: Float64Array | null;
  probB: Float64Array | null;
}

/**
 * The solver for the sparse linear SVM's rows (train's linear path): 'primal' when the rows carry a
 * dense block (the standardised audio/video columns, `denseColumns` of them), 'dual' otherwise.
 * Measured 2 December 2026, CPU s by process.cpuUsage, bench/linear-solver-bench.ts: dense columns
 * that do not separate the labels make the dual need more epochs as the rows grow (90 dense + 10
 * hashed text columns, random MELD-proportion labels, C 1, 10,000 rows: dual 19.5 s, primal 1.5 s;
 * with probabilities 42.3 s vs 6.6 s; same objective within 3e-4), while on MELD's 9,989 text-only
 * rows (C 0.2 balanced) the primal is 3x slower (full fit with probabilities 4.6-5.7 s vs 1.4-1.9 s)
 * for the same held-out weighted F1 (0.5648 vs 0.5643, grouped 3-fold CV on train).
 */
export function sparseSolverFor(denseColumns: number): 'primal' | 'dual' {
  return denseColumns > 0 ? 'primal' : 'dual';
}

/**
 * How a caller's fits went before the dense and sparse solvers were merged; kept so that each gives
 * the models it gave (both shuffles are uniform; one fold start was measured, the other not).
 */
export interface FitStyle {
  solver: 'primal' | 'dual';
  /** the dual's per-epoch shuffle: LIBLINEAR's forward swaps, or Rng.shuffle's Fisher-Yates */
  shuffle: 'liblinear' | 'fisher-yates';
  /**
   * dual: the probability folds start from the full fit's dual variables of their rows (the fold's
   * optimum is near, so a few epochs reach it); otherwise cold (warm starts from the full model
   * were measured to slow TRON down badly on separable rare classes)
   */
  warmFolds: boolean;
}

/**
 * LIBLINEAR's solve_l2r_l1l2_svc on rows X with labels y (+-1) and per-row C, from the dual
 * variables alpha0 when given. @returns w of length X.dim, the dual variables and the epochs run
 */
function solveDual(
  X: LinearRows,
  y: Int8Array,
  Ci: Float64Array,
  eps: number,
  maxIter: number,
  rng: Rng,
  loss: 'l1' | 'l2',
  shuffle: FitStyle['shuffle'],
  alpha0: Float64Array | undefined,
  stop: ShouldStop | undefined,
): { w: Float64Array; alpha: Float64Array; epochs: number } {
  const n = X.n;
  const w = new Float64Array(X.dim);
  // warm start (LIBLINEAR's trick for nearby problems): w = sum alpha_i y_i x_i of the given alphas
  const alpha = alpha0 ? Float64Array.from(alpha0) : new Float64Array(n);
  if (alpha0) {
    for (let i = 0; i < n; i++) {
      const a = alpha[i] * y[i];
      if (a !== 0) X.axpy(i, a, w);
    }
  }
  const diag = new Float64Array(n);
  const QD = new Float64Array(n);
  const index = new Int32Array(n);
  const upper = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    upper[i] = loss === 'l2' ? Infinity : Ci[i];
    diag[i] = loss === 'l2' ? 0.5 / Ci[i] : 0;
    QD[i] = X.addSqNorm(i, diag[i]);
    index[i] = i;
  }
  let activeSize = n;
  let PGmaxOld = Infinity;
  let PGminOld = -Infinity;
  let iter = 0;
  while (iter < maxIter) {
    checkStop(stop);
    let PGmaxNew = -Infinity;
    let PGminNew = Infinity;
    if (shuffle === 'fisher-yates') rng.shuffle(index, activeSize);
    else {
      for (let i = 0; i < activeSize; i++) {
        const j = i + rng.int(activeSize - i);
        const t = index[i];
        index[i] = index[j];
        index[j] = t;
      }
    }
    for (let s = 0; s < activeSize; s++) {
      const i = index[s];
      const yi = y[i];
      const G = yi * X.dot(i, w) - 1 + alpha[i] * diag[i];
      let PG = 0;
      if (alpha[i] === 0) {
        if (G > PGmaxOld) {
          // shrink: this row is unlikely to become a support vector
          activeSize--;
          index[s] = index[activeSize];
          index[activeSize] = i;
          s--;
          continue;
        } else if (G < 0) {
          PG = G;
        }
      } else if (alpha[i] === upper[i]) {
        if (G < PGminOld) {
          activeSize--;
          index[s] = index[activeSize];
          index[activeSize] = i;
          s--;
          continue;
        } else if (G > 0) {
          PG = G;
        }
      } else {
        PG = G;
      }
      if (PG > PGmaxNew) PGmaxNew = PG;
      if (PG < PGminNew) PGminNew = PG;
      if (Math.abs(PG) > 1e-12) {
        const old = alpha[i];
        const a = Math.min(Math.max(old - G / QD[i], 0), upper[i]);
        alpha[i] = a;
        X.axpy(i, (a - old) * yi, w);
      }
    }
    iter++;
    if (PGmaxNew - PGminNew <= eps) {
      if (activeSize === n) break;
      // converged on the active set: check every row once more
      activeSize = n;
      PGmaxOld = Infinity;
      PGminOld = -Infinity;
      continue;
    }
    PGmaxOld = PGmaxNew;
    PGminOld = PGminNew;
    if (PGmaxOld <= 0) PGmaxOld = Infinity;
    if (PGminOld >= 0) PGminOld = -Infinity;
  }
  return { w, alpha, epochs: iter };
}

/** What every one-vs-rest fit of one fitLinear call shares. */
interface OvrContext {
  /** labels of all training rows */
  y: ArrayLike<number>;
  o: LinearOptions;
  style: FitStyle;
  rng: Rng;
  stop: ShouldStop | undefined;
  /** one binary problem done */
  tick: () => void;
}

/**
 * One binary problem per class of `classes` over the rows X (row r is training row rows[r]).
 * `warm`: each class's dual variables per training row from an earlier fit, the starting point;
 * `keep` receives this fit's dual variables per training row (dual solver only).
 */
function trainOvr(
  cx: OvrContext,
  X: LinearRows,
  rows: Int32Array,
  classes: number[],
  eps: number,
  warm?: Map<number, Float64Array>,
  keep?: Map<number, Float64Array>,
): { W: Float64Array; epochs: number } {
  const { y, o, style, rng, stop } = cx;
  const n = rows.length;
  const d1 = X.dim;
  const Ci = new Float64Array(n);
  const W = new Float64Array(classes.length * d1);
  const yy = new Int8Array(n);
  let epochs = 0;
  for (let m = 0; m < classes.length; m++) {
    checkStop(stop);
    // as LIBLINEAR's one-vs-rest: the class weight scales C of the positive rows only (the
    // negatives of every binary problem keep C); weighting each row by its own class instead
    // was measured to lose 3 points of MELD dev weighted F1 against sklearn's LinearSVC
    const Cpos = o.C * (o.classWeight?.[classes[m]] ?? 1);
    if (style.solver === 'primal') {
      const sol = primalBinary(X, y, rows, classes[m], Cpos, o.C, eps, o.maxIter ?? 1000, stop);
      epochs += sol.iter;
      W.set(sol.w, m * d1);
    } else {
      for (let r = 0; r < n; r++) {
        yy[r] = y[rows[r]] === classes[m] ? 1 : -1;
        Ci[r] = yy[r] > 0 ? Cpos : o.C;
      }
      const w0 = warm?.get(classes[m]);
      const alpha0 = w0 ? Float64Array.from(rows, (r) => w0[r]) : undefined;
      const sol = solveDual(X, yy, Ci, eps, o.maxIter ?? 1000, rng, o.loss ?? 'l2', style.shuffle, alpha0, stop);
      W.set(sol.w, m * d1);
      epochs += sol.epochs;
      if (keep) {
        const full = new Float64Array(y.length);
        rows.forEach((r, k) => (full[r] = sol.alpha[k]));
        keep.set(classes[m], full);
      }
    }
    cx.tick();
  }
  return { W, epochs };
}

/**
 * The one-vs-rest model of the rows X (all training rows, labels y) and, with o.probability, its
 * per-class Platt sigmoids; `epochs` sums the solver's epochs / Newton iterations of every fit.
 */
export function fitLinear(
  X: LinearRows,
  y: ArrayLike<number>,
  o: LinearOptions,
  style: FitStyle,
): { model: LinearModelData; epochs: number } {
  const n = X.n;
  const d = X.dim - 1;
  const { classes, stop, eps, folds, total } = fitPlan(y, o, style);
  const M = classes.length;
  if (M === 1) return { model: { nFeatures: d, classes, W: new Float64Array(d + 1), probA: null, probB: null }, epochs: 0 };
  const rng = new Rng(o.seed);
  let done = 0;
  const tick = (): void => o.onProgress?.(++done, total);
  const cx: OvrContext = { y, o, style, rng, stop, tick };
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const alphas = o.probability && style.warmFolds ? new Map<number, Float64Array>() : undefined;
  const fit = trainOvr(cx, X, all, classes, eps, undefined, alphas);
  let epochs = fit.epochs;
  if (!o.probability) return { model: { nFeatures: d, classes, W: fit.W, probA: null, probB: null }, epochs };

  const fold = stratifiedFolds(rng, y, classes, folds);
  const dec = Array.from({ length: M }, () => new Float64Array(n));
  for (let f = 0; f < folds; f++) {
    const { train, trainClasses } = foldRows(fold, f, y);
    // a 10x looser tolerance: calibration needs only rough decision values, and on held-out data
    // this was measured to calibrate as well (log loss 0.753 vs 0.771, macro AUC 0.937 vs 0.936) in
    // 25% less time
    const sub = trainOvr(cx, X.subset(train), train, trainClasses, 10 * eps, alphas);
    for (let k = trainClasses.length; k < M; k++) tick();
    epochs += sub.epochs;
    scoreFold(X, fold, f, classes, trainClasses, sub.W, dec);
  }
  const { probA, probB } = plattSigmoids(dec, y, classes);
  return { model: { nFeatures: d, classes, W: fit.W, probA, probB }, epochs };
}

/** What a fit of fitLinear's options does: its classes, stop poll, tolerance, folds and binary problems. */
export function fitPlan(
  y: ArrayLike<number>,
  o: LinearOptions,
  style: FitStyle,
): { classes: number[]; stop: ShouldStop | undefined; eps: number; folds: number; total: number } {
  const classes = Array.from(new Set(Array.from(y))).sort((a, b) => a - b);
  const signal = o.signal;
  const shouldStop = o.shouldStop;
  const stop = signal ? () => signal.aborted || (shouldStop?.() ?? false) : shouldStop;
  const eps = o.eps ?? (style.solver === 'dual' ? 0.1 : 0.01);
  const folds = Math.max(2, o.folds ?? 3);
  return { classes, stop, eps, folds, total: classes.length * (o.probability ? folds + 1 : 1) };
}

/** Class with the largest decision value (ties to the lower class), as LIBLINEAR. */
export function argmaxClass(m: Pick<LinearModelData, 'classes'>, s: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < m.classes.length; k++) if (s[k] > s[best]) best = k;
  return m.classes[best];
}

/** Normalised per-class Platt probabilities of one row's decision values, columns 0..nClasses-1. */
export function plattProba(m: LinearModelData, s: ArrayLike<number> | null, nClasses: number): number[] {
  const out = new Array<number>(nClasses).fill(0);
  const M = m.classes.length;
  if (M === 1) {
    out[m.classes[0]] = 1;
    return out;
  }
  if (!m.probA || !m.probB || !s) throw new Error('SVM was trained without probability estimates');
  const p = new Array<number>(M);
  let sum = 0;
  for (let k = 0; k < M; k++) {
    p[k] = Math.max(sigmoidPredict(s[k], m.probA[k], m.probB[k]), 1e-12);
    sum += p[k];
  }
  for (let k = 0; k < M; k++) out[m.classes[k]] = p[k] / sum;
  return out;
}
