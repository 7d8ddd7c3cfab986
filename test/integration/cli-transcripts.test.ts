// The built CLI on time-aligned transcripts: list/show carry start_s/end_s, EAF and TextGrid exports of
// an imported recording keep the original times, MELD episode times stay metadata (round trip exact),
// and one unreadable or missing file among several is reported while the rest is imported (issue 14 items 6, 7).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { runCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';
import { readTextGrid } from '../helpers/textgrid-reader';
import { SEGMENTS, eafOf, srtOf, textGridLong } from '../helpers/transcripts';
import { readEafFile } from '../../src/main/core/corpus/eaf';
import { wavBytes } from '../helpers/espeak-speech';

function ok(r: ReturnType<typeof runCli>) {
  expect(r.code, r.stderr).toBe(0);
  return r;
}

/** A real 16-bit mono WAV of silence. */
function wav(file: string, seconds: number, rate = 8000): void {
  fs.writeFileSync(file, wavBytes(new Float32Array(Math.round(seconds * rate)), rate));
}

interface Listed {
  id: number;
  dialogue: string | null;
  speaker: string | null;
  text: string | null;
  label: string | null;
  media: string | null;
  start_s: number | null;
  end_s: number | null;
}

const t = tmpDir('es-tr-cli-');
afterAll(() => t.cleanup());

describe('a long recording imported from a transcript', () => {
  const dir = path.join(t.dir, 'rec');
  const db = path.join(t.dir, 'rec.db');
  let listed: Listed[];
  beforeAll(() => {
    fs.mkdirSync(dir);
    wav(path.join(dir, 'talk.wav'), 10);
    fs.writeFileSync(path.join(dir, 'talk.TextGrid'), textGridLong(SEGMENTS, { labels: true }));
    ok(runCli(['import', path.join(dir, 'talk.TextGrid'), '--db', db, '--json', '-q']));
    listed = ok(runCli(['list', '--db', db, '--json'])).json();
  });

  it('list --json and show --json carry start_s and end_s beside media', () => {
    expect(listed.map((u) => [u.speaker, u.text, u.label, u.start_s, u.end_s])).toEqual(
      SEGMENTS.map((s) => [s.speaker, s.text, s.label, s.start, s.end]),
    );
    expect(new Set(listed.map((u) => u.media))).toEqual(new Set([path.join(dir, 'talk.wav')]));
    expect(new Set(listed.map((u) => u.dialogue))).toEqual(new Set(['talk'])); // one dialogue per recording
    const show = ok(runCli(['show', String(listed[3].id), '--db', db, '--json'])).json();
    expect(show).toMatchObject({ media: path.join(dir, 'talk.wav'), start_s: 5.5, end_s: 7, speaker: 'Ann', text: 'Wait & see' });
    expect(ok(runCli(['show', String(listed[3].id), '--db', db])).stdout).toContain(
      `media: ${path.join(dir, 'talk.wav')} [5.500 s - 7.000 s]`,
    );
  });

  it('EAF and TextGrid exports keep the original times, and read back as the same utterances', () => {
    const out = path.join(t.dir, 'tg');
    const tg = ok(runCli(['report', '--db', db, '--format', 'textgrid', '--out', out, '--json'])).json();
    expect(tg.files).toHaveLength(1);
    const grid = readTextGrid(fs.readFileSync(tg.files[0], 'utf8'));
    for (const sp of ['Ann', 'Bob']) {
      const tier = grid.tiers.find((x) => x.name === sp)!;
      expect(tier.intervals.filter((i) => i.text !== '').map((i) => [i.xmin, i.xmax, i.text])).toEqual(
        SEGMENTS.filter((s) => s.speaker === sp).map((s) => [s.start, s.end, s.text]),
      );
    }
    const eafOut = path.join(t.dir, 'eaf');
    const eaf = ok(runCli(['report', '--db', db, '--format', 'eaf', '--out', eafOut, '--json'])).json();
    const back = readEafFile(eaf.files[0]);
    expect(back.records.map((r) => [r.speaker, r.text, r.startS, r.endS, r.label])).toEqual(
      SEGMENTS.map((s) => [s.speaker, s.text, s.start, s.end, s.label]),
    );
    // the exported TextGrid, imported with the recording, gives the same utterances again
    const db2 = path.join(t.dir, 'back.db');
    ok(runCli(['import', tg.files[0], '--media', path.join(dir, 'talk.wav'), '--db', db2, '--json', '-q']));
    const again: Listed[] = ok(runCli(['list', '--db', db2, '--json'])).json();
    const strip = (u: Listed) => [u.speaker, u.text, u.label, u.media, u.start_s, u.end_s];
    expect(again.map(strip)).toEqual(listed.map(strip));
  });
});

