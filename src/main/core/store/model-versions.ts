// The stored models and their predictions: model rows (params, training label snapshot, metrics, the
// packed data) by version, and each version's per-utterance predictions.
import type { Db } from './db';

/** The newest model version, or null when no model is stored. */
export function latestModelVersion(db: Db): number | null {
  return (db.prepare('SELECT MAX(version) v FROM model').get() as { v: number | null }).v;
}

/** Whether a model version is stored. */
export function modelExists(db: Db, version: number): boolean {
  return db.prepare('SELECT 1 FROM model WHERE version = ?').get(version) !== undefined;
}

/** The packed model data of a version (null when the version or its data is missing). */
export function modelDataBlob(db: Db, version: number): Buffer | null {
  const r = db.prepare('SELECT data FROM model WHERE version = ?').get(version) as { data: Buffer | null } | undefined;
  return r?.data ?? null;
}

/** A version's params and metrics (JSON text), or undefined when it is not stored. */
export function modelParamsAndMetrics(db: Db, version: number): { params: string; metrics: string | null } | undefined {
  return db.prepare('SELECT params, metrics FROM model WHERE version = ?').get(version) as
    { params: string; metrics: string | null } | undefined;
}

/** A version's params (JSON text), or undefined when it is not stored. */
export function modelParams(db: Db, version: number): string | undefined {
  const m = db.prepare('SELECT params FROM model WHERE version = ?').get(version) as { params: string } | undefined;
  return m?.params;
}

/** A version's metrics (JSON text keyed by split, or null). Call inside the transaction that updates them. */
export function modelMetrics(db: Db, version: number): { metrics: string | null } {
  return db.prepare('SELECT metrics FROM model WHERE version = ?').get(version) as { metrics: string | null };
}

export function setModelMetrics(db: Db, version: number, metricsJson: string): void {
  db.prepare('UPDATE model SET metrics = ? WHERE version = ?').run(metricsJson, version);
}

/** The version a new model gets (one above the newest). Call inside the IMMEDIATE transaction that inserts it. */
export function nextModelVersion(db: Db): number {
  return (db.prepare('SELECT COALESCE(MAX(version), 0) v FROM model').get() as { v: number }).v + 1;
}

/** A new model row, without metrics (evaluateSplit adds them). */
export function insertModel(db: Db, version: number, paramsJson: string, labelsJson: string, data: Buffer): void {
  db.prepare('INSERT INTO model (version, params, labels, metrics, data) VALUES (?, ?, ?, NULL, ?)').run(
    version,
    paramsJson,
    labelsJson,
    data,
  );
}

/** One prediction per row (probabilities: JSON text), for one model version. */
export function insertPredictions(
  db: Db,
  version: number,
  rows: Iterable<{ utteranceId: number; label: string; probabilities: string }>,
): void {
  const ins = db.prepare('INSERT INTO prediction (utterance_id, model_version, label, probabilities) VALUES (?, ?, ?, ?)');
  for (const r of rows) ins.run(r.utteranceId, version, r.label, r.probabilities);
}

export interface SplitPredictionRow {
  id: number;
  gold: string;
  dialogue_id: number | null;
  pred: string | null;
  probabilities: string | null;
}

/** The labelled utterances of a split (by id) with a version's prediction, null where it has none. */
export function splitPredictions(db: Db, version: number, split: string): SplitPredictionRow[] {
  return db
    .prepare(
      `SELECT u.id, u.label gold, u.dialogue_id, p.label pred, p.probabilities FROM utterance u
       LEFT JOIN prediction p ON p.utterance_id = u.id AND p.model_version = ?
       WHERE u.split = ? AND u.label IS NOT NULL ORDER BY u.id`,
    )
    .all(version, split) as SplitPredictionRow[];
}

/** A version's predicted label of each utterance it predicted. */
export function predictionLabels(db: Db, version: number): { id: number; label: string }[] {
  return db.prepare('SELECT utterance_id id, label FROM prediction WHERE model_version = ?').all(version) as {
    id: number;
    label: string;
  }[];
}

/** A version's predictions with their probabilities (JSON text). */
export function predictionsOf(db: Db, version: number): { utterance_id: number; label: string; probabilities: string }[] {
  return db.prepare('SELECT utterance_id, label, probabilities FROM prediction WHERE model_version = ?').all(version) as {
    utterance_id: number;
    label: string;
    probabilities: string;
  }[];
}

/** A version's row for a report header (params and the training label snapshot as JSON text). */
export function modelSummary(db: Db, version: number): { version: number; created_at: string; params: string; labels: string } {
  return db.prepare('SELECT version, created_at, params, labels FROM model WHERE version = ?').get(version) as {
    version: number;
    created_at: string;
    params: string;
    labels: string;
  };
}

/** Every version with stored metrics, newest first. */
export function modelsWithMetrics(db: Db): { version: number; params: string; metrics: string }[] {
  return db.prepare('SELECT version, params, metrics FROM model WHERE metrics IS NOT NULL ORDER BY version DESC').all() as {
    version: number;
    params: string;
    metrics: string;
  }[];
}

/** Every version's params (JSON text), newest first, read one row at a time. */
export function modelParamsNewestFirst(db: Db): IterableIterator<{ version: number; params: string }> {
  return db.prepare('SELECT version, params FROM model ORDER BY version DESC').iterate() as IterableIterator<{
    version: number;
    params: string;
  }>;
}

/** A version's training label snapshot (utterance id -> label); {} when the version is not stored. */
export function modelTrainingLabels(db: Db, version: number): Record<string, string> {
  const r = db.prepare('SELECT labels FROM model WHERE version = ?').get(version) as { labels: string | null } | undefined;
  return r?.labels ? (JSON.parse(r.labels) as Record<string, string>) : {};
}
