// The time order of a split's utterances within their dialogues, for the block bootstrap of the
// evaluation intervals (learn/bootstrap.ts): by start time, then the position in the dialogue, then id.
import type { Db } from './db';

/** Each utterance id of the split mapped to its rank in (dialogue, start time, position, id) order. */
export function timeRanks(db: Db, split: string): Map<number, number> {
  const rows = db
    .prepare(
      `SELECT id FROM utterance WHERE split = ?
       ORDER BY dialogue_id, start_s IS NULL, start_s, idx IS NULL, idx, id`,
    )
    .all(split) as { id: number }[];
  return new Map(rows.map((r, k) => [r.id, k]));
}
