// The probability side of the linear SVM (linear-solver.ts): stratified seeded folds, the fold models'
// held-out decision values and one Platt sigmoid per class (sklearn's CalibratedClassifierCV, sigmoid).
/*
 * Apart from linear-solver.ts so that its sequential fit and the threaded one (linear-parallel.ts) share
 * the same code around their binary problems, and so give the same bits.
 */
import { sigmoidTrain } from './libsvm-port';
import type { LinearRows } from './linear-rows';
import type { Rng } from './rng';

/** Stratified folds: the rows of each class dealt round-robin after a seeded shuffle. @returns the fold per row */
export function stratifiedFolds(rng: Rng, y: ArrayLike<number>, classes: number[], folds: number): Int32Array {
  const n = y.length;
  const fold = new Int32Array(n);
  for (const c of classes) {
    const rows: number[] = [];
    for (let i = 0; i < n; i++) if (y[i] === c) rows.push(i);
    rng.shuffle(rows);
    rows.forEach((r, k) => (fold[r] = k % folds));
  }
  return fold;
}

/** The training rows of fold f's model (every row outside fold f) and their classes, ascending. */
export function foldRows(fold: Int32Array, f: number, y: ArrayLike<number>): { train: Int32Array; trainClasses: number[] } {
  const train = Int32Array.from({ length: fold.length }, (_, i) => i).filter((i) => fold[i] !== f);
  const trainClasses = Array.from(new Set(Array.from(train, (i) => y[i]))).sort((a, b) => a - b);
  return { train, trainClasses };
}

/** dec[m][i] = fold f's model W (classes trainClasses) on its held-out rows i; -1 for a class it lacks. */
export function scoreFold(
  X: LinearRows,
  fold: Int32Array,
  f: number,
  classes: number[],
  trainClasses: number[],
  W: Float64Array,
  dec: Float64Array[],
): void {
  const s = new Float64Array(classes.length);
  for (let i = 0; i < X.n; i++) {
    if (fold[i] !== f) continue;
    X.score(i, W, trainClasses.length, s);
    for (let m = 0; m < classes.length; m++) {
      const tm = trainClasses.indexOf(classes[m]);
      dec[m][i] = tm >= 0 ? s[tm] : -1;
    }
  }
}

/** One Platt sigmoid per class from the cross-validated decision values dec[m]. */
export function plattSigmoids(dec: Float64Array[], y: ArrayLike<number>, classes: number[]): { probA: Float64Array; probB: Float64Array } {
  const M = classes.length;
  const n = y.length;
  const probA = new Float64Array(M);
  const probB = new Float64Array(M);
  const lab = new Int8Array(n);
  for (let m = 0; m < M; m++) {
    for (let i = 0; i < n; i++) lab[i] = y[i] === classes[m] ? 1 : -1;
    [probA[m], probB[m]] = sigmoidTrain(dec[m], lab);
  }
  return { probA, probB };
}
