// `import FOLDER --segment vad` through the built CLI (node scripts/build-cli.mjs) on a recording of 12
// espeak-ng sentences between known pauses: one dialogue of 12 segment utterances in the database,
// each within 0.25 s of its sentence, no text/speaker/label; a damaged recording beside it is a
// warning naming it (exit 0); re-importing adds nothing; --split sets the segments' split, --labels their label set; a bad option value is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { runCliAsync } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';
import { clipFfmpeg, hasEspeak } from '../helpers/make-clips';
import { speechRecording, type SpeechRecording } from '../helpers/espeak-speech';

const t = tmpDir('es-cli-vad-');
const dir = path.join(t.dir, 'recordings');
const db = path.join(t.dir, 'vad.db');
let rec: SpeechRecording;
const cli = (args: string[]) => runCliAsync(['--db', db, '--data-dir', path.join(t.dir, 'data'), ...args]);

beforeAll(() => {
  if (!hasEspeak()) throw new Error('espeak-ng is needed for the VAD tests (scripts/install.sh installs it)');
  fs.mkdirSync(dir, { recursive: true });
  rec = speechRecording(clipFfmpeg(), path.join(dir, 'talk.wav'));
  fs.writeFileSync(path.join(dir, 'damaged.m4a'), Buffer.alloc(2048, 7));
}, 60_000);
afterAll(() => t.cleanup());

