// The agreement commands on real SQLite files: long-format CSVs imported with id=/annotator=, figures
// equal to the Python references (scripts/pyref/make_agreement_fixtures.py), per-annotator copies
// merged, gold rule, disagreements, adjudication, a model as one more rater.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { openDb } from '../../src/main/core/store/db';
import { runCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';

const DIR = path.resolve(__dirname, '../fixtures/agreement');
const REF = JSON.parse(fs.readFileSync(path.join(DIR, 'reference.json'), 'utf8'));
const COLUMNS = 'id=id,annotator=annotator,text=text,label=emotion';

function ok(r: ReturnType<typeof runCli>) {
  expect(r.code, r.stderr).toBe(0);
  return r;
}

function expectReference(got: any, ref: any) {
  expect(got.annotators).toEqual(ref.annotators);
  expect(got.n_items).toBe(ref.n_items);
  expect(got.pairwise.map((p: any) => [p.a, p.b, p.n])).toEqual(ref.pairwise.map((p: any) => [p.a, p.b, p.n]));
  got.pairwise.forEach((p: any, i: number) => {
    expect(p.cohen_kappa).toBeCloseTo(ref.pairwise[i].cohen_kappa, 6);
    expect(p.percent_agreement).toBeCloseTo(ref.pairwise[i].percent_agreement, 6);
  });
  expect(got.fleiss_kappa).toBeCloseTo(ref.fleiss_kappa, 6);
  expect(got.fleiss_n_items).toBe(ref.fleiss_n_items);
  expect(got.krippendorff_alpha).toBeCloseTo(ref.krippendorff_alpha, 6);
  expect(got.krippendorff_alpha_ci95[0]).toBeLessThan(got.krippendorff_alpha);
  expect(got.krippendorff_alpha_ci95[1]).toBeGreaterThan(got.krippendorff_alpha);
  for (const l of ref.per_label) {
    const mine = got.per_label.find((x: any) => x.label === l.label);
    if (l.kappa === null) expect(mine.kappa).toBeNull();
    else expect(mine.kappa).toBeCloseTo(l.kappa, 6);
  }
}

describe('agreement --json on generated long-format CSVs with missing ratings', () => {
  const t = tmpDir('es-agree-');
  afterAll(() => t.cleanup());

  it.each(Object.keys(REF.cases))('%s: equals scikit-learn / statsmodels', (name) => {
    const dir = path.join(t.dir, name);
    fs.mkdirSync(dir);
    fs.copyFileSync(path.join(DIR, `${name}.csv`), path.join(dir, `${name}.csv`));
    const db = path.join(dir, 'es.db');
    const imp = ok(runCli(['import', path.join(dir, `${name}.csv`), '--columns', COLUMNS, '--db', db, '--json', '-q'])).json();
    expect(imp.imports[0].added).toBe(REF.cases[name].n_items); // one utterance per id, not one per row
    const got = ok(runCli(['agreement', '--db', db, '--json', '--draws', '300'])).json();
    expectReference(got, REF.cases[name]);
    // seeded: the same interval again
    expect(ok(runCli(['agreement', '--db', db, '--json', '--draws', '300'])).json().krippendorff_alpha_ci95).toEqual(
      got.krippendorff_alpha_ci95,
    );
    expect(ok(runCli(['agreement', '--db', db])).stdout).toMatch(/Krippendorff's alpha \(nominal\): \d\.\d{3} \[95% CI/);
  });

  it("each annotator's own copy, imported one after another, adds their labels to the same utterances", () => {
    const dir = path.join(t.dir, 'copies');
    fs.mkdirSync(dir);
    const lines = fs.readFileSync(path.join(DIR, 'three_annotators.csv'), 'utf8').trim().split(/\r?\n/);
    for (const who of REF.cases.three_annotators.annotators) {
      fs.writeFileSync(
        path.join(dir, `${who}.csv`),
        [lines[0], ...lines.slice(1).filter((l) => l.split(',')[1] === who)].join('\n') + '\n',
      );
    }
    const db = path.join(dir, 'es.db');
    for (const who of REF.cases.three_annotators.annotators)
      ok(runCli(['import', path.join(dir, `${who}.csv`), '--columns', COLUMNS, '--db', db, '-q']));
    // importing a copy again changes nothing
    const again = ok(runCli(['import', path.join(dir, 'bob.csv'), '--columns', COLUMNS, '--db', db, '--json', '-q'])).json();
    expect(again.imports[0].added).toBe(0);
    const n = ok(runCli(['list', '--db', db, '--json'])).json().length;
    expect(n).toBe(REF.cases.three_annotators.n_items);
    expectReference(ok(runCli(['agreement', '--db', db, '--json', '--draws', '200'])).json(), REF.cases.three_annotators);
    const h = openDb(db);
    try {
      expect((h.prepare('SELECT COUNT(*) n FROM label_history WHERE annotator IS NOT NULL').get() as { n: number }).n).toBe(
        lines.length - 1,
      );
    } finally {
      h.close();
    }
  });

  it('import --annotator: plain copies of one corpus, one per annotator, become their labels on the same utterances', () => {
    const dir = path.join(t.dir, 'plain');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'alice.csv'), 'id,text,emotion\n1,hello,joy\n2,ugh,anger\n3,fine,neutral\n');
    fs.writeFileSync(path.join(dir, 'bob.csv'), 'id,text,emotion\n1,hello,joy\n2,ugh,sadness\n3,fine,neutral\n');
    const db = path.join(dir, 'es.db');
    const imp = (who: string) =>
      ok(runCli(['import', path.join(dir, `${who}.csv`), '--columns', 'id=id,text=text,label=emotion', '--annotator', who, '--db', db]));
    expect(imp('alice').stdout).toMatch(/: 3 added, 0 updated, 0 unchanged, .*; 3 annotator label\(s\) stored/);
    // bob's copy adds no utterance: the summary says what it did store
    expect(imp('bob').stdout).toMatch(/: 0 added, 0 updated, 3 unchanged, .*; 3 annotator label\(s\) stored/);
    expect(imp('bob').stdout).not.toMatch(/annotator label/); // the same copy again stores nothing
    expect(
      ok(runCli(['list', '--db', db, '--json']))
        .json()
        .map((r: any) => [r.text, r.label]),
    ).toEqual([
      ['hello', 'joy'],
      ['ugh', 'sadness'],
      ['fine', 'neutral'],
    ]);
    const a = ok(runCli(['agreement', '--db', db, '--json'])).json();
    expect(a.pairwise).toMatchObject([{ a: 'alice', b: 'bob', n: 3 }]);
    expect(a.pairwise[0].percent_agreement).toBeCloseTo(200 / 3, 4);
    expect(
      runCli(['import', path.join(dir, 'bob.csv'), '--columns', 'id=id,text=text,label=emotion', '--annotator', ' ', '--db', db]).stderr,
    ).toMatch(/--annotator: the name is empty/);
  });

  it('relabel --annotator, gold rule, disagreements, adjudicate, a model as one more rater', () => {
    const dir = path.join(t.dir, 'flow');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'c.csv'), 'id,text,emotion\n1,hello,joy\n2,ugh,anger\n3,fine,neutral\n');
    const db = path.join(dir, 'es.db');
    ok(runCli(['import', path.join(dir, 'c.csv'), '--columns', 'id=id,text=text,label=emotion', '--db', db, '-q']));
    const ids = ok(runCli(['list', '--db', db, '--json']))
      .json()
      .map((r: any) => r.id);
    const rel = (id: number, label: string, who: string) =>
      ok(runCli(['relabel', String(id), label, '--annotator', who, '--db', db, '--json'])).json();
    expect(rel(ids[0], 'joy', 'ann')).toMatchObject({ annotator: 'ann', old: 'joy', new: 'joy' });
    rel(ids[0], 'anger', 'ben');
    rel(ids[1], 'anger', 'ann');
    rel(ids[1], 'anger', 'ben');
    rel(ids[2], 'neutral', 'ann');
    rel(ids[2], 'joy', 'ben');
    expect(ok(runCli(['annotators', '--db', db, '--json'])).json()).toEqual([
      { name: 'ann', labels: 3 },
      { name: 'ben', labels: 3 },
    ]);
    const g = ok(runCli(['gold-rule', 'majority', '--db', db, '--json'])).json();
    expect(g).toMatchObject({ rule: 'majority', changed: 2, open: 2 }); // ids[0] and ids[2] tie 1-1
    const q = ok(runCli(['disagreements', '--db', db, '--json'])).json();
    expect(q.map((x: any) => [x.id, x.reason, x.gold, x.annotators])).toEqual([
      [ids[0], 'annotators disagree', null, { ann: 'joy', ben: 'anger' }],
      [ids[2], 'annotators disagree', null, { ann: 'neutral', ben: 'joy' }],
    ]);
    expect(ok(runCli(['adjudicate', String(ids[0]), 'joy', '--who', 'judge', '--db', db, '--json'])).json()).toMatchObject({
      old: null,
      new: 'joy',
      gold_source: 'adjudicate',
    });
    expect(
      ok(runCli(['disagreements', '--db', db, '--json']))
        .json()
        .map((x: any) => x.id),
    ).toEqual([ids[2]]);
    expect(ok(runCli(['gold-rule', '--db', db, '--json'])).json()).toEqual({
      rule: 'majority',
      by_source: { adjudicate: 1, 'gold:majority': 1 },
      open: 1,
    }); // ids[1]: the majority agreed with its gold (no new row): the summary names the rule that gives it now
    const bad = runCli(['adjudicate', String(ids[2]), 'boredom', '--db', db]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/label 'boredom' is not in this corpus's label set/);
    expect(runCli(['gold-rule', 'loudest', '--db', db]).stderr).toMatch(/not latest, majority or annotator=NAME/);

    // a model's predictions as one more rater
    const h = openDb(db);
    try {
      h.prepare("INSERT INTO model (version, params, labels) VALUES (1, '{}', '{}')").run();
      const put = h.prepare("INSERT INTO prediction (utterance_id, model_version, label, probabilities) VALUES (?, 1, ?, '{}')");
      put.run(ids[0], 'joy');
      put.run(ids[1], 'anger');
      put.run(ids[2], 'neutral');
    } finally {
      h.close();
    }
    const a = ok(runCli(['agreement', '--include-model', '1', '--db', db, '--json'])).json();
    expect(a.annotators).toEqual(['ann', 'ben', 'model:1']);
    expect(a.pairwise.find((p: any) => p.a === 'ann' && p.b === 'model:1')).toMatchObject({ n: 3, percent_agreement: 100 });
    expect(runCli(['agreement', '--include-model', '7', '--db', db]).stderr).toMatch(/no model version 7/);

    // adjudicate names its adjudicator with --annotator, as relabel does (it knew only --who: unknown option)
    ok(runCli(['adjudicate', String(ids[2]), 'neutral', '--annotator', 'judge2', '--db', db]));
    const hist = ok(runCli(['show', String(ids[2]), '--db', db, '--json'])).json().label_history;
    expect(hist.at(-1)).toMatchObject({ who: 'judge2', new: 'neutral', source: 'adjudicate' });
  });
});
