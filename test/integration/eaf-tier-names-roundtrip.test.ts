// ELAN and Praat exports keep the tier names of the imported transcript ("Ann speech" came back as
// "Ann"): an .eaf with tiers "Ann speech" / "Bob speech" and two annotators' tiers, imported, exported
// and imported again with the built CLI, keeps its tier names, speakers, labels and agreement.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';
import { readTextGrid } from '../helpers/textgrid-reader';
import { openDb } from '../../src/main/core/store/db';
import { ANA, BEN, SPEECH, eafWith } from '../helpers/eaf-tiers';

function ok(r: ReturnType<typeof runCli>) {
  expect(r.code, r.stderr).toBe(0);
  return r;
}

/** by text: speaker, gold label and each annotator's label */
function contents(db: string) {
  const d = openDb(db);
  try {
    const rows = d
      .prepare(
        `SELECT u.text, u.speaker, u.label, (SELECT group_concat(a.annotator || '=' || a.label, ',') FROM
           (SELECT * FROM annotator_label WHERE utterance_id = u.id ORDER BY annotator) a) ann FROM utterance u ORDER BY u.start_s`,
      )
      .all();
    return rows;
  } finally {
    d.close();
  }
}

const tierIds = (xml: string) => [...xml.matchAll(/<TIER ([^>]*)>/g)].map((m) => /TIER_ID="([^"]*)"/.exec(m[1])![1]);
const participants = (xml: string) => [...xml.matchAll(/<TIER [^>]*PARTICIPANT="([^"]*)"/g)].map((m) => m[1]);

describe('tier names survive export and re-import', () => {
  const t = tmpDir('es-tiernames-');
  afterAll(() => t.cleanup());
  const src = path.join(t.dir, 'talk.eaf');
  fs.writeFileSync(src, eafWith([...SPEECH, ANA, BEN]));
  const db1 = path.join(t.dir, 'one.db');
  ok(runCli(['import', src, '--db', db1, '-q']));
  const before = contents(db1);
  const agreement1 = ok(runCli(['agreement', '--db', db1, '--json'])).json();

  it('ELAN: the exported tiers are named as imported; re-imported, the labels and agreement are the same', () => {
    const out = path.join(t.dir, 'eaf');
    ok(runCli(['report', '--format', 'eaf', '--out', out, '--db', db1, '-q']));
    const files = fs.readdirSync(out).filter((f) => f.endsWith('.eaf'));
    expect(files).toHaveLength(1);
    const xml = fs.readFileSync(path.join(out, files[0]), 'utf8');
    expect(tierIds(xml)).toEqual(['Ann speech', 'Bob speech', 'emotion (ana)', 'emotion (ben)', 'emotion (gold)']);
    expect(participants(xml)).toEqual(['Ann', 'Bob']);

    const db2 = path.join(t.dir, 'two.db');
    ok(runCli(['import', path.join(out, files[0]), '--db', db2, '-q']));
    expect(contents(db2)).toEqual(before);
    expect(before.map((r: any) => r.label)).toEqual(['disgust', 'anger', null]); // majority: the tie left open
    const agreement2 = ok(runCli(['agreement', '--db', db2, '--json'])).json();
    // the same agreement (the gold rule differs: the re-imported file has a gold tier, so its new database keeps latest)
    expect({ ...agreement2, gold_rule: null }).toEqual({ ...agreement1, gold_rule: null });
    expect(agreement1.krippendorff_alpha).toBeTypeOf('number');

    // and once more: the export of the re-imported file names its tiers the same
    const out2 = path.join(t.dir, 'eaf2');
    ok(runCli(['report', '--format', 'eaf', '--out', out2, '--db', db2, '-q']));
    expect(tierIds(fs.readFileSync(path.join(out2, fs.readdirSync(out2)[0]), 'utf8'))).toEqual(tierIds(xml));
  });

  it('Praat: the TextGrid tiers are named as imported; re-imported, the labels are the same', () => {
    const out = path.join(t.dir, 'tg');
    ok(runCli(['report', '--format', 'textgrid', '--out', out, '--db', db1, '-q']));
    const files = fs.readdirSync(out).filter((f) => /\.textgrid$/i.test(f));
    expect(files).toHaveLength(1);
    const tg = readTextGrid(fs.readFileSync(path.join(out, files[0]), 'utf8'));
    expect(tg.tiers.map((x) => x.name)).toEqual(['Ann speech', 'Bob speech', 'emotion (ana)', 'emotion (ben)', 'emotion (gold)']);
    const db3 = path.join(t.dir, 'three.db');
    ok(runCli(['import', path.join(out, files[0]), '--db', db3, '-q']));
    // a TextGrid has no participants: the speaker is the tier's name
    expect(contents(db3)).toEqual(before.map((r: any) => ({ ...r, speaker: r.speaker === 'Ann' ? 'Ann speech' : 'Bob speech' })));
  });
});
