// Undo of one annotator's last change on one item, read from the append-only label_history: the
// annotator's own label goes back to what it was before the change (none: their annotator_label row is
// cleared by the trigger, so agreement and `annotators` no longer count them) and, while nobody else
// has changed the item since, the gold label and its source go back to what they were too. The undo
// is new history rows (an `undo` row for the annotator, then a gold row carrying the restored source);
// nothing stored is removed.
import type { Db } from './db';
import type { UndoOutput } from '../../../shared/api-annotation';
import { applyRule, getGoldRule, gold, INSERT, LabelError } from './labels';

export class UndoConflictError extends LabelError {}

interface Row {
  id: number;
  old_label: string | null;
  new_label: string | null;
  source: string;
  annotator: string | null;
  sets_gold: number;
}

/** What an undo did: the API's UndoOutput without the item's history (the handler adds it). */
export type UndoResult = Omit<UndoOutput, 'history'>;

/** The change of `annotator` on the item that an undo would take back now (null: none): their changes
 * in order, each `undo` row taking back the latest one not yet taken back. */
export function undoableChange(db: Db, utteranceId: number, annotator: string): number | null {
  const rows = db
    .prepare('SELECT id, source FROM label_history WHERE utterance_id = ? AND annotator = ? ORDER BY id')
    .all(utteranceId, annotator) as { id: number; source: string }[];
  const stack: number[] = [];
  for (const r of rows) {
    if (r.source === 'undo') stack.pop();
    else stack.push(r.id);
  }
  return stack.length ? stack[stack.length - 1] : null;
}

/**
 * Takes back `annotator`'s last change on the item (`change`: the history id the caller expects that to
 * be; another one is refused, so a stale undo never takes back the wrong change).
 */
export function undoAnnotatorChange(db: Db, utteranceId: number, annotator: string, who: string, change?: number | null): UndoResult {
  return db
    .transaction((): UndoResult => {
      const name = annotator.trim();
      const cur: ReturnType<typeof gold> | undefined = gold(db, utteranceId);
      if (!cur) throw new LabelError(`no utterance with id ${utteranceId}`);
      const target = undoableChange(db, utteranceId, name);
      if (target === null) throw new UndoConflictError(`${name} has no change on utterance ${utteranceId} to undo`);
      if (change != null && change !== target)
        throw new UndoConflictError(`change ${change} is not ${name}'s last change on utterance ${utteranceId} (that is ${target})`);
      const rows = db.prepare('SELECT * FROM label_history WHERE utterance_id = ? ORDER BY id').all(utteranceId) as Row[];
      const k = rows.findIndex((r) => r.id === target);
      const before = rows.slice(0, k);
      const prevMine = [...before].reverse().find((r) => r.annotator === name)?.new_label ?? null;
      const prevGold = [...before].reverse().find((r) => r.sets_gold === 1);
      const mineNow = [...rows].reverse().find((r) => r.annotator === name)?.new_label ?? null;
      // rows after the change that are this annotator's (changes already undone, and their undos) or the
      // gold row written with one of them (the next id, in the same transaction) leave the item as the
      // change left it; any other row is someone else's change
      const ownIds = new Set<number>();
      let untouched = true;
      for (const r of rows.slice(k)) {
        if (r.annotator === name) ownIds.add(r.id);
        else if (!(r.annotator === null && r.source !== 'adjudicate' && ownIds.has(r.id - 1))) untouched = false;
      }
      db.prepare(INSERT).run(utteranceId, mineNow, prevMine, who, 'undo', name, 0);
      if (untouched) {
        const label = prevGold?.new_label ?? null;
        const source = prevGold?.source ?? null;
        if (label !== cur.label || source !== cur.source) {
          db.prepare(INSERT).run(utteranceId, cur.label, label, who, source ?? 'undo', null, 1);
          // an item nobody had labelled has no gold source either (the row above had to name one)
          if (source === null) db.prepare('UPDATE utterance SET gold_source = NULL WHERE id = ?').run(utteranceId);
        }
      } else {
        const rule = getGoldRule(db);
        if (rule.kind !== 'latest') applyRule(db, utteranceId, rule, who);
      }
      const after = gold(db, utteranceId);
      return {
        undone: target,
        annotator: name,
        annotator_old: mineNow,
        mine: prevMine,
        old: cur.label,
        new: after.label,
        gold_source: after.source,
        gold_restored: untouched,
      };
    })
    .immediate();
}
