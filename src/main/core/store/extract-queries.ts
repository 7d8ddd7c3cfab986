// What the extraction stages read: the items each stage still has to do, the rows that decide shard
// membership, and the done checks that claims run before an item is decoded (jobs/ orchestrates).
import type { Db } from './db';

/** A media task's utterance: its file, its span (a segment) and its media stage status. */
export interface MediaTaskRow {
  id: number;
  key: string;
  file: string;
  start_s: number | null;
  end_s: number | null;
  status: string | null;
  version: string | null;
}

/** Every utterance with a media file (removed segments left out), in id order. */
export function mediaTaskRows(db: Db): MediaTaskRow[] {
  return db
    .prepare(
      `SELECT u.id, u.key, m.path AS file, u.start_s, u.end_s, s.status, s.version FROM utterance u JOIN media m ON m.utterance_id = u.id
     LEFT JOIN stage_status s ON s.utterance_id = u.id AND s.stage = 'media'
     WHERE m.path IS NOT NULL AND u.split <> 'removed' ORDER BY u.id`,
    )
    .all() as MediaTaskRow[];
}

/** The media stage version stored for an utterance, read by a prepared statement (undefined when none). */
export function mediaVersionReader(db: Db): (utteranceId: number) => string | undefined {
  const q = db.prepare("SELECT version FROM stage_status WHERE utterance_id = ? AND stage = 'media'").pluck();
  return (id) => q.get(id) as string | undefined;
}

/** What decides an utterance's shard: its key, or its recording's path under the corpus root. */
export interface ShardRow {
  id: number;
  key: string;
  start_s: number | null;
  path: string | null;
  root: string;
}

export function shardRows(db: Db): IterableIterator<ShardRow> {
  return db
    .prepare(
      `SELECT u.id, u.key, u.start_s, m.path, c.root FROM utterance u JOIN corpus c ON c.id = u.corpus_id
     LEFT JOIN media m ON m.utterance_id = u.id`,
    )
    .iterate() as IterableIterator<ShardRow>;
}

/** Texts whose text stage is missing or of another version than `version`, in id order. */
export function textTodo(db: Db, version: string): { id: number; text: string }[] {
  return db
    .prepare(
      `SELECT u.id, u.text FROM utterance u LEFT JOIN stage_status s ON s.utterance_id = u.id AND s.stage = 'text'
       WHERE u.text IS NOT NULL AND (s.status IS NULL OR s.version <> ?) ORDER BY u.id`,
    )
    .all(version) as { id: number; text: string }[];
}

/** An item a pretrained audio or video encoder still has to do. */
export interface EncoderTodoRow {
  id: number;
  file: string;
  selected: string | null;
  start_s: number | null;
  end_s: number | null;
  /** the media stage's frame rate and, for a segment, where its frame 0 is in the file */
  fps: number | null;
  t0_s: number | null;
}

/**
 * Items whose media stage is done (with an audio summary for audio, selected frames for video) and
 * that have no `kind` features of this model name and version, in id order.
 */
export function encoderTodo(db: Db, kind: 'audio.embedding' | 'video.embedding', name: string, version: string): EncoderTodoRow[] {
  const needs =
    kind === 'audio.embedding' ? 'EXISTS (SELECT 1 FROM audio_summary a WHERE a.utterance_id = u.id)' : 'fe.utterance_id IS NOT NULL';
  return db
    .prepare(
      `SELECT u.id, m.path AS file, fe.selected, u.start_s, u.end_s, fe.fps, fe.t0_s FROM utterance u
       JOIN media m ON m.utterance_id = u.id
       JOIN stage_status ms ON ms.utterance_id = u.id AND ms.stage = 'media' AND ms.status = 'done'
       LEFT JOIN frame_entropy fe ON fe.utterance_id = u.id
       WHERE m.path IS NOT NULL AND ${needs}
         AND NOT EXISTS (SELECT 1 FROM feature f WHERE f.utterance_id = u.id AND f.kind = @kind AND f.extractor = @name AND f.version = @version)
       ORDER BY u.id`,
    )
    .all({ kind, name, version }) as EncoderTodoRow[];
}

/** A check, by a prepared statement, that an utterance has `kind` features of this extractor and version. */
export function featureChecker(db: Db, kind: string, extractor: string, version: string): (utteranceId: number) => boolean {
  const has = db.prepare('SELECT 1 FROM feature WHERE utterance_id = ? AND kind = ? AND extractor = ? AND version = ? LIMIT 1').pluck();
  return (id) => has.get(id, kind, extractor, version) !== undefined;
}
