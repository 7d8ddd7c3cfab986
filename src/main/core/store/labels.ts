// Annotation writes: every change is a new label_history row naming its annotator; the triggers keep
// each annotator's current label (annotator_label) and the gold label (utterance.label) from the rows.
import type { Statement } from 'better-sqlite3';
import type { Db } from './db';

export class LabelError extends Error {}

// prepared once per connection: an import of a long-format CSV calls these once per row
const cache = new WeakMap<Db, Map<string, Statement<unknown[], unknown>>>();
function q(db: Db, sql: string): Statement<unknown[], unknown> {
  let m = cache.get(db);
  if (!m) cache.set(db, (m = new Map()));
  let st = m.get(sql);
  if (!st) m.set(sql, (st = db.prepare(sql)));
  return st;
}

/** How the gold label of an item nobody adjudicated is made: `latest` (the last change by anyone:
 * the single-annotator behaviour), `majority` (of the annotators' current labels; ties left open) or
 * `annotator=NAME` (that annotator's label). Items without any annotator label keep their gold. */
export type GoldRule = { kind: 'latest' } | { kind: 'majority' } | { kind: 'annotator'; name: string };

export function parseGoldRule(s: string): GoldRule {
  const v = s.trim();
  if (v === 'latest') return { kind: 'latest' };
  if (v === 'majority') return { kind: 'majority' };
  const m = /^annotator[=:](.+)$/.exec(v);
  if (m && m[1].trim()) return { kind: 'annotator', name: m[1].trim() };
  throw new LabelError(`gold rule '${s}' is not latest, majority or annotator=NAME`);
}

export function goldRuleName(r: GoldRule): string {
  return r.kind === 'annotator' ? `annotator=${r.name}` : r.kind;
}

export function getGoldRule(db: Db): GoldRule {
  const r = q(db, 'SELECT rule FROM gold_rule WHERE id = 1').get() as { rule: string } | undefined;
  return r ? parseGoldRule(r.rule) : { kind: 'latest' };
}

export function labelSetOf(db: Db, utteranceId: number): string[] {
  const r = db.prepare('SELECT c.label_set FROM utterance u JOIN corpus c ON c.id = u.corpus_id WHERE u.id = ?').get(utteranceId) as
    { label_set: string } | undefined;
  if (!r) throw new LabelError(`no utterance with id ${utteranceId}`);
  return JSON.parse(r.label_set);
}

function checkLabel(db: Db, utteranceId: number, label: string | null): void {
  const set = labelSetOf(db, utteranceId);
  if (label !== null && set.length > 0 && !set.includes(label)) {
    throw new LabelError(`label '${label}' is not in this corpus's label set (${set.join(', ')})`);
  }
}

/** An item's gold label and its source (the item must exist; label-undo.ts checks). */
export function gold(db: Db, id: number): { label: string | null; source: string | null } {
  return q(db, 'SELECT label, gold_source AS source FROM utterance WHERE id = ?').get(id) as {
    label: string | null;
    source: string | null;
  };
}

function annotatorLabel(db: Db, id: number, annotator: string): string | null {
  const r = q(db, 'SELECT label FROM annotator_label WHERE utterance_id = ? AND annotator = ?').get(id, annotator) as
    { label: string } | undefined;
  return r?.label ?? null;
}

/** One history row: utterance, old, new, who, source, annotator (null: a gold row), sets_gold. */
export const INSERT = `INSERT INTO label_history (utterance_id, old_label, new_label, who, source, annotator, sets_gold)
  VALUES (?, ?, ?, ?, ?, ?, ?)`;

