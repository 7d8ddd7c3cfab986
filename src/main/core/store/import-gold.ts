// Imports of files labelled by several annotators and no gold tier: which gold rule makes their gold
// labels, said in a note per file; a new database whose first import is such a file gets the gold
// rule `majority` (ties left open) instead of `latest` (the label of the annotator read last).
import type { Db } from './db';
import type { ImportBatch } from '../corpus/types';
import { saveImport, type ImportSummary } from './corpus-repo';
import { getGoldRule, goldRuleName, setGoldRule } from './labels';

/** What the note of one file says, for --json and the app. */
export interface GoldNote {
  file: string;
  /** the annotators whose labels the file brought, sorted */
  annotators: string[];
  /** the gold rule that made the file's gold labels (latest, majority, annotator=NAME) */
  rule: string;
  /** the rule was set to `majority` by this import (a new database; it was the default `latest`) */
  rule_set_by_import: boolean;
  /** the file's items with annotator labels, those of them with a gold label, those left open (no
   * gold label: not trained on), and those where the annotators disagree */
  items: number;
  labelled: number;
  open: number;
  disagree: number;
  /** the command that changes the rule */
  command: string;
  note: string;
}

/** Per source file of the batch: the annotators when 2 or more named labels and no record has a gold label. */
export function multiAnnotatorFiles(batch: ImportBatch): Map<string, string[]> {
  const who = new Map<string, Set<string>>();
  const gold = new Set<string>();
  for (const r of batch.records) {
    if (r.label !== null) gold.add(r.source);
    let s = who.get(r.source);
    if (!s) who.set(r.source, (s = new Set()));
    for (const a of r.annotations ?? []) s.add(a.annotator);
  }
  const out = new Map<string, string[]>();
  for (const [file, s] of who) if (s.size >= 2 && !gold.has(file)) out.set(file, [...s].sort());
  return out;
}

/** A database nothing was imported into yet and whose gold rule nobody set. */
function isNewDatabase(db: Db): boolean {
  return !db.prepare('SELECT 1 FROM utterance LIMIT 1').get() && !db.prepare('SELECT 1 FROM gold_rule LIMIT 1').get();
}

const quoteArg = (s: string) => (/^[\w./:=@+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/**
 * saveImport, plus for each file with several annotators and no gold tier a GoldNote. When the database
 * is new, its gold rule is first set to `majority` (through setGoldRule, in the same transaction as the
 * import); an existing database keeps its rule. `dbPath` goes into the command the note names;
 * `setByEarlier`: an earlier batch of the same import set the rule (its notes say so too).
 */
export function saveImportWithGoldNote(
  db: Db,
  batch: ImportBatch,
  o: { who: string; dbPath?: string; setByEarlier?: boolean },
): { summary: ImportSummary; gold: GoldNote[]; ruleSet: boolean } {
  const files = multiAnnotatorFiles(batch);
  let ruleSet = false;
  const summary = db
    .transaction(() => {
      if (files.size && isNewDatabase(db)) {
        setGoldRule(db, { kind: 'majority' }, o.who);
        ruleSet = true;
      }
      return saveImport(db, batch);
    })
    .immediate();
  const rule = goldRuleName(getGoldRule(db));
  const count = db.prepare(
    `SELECT COUNT(*) items, COALESCE(SUM(u.label IS NOT NULL), 0) labelled,
       COALESCE(SUM((SELECT COUNT(DISTINCT a.label) FROM annotator_label a WHERE a.utterance_id = u.id) > 1), 0) disagree
     FROM utterance u WHERE u.corpus_id = ? AND u.source = ?
       AND EXISTS (SELECT 1 FROM annotator_label a WHERE a.utterance_id = u.id)`,
  );
  const gold = [...files].map(([file, annotators]): GoldNote => {
    const c = count.get(summary.corpusId, file) as { items: number; labelled: number; disagree: number };
    const setHere = ruleSet || !!o.setByEarlier;
    return goldNote(file, annotators, rule, setHere, c, o.dbPath);
  });
  return { summary, gold, ruleSet };
}

function goldNote(
  file: string,
  annotators: string[],
  rule: string,
  setHere: boolean,
  c: { items: number; labelled: number; disagree: number },
  dbPath?: string,
): GoldNote {
  const cmd = (r: string) => `emotion-studio gold-rule ${r}${dbPath ? ` --db ${quoteArg(dbPath)}` : ''}`;
  const others = ['majority', 'latest', `annotator=${annotators[0]}`].filter((r) => r !== rule);
  const command = cmd(others[0]);
  const open = c.items - c.labelled;
  const head = `${file}: labels by ${annotators.length} annotators (${annotators.join(', ')}) and no gold tier`;
  let how: string;
  if (rule === 'majority') {
    how =
      (setHere
        ? "this new database's gold rule is set to 'majority' (instead of 'latest', the label of the annotator read last)"
        : "the gold rule is 'majority'") +
      `: ${c.labelled} of ${c.items} items have the annotators' majority label as gold, ${open} tie(s) left open (no gold label, not trained on; see 'emotion-studio disagreements', 'adjudicate')`;
  } else if (rule === 'latest') {
    how = `the gold rule is 'latest': each item's gold label is the label of the annotator read last, whatever the others said (they disagree on ${c.disagree} of ${c.items} items)`;
  } else {
    how = `the gold rule is '${rule}': ${c.labelled} of ${c.items} items have that annotator's label as gold`;
  }
  const change = `to change it: ${others.map(cmd).join(', or ')}`;
  return {
    file,
    annotators,
    rule,
    rule_set_by_import: setHere,
    items: c.items,
    labelled: c.labelled,
    open,
    disagree: c.disagree,
    command,
    note: `${head}; ${how}; ${change}`,
  };
}