describe('MELD episode times', () => {
  it('are metadata of their own: a MELD clip is a whole clip, and the MELD export writes the episode times back exactly', () => {
    const dir = path.join(t.dir, 'meld');
    fs.mkdirSync(dir);
    const csv =
      [
        'Sr No.,Utterance,Speaker,Emotion,Sentiment,Dialogue_ID,Utterance_ID,Season,Episode,StartTime,EndTime',
        '1,also I was the point person on my company’s transition from the KL-5 to GR-6 system.,Chandler,neutral,neutral,0,0,8,21,"00:16:16,059","00:16:21,731"',
        '2,You must’ve had your hands full.,The Interviewer,neutral,neutral,0,1,8,21,"00:16:21,940","00:16:23,442"',
        '3,That I did. That I did.,Chandler,neutral,neutral,0,2,8,21,"00:16:23,442","00:16:26,389"',
      ].join('\r\n') + '\r\n';
    fs.writeFileSync(path.join(dir, 'train_sent_emo.csv'), csv);
    wav(path.join(dir, 'dia0_utt0.wav'), 5.672);
    const db = path.join(t.dir, 'meld.db');
    ok(runCli(['import', dir, '--db', db, '-q']));
    const listed: Listed[] = ok(runCli(['list', '--db', db, '--json'])).json();
    expect(listed.map((u) => [u.start_s, u.end_s])).toEqual([
      [null, null],
      [null, null],
      [null, null],
    ]);
    expect(listed[0].media).toBe(path.join(dir, 'dia0_utt0.wav'));
    const show = ok(runCli(['show', String(listed[0].id), '--db', db, '--json'])).json();
    expect([show.start_s, show.end_s]).toEqual([null, null]);
    const d = new Database(db, { readonly: true });
    expect(d.prepare('SELECT episode_start_s s, episode_end_s e FROM utterance ORDER BY id').all()).toEqual([
      { s: 976.059, e: 981.731 },
      { s: 981.94, e: 983.442 },
      { s: 983.442, e: 986.389 },
    ]);
    d.close();
    const out = path.join(t.dir, 'meld-out');
    ok(runCli(['report', '--db', db, '--format', 'meld', '--out', out, '--json']));
    const rows = parse(fs.readFileSync(path.join(out, 'train_sent_emo.csv'), 'utf8'), { columns: true, bom: true }) as Record<
      string,
      string
    >[];
    const src = parse(csv, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.StartTime, r.EndTime])).toEqual(src.map((r) => [r.StartTime, r.EndTime]));
  });
});

