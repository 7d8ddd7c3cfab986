// What the app's corpus summary and model list read: the corpora with their label sets, the labels
// found in the data, the stored models' versions, parameters and metrics, and counts per split.
import type { Db } from './db';

export function corpusRows(db: Db): { id: number; root: string; kind: string; label_set: string }[] {
  return db.prepare('SELECT id, root, kind, label_set FROM corpus ORDER BY id').all() as {
    id: number;
    root: string;
    kind: string;
    label_set: string;
  }[];
}

/** Every label the utterances carry, in label order. */
export function labelsInData(db: Db): string[] {
  return (db.prepare('SELECT DISTINCT label FROM utterance WHERE label IS NOT NULL ORDER BY label').all() as { label: string }[]).map(
    (r) => r.label,
  );
}

/** Every stored model, oldest first, with its params and metrics as stored (JSON). */
export function modelRows(db: Db): { version: number; created_at: string; params: string; metrics: string | null }[] {
  return db.prepare('SELECT version, created_at, params, metrics FROM model ORDER BY version').all() as {
    version: number;
    created_at: string;
    params: string;
    metrics: string | null;
  }[];
}

/** Utterances per split, in split order. */
export function splitCounts(db: Db): { split: string; n: number }[] {
  return db.prepare('SELECT split, COUNT(*) n FROM utterance GROUP BY split ORDER BY split').all() as { split: string; n: number }[];
}

/** How many distinct labels the training split has. */
export function trainLabelCount(db: Db): number {
  return (db.prepare("SELECT COUNT(DISTINCT label) n FROM utterance WHERE split = 'train' AND label IS NOT NULL").get() as { n: number }).n;
}
