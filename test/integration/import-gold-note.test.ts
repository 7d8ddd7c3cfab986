// Importing a file labelled by several annotators and no gold tier (.eaf, .TextGrid, long-format CSV)
// with the built CLI: a note names the file, the annotators and the gold rule that made the gold labels
// and how to change it (--json: gold_notes); a new database gets the rule `majority` (a tie leaves the
// gold open), an existing one keeps its rule; an .eaf with a gold tier is unaffected.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';
import { openDb } from '../../src/main/core/store/db';

import { ANA, BEN, SPEECH, eafWith, type T } from '../helpers/eaf-tiers';

function ok(r: ReturnType<typeof runCli>) {
  expect(r.code, r.stderr).toBe(0);
  return r;
}

/** gold label by text, and the stored gold rule (null: none stored, the default latest) */
function goldOf(db: string): { gold: Record<string, string | null>; rule: string | null } {
  const d = openDb(db);
  try {
    const rows = d.prepare('SELECT text, label FROM utterance ORDER BY id').all() as { text: string; label: string | null }[];
    const r = d.prepare('SELECT rule FROM gold_rule').get() as { rule: string } | undefined;
    return { gold: Object.fromEntries(rows.map((x) => [x.text, x.label])), rule: r?.rule ?? null };
  } finally {
    d.close();
  }
}