/** What the rule makes of one item's labels; undefined: the rule has nothing to say (keep the gold). */
function ruleGold(db: Db, id: number, rule: GoldRule): string | null | undefined {
  if (rule.kind === 'latest') {
    const r = q(
      db,
      `SELECT new_label FROM label_history WHERE utterance_id = ? AND source NOT LIKE 'gold:%' AND source <> 'adjudicate'
       ORDER BY id DESC LIMIT 1`,
    ).get(id) as { new_label: string | null } | undefined;
    return r ? r.new_label : undefined;
  }
  if (rule.kind === 'annotator') {
    const l = annotatorLabel(db, id, rule.name);
    return l ?? undefined;
  }
  const rows = q(db, 'SELECT label, COUNT(*) n FROM annotator_label WHERE utterance_id = ? GROUP BY label ORDER BY n DESC').all(id) as {
    label: string;
    n: number;
  }[];
  if (rows.length === 0) return undefined;
  return rows.length > 1 && rows[1].n === rows[0].n ? null : rows[0].label;
}

/** Writes a gold row when the rule's gold differs from the stored one (adjudicated items excepted). */
export function applyRule(db: Db, id: number, rule: GoldRule, who: string): boolean {
  const g = gold(db, id);
  if (g.source === 'adjudicate') return false;
  const want = ruleGold(db, id, rule);
  if (want === undefined || want === g.label) return false;
  q(db, INSERT).run(id, g.label, want, who, `gold:${goldRuleName(rule)}`, null, 1);
  return true;
}

export interface LabelResult {
  /** the gold label before and after */
  old: string | null;
  new: string | null;
  annotator: string;
  /** the annotator's own label before the change */
  annotator_old: string | null;
  gold_source: string | null;
  /** the history id of the annotator's change (what an undo names); null: nothing changed */
  change_id?: number | null;
}

/**
 * One annotator's label for one utterance (their current label; the history keeps every change).
 * The gold label follows the gold rule: under `latest` this change is the gold label (unless the item
 * was adjudicated); under the other rules a `gold:RULE` row follows when the rule's result changes.
 * Runs inside the caller's transaction when there is one.
 */
export function setAnnotatorLabel(
  db: Db,
  utteranceId: number,
  label: string | null,
  who: string,
  source: string,
  annotator: string,
  // imports: nothing to do when the annotator's label is the same (ifChanged); the file's own gold label
  // stays the gold label (keepGold: an ELAN file with a gold tier and annotators' tiers)
  opts: { ifChanged?: boolean; keepGold?: boolean } = {},
): LabelResult {
  checkLabel(db, utteranceId, label);
  const name = annotator.trim();
  if (!name) throw new LabelError('annotator name is empty');
  const before = gold(db, utteranceId);
  const mine = annotatorLabel(db, utteranceId, name);
  const rule = getGoldRule(db);
  const setsGold = rule.kind === 'latest' && before.source !== 'adjudicate' && !opts.keepGold;
  if (mine === label && (!setsGold || before.label === label || opts.ifChanged)) {
    return { old: before.label, new: before.label, annotator: name, annotator_old: mine, gold_source: before.source, change_id: null };
  }
  const row = q(db, INSERT).run(utteranceId, setsGold ? before.label : mine, label, who, source, name, setsGold ? 1 : 0);
  if (!setsGold && !opts.keepGold) applyRule(db, utteranceId, rule, who);
  const after = gold(db, utteranceId);
  const change_id = Number(row.lastInsertRowid);
  return { old: before.label, new: after.label, annotator: name, annotator_old: mine, gold_source: after.source, change_id };
}

/** relabel as before, now as one annotator (default: `who`). Returns the gold label before and after. */
export function relabel(db: Db, utteranceId: number, label: string | null, who: string, source = 'relabel', annotator = who): LabelResult {
  // take the write lock first: a read-then-write transaction would not wait for a busy database
  return db.transaction(() => setAnnotatorLabel(db, utteranceId, label, who, source, annotator)).immediate();
}

/** The adjudicated gold label (source `adjudicate`): it wins over the gold rule until cleared
 * (label null: the rule's label again). */
