// Time-aligned transcripts of long recordings: Praat TextGrid (long/short, UTF-8/UTF-16), SRT, WebVTT
// and ELAN import to the same segments of one recording; ELAN encodings, TIME_ORIGIN, character refs.
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { spawnSync } from 'node:child_process';
import { planImport, planImportEach } from '../../src/main/core/corpus/import-plan';
import { readTextGridFile } from '../../src/main/core/corpus/textgrid';
import { readSubtitleFile, cueTime } from '../../src/main/core/corpus/subtitles';
import { readEafFile } from '../../src/main/core/corpus/eaf';
import { mediaBeside } from '../../src/main/core/corpus/transcript';
import type { ImportRecord } from '../../src/main/core/corpus/types';
import { openDb } from '../../src/main/core/store/db';
import { saveImport } from '../../src/main/core/store/corpus-repo';
import { tmpDir } from '../helpers/tmp';
import { SEGMENTS, csvOf, eafOf, srtOf, textGridLong, textGridShort, vttOf } from '../helpers/transcripts';

let t: ReturnType<typeof tmpDir> | null = null;
afterEach(() => {
  t?.cleanup();
  t = null;
});

function tree(files: Record<string, string | Buffer>): string {
  t = tmpDir('es-tr-'); // (a folder name with 'test' in it would be the test split)
  for (const [rel, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(t.dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(t.dir, rel), body);
  }
  return t.dir;
}

/** What makes two imports the same utterances (keys and sources name the transcript file). */
const essence = (r: ImportRecord) => ({
  dialogue: r.dialogue,
  index: r.index,
  speaker: r.speaker,
  text: r.text,
  label: r.label,
  media: r.mediaPath,
  start: r.startS,
  end: r.endS,
  split: r.split,
});

describe('transcripts of one recording', () => {
  it('TextGrid, SRT, WebVTT, ELAN files and a file,start,end CSV with the same times import to the same utterances', () => {
    const d = tree({
      'talk.wav': 'RIFF',
      'talk.TextGrid': textGridLong(SEGMENTS),
      'talk.srt': srtOf(SEGMENTS),
      'talk.vtt': vttOf(SEGMENTS),
      'talk.eaf': eafOf(SEGMENTS, './talk.wav'),
      'segments.csv': csvOf(SEGMENTS, 'talk.wav'),
    });
    const files = ['talk.TextGrid', 'talk.srt', 'talk.vtt', 'talk.eaf', 'segments.csv'].map((f) => path.join(d, f));
    const batches = planImport(files, { labelTier: '', columns: 'file=file,start=start,end=end,speaker=speaker,text=text' });
    expect(batches.map((b) => b.kind)).toEqual(['praat-textgrid', 'srt', 'webvtt', 'elan-eaf', 'generic-csv']);
    const [tg, ...others] = batches.map((b) => b.records.map(essence));
    expect(tg).toHaveLength(SEGMENTS.length);
    expect(tg[0]).toEqual({
      dialogue: 'talk',
      index: 0,
      speaker: 'Ann',
      text: SEGMENTS[0].text,
      label: null,
      media: path.join(d, 'talk.wav'),
      start: 0.5,
      end: 2.25,
      split: 'unsplit',
    });
    for (const o of others) expect(o).toEqual(tg);
    for (const b of batches) expect(b.issues).toEqual([]);
    // the ELAN file of this test is valid against ELAN's own schema
    const v = spawnSync(
      'xmllint',
      ['--noout', '--schema', path.resolve(__dirname, '../fixtures/elan/EAFv3.0.xsd'), path.join(d, 'talk.eaf')],
      { encoding: 'utf8' },
    );
    expect(v.status, v.stderr).toBe(0);
    // overlapping speech of two speakers stays two utterances
    expect(tg.filter((r) => r.start! < 6.2 && r.end! > 5.5).map((r) => r.speaker)).toEqual(['Bob', 'Ann']);
  });

  it('TextGrid: long and short format, UTF-8 and UTF-16 with BOM, read alike; empty intervals are silences; point tiers noted', () => {
    const long = textGridLong(SEGMENTS, { pointTier: true });
    const d = tree({
      'a.TextGrid': long,
      'b.TextGrid': Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(textGridShort(SEGMENTS), 'utf-16le')]),
      'c.TextGrid': Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(long, 'utf-16be')]),
    });
    const [a, b, c] = ['a', 'b', 'c'].map((n) => readTextGridFile(path.join(d, `${n}.TextGrid`), { labelTier: '' }));
    expect(a.records.map((r) => [r.speaker, r.text, r.startS, r.endS])).toEqual(SEGMENTS.map((s) => [s.speaker, s.text, s.start, s.end]));
    expect(b.records.map(essence)).toEqual(a.records.map((r) => ({ ...essence(r), dialogue: 'b' })));
    expect(c.records.map(essence)).toEqual(a.records.map((r) => ({ ...essence(r), dialogue: 'c' })));
    expect(a.records.some((r) => r.text === '' || r.text === null)).toBe(false);
    expect(a.issues.map((i) => i.message)).toEqual([
      "point tier 'bell' (2 points) left out: only interval tiers hold utterances",
      "no media file named 'a.*' beside it (give the recording with --media FILE): utterances imported without media",
    ]);
    expect(a.records[0].key).toBe('a.TextGrid#Ann@500');
    expect(a.missingMedia).toBe(SEGMENTS.length);
  });

  it("TextGrid: an emotion tier labels the speakers' intervals by overlap; --tiers and --label-tier choose", () => {
    const d = tree({ 'x.TextGrid': textGridLong(SEGMENTS, { labels: true }), 'x.mp4': 'v' });
    const b = readTextGridFile(path.join(d, 'x.TextGrid'));
    expect(b.records.map((r) => r.label)).toEqual(SEGMENTS.map((s) => s.label));
    expect(new Set(b.records.map((r) => r.speaker))).toEqual(new Set(['Ann', 'Bob']));
    expect(b.labelSet.sort()).toEqual([...new Set(SEGMENTS.map((s) => s.label))].sort());
    const only = readTextGridFile(path.join(d, 'x.TextGrid'), { textTiers: ['Bob'], labelTier: '' });
    expect(only.records.every((r) => r.speaker === 'Bob' && r.label === null)).toBe(true);
    expect(() => readTextGridFile(path.join(d, 'x.TextGrid'), { textTiers: ['Carol'] })).toThrow(
      /x\.TextGrid: no tier 'Carol' for the utterances \(its tiers: 'Ann', 'Bob', 'emotion'\)/,
    );
  });

  it('TextGrid: refuses with the file named: binary, not a TextGrid, cut short', () => {
    const d = tree({
      'bin.TextGrid': Buffer.from('ooBinaryFile\x08TextGrid\x00\x00\x00\x00\x00\x00\x00\x00', 'latin1'),
      'other.TextGrid': 'File type = "ooTextFile"\nObject class = "Sound"\n0\n1\n',
      'cut.TextGrid': textGridLong(SEGMENTS).slice(0, textGridLong(SEGMENTS).lastIndexOf('\n', 600)),
      'junk.TextGrid': 'hello',
      'chrono.TextGrid': '"Praat chronological TextGrid text file"\n0 10   ! Time domain.\n1   ! Number of tiers.\n',
    });
    expect(() => readTextGridFile(path.join(d, 'chrono.TextGrid'))).toThrow(/chrono\.TextGrid: a chronological TextGrid/);
    expect(() => readTextGridFile(path.join(d, 'bin.TextGrid'))).toThrow(/bin\.TextGrid: a binary TextGrid/);
    expect(() => readTextGridFile(path.join(d, 'other.TextGrid'))).toThrow(/other\.TextGrid: a Praat 'Sound' object, not a TextGrid/);
    expect(() => readTextGridFile(path.join(d, 'cut.TextGrid'))).toThrow(/cut\.TextGrid: .* expected \(the file ends here\)/);
    expect(() => readTextGridFile(path.join(d, 'junk.TextGrid'))).toThrow(/junk\.TextGrid: not a Praat TextGrid text file/);
  });

  it('SRT: speaker from a NAME: prefix, tags stripped, lines joined; broken cues are issues', () => {
    const srt = [
      '1',
      '00:00:01,000 --> 00:00:02,500',
      '<i>ANN:</i> Where were you',
      '<b>all night</b>?',
      '',
      '2',
      '00:00:03,000 --> 00:00:04,000',
      '{\\an8}Nobody knows.',
      '',
      '3',
      '00:00:05,000 --> 00:00:04,000',
      'backwards',
      '',
      '4',
      '00:00:06,000 -> 00:00:07,000',
      'bad arrow',
      '',
      '5',
      '00:00:08,000 --> 00:00:09,000',
      'Dr. Smith: Calm down.',
      '',
      '6',
      '00:00:10,000 --> 00:00:11,000',
      '',
      '',
    ].join('\r\n');
    const d = tree({ 'film.en.srt': srt, 'film.mkv': 'v', 'film.wav': 'a' });
    const b = readSubtitleFile(path.join(d, 'film.en.srt'));
    expect(b.records.map((r) => [r.speaker, r.text, r.startS, r.endS])).toEqual([
      ['ANN', 'Where were you all night?', 1, 2.5],
      [null, 'Nobody knows.', 3, 4],
      ['Dr. Smith', 'Calm down.', 8, 9],
    ]);
    expect(b.records[0].mediaPath).toBe(path.join(d, 'film.mkv')); // film.en.srt -> film.*, video first
    expect(b.records[0].dialogue).toBe('film');
    expect(b.issues.map((i) => [i.row, i.message])).toEqual([
      [11, 'cue ends (4 s) before it starts (5 s); cue left out'],
      [14, 'no cue timing line (00:00:01,000 --> 00:00:02,000) where a cue should start; block left out'],
    ]);
  });

  it('SRT in Windows-1252 or UTF-16 (BOM) reads the same as in UTF-8', () => {
    const segs = [
      { speaker: 'Zoé', text: 'Ça va, “très” bien', start: 1, end: 2, label: '' },
      { speaker: 'Léo', text: 'Déjà vu…', start: 2.5, end: 3, label: '' },
    ];
    const d = tree({
      'u8.srt': srtOf(segs),
      'w.srt': iconv.encode(srtOf(segs), 'windows-1252'),
      'u16.srt': Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(srtOf(segs), 'utf-16le')]),
    });
    const read = (f: string) => readSubtitleFile(path.join(d, f)).records.map((r) => [r.speaker, r.text, r.startS, r.endS]);
    expect(read('u8.srt')).toEqual(segs.map((x) => [x.speaker, x.text, x.start, x.end]));
    expect(read('w.srt')).toEqual(read('u8.srt'));
    expect(read('u16.srt')).toEqual(read('u8.srt'));
  });

  it('WebVTT: <v Name> voice tags, header, NOTE and STYLE blocks, cue settings, entities, times without hours', () => {
    const vtt = [
      'WEBVTT - a talk',
      '',
      'NOTE written by hand',
      'over two lines',
      '',
      'STYLE',
      '::cue { color: red }',
      '',
      'intro',
      '00:01.000 --> 00:02.500 align:start position:10%',
      '<v.loud Ann Lee>Caf&eacute;? No: caf&#233; &amp; tea</v>',
      '',
      '00:00:03.000 --> 00:00:04.250',
      '<v Bob><c.yellow>I</c> <00:00:03.500>said &lt;no&gt;',
      '',
      '00:00:05.000 --> 00:00:06.000',
      'JO: fine &#x1F600;',
      '',
    ].join('\n');
    const d = tree({ 'talk.vtt': vtt });
    const b = readSubtitleFile(path.join(d, 'talk.vtt'), { media: path.join(d, 'talk.vtt') });
    expect(b.kind).toBe('webvtt');
    expect(b.records.map((r) => [r.speaker, r.text, r.startS, r.endS])).toEqual([
      ['Ann Lee', 'Caf&eacute;? No: café & tea', 1, 2.5],
      ['Bob', 'I said <no>', 3, 4.25],
      ['JO', 'fine 😀', 5, 6],
    ]);
    expect(() => readSubtitleFile(path.join(tree({ 'x.vtt': '1\n00:00:01.000 --> 00:00:02.000\nhi\n' }), 'x.vtt'))).toThrow(
      /x\.vtt: not a WebVTT file/,
    );
    expect(cueTime('1:02:03.4')).toBe(3723.4);
    expect(cueTime('00:61.000')).toBeNull();
  });

  it('media: same base name beside the transcript (any media extension, case ignored) or --media', () => {
    const d = tree({ 'Talk.TextGrid': textGridLong(SEGMENTS), 'talk.M4A': 'a', 'other/rec.flac': 'f', 'talk.txt': 'x' });
    expect(mediaBeside(path.join(d, 'Talk.TextGrid'))).toBe(path.join(d, 'talk.M4A'));
    const [b] = planImport([path.join(d, 'Talk.TextGrid')], { media: path.join(d, 'other/rec.flac'), labelTier: '' });
    expect(b.records.every((r) => r.mediaPath === path.join(d, 'other/rec.flac') && r.dialogue === 'other/rec')).toBe(true);
    const plan = planImportEach([path.join(d, 'Talk.TextGrid')], { media: path.join(d, 'nope.wav') });
    expect(plan.failed).toEqual([{ file: path.join(d, 'nope.wav'), row: null, message: '--media: no such file' }]);
  });
});

