/**
 * Multi-class C-SVC with RBF kernel as LIBSVM's svm_train / svm_predict / svm_predict_probability
 * (one-vs-one, per-class C, optional probability estimates), on top of the solver port.
 */
import { GramCache, multiclassProbability, sigmoidPredict, sigmoidTrain, solveCSVC, type DenseRows } from './libsvm-port';
import { Rng } from './rng';
import type { ShouldStop } from './stop';

export interface RbfTrainOptions {
  C: number;
  gamma: number;
  /** weight per class index (C of class k = C * classWeight[k]); missing = 1 */
  classWeight?: ArrayLike<number>;
  probability: boolean;
  seed: number;
  /** kernel cache budget in bytes (default 512 MiB) */
  cacheBytes?: number;
  /** stopping tolerance (LIBSVM -e, default 1e-3) */
  eps?: number;
  shrinking?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** polled inside the solver: true stops the fit with an AbortError (a cancelled job) */
  shouldStop?: ShouldStop;
}

export interface RbfModelData {
  nFeatures: number;
  gamma: number;
  /** present class indices, ascending; model class m is class classes[m] */
  classes: number[];
  /** support vectors per model class */
  nSV: number[];
  /** support vectors, row-major totalSV x nFeatures */
  sv: Float32Array | Float64Array;
  /** LIBSVM's sv_coef, row-major (nr_class - 1) x totalSV */
  svCoef: Float64Array;
  /** one per class pair (0,1), (0,2), ..., (1,2), ... */
  rho: Float64Array;
  probA: Float64Array | null;
  probB: Float64Array | null;
  /** training row index of each support vector */
  svIndices: Int32Array;
}

export interface RbfTrainInfo {
  iterations: number;
  kernelRows: number;
}

const DEFAULT_CACHE = 512 * 1024 * 1024;

