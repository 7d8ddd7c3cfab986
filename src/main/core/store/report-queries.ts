// Read side of reports and exports: corpus summary counts, the label distribution, a model's most
// confused utterances, frame-entropy thumbnails, and the per-utterance extras, label histories and
// annotator labels that every export row carries (each read in one query, not one per utterance).
import type { Db } from './db';
import type { LabelChange } from '../../../shared/types';

/** The corpora in id order (label_set: JSON text). */
export function listCorpora(db: Db): { root: string; kind: string; label_set: string }[] {
  return db.prepare('SELECT root, kind, label_set FROM corpus ORDER BY id').all() as { root: string; kind: string; label_set: string }[];
}

/** How many current gold labels each split has per label ('(none)': unlabelled), by split. */
export function labelDistribution(db: Db): { split: string; label: string; n: number }[] {
  return db
    .prepare("SELECT split, COALESCE(label, '(none)') label, COUNT(*) n FROM utterance GROUP BY split, label ORDER BY split")
    .all() as { split: string; label: string; n: number }[];
}

/** How many utterances, dialogues and distinct speakers are stored. */
export function corpusTotals(db: Db): { total: number; dialogues: number; speakers: number } {
  const one = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  return {
    total: one('SELECT COUNT(*) n FROM utterance'),
    dialogues: one('SELECT COUNT(*) n FROM dialogue'),
    speakers: one('SELECT COUNT(DISTINCT speaker) n FROM utterance WHERE speaker IS NOT NULL'),
  };
}

export interface MispredictedRow {
  id: number;
  key: string;
  split: string;
  speaker: string | null;
  text: string | null;
  gold: string;
  predicted: string;
  probabilities: string;
}

/** The labelled utterances of a split that a model version predicted wrongly (unordered). */
export function mispredicted(db: Db, version: number, split: string): MispredictedRow[] {
  return db
    .prepare(
      `SELECT u.id, u.key, u.split, u.speaker, u.text, u.label gold, p.label predicted, p.probabilities FROM utterance u
     JOIN prediction p ON p.utterance_id = u.id AND p.model_version = ?
     WHERE u.split = ? AND u.label IS NOT NULL AND p.label <> u.label`,
    )
    .all(version, split) as MispredictedRow[];
}

export interface EntropyRow {
  id: number;
  key: string;
  split: string;
  label: string | null;
  text: string | null;
  fps: number;
  entropy: Buffer;
  selected: string;
}

/** Utterances with frame entropy (optionally of one split), by id, at most `limit`. */
export function entropyRows(db: Db, split: string | undefined, limit: number): EntropyRow[] {
  return db
    .prepare(
      `SELECT u.id, u.key, u.split, u.label, u.text, f.fps, f.entropy, f.selected FROM utterance u JOIN frame_entropy f ON f.utterance_id = u.id
     ${split ? 'WHERE u.split = ?' : ''} ORDER BY u.id LIMIT ?`,
    )
    .all(...(split ? [split, limit] : [limit])) as EntropyRow[];
}

/** A reader of stored thumbnails: the PNG of one utterance's frame, or undefined. */
export function thumbnailReader(db: Db): (utteranceId: number, frame: number) => { png: Buffer } | undefined {
  const png = db.prepare('SELECT png FROM thumbnail WHERE utterance_id = ? AND frame = ?');
  return (utteranceId, frame) => png.get(utteranceId, frame) as { png: Buffer } | undefined;
}

export interface ExportExtraRow {
  id: number;
  key: string;
  idx: number | null;
  start_s: number | null;
  end_s: number | null;
  episode_start_s: number | null;
  episode_end_s: number | null;
  root: string;
  duration_s: number | null;
}

/** Every utterance's key, position, spans, corpus root and media duration. */
export function exportExtras(db: Db): ExportExtraRow[] {
  return db
    .prepare(
      `SELECT u.id, u.key, u.idx, u.start_s, u.end_s, u.episode_start_s, u.episode_end_s, c.root, m.duration_s FROM utterance u
       JOIN corpus c ON c.id = u.corpus_id LEFT JOIN media m ON m.utterance_id = u.id`,
    )
    .all() as ExportExtraRow[];
}

/** Every label change of every utterance, in order. */
export function allLabelHistory(db: Db): (LabelChange & { utterance_id: number })[] {
  return db
    .prepare('SELECT utterance_id, at, who, old_label AS old, new_label AS new, source, annotator FROM label_history ORDER BY id')
    .all() as (LabelChange & { utterance_id: number })[];
}

/** Every annotator's current label of every utterance, by annotator. */
export function allAnnotatorLabels(db: Db): { id: number; annotator: string; label: string }[] {
  return db.prepare('SELECT utterance_id id, annotator, label FROM annotator_label ORDER BY annotator').all() as {
    id: number;
    annotator: string;
    label: string;
  }[];
}
