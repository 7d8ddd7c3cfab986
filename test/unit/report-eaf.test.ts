// ELAN: import of a hand-written .eaf (tier choice, labels by overlap and by reference, media link,
// errors naming the file), and export validated by xmllint against EAFv3.0.xsd then read back.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { readEafFile } from '../../src/main/core/corpus/eaf';
import { planImport } from '../../src/main/core/corpus/import-plan';
import { ImportError } from '../../src/main/core/corpus/types';
import { eafDocument } from '../../src/main/core/report/eaf-export';
import { timelines } from '../../src/main/core/report/timeline';
import { tmpDir } from '../helpers/tmp';
import { row } from '../helpers/export-rows';

const FIX = path.resolve(__dirname, '../fixtures/elan');
const XSD = path.join(FIX, 'EAFv3.0.xsd');

describe('ELAN import', () => {
  const t = tmpDir('es-eaf-');
  afterAll(() => t.cleanup());
  const file = path.join(FIX, 'two-speakers.eaf');

  it('finds the utterance tiers and the label tier by default; labels by largest overlap', () => {
    const b = readEafFile(file);
    expect(b.kind).toBe('elan-eaf');
    expect(b.labelSet).toEqual(['joy', 'sadness', 'surprise', 'neutral']); // the label tier's vocabulary
    expect(b.records.map((r) => [r.speaker, r.text, r.label, r.startS, r.endS, r.index])).toEqual([
      ['Ann', 'I love it & you', 'joy', 0, 1.5, 0],
      ['Bob', 'That is awful, “truly”', 'sadness', 1.4, 3.2, 1], // overlaps joy by 0.1 s, sadness by 1.8 s
      ['Ann', 'Really?', 'surprise', 3.5, 5, 2],
    ]);
    expect(new Set(b.records.map((r) => r.key)).size).toBe(3);
    expect(b.records[0]).toMatchObject({ dialogue: 'two-speakers', split: 'unsplit', mediaPath: null });
    expect(b.missingMedia).toBe(3);
    expect(b.issues.map((i) => i.message)).toEqual([expect.stringContaining('linked media not found: file:///nowhere/session.wav')]);
  });

  it('takes the tiers asked for: a child tier of labels by reference, one speaker only', () => {
    const b = readEafFile(file, { textTiers: ['Ann speech'], labelTier: 'Ann mood' });
    expect(b.records.map((r) => [r.text, r.label])).toEqual([
      ['I love it & you', 'joy'],
      ['Really?', 'surprise'],
    ]);
    const none = readEafFile(file, { labelTier: '' });
    expect(none.records.every((r) => r.label === null)).toBe(true);
  });

  it('links the media next to the file and takes the split from the name; through planImport with --tiers', () => {
    const dir = path.join(t.dir, 'corpus');
    fs.mkdirSync(dir, { recursive: true });
    const eaf = path.join(dir, 'dev_session.eaf');
    fs.copyFileSync(file, eaf);
    fs.writeFileSync(path.join(dir, 'session.wav'), 'RIFF');
    const [b] = planImport([eaf], { tiers: ['Bob speech'], labelTier: 'Emotion' });
    expect(b.records).toHaveLength(1);
    expect(b.records[0]).toMatchObject({ split: 'dev', speaker: 'Bob', label: 'sadness', mediaPath: path.join(dir, 'session.wav') });
    expect(b.issues).toEqual([]);
    expect(b.corpusRoot).toBe(dir);
  });

  it('refuses with the file named: unknown tier, malformed XML, not ELAN', () => {
    expect(() => readEafFile(file, { textTiers: ['Carol'] })).toThrow(ImportError);
    expect(() => readEafFile(file, { textTiers: ['Carol'] })).toThrow(
      /two-speakers\.eaf: no tier 'Carol' for the utterances \(its tiers: 'Ann speech', 'Ann mood', 'Bob speech', 'Emotion'\)/,
    );
    const bad = path.join(t.dir, 'bad.eaf');
    fs.writeFileSync(bad, fs.readFileSync(file, 'utf8').slice(0, 900));
    expect(() => readEafFile(bad)).toThrow(/bad\.eaf: not well-formed XML/);
    const other = path.join(t.dir, 'other.eaf');
    fs.writeFileSync(other, '<?xml version="1.0"?><html><body/></html>');
    expect(() => readEafFile(other)).toThrow(/other\.eaf: not an ELAN annotation file/);
  });
});