export function trainRbf(X: DenseRows, y: ArrayLike<number>, o: RbfTrainOptions): { model: RbfModelData; info: RbfTrainInfo } {
  const n = X.length;
  if (n === 0) throw new Error('trainRbf: no rows');
  const d = X[0].length;
  const classes = Array.from(new Set(Array.from(y))).sort((a, b) => a - b);
  const M = classes.length;
  const byClass: number[][] = classes.map(() => []);
  const classPos = new Map(classes.map((c, m) => [c, m]));
  for (let i = 0; i < n; i++) byClass[classPos.get(y[i]) as number].push(i);
  const count = byClass.map((r) => r.length);
  const start: number[] = [];
  let acc = 0;
  for (const c of count) {
    start.push(acc);
    acc += c;
  }
  const perm = byClass.flat(); // rows grouped by class, input order within a class
  const weightedC = classes.map((c) => o.C * (o.classWeight?.[c] ?? 1));
  const cacheBytes = o.cacheBytes ?? DEFAULT_CACHE;
  const eps = o.eps ?? 1e-3;
  const shrinking = o.shrinking ?? true;
  const rng = new Rng(o.seed);
  const nPairs = (M * (M - 1)) / 2;
  const totalSteps = Math.max(1, nPairs * (o.probability ? 6 : 1));
  let steps = 0;
  const tick = (): void => {
    steps++;
    o.onProgress?.(steps, totalSteps);
  };

  // one Gram cache over all rows when it fits the budget; otherwise one per class pair
  const globalGram = 4 * n * n <= cacheBytes ? new GramCache(X, perm, o.gamma, cacheBytes) : null;
  let kernelRows = 0;
  let iterations = 0;
  const nonzero = new Uint8Array(n); // by position in perm
  const pairCoef: Float64Array[] = [];
  const rho = new Float64Array(nPairs);
  const probA = o.probability ? new Float64Array(nPairs) : null;
  const probB = o.probability ? new Float64Array(nPairs) : null;

  let p = 0;
  for (let i = 0; i < M; i++) {
    for (let j = i + 1; j < M; j++) {
      const ci = count[i];
      const cj = count[j];
      const l = ci + cj;
      let gram: GramCache;
      const uidx = new Int32Array(l);
      if (globalGram) {
        gram = globalGram;
        for (let k = 0; k < ci; k++) uidx[k] = start[i] + k;
        for (let k = 0; k < cj; k++) uidx[ci + k] = start[j] + k;
      } else {
        const universe = new Int32Array(l);
        for (let k = 0; k < ci; k++) universe[k] = perm[start[i] + k];
        for (let k = 0; k < cj; k++) universe[ci + k] = perm[start[j] + k];
        gram = new GramCache(X, universe, o.gamma, cacheBytes);
        for (let k = 0; k < l; k++) uidx[k] = k;
      }
      const sy = new Int8Array(l);
      for (let k = 0; k < l; k++) sy[k] = k < ci ? 1 : -1;
      if (probA && probB) {
        const [A, B, it] = binarySvcProbability(gram, uidx, sy, weightedC[i], weightedC[j], rng, eps, shrinking, tick, o.shouldStop);
        probA[p] = A;
        probB[p] = B;
        iterations += it;
      }
      const sol = solveCSVC(gram, uidx, sy, weightedC[i], weightedC[j], eps, shrinking, o.shouldStop);
      iterations += sol.iterations;
      tick();
      rho[p] = sol.rho;
      pairCoef.push(sol.coef);
      for (let k = 0; k < ci; k++) if (sol.coef[k] !== 0) nonzero[start[i] + k] = 1;
      for (let k = 0; k < cj; k++) if (sol.coef[ci + k] !== 0) nonzero[start[j] + k] = 1;
      if (!globalGram) kernelRows += gram.computed;
      p++;
    }
  }
  if (globalGram) kernelRows = globalGram.computed;

  // assemble the model as LIBSVM does
  const nSV = new Array<number>(M).fill(0);
  for (let m = 0; m < M; m++) for (let k = 0; k < count[m]; k++) if (nonzero[start[m] + k]) nSV[m]++;
  const totalSV = nSV.reduce((a, b) => a + b, 0);
  const allF32 = X.every((r) => r instanceof Float32Array);
  const sv = allF32 ? new Float32Array(totalSV * d) : new Float64Array(totalSV * d);
  const svIndices = new Int32Array(totalSV);
  const nzStart: number[] = [];
  {
    let q = 0;
    for (let m = 0; m < M; m++) {
      nzStart.push(q);
      for (let k = 0; k < count[m]; k++) {
        const pos = start[m] + k;
        if (!nonzero[pos]) continue;
        const row = X[perm[pos]];
        for (let t = 0; t < d; t++) sv[q * d + t] = row[t];
        svIndices[q] = perm[pos];
        q++;
      }
    }
  }
  const svCoef = new Float64Array(Math.max(0, M - 1) * totalSV);
  p = 0;
  for (let i = 0; i < M; i++) {
    for (let j = i + 1; j < M; j++) {
      const coef = pairCoef[p];
      const ci = count[i];
      // classifier (i,j): coefficients with i are in sv_coef[j-1][nz_start[i]...],
      // coefficients with j are in sv_coef[i][nz_start[j]...]
      let q = nzStart[i];
      for (let k = 0; k < ci; k++) if (nonzero[start[i] + k]) svCoef[(j - 1) * totalSV + q++] = coef[k];
      q = nzStart[j];
      for (let k = 0; k < count[j]; k++) if (nonzero[start[j] + k]) svCoef[i * totalSV + q++] = coef[ci + k];
      p++;
    }
  }
  return {
    model: { nFeatures: d, gamma: o.gamma, classes, nSV, sv, svCoef, rho, probA, probB, svIndices },
    info: { iterations, kernelRows },
  };
}

