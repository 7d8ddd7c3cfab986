// A clip deleted between import and extraction: that item gets an error naming the file, the rest
// are done, the database is intact; when the clip is back and the folder is imported again, the
// next extract redoes that one item only (a clean resume). And an installed model file replaced by
// garbage: one line naming the file, the job carries on with what it has, the database is intact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { makeClip } from '../helpers/make-clips';
import { runCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';
import { writeTinyModels } from '../helpers/tiny-encoders';

function integrity(db: string): unknown {
  const d = new Database(db);
  try {
    return d.pragma('integrity_check', { simple: true });
  } finally {
    d.close();
  }
}

describe('media deleted between import and extraction', () => {
  const t = tmpDir('es-gone-');
  const corpus = path.join(t.dir, 'clips');
  const db = path.join(t.dir, 'g.db');
  beforeAll(async () => {
    const first = await makeClip(corpus, 'c0.mp4', {
      durationS: 1.5,
      container: 'mp4',
      video: { w: 160, h: 120, fps: 12 },
      audio: { kind: 'sine' },
    });
    for (let i = 1; i < 6; i++) fs.copyFileSync(first, path.join(corpus, `c${i}.mp4`));
  }, 60_000);
  afterAll(() => t.cleanup());

  it('errors on that item only, then resumes cleanly once the clip is back', () => {
    expect(runCli(['import', corpus, '--db', db]).code).toBe(0);
    const gone = path.join(corpus, 'c3.mp4');
    const keep = fs.readFileSync(gone);
    fs.rmSync(gone);
    const ex = runCli(['extract', '--db', db, '--json', '--quiet']);
    expect(ex.code, ex.stderr).toBe(0);
    expect(ex.json().media).toMatchObject({ processed: 6, failed: 1 });
    const rows = runCli(['list', '--db', db, '--json']).json() as { id: number; media: string; status: string }[];
    const bad = rows.find((r) => r.media === gone)!;
    expect(bad.status).toBe('error');
    const errors = runCli(['show', String(bad.id), '--db', db, '--json']).json().errors as { file: string; message: string }[];
    expect(errors.some((e) => e.file === gone && /does not exist|no such file/i.test(e.message))).toBe(true);
    expect(rows.filter((r) => r.status === 'done')).toHaveLength(5);

    fs.writeFileSync(gone, keep); // back (a new mtime): the re-import marks it for extraction again
    expect(runCli(['import', corpus, '--db', db]).code).toBe(0);
    const again = runCli(['extract', '--db', db, '--json', '--quiet']).json();
    expect(again.media).toMatchObject({ processed: 1, failed: 0 });
    const after = runCli(['list', '--db', db, '--json']).json() as { status: string; errors: number }[];
    expect(after.every((r) => r.status === 'done' && r.errors === 0)).toBe(true);
    expect(integrity(db)).toBe('ok');
  }, 120_000);
});

describe('a model file replaced by garbage', () => {
  const t = tmpDir('es-garbage-model-');
  afterAll(() => t.cleanup());

  it('extraction names the file in one line, carries on without that encoder, and the database stays intact', async () => {
    const corpus = path.join(t.dir, 'clips');
    const first = await makeClip(corpus, 'c0.mp4', {
      durationS: 1,
      container: 'mp4',
      video: { w: 160, h: 120, fps: 12 },
      audio: { kind: 'sine' },
    });
    fs.copyFileSync(first, path.join(corpus, 'c1.mp4'));
    const data = path.join(t.dir, 'data');
    const tiny = writeTinyModels(path.join(t.dir, 'mirror'));
    const imp = runCli(['models', 'import', tiny.wav2vec2, '--as', 'wav2vec2-base-960h', '--data-dir', data]);
    expect(imp.code, imp.stderr).toBe(0);
    const installed = path.join(data, 'models', 'wav2vec2-base-960h', 'model.onnx');
    expect(fs.existsSync(installed)).toBe(true);
    fs.writeFileSync(installed, 'garbage, not an ONNX model');

    const db = path.join(t.dir, 'm.db');
    expect(runCli(['import', corpus, '--db', db]).code).toBe(0);
    const ex = runCli(['extract', '--db', db, '--data-dir', data, '--device', 'cpu', '--json']);
    expect(ex.code, ex.stderr).toBe(0);
    expect(ex.stderr).toContain(`wav2vec2-base-960h: cannot load ${installed}`);
    expect(ex.stderr).not.toMatch(/\n\s+at /);
    expect(ex.json().media).toMatchObject({ processed: 2, failed: 0 });
    const show = runCli(['show', '1', '--db', db, '--json']).json();
    expect(show.audio.embedding).toBeNull(); // the built-in audio features are there, the embedding is not
    expect(show.audio.mfcc_mean).toHaveLength(25);
    expect(integrity(db)).toBe('ok');
  }, 60_000);
});
