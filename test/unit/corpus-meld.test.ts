import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { readMeldCsv, splitFromFileName } from '../../src/main/core/corpus/meld';
import { readTextFile } from '../../src/main/core/corpus/text-file';
import { parseTime } from '../../src/main/core/corpus/csv';
import { ImportError, type ImportBatch } from '../../src/main/core/corpus/types';
import { MELD_LABELS } from '../../src/shared/types';
import { tmpDir } from '../helpers/tmp';

import { MELD_DIR as MELD } from '../helpers/shared';
const FIX = path.resolve(__dirname, '../fixtures/corpus');
const haveMeld = fs.existsSync(path.join(MELD, 'train_sent_emo.csv'));

function counts(b: ImportBatch): Record<string, number> {
  const c: Record<string, number> = {};
  for (const r of b.records) c[r.label ?? 'null'] = (c[r.label ?? 'null'] ?? 0) + 1;
  return c;
}

function countChar(b: ImportBatch, ch: string): number {
  let n = 0;
  for (const r of b.records) for (const s of [r.text ?? '', r.speaker ?? '']) n += s.split(ch).length - 1;
  return n;
}

let t: ReturnType<typeof tmpDir> | null = null;
afterEach(() => {
  t?.cleanup();
  t = null;
});

describe.skipIf(!haveMeld)('MELD CSVs (the real train and dev files)', () => {
  // one read per file for the whole block: they are large
  const train = haveMeld ? readMeldCsv(path.join(MELD, 'train_sent_emo.csv'), { media: new Map() }) : (null as never);
  const dev = haveMeld ? readMeldCsv(path.join(MELD, 'dev_sent_emo.csv'), { media: new Map() }) : (null as never);

  it('reads every train row: 9,989 utterances, dialogue ids 0..1038 (id 60 has no rows)', () => {
    expect(train.kind).toBe('meld-csv');
    expect(train.issues).toEqual([]);
    expect(train.records).toHaveLength(9989);
    const ids = new Set(train.records.map((r) => Number(r.dialogue)));
    expect(Math.max(...ids)).toBe(1038);
    expect(ids.has(60)).toBe(false);
    expect(ids.size).toBe(1038); // README's 1,039 counts the ids 0..1038
    expect(new Set(train.records.map((r) => r.key)).size).toBe(9989);
    expect(train.records.every((r) => r.split === 'train' && r.key.startsWith('train/dia'))).toBe(true);
    expect(train.labelSet).toEqual([...MELD_LABELS]);
    expect(train.missingMedia).toBe(9989);
  });

  it('reads every dev row: 1,109 utterances in 114 dialogues', () => {
    expect(dev.issues).toEqual([]);
    expect(dev.records).toHaveLength(1109);
    expect(new Set(dev.records.map((r) => r.dialogue)).size).toBe(114);
    expect(dev.records.every((r) => r.split === 'dev')).toBe(true);
  });

  it('keeps the label distribution', () => {
    expect(counts(train)).toEqual({ neutral: 4710, joy: 1743, surprise: 1205, anger: 1109, sadness: 683, disgust: 271, fear: 268 });
    expect(counts(dev)).toEqual({ neutral: 470, joy: 163, anger: 153, surprise: 150, sadness: 111, fear: 40, disgust: 22 });
  });

  it('keeps typographic characters, speakers, ids and times', () => {
    const r0 = train.records[0];
    expect(r0).toMatchObject({
      key: 'train/dia0_utt0',
      dialogue: '0',
      index: 0,
      speaker: 'Chandler',
      label: 'neutral',
      text: 'also I was the point person on my company’s transition from the KL-5 to GR-6 system.',
      episodeStartS: 976.059,
      episodeEndS: 981.731,
      startS: null,
      endS: null,
      row: 2,
      mediaPath: null,
      source: path.join(MELD, 'train_sent_emo.csv'),
    });
    expect(train.records[1].text).toBe('You must’ve had your hands full.');
    expect(countChar(train, '’')).toBe(3550);
    expect(countChar(train, '…')).toBe(148);
    expect(countChar(train, '—')).toBe(136);
    expect(countChar(dev, '’')).toBe(414);
    expect(train.records.some((r) => r.text!.includes('\uFFFD'))).toBe(false);
    // row = line in the file; Sr No. + 1 in MELD's files (no multi-line fields)
    expect(train.records[9988].row).toBe(9990);
    // StartTime/EndTime are times in the episode; every MELD clip is a whole clip
    expect(train.records.every((r) => r.episodeStartS != null && r.episodeEndS! > r.episodeStartS)).toBe(true);
    expect(train.records.every((r) => r.startS === null && r.endS === null)).toBe(true);
  });

  it('decodes a Windows-1252 copy to the same records (0x92 becomes ’)', () => {
    t = tmpDir();
    const utf8 = fs.readFileSync(path.join(MELD, 'dev_sent_emo.csv'), 'utf8');
    const bytes = iconv.encode(utf8, 'windows-1252');
    expect(bytes.includes(0x92)).toBe(true);
    const copy = path.join(t.dir, 'dev_sent_emo.csv');
    fs.writeFileSync(copy, bytes);
    expect(readTextFile(copy).encoding).toBe('windows-1252');
    const b = readMeldCsv(copy, { media: new Map() });
    expect(b.issues).toEqual([]);
    expect(b.records.map((r) => [r.key, r.text, r.speaker, r.label])).toEqual(dev.records.map((r) => [r.key, r.text, r.speaker, r.label]));
    expect(countChar(b, '’')).toBe(414);
  });
});