describe('forced-aligner tiers', () => {
  it('phone and syllable tiers are left out with a note unless named with --tiers', () => {
    const phones =
      textGridLong(SEGMENTS).replace('size = 2 \nitem []: ', 'size = 3 \nitem []: ') +
      [
        '    item [3]:',
        '        class = "IntervalTier" ',
        '        name = "Ann - phones" ',
        '        xmin = 0 ',
        '        xmax = 10 ',
        '        intervals: size = 2 ',
        '        intervals [1]:',
        '            xmin = 0 ',
        '            xmax = 0.6 ',
        '            text = "h" ',
        '        intervals [2]:',
        '            xmin = 0.6 ',
        '            xmax = 10 ',
        '            text = "" ',
        '',
      ].join('\n');
    const d = tree({ 'a.TextGrid': phones });
    const b = readTextGridFile(path.join(d, 'a.TextGrid'), { media: path.join(d, 'a.TextGrid') });
    expect(b.records).toHaveLength(SEGMENTS.length);
    expect(b.issues.map((i) => i.message)).toEqual([
      "tier 'Ann - phones' left out: phones or syllables, not utterances (name the utterance tiers with --tiers)",
    ]);
    const asked = readTextGridFile(path.join(d, 'a.TextGrid'), { media: path.join(d, 'a.TextGrid'), textTiers: ['Ann - phones'] });
    expect(asked.records.map((r) => [r.speaker, r.text])).toEqual([['Ann - phones', 'h']]);
  });
});

