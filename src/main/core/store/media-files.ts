// Where an utterance's media lies (its media path and its corpus root) and its stored PNG
// thumbnails: what api/media-lookup.ts reads before it checks and serves a file.
import type { Db } from './db';

/** The media path (null when none) and corpus root of utterance `id`; undefined when there is no such utterance. */
export function mediaPathOf(db: Db, id: number): { path: string | null; root: string } | undefined {
  return db
    .prepare(
      'SELECT m.path, c.root FROM utterance u JOIN corpus c ON c.id = u.corpus_id LEFT JOIN media m ON m.utterance_id = u.id WHERE u.id = ?',
    )
    .get(id) as { path: string | null; root: string } | undefined;
}

export function thumbnailOf(db: Db, id: number, frame: number): Buffer | null {
  const r = db.prepare('SELECT png FROM thumbnail WHERE utterance_id = ? AND frame = ?').get(id, frame) as { png: Buffer } | undefined;
  return r?.png ?? null;
}

export function thumbnailFrames(db: Db, id: number): number[] {
  return (db.prepare('SELECT frame FROM thumbnail WHERE utterance_id = ? ORDER BY frame').all(id) as { frame: number }[]).map(
    (r) => r.frame,
  );
}
