// A recording with no transcript, segmented by voice activity (import --segment vad) and labelled by an
// annotator, exported to ELAN (report --format eaf) and imported again with the built CLI: its segments
// come back with their spans and labels, still without text (an empty ELAN annotation is a segment
// not transcribed yet; the re-import found "no annotation with text" and imported nothing).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { runCliAsync } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';
import { clipFfmpeg, hasEspeak } from '../helpers/make-clips';
import { speechRecording } from '../helpers/espeak-speech';

const t = tmpDir('es-vad-eaf-');
const dir = path.join(t.dir, 'rec');
const data = path.join(t.dir, 'data');
const cli = async (db: string, args: string[]) => {
  const r = await runCliAsync(['--db', db, '--data-dir', data, ...args]);
  expect(r.code, r.stderr).toBe(0);
  return r;
};
const rows = (db: string) => {
  const d = new Database(db, { readonly: true });
  try {
    return d
      .prepare(
        `SELECT u.start_s, u.end_s, u.text, u.label, (SELECT group_concat(a.annotator || '=' || a.label) FROM annotator_label a
           WHERE a.utterance_id = u.id) AS ann FROM utterance u ORDER BY u.start_s`,
      )
      .all() as { start_s: number; end_s: number; text: string | null; label: string | null; ann: string | null }[];
  } finally {
    d.close();
  }
};

beforeAll(() => {
  if (!hasEspeak()) throw new Error('espeak-ng is needed for the VAD tests (scripts/install.sh installs it)');
  fs.mkdirSync(dir, { recursive: true });
  speechRecording(clipFfmpeg(), path.join(dir, 'talk.wav'));
}, 60_000);
afterAll(() => t.cleanup());

describe('segmented recording through ELAN and back', () => {
  it('keeps every segment, its span and its labels, with no text', async () => {
    const db1 = path.join(t.dir, 'one.db');
    await cli(db1, ['import', dir, '--segment', 'vad', '--labels', 'joy,anger,neutral']);
    await cli(db1, ['relabel', '1', 'joy', '--annotator', 'eve']);
    await cli(db1, ['relabel', '3', 'anger', '--annotator', 'eve']);
    const before = rows(db1);
    expect(before).toHaveLength(12);
    const out = path.join(t.dir, 'eaf');
    await cli(db1, ['report', '--format', 'eaf', '--out', out]);
    const [file] = fs.readdirSync(out).filter((f) => f.endsWith('.eaf'));

    const db2 = path.join(t.dir, 'two.db');
    const r = await cli(db2, ['--json', 'import', path.join(out, file)]);
    expect(r.json().imports[0]).toMatchObject({ added: 12 });
    const after = rows(db2);
    expect(after.map((u) => [u.start_s, u.end_s, u.text, u.label, u.ann])).toEqual(
      before.map((u) => [u.start_s, u.end_s, null, u.label, u.ann]),
    );
    expect(after.filter((u) => u.ann !== null)).toHaveLength(2);
  }, 120_000);
});