describe('a folder with recordings and transcripts', () => {
  it("each transcript gives its recording's segments, other media files are clips; a broken transcript is an issue", () => {
    const d = tree({
      'talk.wav': 'a',
      'talk.TextGrid': textGridLong(SEGMENTS),
      'other.wav': 'b',
      'day2/b.mp3': 'c',
      'day2/b.srt': srtOf(SEGMENTS),
      'broken.vtt': 'not a vtt',
      '.hidden/x.srt': srtOf(SEGMENTS),
    });
    const plan = planImportEach([d], { labelTier: '' });
    expect(plan.failed).toEqual([]);
    expect(plan.batches.map((b) => [b.kind, b.corpusRoot, b.records.length])).toEqual([
      ['srt', d, SEGMENTS.length],
      ['praat-textgrid', d, SEGMENTS.length],
      ['folder', d, 1],
    ]);
    const [srt, tg, clips] = plan.batches;
    expect(srt.records[0]).toMatchObject({ key: 'day2/b.srt#Ann@500', dialogue: 'day2/b', mediaPath: path.join(d, 'day2/b.mp3') });
    expect(tg.records[0]).toMatchObject({ key: 'talk.TextGrid#Ann@500', dialogue: 'talk', mediaPath: path.join(d, 'talk.wav') });
    expect(clips.records.map((r) => r.key)).toEqual(['other.wav']);
    expect(srt.issues).toEqual([]);
    expect(clips.issues.map((i) => [path.basename(i.file), i.message])).toEqual([
      ['broken.vtt', "file not imported: not a WebVTT file (its first line is not 'WEBVTT')"],
    ]);
    // a folder of transcripts only: no empty clip batch
    const only = tree({ 'a.wav': 'a', 'a.srt': srtOf(SEGMENTS) });
    expect(planImport([only]).map((b) => b.kind)).toEqual(['srt']);
  });
});

