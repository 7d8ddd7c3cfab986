// Read side of training: the utterances and their stored features (text, audio stats, frame entropy,
// pretrained-encoder vectors) as learn/dataset.ts assembles them, and which extractors made them.
import type { Db } from './db';

export interface UtteranceTrainingRow {
  id: number;
  split: string;
  corpus_id: number;
  dialogue_id: number | null;
  idx: number | null;
  speaker: string | null;
  label: string | null;
}

/** Every utterance (all splits), ordered by id. */
export function utteranceTrainingRows(db: Db): UtteranceTrainingRow[] {
  return db
    .prepare('SELECT id, split, corpus_id, dialogue_id, idx, speaker, label FROM utterance ORDER BY id')
    .all() as UtteranceTrainingRow[];
}

/** The distinct encoders (extractor, version, layout) of the stored text features. */
export function textFeatureVersions(db: Db): { extractor: string; version: string; layout: string }[] {
  return db.prepare("SELECT DISTINCT extractor, version, layout FROM feature WHERE kind = 'text'").all() as {
    extractor: string;
    version: string;
    layout: string;
  }[];
}

/** The stored utterance-level text vectors, one by one. */
export function iterateTextFeatures(db: Db): Iterable<{ utterance_id: number; layout: string; dim: number; data: Buffer }> {
  return db.prepare("SELECT utterance_id, layout, dim, data FROM feature WHERE kind = 'text' AND frame = -1").iterate() as Iterable<{
    utterance_id: number;
    layout: string;
    dim: number;
    data: Buffer;
  }>;
}

/** The stored audio statistics vectors, one by one. */
export function iterateAudioStats(db: Db): Iterable<{ utterance_id: number; data: Buffer }> {
  return db.prepare("SELECT utterance_id, data FROM feature WHERE kind = 'audio.stats' AND frame = -1").iterate() as Iterable<{
    utterance_id: number;
    data: Buffer;
  }>;
}

/** The stored frame entropy, motion and selected frames, one utterance at a time. */
export function iterateFrameEntropy(db: Db): Iterable<{ utterance_id: number; entropy: Buffer; motion: Buffer | null; selected: string }> {
  return db.prepare('SELECT utterance_id, entropy, motion, selected FROM frame_entropy').iterate() as Iterable<{
    utterance_id: number;
    entropy: Buffer;
    motion: Buffer | null;
    selected: string;
  }>;
}

/** The selected frames (JSON) of each utterance with frame entropy, one by one. */
export function iterateSelectedFrames(db: Db): Iterable<{ utterance_id: number; selected: string }> {
  return db.prepare('SELECT utterance_id, selected FROM frame_entropy').iterate() as Iterable<{
    utterance_id: number;
    selected: string;
  }>;
}

/** The distinct (extractor, version) pairs stored for one feature kind. */
export function featureVersions(db: Db, kind: string): { extractor: string; version: string }[] {
  return db.prepare('SELECT DISTINCT extractor, version FROM feature WHERE kind = ?').all(kind) as {
    extractor: string;
    version: string;
  }[];
}

/** Every stored vector of one feature kind, ordered by utterance and frame, one by one. */
export function iterateFeatureFrames(db: Db, kind: string): Iterable<{ utterance_id: number; frame: number; data: Buffer }> {
  return db.prepare('SELECT utterance_id, frame, data FROM feature WHERE kind = ? ORDER BY utterance_id, frame').iterate(kind) as Iterable<{
    utterance_id: number;
    frame: number;
    data: Buffer;
  }>;
}

/** Each corpus's label set (parsed), in corpus id order. */
export function corpusLabelSets(db: Db): string[][] {
  return (db.prepare('SELECT label_set FROM corpus ORDER BY id').all() as { label_set: string }[]).map(
    (r) => JSON.parse(r.label_set) as string[],
  );
}

/** Whether any training utterance has a stored feature of this kind. */
export function trainHasFeature(db: Db, kind: 'audio.stats' | 'text'): boolean {
  const sql =
    kind === 'audio.stats'
      ? "SELECT 1 n FROM feature f JOIN utterance u ON u.id = f.utterance_id WHERE u.split = 'train' AND f.kind = 'audio.stats' LIMIT 1"
      : "SELECT 1 n FROM feature f JOIN utterance u ON u.id = f.utterance_id WHERE u.split = 'train' AND f.kind = 'text' LIMIT 1";
  return (db.prepare(sql).get() as { n: number } | undefined) !== undefined;
}

/** Whether any training utterance has stored frame entropy. */
export function trainHasFrameEntropy(db: Db): boolean {
  return (
    (db.prepare("SELECT 1 n FROM frame_entropy f JOIN utterance u ON u.id = f.utterance_id WHERE u.split = 'train' LIMIT 1").get() as
      { n: number } | undefined) !== undefined
  );
}

/** How many utterances are in the training split. */
export function countTrainUtterances(db: Db): number {
  return (db.prepare("SELECT COUNT(*) n FROM utterance WHERE split = 'train'").get() as { n: number }).n;
}

/** The distinct extractors of one feature kind on the training split, by name. */
export function trainExtractors(db: Db, kind: string): { extractor: string }[] {
  return db
    .prepare(
      "SELECT DISTINCT f.extractor FROM feature f JOIN utterance u ON u.id = f.utterance_id WHERE u.split = 'train' AND f.kind = ? ORDER BY f.extractor",
    )
    .all(kind) as { extractor: string }[];
}

/** The distinct pretrained (dense) text encoders with their versions on the training split. */
export function trainDenseTextEncoders(db: Db): { extractor: string; version: string }[] {
  return db
    .prepare(
      "SELECT DISTINCT f.extractor, f.version FROM feature f JOIN utterance u ON u.id = f.utterance_id WHERE u.split = 'train' AND f.kind = 'text' AND f.layout = 'dense'",
    )
    .all() as { extractor: string; version: string }[];
}

/** The distinct (extractor, version) pairs of one feature kind on the training split, ordered. */
export function trainExtractorVersions(db: Db, kind: string): { extractor: string; version: string }[] {
  return db
    .prepare(
      "SELECT DISTINCT f.extractor, f.version FROM feature f JOIN utterance u ON u.id = f.utterance_id WHERE u.split = 'train' AND f.kind = ? ORDER BY 1",
    )
    .all(kind) as { extractor: string; version: string }[];
}

/** The extractor of one stored text feature (any), or undefined when there is none. */
export function anyTextExtractor(db: Db): { extractor: string } | undefined {
  return db.prepare("SELECT extractor FROM feature WHERE kind = 'text' LIMIT 1").get() as { extractor: string } | undefined;
}

/** What a baseline fit depends on: the last label change, the number of text features and of training utterances. */
export function trainingDataStamp(db: Db): { h: number; t: number; n: number } {
  return db
    .prepare(
      `SELECT (SELECT COALESCE(MAX(id), 0) FROM label_history) h, (SELECT COUNT(*) FROM feature WHERE kind = 'text') t,
            (SELECT COUNT(*) FROM utterance WHERE split = 'train') n`,
    )
    .get() as { h: number; t: number; n: number };
}
