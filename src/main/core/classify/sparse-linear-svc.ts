// The linear SVM on sparse rows (the quick retrain of train --fusion none): the one solver of
// linear-solver.ts on CSR rows, dual coordinate descent by default, and prediction with sparse rows.
/*
 * Sparse so that the text block keeps its whole training vocabulary (~100k hashed n-grams; dense rows
 * of that width would not fit in memory) and a retrain on MELD's training split takes seconds. The
 * result is a LinearModelData (dense W, classes x (d + 1)), the same stored 'linear' SVM as the dense
 * one (loadSvm restores it); predict here with sparse rows.
 */
import { CsrLinearRows, type SparseRow } from './linear-rows';
import { fitLinearParallel, type ParallelOptions } from './linear-parallel';
import { argmaxClass, fitLinear, plattProba, type FitStyle, type LinearModelData, type LinearOptions } from './linear-solver';

export type { SparseRow } from './linear-rows';
/** The linear SVM's options (linear-solver.ts); `solver` defaults to 'dual' here. */
export type SparseLinearOptions = LinearOptions;

export function trainSparseLinear(X: readonly SparseRow[], d: number, y: ArrayLike<number>, o: LinearOptions): LinearModelData {
  const { rows, style } = sparseFit(X, d, y, o);
  return fitLinear(rows, y, o, style).model;
}

/**
 * trainSparseLinear with the primal solver's binary problems on worker threads where that pays
 * (linear-parallel.ts): the same model; train's linear path.
 */
export async function trainSparseLinearAsync(
  X: readonly SparseRow[],
  d: number,
  y: ArrayLike<number>,
  o: LinearOptions,
  p?: ParallelOptions,
): Promise<LinearModelData> {
  const { rows, style } = sparseFit(X, d, y, o);
  return (await fitLinearParallel(rows, y, o, style, p)).model;
}

/** The checked rows of a sparse fit and its style (also the C search's rows, linear-cv.ts). */
export function sparseFit(
  X: readonly SparseRow[],
  d: number,
  y: ArrayLike<number>,
  o: LinearOptions,
): { rows: CsrLinearRows; style: FitStyle } {
  const n = X.length;
  if (n === 0) throw new Error('trainSparseLinear: no rows');
  if (n !== y.length) throw new Error(`trainSparseLinear: ${n} rows but ${y.length} labels`);
  if (!(o.C > 0)) throw new Error(`trainSparseLinear: C must be > 0 (got ${o.C})`);
  for (let i = 0; i < n; i++) {
    const { indices, values } = X[i];
    for (let k = 0; k < indices.length; k++) {
      if (!(indices[k] >= 0 && indices[k] < d)) throw new Error(`trainSparseLinear: row ${i} has column ${indices[k]} outside 0..${d - 1}`);
      if (!Number.isFinite(values[k])) throw new Error(`trainSparseLinear: row ${i} column ${indices[k]} is not finite (${values[k]})`);
    }
  }
  const solver = o.solver ?? 'dual';
  // Rng.shuffle's order and folds warm-started from the full fit: the fits this path always gave
  return { rows: CsrLinearRows.of(X, d), style: { solver, shuffle: 'fisher-yates', warmFolds: true } };
}

/** Decision values of one sparse row against W (classes x (d + 1)), written into out. */
function scoreRow(W: Float64Array, M: number, d: number, x: SparseRow, out: Float64Array): void {
  const d1 = d + 1;
  for (let m = 0; m < M; m++) {
    const o = m * d1;
    let s = W[o + d];
    for (let k = 0; k < x.indices.length; k++) s += W[o + x.indices[k]] * x.values[k];
    out[m] = s;
  }
}

/** One-vs-rest decision values per sparse row (columns: the model's classes, ascending). */
export function decisionSparse(m: LinearModelData, X: readonly SparseRow[]): Float64Array[] {
  const M = m.classes.length;
  return X.map((x) => {
    const s = new Float64Array(M);
    scoreRow(m.W, M, m.nFeatures, x, s);
    return s;
  });
}

/** Class with the largest decision value (ties to the lower class), as LIBLINEAR. */
export function predictSparse(m: LinearModelData, X: readonly SparseRow[]): number[] {
  if (m.classes.length === 1) return X.map(() => m.classes[0]);
  return decisionSparse(m, X).map((s) => argmaxClass(m, s));
}

/** Normalised per-class Platt probabilities, columns 0..nClasses-1. */
export function predictProbaSparse(m: LinearModelData, X: readonly SparseRow[], nClasses: number): number[][] {
  if (m.classes.length === 1) return X.map(() => plattProba(m, null, nClasses));
  if (!m.probA || !m.probB) throw new Error('SVM was trained without probability estimates');
  return decisionSparse(m, X).map((s) => plattProba(m, s, nClasses));
}