describe('re-importing a transcript', () => {
  it('adds nothing when unchanged; a moved boundary updates that segment and marks it for extraction again', () => {
    const d = tree({ 'talk.wav': 'a', 'talk.TextGrid': textGridLong(SEGMENTS) });
    const db = openDb(path.join(d, 'x.db'));
    try {
      const first = saveImport(db, readTextGridFile(path.join(d, 'talk.TextGrid')));
      expect(first).toMatchObject({ added: SEGMENTS.length, updated: 0 });
      const ids = db.prepare('SELECT id FROM utterance ORDER BY start_s, end_s').all() as { id: number }[];
      const done = db.prepare("INSERT INTO stage_status (utterance_id, stage, status, version) VALUES (?, 'media', 'done', 'v')");
      for (const { id } of ids) done.run(id);
      expect(saveImport(db, readTextGridFile(path.join(d, 'talk.TextGrid')))).toMatchObject({
        added: 0,
        updated: 0,
        unchanged: SEGMENTS.length,
      });
      // Bob's second utterance now ends at 6.4 s instead of 6.2 s
      const moved = SEGMENTS.map((x) => (x.end === 6.2 ? { ...x, end: 6.4 } : x));
      fs.writeFileSync(path.join(d, 'talk.TextGrid'), textGridLong(moved));
      expect(saveImport(db, readTextGridFile(path.join(d, 'talk.TextGrid')))).toMatchObject({
        added: 0,
        updated: 1,
        unchanged: SEGMENTS.length - 1,
      });
      const pending = db
        .prepare(
          "SELECT u.text, u.end_s FROM utterance u WHERE NOT EXISTS (SELECT 1 FROM stage_status s WHERE s.utterance_id = u.id AND s.stage = 'media')",
        )
        .all();
      expect(pending).toEqual([{ text: "It's great", end_s: 6.4 }]);
      // Ann's last utterance now starts at 7.8 s: the key holds the start, yet it stays the same utterance (id, labels)
      const annId = (db.prepare("SELECT id FROM utterance WHERE text = 'Bye for now'").get() as { id: number }).id;
      db.prepare(
        "INSERT INTO label_history (utterance_id, old_label, new_label, who, source) VALUES (?, NULL, 'sadness', 'ann', 'annotate')",
      ).run(annId);
      const earlier = moved.map((x) => (x.start === 8 ? { ...x, start: 7.8 } : x));
      fs.writeFileSync(path.join(d, 'talk.TextGrid'), textGridLong(earlier));
      expect(saveImport(db, readTextGridFile(path.join(d, 'talk.TextGrid')))).toMatchObject({ added: 0, updated: 1 });
      expect(db.prepare("SELECT id, key, start_s, label FROM utterance WHERE text = 'Bye for now'").all()).toEqual([
        { id: annId, key: 'talk.TextGrid#Ann@7800', start_s: 7.8, label: 'sadness' },
      ]);
      expect((db.prepare('SELECT COUNT(*) n FROM utterance').get() as { n: number }).n).toBe(SEGMENTS.length);
    } finally {
      db.close();
    }
  });
});

