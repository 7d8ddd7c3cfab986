// Read side of annotation by several annotators: the ratings the agreement figures are computed on,
// and the adjudication queue (items where annotators, or the model and the gold label, disagree).
import type { Db } from './db';
import type { RatedItem } from '../agreement';
import type { QueueItem } from '../../../shared/api-annotation';

export type { QueueItem };

export interface RatingsQuery {
  split?: string;
  /** a model version whose predictions count as one more rater, named `model:V` */
  includeModel?: number;
}

export class AnnotatorsError extends Error {}

/** Every utterance with at least one annotator label (or a prediction of the included model), with
 * the label each rater gave it; and the label set of the corpora involved, in order. */
export function ratedItems(db: Db, q: RatingsQuery = {}): { items: RatedItem[]; labels: string[] } {
  if (q.includeModel !== undefined) {
    const m = db.prepare('SELECT version FROM model WHERE version = ?').get(q.includeModel);
    if (!m) throw new AnnotatorsError(`no model version ${q.includeModel} (see: emotion-studio models list / train)`);
  }
  const split = q.split ? 'AND u.split = @split' : '';
  const rows = db
    .prepare(
      `SELECT a.utterance_id id, a.annotator rater, a.label FROM annotator_label a JOIN utterance u ON u.id = a.utterance_id
     WHERE 1 ${split}
     ${
       q.includeModel !== undefined
         ? `UNION ALL SELECT p.utterance_id, 'model:' || p.model_version, p.label FROM prediction p JOIN utterance u ON u.id = p.utterance_id
       WHERE p.model_version = @model ${split}
       AND EXISTS (SELECT 1 FROM annotator_label a WHERE a.utterance_id = p.utterance_id)`
         : ''
     }
     ORDER BY 1`,
    )
    .all({ ...(q.split ? { split: q.split } : {}), ...(q.includeModel !== undefined ? { model: q.includeModel } : {}) }) as {
    id: number;
    rater: string;
    label: string;
  }[];
  const byId = new Map<number, RatedItem>();
  for (const r of rows) {
    let it = byId.get(r.id);
    if (!it) byId.set(r.id, (it = { id: r.id, ratings: {} }));
    it.ratings[r.rater] = r.label;
  }
  const labels: string[] = [];
  for (const c of db.prepare('SELECT label_set FROM corpus ORDER BY id').all() as { label_set: string }[]) {
    for (const l of JSON.parse(c.label_set) as string[]) if (!labels.includes(l)) labels.push(l);
  }
  return { items: [...byId.values()], labels };
}

/**
 * The adjudication queue: items whose annotators disagree (or whose gold a tie left open), and with
 * withModel, items whose latest model's prediction differs from the gold label. Adjudicated items
 * leave the queue unless includeAdjudicated.
 */
export function adjudicationQueue(
  db: Db,
  o: { split?: string; withModel?: boolean; includeAdjudicated?: boolean; limit?: number } = {},
): QueueItem[] {
  const version = (db.prepare('SELECT MAX(version) v FROM model').get() as { v: number | null }).v;
  const conds = [
    `(SELECT COUNT(DISTINCT a.label) FROM annotator_label a WHERE a.utterance_id = u.id) > 1`,
    `(u.label IS NULL AND EXISTS (SELECT 1 FROM annotator_label a WHERE a.utterance_id = u.id))`,
  ];
  if (o.withModel && version !== null) conds.push('(p.label IS NOT NULL AND u.label IS NOT NULL AND p.label <> u.label)');
  const rows = db
    .prepare(
      `SELECT u.id, u.key, u.split, u.speaker, u.text, u.label gold, u.gold_source, p.label plabel, p.probabilities
     FROM utterance u LEFT JOIN prediction p ON p.utterance_id = u.id AND p.model_version = @version
     WHERE (${conds.join(' OR ')}) ${o.split ? 'AND u.split = @split' : ''}
       ${o.includeAdjudicated ? '' : "AND COALESCE(u.gold_source, '') <> 'adjudicate'"}
     ORDER BY u.id ${o.limit ? 'LIMIT @limit' : ''}`,
    )
    .all({ version: version ?? -1, ...(o.split ? { split: o.split } : {}), ...(o.limit ? { limit: o.limit } : {}) }) as {
    id: number;
    key: string;
    split: string;
    speaker: string | null;
    text: string | null;
    gold: string | null;
    gold_source: string | null;
    plabel: string | null;
    probabilities: string | null;
  }[];
  const ann = db.prepare('SELECT annotator, label FROM annotator_label WHERE utterance_id = ? ORDER BY annotator');
  return rows.map((r) => {
    const annotators = Object.fromEntries((ann.all(r.id) as { annotator: string; label: string }[]).map((a) => [a.annotator, a.label]));
    const distinct = new Set(Object.values(annotators)).size;
    return {
      id: r.id,
      key: r.key,
      split: r.split,
      speaker: r.speaker,
      text: r.text,
      gold: r.gold,
      gold_source: r.gold_source,
      annotators,
      prediction:
        r.plabel !== null && version !== null
          ? { model_version: version, label: r.plabel, probabilities: JSON.parse(r.probabilities!) }
          : null,
      reason: distinct > 1 ? 'annotators disagree' : r.gold === null ? 'open' : 'model disagrees',
    };
  });
}
