import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { planImport, planImportEach } from '../../src/main/core/corpus/import-plan';
import { ImportError } from '../../src/main/core/corpus/types';
import { MELD_LABELS } from '../../src/shared/types';
import { tmpDir } from '../helpers/tmp';

import { MELD_DIR as MELD } from '../helpers/shared';
const DEMO = path.resolve(__dirname, '../../resources/demo');
const FIX = path.resolve(__dirname, '../fixtures/corpus');
const HEADER = 'Sr No.,Utterance,Speaker,Emotion,Sentiment,Dialogue_ID,Utterance_ID,Season,Episode,StartTime,EndTime\n';

let t: ReturnType<typeof tmpDir> | null = null;
afterEach(() => {
  t?.cleanup();
  t = null;
});

function tree(files: Record<string, string>): string {
  t = tmpDir();
  for (const [rel, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(t.dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(t.dir, rel), body);
  }
  return t.dir;
}

describe('planImport', () => {
  it('imports the MELD CSVs of a folder (top level and one level down) with the folder as media root', () => {
    const d = tree({
      'dev_sent_emo.csv': HEADER + '1,Hi.,Ross,joy,positive,0,0,1,1,"00:00:01,000","00:00:02,000"\n',
      'annotations/train_sent_emo.csv': HEADER + '1,Oh.,Monica,sadness,negative,3,1,1,1,"00:00:01,000","00:00:02,000"\n',
      'notes/deeper/test_sent_emo.csv': HEADER, // two levels down: not looked at
      'train_splits/dia3_utt1.mp4': 'x',
      'dev_splits_complete/dia0_utt0.mp4': 'x',
    });
    const batches = planImport([d]);
    expect(batches.map((b) => [b.kind, b.corpusRoot, b.records.map((r) => r.key), b.missingMedia])).toEqual([
      ['meld-csv', d, ['dev/dia0_utt0'], 0],
      ['meld-csv', d, ['train/dia3_utt1'], 0],
    ]);
    expect(batches[1].records[0].mediaPath).toBe(path.join(d, 'train_splits/dia3_utt1.mp4'));
    // the same corpus through its CSV: same root, same keys
    const again = planImport([path.join(d, 'dev_sent_emo.csv')]);
    expect(again[0].corpusRoot).toBe(d);
    expect(again[0].records).toEqual(batches[0].records);
  });

  it('scans a folder without CSVs as media, and notes CSVs it cannot map', () => {
    const d = tree({ 'a/x.mp4': 'x', 'b.wav': 'x' });
    const [b] = planImport([d]);
    expect(b.kind).toBe('folder');
    expect(b.records.map((r) => r.key)).toEqual(['a/x.mp4', 'b.wav']);
    fs.writeFileSync(path.join(d, 'list.csv'), 'clip,words\nb.wav,hello\n');
    const [c] = planImport([d]);
    expect(c.kind).toBe('folder');
    expect(c.issues).toEqual([{ file: path.join(d, 'list.csv'), row: null, message: expect.stringMatching(/no --columns/) }]);
    const [g] = planImport([d], { columns: 'file=clip,text=words' });
    expect(g.kind).toBe('generic-csv');
    expect(g.records[0]).toMatchObject({ key: 'b.wav', text: 'hello', mediaPath: path.join(d, 'b.wav') });
  });

  it('dispatches files: MELD CSV, generic CSV (needs --columns), media file, .eaf, others', () => {
    const d = tree({
      'other.csv': 'clip,words,mood\nb.wav,hello,calm\n',
      'b.wav': 'x',
      'talk.eaf': '<ANNOTATION_DOCUMENT/>',
      'x.docx': 'x',
    });
    expect(() => planImport([path.join(d, 'other.csv')])).toThrow(/other\.csv: not a MELD CSV .*--columns text=COL,label=COL/);
    const [g] = planImport([path.join(d, 'other.csv')], { columns: 'text=words,label=mood', labels: ['calm', 'tense'] });
    expect(g).toMatchObject({ kind: 'generic-csv', labelSet: ['calm', 'tense'] });
    const [m] = planImport([path.join(d, 'b.wav')]);
    expect(m).toMatchObject({ kind: 'folder', corpusRoot: d, records: [{ key: 'b.wav', split: 'unsplit' }] });
    expect(() => planImport([path.join(d, 'talk.eaf')])).toThrow(ImportError);
    expect(() => planImport([path.join(d, 'talk.eaf')])).toThrow(/talk\.eaf: no utterance tier found/); // an empty ELAN document
    expect(() => planImport([path.join(d, 'x.docx')])).toThrow(/unsupported file type/);
    expect(() => planImport([path.join(d, 'nothing-here')])).toThrow(/nothing-here: cannot read it \(ENOENT\)/);
    const [mb] = planImport([path.join(FIX, 'broken/train_sent_emo.csv')]);
    expect(mb.kind).toBe('meld-csv');
    expect(mb.issues.length).toBe(8);
  });

  it('one file that cannot be imported is reported with its reason; the others are planned (issue 14 items 6, 7)', () => {
    const eaf = (body: string, doctype = '') =>
      `<?xml version="1.0" encoding="UTF-8"?>${doctype}<ANNOTATION_DOCUMENT><HEADER TIME_UNITS="milliseconds"/>` +
      '<TIME_ORDER><TIME_SLOT TIME_SLOT_ID="t1" TIME_VALUE="0"/><TIME_SLOT TIME_SLOT_ID="t2" TIME_VALUE="900"/></TIME_ORDER>' +
      `<TIER TIER_ID="Ann" LINGUISTIC_TYPE_REF="lt"><ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="t1" TIME_SLOT_REF2="t2"><ANNOTATION_VALUE>${body}</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION></TIER></ANNOTATION_DOCUMENT>`;
    const d = tree({
      'corpus/notes.csv': '',
      'corpus/train_sent_emo.csv': HEADER + '1,Hi,Ann,joy,positive,0,0,1,1,,\n',
      'empty.csv': '\n\n',
      'good.eaf': eaf('hello'),
      'xxe.eaf': eaf('&x;', '<!DOCTYPE ANNOTATION_DOCUMENT [<!ENTITY x SYSTEM "file:///etc/passwd">]>'),
      'huge.eaf': eaf('&x;', `<!DOCTYPE ANNOTATION_DOCUMENT [<!ENTITY x "${'y'.repeat(20000)}">]>`),
      'many.eaf': eaf('&e1;', `<!DOCTYPE ANNOTATION_DOCUMENT [${Array.from({ length: 1001 }, (_, i) => `<!ENTITY e${i} "x">`).join('')}]>`),
    });
    const p = (f: string) => path.join(d, f);
    const plan = planImportEach(['corpus', 'empty.csv', 'xxe.eaf', 'good.eaf', 'huge.eaf', 'many.eaf'].map(p));
    expect(plan.batches.map((b) => [b.kind, b.records.length])).toEqual([
      ['meld-csv', 1],
      ['elan-eaf', 1],
    ]);
    expect(plan.batches[0].issues).toEqual([
      { file: p('corpus/notes.csv'), row: null, message: 'file not imported: empty file (no header row)' },
    ]);
    expect(plan.failed.map((f) => [path.basename(f.file), f.message])).toEqual([
      ['empty.csv', 'empty file (no header row)'],
      ['xxe.eaf', 'XML refused: External entities are not supported'],
      ['huge.eaf', 'XML refused: Entity "x" size (20000) exceeds maximum allowed size (10000)'],
      ['many.eaf', 'XML refused: Entity count (1001) exceeds maximum allowed (1000)'],
    ]);
    // all or nothing: the first failure, naming its file
    expect(() => planImport([p('good.eaf'), p('xxe.eaf')])).toThrow(`${p('xxe.eaf')}: XML refused: External entities are not supported`);
  });

  it.skipIf(!fs.existsSync(path.join(MELD, 'train_sent_emo.csv')))('is deterministic on the real MELD folder', () => {
    const a = planImport([MELD]);
    const b = planImport([MELD]);
    expect(a.map((x) => x.records.length)).toEqual([1109, 9989]);
    expect(b).toEqual(a);
  });

  it.skipIf(!fs.existsSync(path.join(DEMO, 'train_sent_emo.csv')))('imports the demo corpus', () => {
    const [dev, train] = planImport([DEMO]);
    expect(train.records).toHaveLength(24);
    expect(new Set(train.records.map((r) => r.dialogue)).size).toBe(6);
    expect(new Set(train.records.map((r) => r.label))).toEqual(new Set(MELD_LABELS));
    expect(train.missingMedia).toBe(0);
    expect(train.issues).toEqual([]);
    expect(dev.records).toHaveLength(10);
    expect(new Set(dev.records.map((r) => r.dialogue)).size).toBe(3);
    expect(dev.missingMedia).toBe(1);
    for (const r of [...train.records, ...dev.records]) if (r.mediaPath) expect(fs.statSync(r.mediaPath).size).toBeGreaterThan(1000);
  });
});
