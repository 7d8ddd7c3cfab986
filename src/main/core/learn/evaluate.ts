// Metrics of a stored model on one split: its stored predictions against the CURRENT labels of
// that split (items without a label, or with a label outside the model's classes, are skipped).
// The result is also written into model.metrics under the split's name (when n > 0).
import type { Db } from '../store/db';
import { evaluate } from '../classify';
import { goldSummary } from '../store/labels';

export type { EvaluateResult } from '../../../shared/types';
import type { EvaluateResult } from '../../../shared/types';

export class EvaluateError extends Error {}

export function latestModelVersion(db: Db): number | null {
  return (db.prepare('SELECT MAX(version) v FROM model').get() as { v: number | null }).v;
}

export function evaluateSplit(db: Db, split: string, version?: number): EvaluateResult {
  const v = version ?? latestModelVersion(db);
  if (v === null || v === undefined) throw new EvaluateError('no trained model in this database (run train first)');
  const m = db.prepare('SELECT params, metrics FROM model WHERE version = ?').get(v) as { params: string; metrics: string | null } | undefined;
  if (!m) throw new EvaluateError(`no model version ${v}`);
  const params = JSON.parse(m.params) as {
    fusion: string; classifier: string; modalities: string[]; context: boolean; encoders: Record<string, string[]>; C?: number; labels: string[];
  };
  const labels = params.labels;
  const classOf = new Map(labels.map((l, k) => [l, k]));
  const rows = db
    .prepare(
      `SELECT u.id, u.label gold, p.label pred, p.probabilities FROM utterance u
       LEFT JOIN prediction p ON p.utterance_id = u.id AND p.model_version = ?
       WHERE u.split = ? AND u.label IS NOT NULL ORDER BY u.id`,
    )
    .all(v, split) as { id: number; gold: string; pred: string | null; probabilities: string | null }[];
  const gold: number[] = [];
  const pred: number[] = [];
  const proba: number[][] = [];
  let missing = 0;
  for (const r of rows) {
    const g = classOf.get(r.gold);
    if (g === undefined) continue;
    if (r.pred === null || r.probabilities === null || !classOf.has(r.pred)) {
      missing++;
      continue;
    }
    const p = JSON.parse(r.probabilities) as Record<string, number>;
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
  // stored per split (a split without labelled items has nothing to store)
  if (result.n > 0) db.transaction(() => {
    const cur = db.prepare('SELECT metrics FROM model WHERE version = ?').get(v) as { metrics: string | null };
    const all = cur.metrics ? (JSON.parse(cur.metrics) as Record<string, unknown>) : {};
    all[split] = result;
    db.prepare('UPDATE model SET metrics = ? WHERE version = ?').run(JSON.stringify(all), v);
  })();
  return result;
}
