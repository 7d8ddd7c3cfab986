import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parseColumnMapping, readGenericCsv } from '../../src/main/core/corpus/generic';
import { ImportError } from '../../src/main/core/corpus/types';
import { tmpDir } from '../helpers/tmp';

const FIXTURE = path.resolve(__dirname, '../fixtures/corpus/generic/ratings.csv');
const MAPPING = 'text=Transcript,label=Polarity,file=clip,speaker=Who,dialogue=Conversation,start=Begin,end=End,split=Fold';

let t: ReturnType<typeof tmpDir> | null = null;
afterEach(() => {
  t?.cleanup();
  t = null;
});

/** The fixture copied next to some of its clips ('calls/a 1.wav', 'calls/a 2.wav', 'calls/b1.mp4'). */
function corpus(): { dir: string; csv: string } {
  t = tmpDir();
  const csv = path.join(t.dir, 'ratings.csv');
  fs.copyFileSync(FIXTURE, csv);
  fs.mkdirSync(path.join(t.dir, 'calls'));
  for (const f of ['a 1.wav', 'a 2.wav', 'b1.mp4']) fs.writeFileSync(path.join(t.dir, 'calls', f), 'x');
  return { dir: t.dir, csv };
}

describe('parseColumnMapping', () => {
  it('parses KEY=COLUMN lists', () => {
    expect(parseColumnMapping('text=Utterance,label=Emotion,file=clip')).toEqual({ text: 'Utterance', label: 'Emotion', file: 'clip' });
    expect(parseColumnMapping(' text = My Text , media=a=b ')).toEqual({ text: 'My Text', file: 'a=b' });
  });

  it('rejects bad mappings with an ImportError', () => {
    expect(() => parseColumnMapping('txt=Utterance')).toThrow(/--columns: unknown key 'txt'/);
    expect(() => parseColumnMapping('text=')).toThrow(/no column given/);
    expect(() => parseColumnMapping('text=a,text=b')).toThrow(/given twice/);
    expect(() => parseColumnMapping('label=Emotion')).toThrow(/at least text=COL or file=COL/);
    expect(() => parseColumnMapping('Utterance')).toThrow(ImportError);
  });
});

describe('readGenericCsv', () => {
  it('maps columns, takes the label set from the data and resolves media against the CSV folder', () => {
    const { dir, csv } = corpus();
    const b = readGenericCsv(csv, parseColumnMapping(MAPPING));
    expect(b.kind).toBe('generic-csv');
    expect(b.corpusRoot).toBe(dir);
    expect(b.labelSet).toEqual(['POS', 'mixed', 'neg', 'neu', 'pos']);
    expect(b.records.map((r) => [r.key, r.split, r.label, r.mediaPath && path.relative(dir, r.mediaPath)])).toEqual([
      ['calls/a 1.wav#0.5-2', 'train', 'POS', path.join('calls/a 1.wav')],
      ['calls/a 2.wav#2.5-4', 'train', 'neg', path.join('calls/a 2.wav')],
      ['calls/a 3.wav#4.5-5', 'dev', 'neu', null],
      ['calls/b1', 'test', 'pos', path.join('calls/b1.mp4')], // no extension: found by name
      ['calls/missing.wav', 'train', 'neg', null],
      ['ratings.csv:c3:row7', 'unsplit', 'mixed', null],
    ]);
    expect(b.missingMedia).toBe(2);
    expect(b.records[0]).toMatchObject({
      text: 'I love it',
      speaker: 'Ann',
      dialogue: 'c1',
      index: 0,
      startS: 0.5,
      endS: 2,
      row: 2,
      source: csv,
    });
    expect(b.records[2]).toMatchObject({ dialogue: 'c1', index: 2 });
    expect(b.records[5]).toMatchObject({ startS: 62.5, endS: 64, text: 'No clip at all' });
    expect(b.issues).toEqual([{ file: csv, row: 7, message: "split 'whatever' is not train, dev or test; imported as 'unsplit'" }]);
    expect(readGenericCsv(csv, parseColumnMapping(MAPPING))).toEqual(b); // deterministic
  });

  it('uses a custom label set: case-insensitive matches, other labels become issues', () => {
    const { csv } = corpus();
    const b = readGenericCsv(csv, parseColumnMapping(MAPPING), { labels: ['pos', 'neg', 'neu'], split: 'train' });
    expect(b.labelSet).toEqual(['pos', 'neg', 'neu']);
    expect(b.records.map((r) => r.label)).toEqual(['pos', 'neg', 'neu', 'pos', 'neg']);
    expect(b.issues).toEqual([{ file: csv, row: 7, message: "label 'mixed' is not in the label set (pos, neg, neu); row skipped" }]);
  });

  it('filters to a smaller label set', () => {
    const { csv } = corpus();
    const b = readGenericCsv(csv, { text: 'Transcript', label: 'Polarity' }, { labels: ['pos', 'neg'], split: 'dev' });
    expect(b.records.map((r) => [r.key, r.label, r.split])).toEqual([
      ['ratings.csv:row2', 'pos', 'dev'],
      ['ratings.csv:row3', 'neg', 'dev'],
      ['ratings.csv:row5', 'pos', 'dev'],
      ['ratings.csv:row6', 'neg', 'dev'],
    ]);
    expect(b.issues.map((i) => i.row)).toEqual([4, 7]);
    expect(b.missingMedia).toBe(0);
  });

  it('names missing columns in an ImportError', () => {
    const { csv } = corpus();
    expect(() => readGenericCsv(csv, { text: 'Utterance', label: 'Polarity', speaker: 'Speaker' })).toThrow(
      /ratings\.csv: columns not found: text=Utterance, speaker=Speaker \(its columns: clip, Transcript/,
    );
  });

  it('skips duplicate clips and ragged rows with issues', () => {
    t = tmpDir();
    const csv = path.join(t.dir, 'x.csv');
    fs.writeFileSync(csv, 'path,sentence,mood\nv/1.mp4,hello,calm\nv/1.mp4,again,calm\nv/2.mp4,"a, b",angry,extra\nv/3.mp4,ok,calm,\n');
    const b = readGenericCsv(csv, parseColumnMapping('file=path,text=sentence,label=mood'), { mediaRoot: path.join(t.dir, 'media') });
    expect(b.corpusRoot).toBe(path.join(t.dir, 'media'));
    expect(b.records.map((r) => r.key)).toEqual(['v/1.mp4', 'v/3.mp4']);
    expect(b.issues.map((i) => [i.row, i.message.replace(/\(.*$/, '')])).toEqual([
      [3, 'same media as row 2 '],
      [4, '4 fields where the header has 3 '],
    ]);
    expect(b.missingMedia).toBe(2);
    expect(b.labelSet).toEqual(['calm']);
  });
});