describe('ELAN export', () => {
  const t = tmpDir('es-eaf-out-');
  afterAll(() => t.cleanup());

  function validate(xml: string, name: string) {
    const f = path.join(t.dir, name);
    fs.writeFileSync(f, xml);
    const v = spawnSync('xmllint', ['--noout', '--schema', XSD, f], { encoding: 'utf8' });
    expect(v.status, v.stderr).toBe(0);
    return f;
  }

  it('a recording with several speakers: times from the source, overlaps on the label tiers clipped, text escaped; valid and read back', () => {
    const media = path.join(t.dir, 'talk.mp4');
    fs.writeFileSync(media, 'x');
    const rows = [
      row({
        id: 1,
        speaker: 'Ann',
        text: 'Fish & chips <now>',
        label: 'joy',
        start_s: 0.5,
        end_s: 2,
        media,
        media_duration_s: 10,
        index: 0,
        prediction: { model_version: 3, label: 'joy', probabilities: { joy: 0.9, sadness: 0.1 } },
      }),
      row({
        id: 2,
        speaker: 'Bob',
        text: 'He said "no"… it’s fine',
        label: 'sadness',
        start_s: 1.5,
        end_s: 4,
        media,
        media_duration_s: 10,
        index: 1,
        prediction: null,
      }),
    ];
    const [tl] = timelines(rows);
    expect(tl.segments.map((s) => [s.start, s.end])).toEqual([
      [0.5, 2],
      [1.5, 4],
    ]);
    const d = eafDocument(tl, { labels: ['joy', 'sadness'], version: 3, outDir: t.dir });
    expect(d.notes).toEqual([
      expect.stringContaining('tier emotion (gold): utterance train/x2 overlaps the previous one; its start moved to 2.000 s'),
    ]);
    const f = validate(d.xml, 'talk.eaf');
    expect(d.xml).toContain('RELATIVE_MEDIA_URL="./talk.mp4"');
    expect(d.xml).toContain('MIME_TYPE="video/mp4"');
    // ELAN's own name for WAV, and 'unknown' for what it has no type for
    for (const [ext, mime] of [
      ['.WAV', 'audio/x-wav'],
      ['.ts', 'unknown'],
      ['.xyz', 'unknown'],
    ]) {
      const other = eafDocument(
        { ...tl, media: path.join(t.dir, `talk${ext}`) },
        { labels: ['joy', 'sadness'], version: 3, outDir: t.dir },
      );
      expect(other.xml, ext).toContain(`MIME_TYPE="${mime}"`);
    }
    const back = readEafFile(f);
    expect(back.records.map((r) => [r.speaker, r.text, r.label, r.startS, r.endS])).toEqual([
      ['Ann', 'Fish & chips <now>', 'joy', 0.5, 2],
      ['Bob', 'He said "no"… it’s fine', 'sadness', 1.5, 4],
    ]);
    expect(back.records[0].mediaPath).toBe(media);
    const pred = readEafFile(f, { labelTier: 'emotion (predicted, model 3)' });
    expect(pred.records.map((r) => r.label)).toEqual(['joy', null]);
  });

  it('no media, no times: utterances laid end to end; no model: no predicted tier', () => {
    const rows = [
      row({ id: 5, text: 'one', dialogue: 'd1', index: 0 }),
      row({ id: 6, text: 'two', dialogue: 'd1', index: 1, label: null }),
    ];
    const [tl] = timelines(rows);
    expect(tl.name).toBe('train_dialogue-d1');
    expect(tl.segments.map((s) => [s.start, s.end])).toEqual([
      [0, 2],
      [2, 4],
    ]);
    const d = eafDocument(tl, { labels: ['joy'], version: null, outDir: t.dir });
    validate(d.xml, 'plain.eaf');
    expect(d.xml).not.toContain('MEDIA_DESCRIPTOR');
    expect(d.xml).not.toContain('predicted');
  });
});
