// The annotation view's reads: the ids an annotator works through (with the view's filters) and an
// utterance with its neighbours in the dialogue (the context shown around it).
import type { Db } from './db';
import type { ApiParsedInput } from '../../../shared/api';
import { addUtteranceFilter } from './utterance-filter';

/** Utterance ids matching the filters, in id order. */
export function annotationIds(db: Db, f: ApiParsedInput<'annotation.ids'>): number[] {
  const where: string[] = [];
  const args: Record<string, unknown> = {};
  addUtteranceFilter(
    { split: f.split, speaker: f.speaker, annotator: f.annotator, unlabelledBy: f.unlabelledBy, annotatorsDisagree: f.disagree },
    where,
    args,
  );
  return db
    .prepare(`SELECT u.id FROM utterance u ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY u.id`)
    .pluck()
    .all(args) as number[];
}

export interface ContextRow {
  id: number;
  idx: number | null;
  speaker: string | null;
  text: string | null;
  label: string | null;
  start_s: number | null;
  end_s: number | null;
}

/**
 * Utterance `id` with up to `before` and `after` neighbours of its dialogue (by idx, then id); the
 * utterance alone when it has no dialogue position; null when there is no such utterance.
 */
export function contextOf(db: Db, id: number, before: number, after: number): ContextRow[] | null {
  const u = db.prepare('SELECT dialogue_id, idx FROM utterance WHERE id = ?').get(id) as
    { dialogue_id: number | null; idx: number | null } | undefined;
  if (!u) return null;
  if (u.dialogue_id !== null && u.idx !== null) {
    return db
      .prepare(
        `SELECT id, idx, speaker, text, label, start_s, end_s FROM utterance WHERE dialogue_id = ? AND idx BETWEEN ? AND ? ORDER BY idx, id`,
      )
      .all(u.dialogue_id, u.idx - before, u.idx + after) as ContextRow[];
  }
  return db.prepare('SELECT id, idx, speaker, text, label, start_s, end_s FROM utterance WHERE id = ?').all(id) as ContextRow[];
}
