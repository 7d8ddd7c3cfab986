// Metrics of a stored model on one split: its stored predictions against the CURRENT labels of
// that split (items without a label, or with a label outside the model's classes, are skipped).
// The result is also written into model.metrics under the split's name (when n > 0).
import type { Db } from '../store/db';
import { evaluate } from '../classify';
import { goldSummary } from '../store/labels';
import { bootstrapCi, pairedDifference, weightedMetrics, type ScoredItems } from './bootstrap';
import { baselinePredictions } from './baselines';
import {
  latestModelVersion,
  modelExists,
  modelMetrics,
  modelParamsAndMetrics,
  predictionLabels,
  setModelMetrics,
  splitPredictions,
} from '../store/model-versions';
import { trainingDataStamp } from '../store/training-data';
import { timeRanks } from '../store/time-order';

export type { EvaluateResult } from '../../../shared/types';
import type { EvaluateResult } from '../../../shared/types';

export class EvaluateError extends Error {}

export { latestModelVersion };

export interface EvaluateOptions {
  /** the bootstrap intervals (default true; off for the training split's figures at the end of a
   * training: 1,000 resamples of 10,000 training items cost seconds for figures nobody reads as a
   * model's quality) */
  intervals?: boolean;
  /** add the majority-class and plain linear baselines on the same split (fits a linear SVM: seconds on MELD) */
  baselines?: boolean;
  /** a paired bootstrap comparison with this model version on the same items */
  compare?: number;
}

export function evaluateSplit(db: Db, split: string, version?: number, opts: EvaluateOptions = {}): EvaluateResult {
  const v = version ?? latestModelVersion(db);
  if (v === null || v === undefined) throw new EvaluateError('no trained model in this database (run train first)');
  const m = modelParamsAndMetrics(db, v);
  if (!m) throw new EvaluateError(`no model version ${v}`);
  const params = JSON.parse(m.params) as {
    fusion: string;
    classifier: string;
    modalities: string[];
    context: boolean;
    encoders: Record<string, string[]>;
    C?: number;
    labels: string[];
  };
  const labels = params.labels;
  const classOf = new Map(labels.map((l, k) => [l, k]));
  const rows = splitPredictions(db, v, split);
  const ids: number[] = [];
  const group: (number | null)[] = [];
  const gold: number[] = [];
  const pred: number[] = [];
  const proba: number[][] = [];
  const order: number[] = [];
  const rank = timeRanks(db, split);
  let missing = 0;
  for (const r of rows) {
    const g = classOf.get(r.gold);
    if (g === undefined) continue;
    if (r.pred === null || r.probabilities === null || !classOf.has(r.pred)) {
      missing++;
      continue;
    }
    const p = JSON.parse(r.probabilities) as Record<string, number>;
    ids.push(r.id);
    group.push(r.dialogue_id);
    order.push(rank.get(r.id) ?? r.id);
    gold.push(g);
    pred.push(classOf.get(r.pred)!);
    proba.push(labels.map((l) => p[l] ?? 0));
  }
  const met = evaluate(labels, gold, pred, proba);
  const result: EvaluateResult = {
    split,
    ...met,
    labels,
    model_version: v,
    encoders: params.encoders,
    fusion: params.fusion,
    classifier: params.classifier,
    modalities: params.modalities,
    context: params.context,
    C: params.C ?? null,
    missing_predictions: missing,
    evaluated_at: new Date().toISOString(),
    gold: goldSummary(db, split),
  };
  // intervals: a seeded bootstrap over the split's dialogues, or over blocks of utterances in time
  // order within them when there are few (bootstrap.ts); none with too few items
  const scored: ScoredItems = { gold, pred, proba, group, order };
  if (opts.intervals !== false) Object.assign(result, bootstrapCi(labels, scored));
  if (opts.baselines) result.baselines = baselinesOn(db, labels, ids, gold, pred, group, order);
  if (opts.compare !== undefined) result.compare = compareWith(db, opts.compare, labels, ids, gold, pred, group, order);
  // stored per split (a split without labelled items has nothing to store)
  if (result.n > 0)
    db.transaction(() => {
      const cur = modelMetrics(db, v);
      const all = cur.metrics ? (JSON.parse(cur.metrics) as Record<string, unknown>) : {};
      all[split] = result;
      setModelMetrics(db, v, JSON.stringify(all));
    }).immediate(); // read-then-write: take the write lock first (another connection may be writing)
  return result;
}

const baselineCache = new Map<string, NonNullable<EvaluateResult['baselines']>>();

/** Majority and plain linear baselines on the same items, each with its interval and the paired difference to the model. */
function baselinesOn(
  db: Db,
  labels: string[],
  ids: number[],
  gold: number[],
  pred: number[],
  group: (number | null)[],
  order: number[],
): NonNullable<EvaluateResult['baselines']> {
  // refit only when the training labels or the text features changed
  const stamp = trainingDataStamp(db);
  const key = JSON.stringify([labels, ids, stamp]);
  const hit = baselineCache.get(key);
  if (hit) return hit;
  const b = baselinePredictions(db, labels, ids);
  const ones = new Float64Array(ids.length).fill(1);
  const score = (m: Map<number, number>) => {
    const keep = ids.map((id, i) => (m.has(id) ? i : -1)).filter((i) => i >= 0);
    const g = keep.map((i) => gold[i]);
    const p = keep.map((i) => m.get(ids[i])!);
    const grp = keep.map((i) => group[i]);
    const ord = keep.map((i) => order[i]);
    const point = weightedMetrics(labels.length, g, p, ones.subarray(0, keep.length));
    return {
      n: keep.length,
      accuracy: point.accuracy,
      weighted_f1: point.weighted_f1,
      macro_f1: point.macro_f1,
      ci95: bootstrapCi(labels, { gold: g, pred: p, group: grp, order: ord }).ci95,
      // the model minus this baseline, paired on the same items
      model_minus_baseline: pairedDifference(
        labels.length,
        g,
        keep.map((i) => pred[i]),
        p,
        grp,
        undefined,
        undefined,
        ord,
      ),
    };
  };
  const out: NonNullable<EvaluateResult['baselines']> = {
    majority: { label: b.majority.label, ...score(b.majority.pred) },
    linear: b.linear
      ? { text_encoder: b.linear.text_encoder, C: 1, class_weight: 'none', n_train: b.linear.n_train, ...score(b.linear.pred) }
      : null,
  };
  if (baselineCache.size > 16) baselineCache.clear();
  baselineCache.set(key, out);
  return out;
}

function compareWith(
  db: Db,
  other: number,
  labels: string[],
  ids: number[],
  gold: number[],
  pred: number[],
  group: (number | null)[],
  order: number[],
): NonNullable<EvaluateResult['compare']> {
  if (!modelExists(db, other)) throw new EvaluateError(`no model version ${other} to compare with`);
  const classOf = new Map(labels.map((l, k) => [l, k]));
  const theirs = new Map(
    predictionLabels(db, other)
      .filter((r) => classOf.has(r.label))
      .map((r) => [r.id, classOf.get(r.label)!]),
  );
  const keep = ids.map((id, i) => (theirs.has(id) ? i : -1)).filter((i) => i >= 0);
  const d = pairedDifference(
    labels.length,
    keep.map((i) => gold[i]),
    keep.map((i) => pred[i]),
    keep.map((i) => theirs.get(ids[i])!),
    keep.map((i) => group[i]),
    undefined,
    undefined,
    keep.map((i) => order[i]),
  );
  return { version: other, ...d };
}