describe('one unreadable file does not drop the import', () => {
  const good =
    [
      'Sr No.,Utterance,Speaker,Emotion,Sentiment,Dialogue_ID,Utterance_ID,Season,Episode,StartTime,EndTime',
      '1,Hi there,Ann,joy,positive,0,0,1,1,"00:00:01,000","00:00:02,000"',
    ].join('\n') + '\n';

  it('an empty notes.csv inside a corpus folder: reported by name, the MELD CSV beside it imported, exit 0', () => {
    const dir = path.join(t.dir, 'folder');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'notes.csv'), '');
    fs.writeFileSync(path.join(dir, 'train_sent_emo.csv'), good);
    const db = path.join(t.dir, 'f.db');
    const r = ok(runCli(['import', dir, '--db', db, '--json']));
    expect(r.stderr).toContain(`warning: ${path.join(dir, 'notes.csv')}: file not imported: empty file (no header row)`);
    expect(r.json().imports[0]).toMatchObject({ kind: 'meld-csv', added: 1 });
  });

  it('an empty CSV given beside a good one, and an .eaf refused for an external entity beside a good one', () => {
    const dir = path.join(t.dir, 'files');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'empty.csv'), '');
    fs.writeFileSync(path.join(dir, 'train_sent_emo.csv'), good);
    fs.writeFileSync(path.join(dir, 'good.eaf'), eafOf(SEGMENTS, './none.wav'));
    const xxe = eafOf(SEGMENTS, './none.wav')
      .replace('<ANNOTATION_DOCUMENT', '<!DOCTYPE ANNOTATION_DOCUMENT [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<ANNOTATION_DOCUMENT')
      .replace('Bye for now', '&x;');
    fs.writeFileSync(path.join(dir, 'evil.eaf'), xxe);
    const big = eafOf(SEGMENTS, './none.wav')
      .replace('<ANNOTATION_DOCUMENT', `<!DOCTYPE ANNOTATION_DOCUMENT [<!ENTITY big "${'a'.repeat(20000)}">]>\n<ANNOTATION_DOCUMENT`)
      .replace('Bye for now', '&big;');
    fs.writeFileSync(path.join(dir, 'big.eaf'), big);
    const db = path.join(t.dir, 'g.db');
    const r = ok(
      runCli([
        'import',
        ...['empty.csv', 'train_sent_emo.csv', 'evil.eaf', 'good.eaf', 'big.eaf'].map((f) => path.join(dir, f)),
        '--db',
        db,
        '--json',
      ]),
    );
    const j = r.json();
    expect(j.failed.map((f: { file: string }) => path.basename(f.file))).toEqual(['empty.csv', 'evil.eaf', 'big.eaf']);
    expect(j.failed[0].reason).toBe('empty file (no header row)');
    expect(j.failed[1].reason).toMatch(/^XML refused: External entities are not supported/);
    expect(j.failed[2].reason).toMatch(/^XML refused: Entity "big" size \(20000\) exceeds/);
    expect(r.stderr).toContain(`warning: ${path.join(dir, 'evil.eaf')}: XML refused: External entities are not supported`);
    expect(j.imports.map((i: { kind: string; added: number }) => [i.kind, i.added])).toEqual([
      ['meld-csv', 1],
      ['elan-eaf', SEGMENTS.length],
    ]);
    expect(ok(runCli(['list', '--db', db, '--json'])).json()).toHaveLength(1 + SEGMENTS.length);
    // nothing at all importable: the job could not run
    const none = runCli(['import', path.join(dir, 'empty.csv'), '--db', path.join(t.dir, 'h.db')]);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain(`${path.join(dir, 'empty.csv')}: empty file (no header row)`);
  });

  it('a mistyped path beside a good file: reported by name, the good file imported, exit 0; only missing paths: exit non-zero', () => {
    const dir = path.join(t.dir, 'missing');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'good.eaf'), eafOf(SEGMENTS, './none.wav'));
    const gone = path.join(dir, 'gone.eaf');
    const db = path.join(t.dir, 'm.db');
    const r = ok(runCli(['import', gone, path.join(dir, 'good.eaf'), '--db', db, '--json']));
    expect(r.json().failed).toEqual([{ file: gone, reason: 'no such file or folder' }]);
    expect(r.stderr).toContain(`warning: ${gone}: no such file or folder; file not imported`);
    expect(r.json().imports.map((i: { kind: string; added: number }) => [i.kind, i.added])).toEqual([['elan-eaf', SEGMENTS.length]]);
    const none = runCli(['import', gone, '--db', path.join(t.dir, 'm2.db')]);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain(`cannot read ${gone}: no such file or folder`);
  });

  it('subtitles with a broken cue: the rest imported, the cue reported with its line', () => {
    const dir = path.join(t.dir, 'subs');
    fs.mkdirSync(dir);
    wav(path.join(dir, 'talk.wav'), 10);
    fs.writeFileSync(path.join(dir, 'talk.srt'), srtOf(SEGMENTS).replace('00:00:05,000 --> 00:00:06,200', '00:00:05,000 --> soon'));
    const db = path.join(t.dir, 's.db');
    const r = ok(runCli(['import', path.join(dir, 'talk.srt'), '--db', db, '--json']));
    expect(r.stderr).toContain(`warning: ${path.join(dir, 'talk.srt')} row 10: '00:00:05,000 --> soon' is not a cue timing`);
    expect(r.json().imports[0]).toMatchObject({ kind: 'srt', added: SEGMENTS.length - 1 });
  });
});
