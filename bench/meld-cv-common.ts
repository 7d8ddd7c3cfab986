// What the MELD cross-validation experiments (bench/meld-cv-*.ts, issue 16) share: the training split's
// items, labels, dialogue groups and whole vocabulary as `train` builds them, and the small helpers
// every script used to copy (argmax, mean, dense columns appended to sparse rows).
import type { Db } from '../src/main/core/store/db';
import { loadItems, labelSet, chooseVocabulary, type Item } from '../src/main/core/learn/dataset';
import { groupFolds, trainSparseLinear, decisionSparse, balancedClassWeights, weightedF1, type SparseRow } from '../src/main/core/classify';

export const argmax = (p: ArrayLike<number>): number => {
  let b = 0;
  for (let c = 1; c < p.length; c++) if (p[c] > p[b]) b = c;
  return b;
};

export const mean = (a: number[]): number => a.reduce((s, x) => s + x, 0) / a.length;

/** rows with dense columns appended at offset d (extra[j]: row j's values, zeros skipped) */
export function withExtra(X: readonly SparseRow[], d: number, extra: ArrayLike<number>[]): SparseRow[] {
  return X.map((r, j) => {
    const e = extra[j];
    const idx = Array.from(r.indices);
    const val = Array.from(r.values);
    for (let k = 0; k < e.length; k++)
      if (e[k] !== 0) {
        idx.push(d + k);
        val.push(e[k]);
      }
    return { indices: Int32Array.from(idx), values: Float64Array.from(val) };
  });
}

export interface TrainSet {
  items: Item[];
  labels: string[];
  nC: number;
  /** indices into `items` of the labelled training utterances */
  trainRows: number[];
  /** class index of each training row */
  y: number[];
  /** dialogue of each training row (the CV's groups) */
  groups: (number | null)[];
  /** every hashed n-gram of a training text, as `train` keeps for the sparse linear SVM */
  vocabulary: number[];
}

/** The labelled training split of the database's text features, as the experiments score it. */
export function trainSet(db: Db): TrainSet {
  const items = loadItems(db, ['text']);
  const labels = labelSet(db);
  const classOf = new Map(labels.map((l, k) => [l, k]));
  const trainRows = items.map((_, i) => i).filter((i) => items[i].split === 'train' && items[i].label !== null);
  return {
    items,
    labels,
    nC: labels.length,
    trainRows,
    y: trainRows.map((i) => classOf.get(items[i].label!)!),
    groups: trainRows.map((i) => items[i].dialogueId),
    vocabulary: chooseVocabulary(
      trainRows.map((i) => items[i].text),
      Infinity,
    ),
  };
}

/** The grouped k-fold split of the n training rows (`groupFolds`, as `train` chooses C): per fold, its training and held-out rows. */
export function foldParts(groups: readonly (number | null)[], seed: number, k = 3): { tr: number[]; he: number[] }[] {
  const fold = groupFolds(groups, k, seed);
  const rows = groups.map((_, j) => j);
  return Array.from({ length: k }, (_, f) => ({ tr: rows.filter((j) => fold[j] !== f), he: rows.filter((j) => fold[j] === f) }));
}

/** The linear SVM as `train` fits it for the CV (balanced class weights, seed 1). */
export function fit(X: readonly SparseRow[], d: number, y: number[], nC: number, C: number, probability = false) {
  return trainSparseLinear(X, d, y, { C, classWeight: balancedClassWeights(y, nC), probability, seed: 1 });
}

/** decisions per class index 0..nC-1 (-10 for a class the fold's training rows lack) */
export function decisions(m: ReturnType<typeof trainSparseLinear>, X: readonly SparseRow[], nC: number): Float64Array[] {
  return decisionSparse(m, X).map((s) => {
    const o = new Float64Array(nC).fill(-10);
    m.classes.forEach((c, k) => (o[c] = s[k]));
    return o;
  });
}

/** weighted F1 of the held-out rows `he` (indices into y) from their per-class scores */
export function heldOutF1(nC: number, y: readonly number[], he: readonly number[], scores: readonly ArrayLike<number>[]): number {
  return weightedF1(
    nC,
    he.map((j) => y[j]),
    scores.map(argmax),
  );
}
