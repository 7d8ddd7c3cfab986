// Annotation writes: every change is a new label_history row (the trigger updates utterance.label).
import type { Db } from './db';

export class LabelError extends Error {}

export function labelSetOf(db: Db, utteranceId: number): string[] {
  const r = db
    .prepare('SELECT c.label_set FROM utterance u JOIN corpus c ON c.id = u.corpus_id WHERE u.id = ?')
    .get(utteranceId) as { label_set: string } | undefined;
  if (!r) throw new LabelError(`no utterance with id ${utteranceId}`);
  return JSON.parse(r.label_set);
}

export function relabel(db: Db, utteranceId: number, label: string | null, who: string, source = 'relabel'): { old: string | null; new: string | null } {
  return db.transaction(() => {
    const set = labelSetOf(db, utteranceId);
    if (label !== null && set.length > 0 && !set.includes(label)) {
      throw new LabelError(`label '${label}' is not in this corpus's label set (${set.join(', ')})`);
    }
    const old = (db.prepare('SELECT label FROM utterance WHERE id = ?').get(utteranceId) as { label: string | null }).label;
    if (old === label) return { old, new: label };
    db.prepare('INSERT INTO label_history (utterance_id, old_label, new_label, who, source) VALUES (?, ?, ?, ?, ?)')
      .run(utteranceId, old, label, who, source);
    return { old, new: label };
  }).immediate(); // take the write lock first: a read-then-write transaction would not wait for a busy database
}
