// The built CLI's import summary names the file each line is about (two CSVs of one folder gave two
// lines "imported meld-csv from FOLDER" that could not be told apart); --json lists them as `files`.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';
import { SEGMENTS, eafOf } from '../helpers/transcripts';

const HEADER = 'Sr No.,Utterance,Speaker,Emotion,Sentiment,Dialogue_ID,Utterance_ID,Season,Episode,StartTime,EndTime';
const meld = (n: number) =>
  [HEADER, ...Array.from({ length: n }, (_, i) => `${i + 1},Hi ${i},Ann,joy,positive,0,${i},1,1,"00:00:01,000","00:00:02,000"`)].join(
    '\n',
  ) + '\n';

describe('import summary lines', () => {
  const t = tmpDir('es-importline-');
  afterAll(() => t.cleanup());

  it('each line names its file; a folder of many files gives their count', () => {
    fs.writeFileSync(path.join(t.dir, 'train_sent_emo.csv'), meld(3));
    fs.writeFileSync(path.join(t.dir, 'dev_sent_emo.csv'), meld(2));
    fs.writeFileSync(path.join(t.dir, 'talk.eaf'), eafOf(SEGMENTS, './none.wav'));
    const db = path.join(t.dir, 'x.db');
    const files = ['train_sent_emo.csv', 'dev_sent_emo.csv', 'talk.eaf'].map((f) => path.join(t.dir, f));
    const r = runCli(['import', ...files, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      `imported meld-csv train_sent_emo.csv from ${t.dir}: 3 added, 0 updated, 0 unchanged, 3 without media, 0 issues`,
      `imported meld-csv dev_sent_emo.csv from ${t.dir}: 2 added, 0 updated, 0 unchanged, 2 without media, 0 issues`,
      `imported elan-eaf talk.eaf from ${t.dir}: ${SEGMENTS.length} added, 0 updated, 0 unchanged, ${SEGMENTS.length} without media, 1 issues`,
    ]);
    const j = runCli(['import', ...files, '--db', db, '--json']).json();
    expect(j.imports.map((i: { files: string[] }) => i.files)).toEqual([[files[0]], [files[1]], [files[2]]]);

    const clips = path.join(t.dir, 'clips');
    fs.mkdirSync(clips);
    for (let i = 0; i < 5; i++) fs.writeFileSync(path.join(clips, `c${i}.wav`), 'x');
    const f = runCli(['import', clips, '--db', path.join(t.dir, 'y.db')]);
    expect(f.code, f.stderr).toBe(0);
    expect(f.stdout).toMatch(new RegExp(`^imported folder \\(5 files\\) from ${clips}: 5 added`));
  });
});