describe('import of several annotators without a gold tier', () => {
  const t = tmpDir('es-goldnote-');
  afterAll(() => t.cleanup());
  const eaf = path.join(t.dir, 'talk.eaf');
  fs.writeFileSync(eaf, eafWith([...SPEECH, ANA, BEN]));

  it('a new database: the note names file, annotators, rule majority and the command; a tie leaves the gold open', () => {
    const db = path.join(t.dir, 'new.db');
    const r = ok(runCli(['import', eaf, '--db', db]));
    const note = r.stderr.split('\n').find((l) => l.startsWith('note: '));
    expect(note).toBeDefined();
    expect(note).toContain(eaf);
    expect(note).toContain('2 annotators (ana, ben) and no gold tier');
    expect(note).toContain("gold rule is set to 'majority'");
    expect(note).toContain('2 of 3 items');
    expect(note).toContain(`emotion-studio gold-rule latest --db ${db}`);
    const g = goldOf(db);
    expect(g.rule).toBe('majority');
    expect(g.gold).toEqual({ 'This smells awful.': 'disgust', 'Why did nobody tell me?': 'anger', 'There is hair in my soup.': null });
    // the command the note names works, and re-importing names the rule now in force
    ok(runCli(['gold-rule', 'latest', '--db', db]));
    const j = ok(runCli(['import', eaf, '--db', db, '--json'])).json();
    expect(j.imports[0].gold_notes).toEqual([
      expect.objectContaining({ file: eaf, annotators: ['ana', 'ben'], rule: 'latest', rule_set_by_import: false, items: 3, disagree: 1 }),
    ]);
    expect(j.imports[0].added).toBe(0); // the documented fields are still there
    expect(goldOf(db).gold['There is hair in my soup.']).toBe('fear');
  });

  it('an existing database keeps its rule (latest: the last tier read) and the note says so', () => {
    const db = path.join(t.dir, 'old.db');
    const first = path.join(t.dir, 'first.eaf');
    fs.writeFileSync(first, eafWith([{ id: 'Cy', participant: 'Cy', anns: [[1000, 2000, 'Hello.']] }]));
    ok(runCli(['import', first, '--db', db]));
    const j = ok(runCli(['import', eaf, '--db', db, '--json'])).json();
    const n = j.imports[0].gold_notes[0];
    expect(n).toMatchObject({ rule: 'latest', rule_set_by_import: false, annotators: ['ana', 'ben'], disagree: 1 });
    expect(n.command).toBe(`emotion-studio gold-rule majority --db ${db}`);
    expect(n.note).toContain("the gold rule is 'latest'");
    const g = goldOf(db);
    expect(g.rule).toBeNull();
    expect(g.gold['There is hair in my soup.']).toBe('fear');
  });

  it('an .eaf with a gold tier: no note, the rule stays the default, the gold is the tier', () => {
    const db = path.join(t.dir, 'gold.db');
    const f = path.join(t.dir, 'withgold.eaf');
    const gold: T = { id: 'emotion (gold)', anns: ANA.anns.map(([a, b]) => [a, b, 'neutral']) };
    fs.writeFileSync(f, eafWith([...SPEECH, ANA, BEN, gold]));
    const r = ok(runCli(['import', f, '--db', db, '--json']));
    expect(r.stderr).not.toContain('note: ');
    expect(r.json().imports[0].gold_notes).toBeUndefined();
    const g = goldOf(db);
    expect(g.rule).toBeNull();
    expect(Object.values(g.gold)).toEqual(['neutral', 'neutral', 'neutral']);
  });

  it('an item the gold tier leaves out keeps no gold label (not the label of the annotator tier read last)', () => {
    const db = path.join(t.dir, 'partgold.db');
    const f = path.join(t.dir, 'partgold.eaf');
    // the gold tier as the ELAN export writes a tie: no annotation on the third utterance
    const gold: T = { id: 'emotion (gold)', anns: ANA.anns.slice(0, 2) };
    fs.writeFileSync(f, eafWith([...SPEECH, ANA, BEN, gold]));
    const r = ok(runCli(['import', f, '--db', db]));
    expect(r.stderr).not.toContain('note: ');
    expect(goldOf(db)).toEqual({
      gold: { 'This smells awful.': 'disgust', 'Why did nobody tell me?': 'anger', 'There is hair in my soup.': null },
      rule: null,
    });
    // the annotators' labels are all there; the rule, when set, applies to the item left open
    ok(runCli(['gold-rule', 'annotator=ben', '--db', db]));
    expect(goldOf(db).gold['There is hair in my soup.']).toBe('fear');
  });

  it('a TextGrid and a long-format CSV with two annotators get the note too', () => {
    const tg = path.join(t.dir, 'talk.TextGrid');
    let k = 0;
    const tier = (name: string, ivs: [number, number, string][]) => [
      `    item [${++k}]:`,
      '        class = "IntervalTier"',
      `        name = "${name}"`,
      '        xmin = 0',
      '        xmax = 4',
      `        intervals: size = ${ivs.length}`,
      ...ivs.flatMap(([a, b, s], i) => [
        `        intervals [${i + 1}]:`,
        `            xmin = ${a}`,
        `            xmax = ${b}`,
        `            text = "${s}"`,
      ]),
    ];
    const L = [
      'File type = "ooTextFile"',
      'Object class = "TextGrid"',
      '',
      'xmin = 0',
      'xmax = 4',
      'tiers? <exists>',
      'size = 3',
      'item []:',
    ];
    L.push(
      ...tier('Ann', [
        [0, 1, 'one'],
        [1, 2, ''],
        [2, 3, 'two'],
        [3, 4, ''],
      ]),
      ...tier('emotion (ana)', [
        [0, 1, 'joy'],
        [1, 2, ''],
        [2, 3, 'anger'],
        [3, 4, ''],
      ]),
      ...tier('emotion (ben)', [
        [0, 1, 'joy'],
        [1, 2, ''],
        [2, 3, 'fear'],
        [3, 4, ''],
      ]),
    );
    fs.writeFileSync(tg, L.join('\n') + '\n');
    const db1 = path.join(t.dir, 'tg.db');
    const j1 = ok(runCli(['import', tg, '--db', db1, '--json'])).json();
    expect(j1.imports[0].gold_notes).toEqual([
      expect.objectContaining({ file: tg, annotators: ['ana', 'ben'], rule: 'majority', open: 1 }),
    ]);
    expect(goldOf(db1)).toEqual({ gold: { one: 'joy', two: null }, rule: 'majority' });

    const csv = path.join(t.dir, 'long.csv');
    fs.writeFileSync(csv, 'id,text,who,emotion\n1,one,ana,joy\n1,one,ben,joy\n2,two,ana,anger\n2,two,ben,fear\n');
    const db2 = path.join(t.dir, 'csv.db');
    const r = ok(runCli(['import', csv, '--columns', 'id=id,text=text,annotator=who,label=emotion', '--db', db2]));
    expect(r.stderr).toMatch(
      /note: .*long\.csv: labels by 2 annotators \(ana, ben\) and no gold tier; this new database's gold rule is set to 'majority'/,
    );
    expect(goldOf(db2)).toEqual({ gold: { one: 'joy', two: null }, rule: 'majority' });
  });
});