export function adjudicate(db: Db, utteranceId: number, label: string | null, who: string): LabelResult {
  return db
    .transaction(() => {
      checkLabel(db, utteranceId, label);
      const before = gold(db, utteranceId);
      if (label === null) {
        if (before.source === 'adjudicate') {
          const rule = getGoldRule(db);
          const want = ruleGold(db, utteranceId, rule);
          q(db, INSERT).run(
            utteranceId,
            before.label,
            want === undefined ? before.label : want,
            who,
            `gold:${goldRuleName(rule)}`,
            null,
            1,
          );
        }
      } else if (!(before.source === 'adjudicate' && before.label === label)) {
        q(db, INSERT).run(utteranceId, before.label, label, who, 'adjudicate', null, 1);
      }
      const after = gold(db, utteranceId);
      return { old: before.label, new: after.label, annotator: who, annotator_old: null, gold_source: after.source };
    })
    .immediate();
}

/** Stores the gold rule and applies it to every item with annotator labels that nobody adjudicated. */
export function setGoldRule(db: Db, rule: GoldRule, who: string): { rule: string; changed: number } {
  return db
    .transaction(() => {
      q(db, 'INSERT INTO gold_rule (id, rule) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET rule = excluded.rule').run(goldRuleName(rule));
      const ids = q(db, 'SELECT DISTINCT utterance_id id FROM annotator_label ORDER BY id').all() as { id: number }[];
      let changed = 0;
      for (const { id } of ids) if (applyRule(db, id, rule, who)) changed++;
      return { rule: goldRuleName(rule), changed };
    })
    .immediate();
}

/** The annotators with how many current labels each has (optionally in one split). */
export function listAnnotators(db: Db, split?: string): { name: string; labels: number }[] {
  return q(
    db,
    `SELECT a.annotator name, COUNT(*) labels FROM annotator_label a JOIN utterance u ON u.id = a.utterance_id
     ${split ? 'WHERE u.split = ?' : ''} GROUP BY a.annotator ORDER BY a.annotator`,
  ).all(...(split ? [split] : [])) as { name: string; labels: number }[];
}

/** Every annotator's current label of one utterance. */
export function annotatorLabels(db: Db, utteranceId: number): { annotator: string; label: string }[] {
  return q(db, 'SELECT annotator, label FROM annotator_label WHERE utterance_id = ? ORDER BY annotator').all(utteranceId) as {
    annotator: string;
    label: string;
  }[];
}

/** Where the gold labels come from under the stored rule: each gold label counted once, under
 * `adjudicate` when adjudicated, under `gold:RULE` (the current rule) when the rule gives that label
 * today, else under the change that set it (import, relabel, annotate, undo, or an earlier rule's
 * gold:OTHER where the current rule has nothing to say); plus items left open by a tie. A switch writes
 * a row only for the labels it changes, so the stored source of a label the new rule confirms still
 * names the old rule: the summary asks the rule instead. Under `latest` a relabel's own source stays. */
export function goldSummary(db: Db, split?: string): { rule: string; by_source: Record<string, number>; open: number } {
  const where = split ? 'AND split = ?' : '';
  const args = split ? [split] : [];
  const rule = getGoldRule(db);
  const current = `gold:${goldRuleName(rule)}`;
  const rows = q(
    db,
    `SELECT id, label, CASE WHEN gold_source IN ('relabel', 'annotate', 'undo', 'adjudicate') OR gold_source LIKE 'gold:%' THEN gold_source ELSE 'import' END s FROM utterance WHERE label IS NOT NULL ${where}`,
  ).all(...args) as { id: number; label: string; s: string }[];
  const counts = new Map<string, number>();
  for (const r of rows) {
    let s = r.s;
    if (s !== 'adjudicate' && s !== current && (rule.kind !== 'latest' || s.startsWith('gold:')) && ruleGold(db, r.id, rule) === r.label)
      s = current;
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  const open = (
    q(
      db,
      `SELECT COUNT(*) n FROM utterance WHERE label IS NULL ${where} AND EXISTS (SELECT 1 FROM annotator_label a WHERE a.utterance_id = utterance.id)`,
    ).get(...args) as { n: number }
  ).n;
  const by_source = Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { rule: goldRuleName(rule), by_source, open };
}
