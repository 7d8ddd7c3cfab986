// The corpus table's query: every ListInput filter, the latest model's prediction and confidence
// (its highest class probability) in ONE SQL statement, so 13,000 rows stay fast. The total needs a
// second (count) statement only when the page is not the whole result (an offset, or a full page).
import type { Db } from './db';
import type { UtteranceRow, ApiParsedInput } from '../../../shared/api';

import { STATUS_SQL } from './queries';
import { addUtteranceFilter, likePattern } from './utterance-filter';

type ListInput = ApiParsedInput<'utterances.list'>;

export function listRows(db: Db, f: ListInput): { total: number; rows: UtteranceRow[] } {
  const inner: string[] = [];
  const outer: string[] = [];
  const args: Record<string, unknown> = { limit: f.limit, offset: f.offset };
  addUtteranceFilter(
    { split: f.split, label: f.label, speaker: f.speaker, annotator: f.annotator, annotatorsDisagree: f.annotatorsDisagree },
    inner,
    args,
  );
  if (f.prediction) {
    inner.push('p.label = @prediction');
    args.prediction = f.prediction;
  }
  if (f.agreement === 'agree') inner.push('p.label IS NOT NULL AND u.label IS NOT NULL AND p.label = u.label');
  if (f.agreement === 'disagree') inner.push('p.label IS NOT NULL AND u.label IS NOT NULL AND p.label <> u.label');
  if (f.unlabelled) inner.push('u.label IS NULL');
  if (f.q) {
    inner.push("(u.text LIKE @q ESCAPE '\\' OR u.speaker LIKE @q ESCAPE '\\' OR u.key LIKE @q ESCAPE '\\')");
    args.q = likePattern(f.q);
  }
  if (f.status) {
    outer.push('x.status = @status');
    args.status = f.status;
  }
  if (f.hasErrors === true) outer.push('x.errors > 0');
  if (f.hasErrors === false) outer.push('x.errors = 0');
  const base = `
    SELECT x.* FROM (
      SELECT u.id, u.key, u.split, d.key AS dialogue, u.speaker, u.text, u.label, m.path AS media, u.start_s, u.end_s,
        ${STATUS_SQL} AS status,
        (SELECT COUNT(*) FROM item_error e WHERE e.utterance_id = u.id) AS errors,
        p.label AS prediction, p.probabilities AS confidence, NULL AS prediction_p, NULL AS top_label
      FROM utterance u
      LEFT JOIN dialogue d ON d.id = u.dialogue_id
      LEFT JOIN media m ON m.utterance_id = u.id
      LEFT JOIN stage_status ms ON ms.utterance_id = u.id AND ms.stage = 'media'
      LEFT JOIN stage_status ts ON ts.utterance_id = u.id AND ts.stage = 'text'
      LEFT JOIN prediction p ON p.utterance_id = u.id AND p.model_version = (SELECT MAX(version) FROM model)
      ${inner.length ? 'WHERE ' + inner.join(' AND ') : ''}
    ) x
    ${outer.length ? 'WHERE ' + outer.join(' AND ') : ''}`;
  const sql = `${base} ORDER BY x.id LIMIT @limit OFFSET @offset`;
  // `confidence` arrives as the probabilities' JSON and becomes its highest value below
  const raw = db.prepare(sql).all(args) as (Omit<UtteranceRow, 'confidence'> & { confidence: string | number | null })[];
  let total = raw.length;
  if (f.offset > 0 || raw.length === f.limit) {
    const { limit: _l, offset: _o, ...filterArgs } = args;
    total = (db.prepare(`SELECT COUNT(*) n FROM (${base})`).get(filterArgs) as { n: number }).n;
  }
  // confidence = the highest class probability, prediction_p = the predicted class's own probability
  // and top_label = the highest class where it is not the predicted one (the SVM's decision and its
  // calibrated probabilities can disagree), parsed here (cheaper than json_each per row in SQL);
  // in place and into fields the SQL row already has: copying 13,000 row objects, or adding or deleting
  // a field (which turns each object into a slow dictionary), cost several times the query (bench:api)
  for (const r of raw) {
    if (typeof r.confidence === 'string') probabilityFields(r, r.confidence);
    else r.confidence = null;
  }
  return { total, rows: raw as UtteranceRow[] };
}

function probabilityFields(
  r: { prediction: string | null; confidence: string | number | null; prediction_p: number | null; top_label: string | null },
  json: string,
): void {
  let best: number | null = null;
  let bestLabel: string | null = null;
  const p = JSON.parse(json) as Record<string, unknown>;
  for (const k in p) {
    const v = p[k];
    if (typeof v === 'number' && (best === null || v > best)) {
      best = v;
      bestLabel = k;
    }
  }
  r.confidence = best;
  const own = r.prediction !== null ? p[r.prediction] : undefined;
  r.prediction_p = typeof own === 'number' ? own : null;
  r.top_label = bestLabel !== null && bestLabel !== r.prediction && best !== r.prediction_p ? bestLabel : null;
}

/** The utterance the latest model is least sure about (lowest highest-probability), skipping `exclude`. */
export function nextUncertain(db: Db, o: ApiParsedInput<'annotate.nextUncertain'>): { id: number | null; confidence: number | null } {
  const r = db
    .prepare(
      `SELECT p.utterance_id AS id, (SELECT MAX(j.value) FROM json_each(p.probabilities) j) AS confidence
       FROM prediction p JOIN utterance u ON u.id = p.utterance_id
       WHERE p.model_version = (SELECT MAX(version) FROM model)
         ${o.split ? 'AND u.split = @split' : ''}
         AND u.id NOT IN (SELECT value FROM json_each(@exclude))
       ORDER BY confidence ASC, u.id ASC LIMIT 1`,
    )
    .get({ exclude: JSON.stringify(o.exclude), ...(o.split ? { split: o.split } : {}) }) as { id: number; confidence: number } | undefined;
  return r ? { id: r.id, confidence: r.confidence } : { id: null, confidence: null };
}

/** Utterances per split and status (the corpus summary's counts), with the same status rule. */
export function statusCounts(db: Db): { split: string; status: string; n: number }[] {
  return db
    .prepare(
      `SELECT x.split, x.status, COUNT(*) n FROM (
         SELECT u.split, ${STATUS_SQL} AS status FROM utterance u
         LEFT JOIN media m ON m.utterance_id = u.id
         LEFT JOIN stage_status ms ON ms.utterance_id = u.id AND ms.stage = 'media'
         LEFT JOIN stage_status ts ON ts.utterance_id = u.id AND ts.stage = 'text'
       ) x GROUP BY x.split, x.status ORDER BY x.split, x.status`,
    )
    .all() as { split: string; status: string; n: number }[];
}
