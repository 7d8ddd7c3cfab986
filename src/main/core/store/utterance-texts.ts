// The raw transcript of every utterance (all splits), for features computed from the text itself at
// training time (learn/train-sparse.ts: `train --lexicon`).
import type { Db } from './db';

/** utterance id -> its text ('' when it has none) */
export function utteranceTexts(db: Db): Map<number, string> {
  const rows = db.prepare('SELECT id, text FROM utterance').all() as { id: number; text: string | null }[];
  return new Map(rows.map((r) => [r.id, r.text ?? '']));
}