describe('import --segment vad', () => {
  it('makes each recording a dialogue of its speech segments, prints the count per recording, and says which file it could not read', async () => {
    const r = await cli(['import', dir, '--segment', 'vad']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${path.join(dir, 'talk.wav')}: 12 segments (`);
    expect(r.stdout).toMatch(/damaged\.m4a: not segmented \(.+\)/);
    expect(r.stdout).toMatch(/imported vad-segments from .*recordings: 12 added, 0 updated, 0 unchanged, 0 without media, 1 issues/);
    expect(r.stderr).toMatch(/warning: .*damaged\.m4a: cannot segment it: /);

    const d = new Database(db, { readonly: true });
    const rows = d
      .prepare(
        `SELECT u.key, u.idx, u.speaker, u.text, u.label, u.start_s, u.end_s, u.split, dl.key AS dialogue, m.path
         FROM utterance u JOIN dialogue dl ON dl.id = u.dialogue_id JOIN media m ON m.utterance_id = u.id ORDER BY u.idx`,
      )
      .all() as {
      key: string;
      idx: number;
      speaker: null;
      text: null;
      label: null;
      start_s: number;
      end_s: number;
      split: string;
      dialogue: string;
      path: string;
    }[];
    d.close();
    expect(rows).toHaveLength(12);
    rows.forEach((u, i) => {
      expect(u).toMatchObject({
        key: `talk.wav#vad@${Math.round(u.start_s * 1000)}`,
        idx: i,
        speaker: null,
        text: null,
        label: null,
        dialogue: 'talk',
        split: 'unsplit',
        path: path.join(dir, 'talk.wav'),
      });
      expect(Math.abs(u.start_s - rec.truth[i].startS), `segment ${i + 1} start`).toBeLessThan(0.25);
      expect(Math.abs(u.end_s - rec.truth[i].endS), `segment ${i + 1} end`).toBeLessThan(0.25);
    });
  }, 120_000);

  it('--json gives the segmentation per recording; importing again changes nothing', async () => {
    const r = await cli(['--json', 'import', path.join(dir, 'talk.wav'), '--segment', 'vad', '--device', 'cpu']);
    expect(r.code, r.stderr).toBe(0);
    const j = r.json();
    expect(j.segmentation).toEqual([
      { file: path.join(dir, 'talk.wav'), segments: 12, duration_s: expect.closeTo(rec.durationS, 1), speech_s: expect.any(Number) },
    ]);
    expect(j.imports[0]).toMatchObject({ kind: 'vad-segments', added: 0, updated: 0, unchanged: 12 });
  }, 120_000);

  it('segmenting again with other options keeps each label on its (moved) stretch of speech', async () => {
    const d = new Database(db, { readonly: true });
    const third = d.prepare('SELECT id, key, start_s, end_s FROM utterance ORDER BY start_s LIMIT 1 OFFSET 2').get() as {
      id: number;
      key: string;
      start_s: number;
      end_s: number;
    };
    d.close();
    const rl = await cli(['relabel', String(third.id), 'joy']);
    expect(rl.code, rl.stderr).toBe(0);
    // a wider pad moves every start (new keys): each stored segment overlapping a new one of the same
    // recording is that segment moved (store/corpus-repo.ts), so the label stays with its stretch of speech
    const r = await cli(['--json', 'import', path.join(dir, 'talk.wav'), '--segment', 'vad', '--pad', '0.2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().imports[0]).toMatchObject({ added: 0, updated: 12, unchanged: 0 });
    const d2 = new Database(db, { readonly: true });
    const after = d2.prepare('SELECT key, label, start_s, end_s FROM utterance WHERE id = ?').get(third.id) as typeof third & {
      label: string;
    };
    const total = d2.prepare('SELECT COUNT(*) n FROM utterance').get() as { n: number };
    const labelled = d2.prepare("SELECT COUNT(*) n FROM utterance WHERE label = 'joy'").get() as { n: number };
    d2.close();
    expect(total.n).toBe(12);
    expect(after.label).toBe('joy');
    expect(after.start_s).toBeCloseTo(third.start_s - 0.1, 2);
    expect(after.end_s).toBeCloseTo(third.end_s + 0.1, 2);
    expect(after.key).toBe(`talk.wav#vad@${Math.round(after.start_s * 1000)}`);
    expect(labelled.n).toBe(1);
  }, 120_000);

  it('--split names the split of every segment (a folder without train/dev/test in its name gave unsplit whatever --split said)', async () => {
    const db3 = path.join(t.dir, 'split.db');
    const r = await runCliAsync([
      '--db',
      db3,
      '--data-dir',
      path.join(t.dir, 'data'),
      'import',
      dir,
      '--segment',
      'vad',
      '--split',
      'train',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const d = new Database(db3, { readonly: true });
    const rows = d.prepare('SELECT split, COUNT(*) AS n FROM utterance GROUP BY split').all();
    d.close();
    expect(rows).toEqual([{ split: 'train', n: 12 }]);
  }, 120_000);

  it('--labels gives the segmented recording its label set, so its segments can be labelled in Annotate and trained on (it was ignored: no label set)', async () => {
    const db4 = path.join(t.dir, 'labels.db');
    const r = await runCliAsync([
      '--db',
      db4,
      '--data-dir',
      path.join(t.dir, 'data'),
      'import',
      dir,
      '--segment',
      'vad',
      '--labels',
      'joy, anger,neutral',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const d = new Database(db4, { readonly: true });
    const sets = d.prepare('SELECT label_set FROM corpus').all();
    d.close();
    expect(sets).toEqual([{ label_set: '["joy","anger","neutral"]' }]);
    const bad = await runCliAsync(['--db', db4, '--data-dir', path.join(t.dir, 'data'), 'relabel', '1', 'joyy']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("label 'joyy' is not in this corpus's label set (joy, anger, neutral)");
  }, 120_000);

  it('options change the segmentation; a value out of range is refused naming the option', async () => {
    const r = await cli(['--json', 'import', path.join(dir, 'talk.wav'), '--segment', 'vad', '--min-speech', '60']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().segmentation[0].segments).toBe(0);
    const bad = await cli(['import', dir, '--segment', 'vad', '--threshold', '2']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("--threshold must be a number from 0.01 to 0.99, not '2'");
  }, 120_000);

  it('analyze --segment vad: a recording with no transcript is cut, extracted segment by segment and reported (no labels: no model)', async () => {
    const db2 = path.join(t.dir, 'analyze.db');
    const report = path.join(t.dir, 'analyze-report.html');
    const r = await runCliAsync([
      '--db',
      db2,
      '--data-dir',
      path.join(t.dir, 'data'),
      '--json',
      'analyze',
      dir,
      '--segment',
      'vad',
      '--workers',
      '1',
      '--report',
      report,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const j = r.json();
    expect(j.segmentation).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: path.join(dir, 'talk.wav'), segments: 12 }),
        expect.objectContaining({ file: path.join(dir, 'damaged.m4a'), error: expect.any(String) }),
      ]),
    );
    expect(j.imports[0]).toMatchObject({ kind: 'vad-segments', added: 12 });
    expect(j.extract.media).toMatchObject({ processed: 12, failed: 0 });
    expect(j.train).toBeNull();
    expect(j.report).toBe(report);
    const d = new Database(db2, { readonly: true });
    const withAudio = d.prepare('SELECT COUNT(*) n FROM audio_summary').get() as { n: number };
    d.close();
    expect(withAudio.n).toBe(12);
    expect(fs.readFileSync(report, 'utf8')).toContain('<html');
  }, 180_000);
});
