// A clip deleted between import and extraction: that item gets an error naming the file, the rest
// are done, the database is intact; when the clip is back and the folder is imported again, the
// next extract redoes that one item only (a clean resume).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { makeClip } from '../helpers/make-clips';
import { runCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';

describe('media deleted between import and extraction', () => {
  const t = tmpDir('es-gone-');
  const corpus = path.join(t.dir, 'clips');
  const db = path.join(t.dir, 'g.db');
  beforeAll(async () => {
    const first = await makeClip(corpus, 'c0.mp4', { durationS: 1.5, container: 'mp4', video: { w: 160, h: 120, fps: 12 }, audio: { kind: 'sine' } });
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
    const d = new Database(db);
    expect(d.pragma('integrity_check', { simple: true })).toBe('ok');
    d.close();
  }, 120_000);
});