/** LIBSVM's svm_binary_svc_probability: 5-fold CV decision values, then a Platt sigmoid. */
function binarySvcProbability(
  gram: GramCache,
  uidx: Int32Array,
  y: Int8Array,
  Cp: number,
  Cn: number,
  rng: Rng,
  eps: number,
  shrinking: boolean,
  tick: () => void,
  shouldStop?: ShouldStop,
): [number, number, number] {
  const l = uidx.length;
  const nrFold = 5;
  const perm = new Int32Array(l);
  for (let i = 0; i < l; i++) perm[i] = i;
  for (let i = 0; i < l; i++) {
    const j = i + rng.int(l - i);
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  const dec = new Float64Array(l);
  let iterations = 0;
  for (let f = 0; f < nrFold; f++) {
    const begin = Math.floor((f * l) / nrFold);
    const end = Math.floor(((f + 1) * l) / nrFold);
    // training part, positives first then negatives (LIBSVM regroups by class inside svm_train)
    const pos: number[] = [];
    const neg: number[] = [];
    for (let k = 0; k < l; k++) {
      if (k >= begin && k < end) continue;
      const r = perm[k];
      (y[r] > 0 ? pos : neg).push(r);
    }
    if (pos.length === 0 || neg.length === 0) {
      const v = pos.length > 0 ? 1 : neg.length > 0 ? -1 : 0;
      for (let k = begin; k < end; k++) dec[perm[k]] = v;
      tick();
      continue;
    }
    const rows = pos.concat(neg);
    const subU = new Int32Array(rows.length);
    const subY = new Int8Array(rows.length);
    for (let k = 0; k < rows.length; k++) {
      subU[k] = uidx[rows[k]];
      subY[k] = y[rows[k]];
    }
    const sol = solveCSVC(gram, subU, subY, Cp, Cn, eps, shrinking, shouldStop);
    iterations += sol.iterations;
    const svU: number[] = [];
    const svC: number[] = [];
    for (let k = 0; k < rows.length; k++) {
      if (sol.coef[k] !== 0) {
        svU.push(subU[k]);
        svC.push(sol.coef[k]);
      }
    }
    for (let k = begin; k < end; k++) {
      const r = perm[k];
      const Kr = gram.row(uidx[r]);
      let s = 0;
      for (let t = 0; t < svU.length; t++) s += svC[t] * Kr[svU[t]];
      dec[r] = s - sol.rho;
    }
    tick();
  }
  const [A, B] = sigmoidTrain(dec, y);
  return [A, B, iterations];
}

/** Convert one input row to doubles. */
function toF64(x: ArrayLike<number>, d: number): Float64Array {
  if (x.length !== d) throw new Error(`SVM: row of length ${x.length}, model expects ${d}`);
  return x instanceof Float64Array ? x : Float64Array.from(x as ArrayLike<number>);
}

/** Kernel values of x against every support vector. */
function kernelValues(m: RbfModelData, x: Float64Array, out: Float64Array): void {
  const d = m.nFeatures;
  const sv = m.sv;
  const g = m.gamma;
  const T = out.length;
  for (let s = 0; s < T; s++) {
    let off = s * d;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let t = 0;
    for (; t + 3 < d; t += 4, off += 4) {
      const e0 = x[t] - sv[off];
      const e1 = x[t + 1] - sv[off + 1];
      const e2 = x[t + 2] - sv[off + 2];
      const e3 = x[t + 3] - sv[off + 3];
      a0 += e0 * e0;
      a1 += e1 * e1;
      a2 += e2 * e2;
      a3 += e3 * e3;
    }
    for (; t < d; t++, off++) {
      const e = x[t] - sv[off];
      a0 += e * e;
    }
    out[s] = Math.exp(-g * (a0 + a1 + (a2 + a3)));
  }
}

/** One-vs-one decision values (LIBSVM's svm_predict_values) for one row. */
function decisionValues(m: RbfModelData, kv: Float64Array, dec: Float64Array): void {
  const M = m.classes.length;
  const T = kv.length;
  const start: number[] = [];
  let acc = 0;
  for (const c of m.nSV) {
    start.push(acc);
    acc += c;
  }
  let p = 0;
  for (let i = 0; i < M; i++) {
    for (let j = i + 1; j < M; j++) {
      let sum = 0;
      const si = start[i];
      const sj = start[j];
      const c1 = (j - 1) * T;
      const c2 = i * T;
      for (let k = 0; k < m.nSV[i]; k++) sum += m.svCoef[c1 + si + k] * kv[si + k];
      for (let k = 0; k < m.nSV[j]; k++) sum += m.svCoef[c2 + sj + k] * kv[sj + k];
      dec[p] = sum - m.rho[p];
      p++;
    }
  }
}

/** Predicted class index per row by one-vs-one voting (ties to the lower class), as svm_predict. */
export function predictRbf(m: RbfModelData, X: DenseRows): number[] {
  const M = m.classes.length;
  if (M === 1) return X.map(() => m.classes[0]);
  const T = m.sv.length / m.nFeatures;
  const kv = new Float64Array(T);
  const dec = new Float64Array((M * (M - 1)) / 2);
  const vote = new Int32Array(M);
  return X.map((row) => {
    kernelValues(m, toF64(row, m.nFeatures), kv);
    decisionValues(m, kv, dec);
    vote.fill(0);
    let p = 0;
    for (let i = 0; i < M; i++) for (let j = i + 1; j < M; j++) vote[dec[p++] > 0 ? i : j]++;
    let best = 0;
    for (let i = 1; i < M; i++) if (vote[i] > vote[best]) best = i;
    return m.classes[best];
  });
}

/** One-vs-one decision values per row, pairs in LIBSVM order. */
export function decisionRbf(m: RbfModelData, X: DenseRows): number[][] {
  const M = m.classes.length;
  const T = m.sv.length / m.nFeatures;
  const kv = new Float64Array(T);
  const dec = new Float64Array((M * (M - 1)) / 2);
  return X.map((row) => {
    kernelValues(m, toF64(row, m.nFeatures), kv);
    decisionValues(m, kv, dec);
    return Array.from(dec);
  });
}

/** Class probabilities (svm_predict_probability), columns in class-index order 0..nClasses-1. */
export function predictProbaRbf(m: RbfModelData, X: DenseRows, nClasses: number): number[][] {
  const M = m.classes.length;
  if (!m.probA || !m.probB) {
    if (M === 1) return X.map(() => oneHot(nClasses, m.classes[0]));
    throw new Error('SVM was trained without probability estimates');
  }
  const T = m.sv.length / m.nFeatures;
  const kv = new Float64Array(T);
  const dec = new Float64Array((M * (M - 1)) / 2);
  const r: Float64Array[] = Array.from({ length: M }, () => new Float64Array(M));
  const minProb = 1e-7;
  return X.map((row) => {
    if (M === 1) return oneHot(nClasses, m.classes[0]);
    kernelValues(m, toF64(row, m.nFeatures), kv);
    decisionValues(m, kv, dec);
    let p = 0;
    for (let i = 0; i < M; i++) {
      for (let j = i + 1; j < M; j++) {
        const v = Math.min(Math.max(sigmoidPredict(dec[p], m.probA![p], m.probB![p]), minProb), 1 - minProb);
        r[i][j] = v;
        r[j][i] = 1 - v;
        p++;
      }
    }
    const probs = M === 2 ? Float64Array.of(r[0][1], r[1][0]) : multiclassProbability(M, r);
    const out = new Array<number>(nClasses).fill(0);
    for (let k = 0; k < M; k++) out[m.classes[k]] = probs[k];
    return out;
  });
}

function oneHot(n: number, k: number): number[] {
  const out = new Array<number>(n).fill(0);
  out[k] = 1;
  return out;
}
