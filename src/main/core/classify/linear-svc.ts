// The linear SVM on dense rows (trainSvm's kernel 'linear', e.g. on fused or standardised features): the
// one solver of linear-solver.ts on packed rows, and prediction; TRON ('primal') by default.
import type { DenseRows } from './libsvm-port';
import { DenseLinearRows } from './linear-rows';
import { argmaxClass, fitLinear, plattProba, type LinearModelData, type LinearOptions } from './linear-solver';

export type { LinearModelData } from './linear-solver';
/** The linear SVM's options (linear-solver.ts); `solver` defaults to 'primal' here. */
export type LinearTrainOptions = LinearOptions;

export interface LinearTrainInfo {
  epochs: number;
}

export function trainLinear(X: DenseRows, y: ArrayLike<number>, o: LinearOptions): { model: LinearModelData; info: LinearTrainInfo } {
  if (X.length === 0) throw new Error('trainLinear: no rows');
  const d = X[0].length;
  const solver = o.solver ?? 'primal';
  // LIBLINEAR's forward shuffle and cold-started folds: the fits this path always gave
  const { model, epochs } = fitLinear(DenseLinearRows.pack(X, d), y, o, { solver, shuffle: 'liblinear', warmFolds: false });
  return { model, info: { epochs } };
}

function scores(W: Float64Array, M: number, d: number, x: ArrayLike<number>, out: Float64Array): void {
  const d1 = d + 1;
  for (let m = 0; m < M; m++) {
    const o = m * d1;
    let s = W[o + d];
    for (let k = 0; k < d; k++) s += W[o + k] * x[k];
    out[m] = s;
  }
}

/** One-vs-rest decision values per row (columns: present classes, ascending). */
export function decisionLinear(m: LinearModelData, X: DenseRows): number[][] {
  const M = m.classes.length;
  const s = new Float64Array(M);
  return X.map((x) => {
    if (x.length !== m.nFeatures) throw new Error(`linear SVM: row of length ${x.length}, model expects ${m.nFeatures}`);
    scores(m.W, M, m.nFeatures, x, s);
    return Array.from(s);
  });
}

/** Class with the largest decision value (ties to the lower class), as LIBLINEAR. */
export function predictLinear(m: LinearModelData, X: DenseRows): number[] {
  if (m.classes.length === 1) return X.map(() => m.classes[0]);
  return decisionLinear(m, X).map((s) => argmaxClass(m, s));
}

/** Normalised per-class Platt probabilities, columns in class-index order 0..nClasses-1. */
export function predictProbaLinear(m: LinearModelData, X: DenseRows, nClasses: number): number[][] {
  if (m.classes.length === 1) return X.map(() => plattProba(m, null, nClasses));
  if (!m.probA || !m.probB) throw new Error('SVM was trained without probability estimates');
  return decisionLinear(m, X).map((s) => plattProba(m, s, nClasses));
}