describe('ELAN details', () => {
  it('TIME_ORIGIN places the annotations in the media', () => {
    const d = tree({ 'talk.eaf': eafOf(SEGMENTS, './talk.wav', { timeOrigin: 12000 }), 'talk.wav': 'a' });
    const b = readEafFile(path.join(d, 'talk.eaf'), { labelTier: '' });
    expect(b.records.map((r) => [r.startS, r.endS])).toEqual(
      SEGMENTS.map((s) => [(Math.round(s.start * 1000) + 12000) / 1000, (Math.round(s.end * 1000) + 12000) / 1000]),
    );
  });

  it('a stale link: the media of the same name beside the .eaf, with a note; --media names the recording', () => {
    const d = tree({ 'talk.eaf': eafOf(SEGMENTS, './moved/talk.wav', { timeOrigin: 1000 }), 'talk.mp4': 'v', 'other.wav': 'a' });
    const b = readEafFile(path.join(d, 'talk.eaf'), { labelTier: '' });
    expect(b.records[0]).toMatchObject({ mediaPath: path.join(d, 'talk.mp4'), dialogue: 'talk', startS: 1.5 });
    expect(b.issues.map((i) => i.message)).toEqual([
      'linked media not found (file:///nowhere/moved/talk.wav): using talk.mp4 beside the file',
    ]);
    const [m] = planImport([path.join(d, 'talk.eaf')], { media: path.join(d, 'other.wav'), labelTier: '' });
    expect(m.records[0]).toMatchObject({ mediaPath: path.join(d, 'other.wav'), dialogue: 'other', startS: 1.5 });
    expect(m.issues).toEqual([]);
  });

  it('decodes numeric character references; reads windows-1252 and UTF-16 files by their declaration or BOM', () => {
    const segs = [{ speaker: 'Zoé', text: 'café “déjà vu” &#233; 😀', start: 0, end: 1, label: 'joy' }];
    const xml = eafOf(segs, './x.wav');
    const refs = xml.replace('café “déjà vu” &amp;#233; 😀', 'caf&#233; &#x201C;d&#xE9;j&#224; vu&#x201D; &amp;#233; &#x1F600;');
    expect(refs).not.toBe(xml);
    const w1252 = iconv.encode(xml.replace('😀', '').replace('encoding="UTF-8"', 'encoding="windows-1252"'), 'windows-1252');
    const d = tree({
      'refs.eaf': refs,
      'w1252.eaf': w1252,
      'latin1.eaf': Buffer.from(w1252.toString('latin1').replace('windows-1252', 'ISO-8859-1'), 'latin1'),
      'u16.eaf': Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(xml.replace('encoding="UTF-8"', 'encoding="UTF-16"'), 'utf-16le')]),
      'undeclared1252.eaf': iconv.encode(xml.replace('😀', ''), 'windows-1252'),
    });
    const text = (f: string) => readEafFile(path.join(d, f), { labelTier: '' }).records[0].text;
    expect(text('refs.eaf')).toBe('café “déjà vu” &#233; 😀');
    expect(text('w1252.eaf')).toBe('café “déjà vu” &#233;');
    expect(text('latin1.eaf')).toBe('café “déjà vu” &#233;');
    expect(text('u16.eaf')).toBe('café “déjà vu” &#233; 😀');
    const b = readEafFile(path.join(d, 'undeclared1252.eaf'), { labelTier: '' });
    expect(b.records[0].text).toBe('café “déjà vu” &#233;');
    expect(b.records[0].speaker).toBe('Zoé');
    expect(b.issues.map((i) => i.message)).toContain('declared UTF-8 but it is not valid UTF-8: read as windows-1252');
  });
});
