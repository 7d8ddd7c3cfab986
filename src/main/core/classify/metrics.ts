/**
 * Classification metrics over class indices: accuracy, weighted / macro F1, per-class
 * precision / recall / F1, the confusion matrix and one-vs-rest ROC curves with AUC.
 *
 * Conventions follow scikit-learn so numbers can be compared with the Python pipeline:
 * - undefined precision, recall or F1 (0/0) count as 0 (sklearn's zero_division=0);
 * - macro F1 averages over the classes that occur in gold or predictions (sklearn's default
 *   `labels=None`); classes absent from both are reported in per_class with support 0 but do
 *   not enter the macro mean; weighted F1 weights by support, so they never matter there;
 * - ROC as sklearn.metrics.roc_curve(drop_intermediate=False): one point per distinct score,
 *   tied scores form a single step, the curve starts at (0, 0);
 * - AUC is the trapezoid area under that curve, which equals the Mann-Whitney statistic with
 *   ties counted 1/2. It is null where a class has no positive or no negative in gold.
 */

import type { ClassMetrics, RocCurve, Metrics } from '../../../shared/types';
export type { ClassMetrics, RocCurve, Metrics };

/**
 * @param labels class names; index k names class k
 * @param gold gold class indices
 * @param pred predicted class indices
 * @param proba optional scores, proba[i][k] = score of class k for row i (higher = more likely)
 */
export function evaluate(labels: string[], gold: number[], pred: number[], proba?: ArrayLike<number>[]): Metrics {
  const K = labels.length;
  const n = gold.length;
  if (pred.length !== n) throw new Error(`evaluate: ${n} gold but ${pred.length} predictions`);
  if (proba && proba.length !== n) throw new Error(`evaluate: ${n} gold but ${proba.length} probability rows`);
  const confusion: number[][] = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const g = gold[i];
    const p = pred[i];
    if (!(g >= 0 && g < K && Number.isInteger(g))) throw new Error(`evaluate: gold[${i}]=${g} is not a class index`);
    if (!(p >= 0 && p < K && Number.isInteger(p))) throw new Error(`evaluate: pred[${i}]=${p} is not a class index`);
    confusion[g][p]++;
    if (g === p) correct++;
  }

  const per_class: Record<string, ClassMetrics> = {};
  let weightedSum = 0;
  let macroSum = 0;
  let macroCount = 0;
  for (let k = 0; k < K; k++) {
    const tp = confusion[k][k];
    let support = 0;
    let predicted = 0;
    for (let j = 0; j < K; j++) {
      support += confusion[k][j];
      predicted += confusion[j][k];
    }
    const fp = predicted - tp;
    const fn = support - tp;
    const precision = predicted > 0 ? tp / predicted : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = 2 * tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : 0;
    per_class[labels[k]] = { precision, recall, f1, support };
    weightedSum += f1 * support;
    if (support > 0 || predicted > 0) {
      macroSum += f1;
      macroCount++;
    }
  }

  const auc: Record<string, number | null> = {};
  const roc: Record<string, RocCurve | null> = {};
  let aucSum = 0;
  let aucCount = 0;
  for (let k = 0; k < K; k++) {
    let curve: RocCurve | null = null;
    if (proba) {
      const scores = new Float64Array(n);
      const positive = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        scores[i] = proba[i][k];
        positive[i] = gold[i] === k ? 1 : 0;
      }
      curve = rocCurve(scores, positive);
    }
    roc[labels[k]] = curve;
    const a = curve ? trapezoid(curve.fpr, curve.tpr) : null;
    auc[labels[k]] = a;
    if (a !== null) {
      aucSum += a;
      aucCount++;
    }
  }

  return {
    n,
    accuracy: n > 0 ? correct / n : 0,
    weighted_f1: n > 0 ? weightedSum / n : 0,
    macro_f1: macroCount > 0 ? macroSum / macroCount : 0,
    per_class,
    confusion,
    auc,
    macro_auc: aucCount > 0 ? aucSum / aucCount : null,
    roc,
  };
}

/**
 * ROC curve of binary `positive` against `scores` (higher = more positive), one point per
 * distinct score (ties handled as one step), as sklearn's roc_curve(drop_intermediate=False).
 * Returns null when there is no positive or no negative, or a score is NaN.
 */
export function rocCurve(scores: ArrayLike<number>, positive: ArrayLike<number>): RocCurve | null {
  const n = scores.length;
  let P = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(scores[i])) return null;
    if (positive[i]) P++;
  }
  const N = n - P;
  if (P === 0 || N === 0) return null;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => cmp(scores[b], scores[a]));
  const fpr = [0];
  const tpr = [0];
  const thresholds: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r];
    if (positive[i]) tp++;
    else fp++;
    // emit a point only after the last row of a run of equal scores
    if (r === n - 1 || scores[order[r + 1]] !== scores[i]) {
      fpr.push(fp / N);
      tpr.push(tp / P);
      thresholds.push(scores[i]);
    }
  }
  return { fpr, tpr, thresholds };
}

function cmp(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Area under a piecewise linear curve by the trapezoid rule (x must be non-decreasing). */
export function trapezoid(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let area = 0;
  for (let i = 1; i < x.length; i++) area += ((x[i] - x[i - 1]) * (y[i] + y[i - 1])) / 2;
  return area;
}

/**
 * One-vs-rest AUC by the Mann-Whitney rank statistic (ties count 1/2); equals the trapezoid
 * area under rocCurve. Null when there is no positive or no negative.
 */
export function aucMannWhitney(scores: ArrayLike<number>, positive: ArrayLike<number>): number | null {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => cmp(scores[a], scores[b]));
  let P = 0;
  let rankSumPos = 0;
  let r = 0;
  while (r < n) {
    let e = r;
    while (e + 1 < n && scores[order[e + 1]] === scores[order[r]]) e++;
    const avgRank = (r + e) / 2 + 1; // 1-based mean rank of the tie group
    for (let t = r; t <= e; t++) {
      if (positive[order[t]]) {
        P++;
        rankSumPos += avgRank;
      }
    }
    r = e + 1;
  }
  const N = n - P;
  if (P === 0 || N === 0) return null;
  return (rankSumPos - (P * (P + 1)) / 2) / (P * N);
}

/** Weighted F1 alone (the grid-search score). */
export function weightedF1(nClasses: number, gold: number[], pred: number[]): number {
  const labels = Array.from({ length: nClasses }, (_, k) => String(k));
  return evaluate(labels, gold, pred).weighted_f1;
}