describe('MELD CSV edge cases', () => {
  it('turns broken rows into issues naming the file and line, and keeps the good rows', () => {
    const file = path.join(FIX, 'broken/train_sent_emo.csv');
    const b = readMeldCsv(file, { media: new Map() });
    expect(b.records.map((r) => [r.key, r.row])).toEqual([
      ['train/dia0_utt0', 2],
      ['train/dia0_utt2', 4],
      ['train/dia1_utt1', 9],
      ['train/dia1_utt3', 12],
    ]);
    expect(b.records[1].text).toBe('Two lines,\nwith a comma and “quotes” — it’s fine');
    expect(b.records[2]).toMatchObject({ label: 'surprise', episodeStartS: null, episodeEndS: 9, startS: null, endS: null });
    expect(b.records[3].text).toBe('He said "no" twice');
    const byRow = Object.fromEntries(b.issues.map((i) => [i.row, i.message]));
    expect(b.issues.every((i) => i.file === file)).toBe(true);
    expect(
      Object.keys(byRow)
        .map(Number)
        .sort((x, y) => x - y),
    ).toEqual([3, 6, 7, 8, 9, 10, 11, 13]);
    expect(byRow[3]).toMatch(/7 fields where the header has 11/);
    expect(byRow[6]).toMatch(/Dialogue_ID 'x7' is not a whole number/);
    expect(byRow[7]).toMatch(/Dialogue_ID is empty/);
    expect(byRow[8]).toMatch(/Emotion 'happy-ish'/);
    expect(byRow[9]).toMatch(/StartTime 'soon'/);
    expect(byRow[10]).toMatch(/already used by row 9/);
    expect(byRow[11]).toMatch(/13 fields/);
    expect(byRow[13]).toMatch(/quote .* never closed/);
  });

  it('throws an ImportError naming the file and the missing columns for a non-MELD CSV', () => {
    t = tmpDir();
    const f = path.join(t.dir, 'train_sent_emo.csv');
    fs.writeFileSync(f, 'Sr No.,Utterance,Speaker,Label,Dialogue,Utterance_ID\n1,hi,Ross,joy,0,0\n');
    let err: unknown;
    try {
      readMeldCsv(f);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ImportError);
    expect((err as ImportError).file).toBe(f);
    expect((err as ImportError).message).toContain(f);
    expect((err as ImportError).message).toMatch(/missing columns Emotion, Dialogue_ID/);
  });

  it('throws ImportError for unreadable, empty and binary files', () => {
    t = tmpDir();
    expect(() => readMeldCsv(path.join(t!.dir, 'nope.csv'))).toThrow(/nope\.csv: cannot read the file \(ENOENT\)/);
    fs.writeFileSync(path.join(t.dir, 'empty.csv'), '\n\n');
    expect(() => readMeldCsv(path.join(t!.dir, 'empty.csv'))).toThrow(/empty\.csv: empty file/);
    fs.writeFileSync(path.join(t.dir, 'book.csv'), Buffer.from('PK\u0003\u0004\u0000\u0000binary', 'latin1'));
    expect(() => readMeldCsv(path.join(t!.dir, 'book.csv'))).toThrow(/book\.csv: this is a zip archive/);
  });

  it('takes the split from the file name or the option', () => {
    expect(splitFromFileName('/x/train_sent_emo.csv')).toBe('train');
    expect(splitFromFileName('dev_sent_emo.csv')).toBe('dev');
    expect(splitFromFileName('test_sent_emo.csv')).toBe('test');
    expect(splitFromFileName('friends.csv')).toBe(null);
    t = tmpDir();
    const f = path.join(t.dir, 'friends.csv');
    fs.writeFileSync(f, fs.readFileSync(path.join(FIX, 'broken/train_sent_emo.csv')));
    const b = readMeldCsv(f, { media: new Map() });
    expect(b.records[0].key).toBe('unsplit/dia0_utt0');
    expect(b.issues.some((i) => i.row === null && /names no split/.test(i.message))).toBe(true);
    expect(readMeldCsv(f, { split: 'test', media: new Map() }).records[0].key).toBe('test/dia0_utt0');
  });

  it('finds clips in nested MELD-style folders, never in another split, and counts the missing ones', () => {
    t = tmpDir();
    const d = t.dir;
    const put = (rel: string) => {
      fs.mkdirSync(path.dirname(path.join(d, rel)), { recursive: true });
      fs.writeFileSync(path.join(d, rel), 'x');
    };
    put('MELD.Raw/train/train_splits/dia0_utt0.mp4');
    put('MELD.Raw/dev/dev_splits_complete/dia0_utt1.mp4'); // dev's clip: not train's dia0_utt1
    put('MELD.Raw/dev/dev_splits_complete/dia0_utt0.mp4');
    put('extra clips/dia1_utt0.wav'); // a folder that names no split
    put('MELD.Raw/train/train_splits/.hidden/dia1_utt1.mp4');
    put('MELD.Raw/train/train_splits/._dia1_utt1.mp4');
    put('node_modules/dia1_utt1.mp4');
    const csv = path.join(d, 'train_sent_emo.csv');
    fs.writeFileSync(
      csv,
      'Sr No.,Utterance,Speaker,Emotion,Sentiment,Dialogue_ID,Utterance_ID,Season,Episode,StartTime,EndTime\r\n' +
        '1,a,A,joy,positive,0,0,1,1,"00:00:01,000","00:00:02,000"\r\n' +
        '2,b,B,joy,positive,0,1,1,1,"00:00:01,000","00:00:02,000"\r\n' +
        '3,c,A,fear,negative,1,0,1,1,"00:00:01,000","00:00:02,000"\r\n' +
        '4,d,B,fear,negative,1,1,1,1,"00:00:01,000","00:00:02,000"\r\n',
    );
    const b = readMeldCsv(csv);
    expect(b.corpusRoot).toBe(d);
    expect(b.records.map((r) => r.mediaPath && path.relative(d, r.mediaPath))).toEqual([
      path.join('MELD.Raw/train/train_splits/dia0_utt0.mp4'),
      null,
      path.join('extra clips/dia1_utt0.wav'),
      null,
    ]);
    expect(b.missingMedia).toBe(2);
    const dev = readMeldCsv(csv, { split: 'dev' });
    expect(dev.records[1].mediaPath).toBe(path.join(d, 'MELD.Raw/dev/dev_splits_complete/dia0_utt1.mp4'));
    expect(dev.records[0].mediaPath).toBe(path.join(d, 'MELD.Raw/dev/dev_splits_complete/dia0_utt0.mp4'));
  });

  it('parses MELD and plain times', () => {
    expect(parseTime('00:16:16,059')).toBe(976.059);
    expect(parseTime('0:36:59,425')).toBe(2219.425);
    expect(parseTime('16:16.5')).toBe(976.5);
    expect(parseTime('12.25')).toBe(12.25);
    expect(parseTime('12,25')).toBe(12.25);
    expect(parseTime('00:61:00,000')).toBe(null);
    expect(parseTime('soon')).toBe(null);
  });
});
