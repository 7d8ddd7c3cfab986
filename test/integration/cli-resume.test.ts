// kill -9 in the middle of extraction, then a rerun: every item done exactly once, database intact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { makeClip } from '../helpers/make-clips';
import { runCli, startCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';
import { restoreDb, snapshotDb } from '../helpers/db-snapshot';

const N = 40;

function doneCount(db: string): number {
  if (!fs.existsSync(db)) return 0;
  const d = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return (d.prepare("SELECT COUNT(*) n FROM stage_status WHERE stage = 'media'").get() as { n: number }).n;
  } finally {
    d.close();
  }
}

async function waitFor(pred: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('resumable extraction', () => {
  const t = tmpDir();
  const corpus = path.join(t.dir, 'clips');

  beforeAll(async () => {
    const first = await makeClip(corpus, 'c00.mp4', {
      durationS: 2,
      container: 'mp4',
      video: { w: 320, h: 240, fps: 24 },
      audio: { kind: 'sine', freq: 200 },
    });
    for (let i = 1; i < N; i++) fs.copyFileSync(first, path.join(corpus, `c${String(i).padStart(2, '0')}.mp4`));
  });
  afterAll(() => t.cleanup());

  it('kill -9 mid-run, rerun finishes with each item done once', async () => {
    const db = path.join(t.dir, 'kill.db');
    expect(runCli(['import', corpus, '--db', db]).code).toBe(0);
    const imported = path.join(t.dir, 'kill-imported.db');
    snapshotDb(db, imported);
    // kill once 5 items are committed; a run that got to the end first (a fast machine) does not
    // count: the imported database is put back and the run starts again, until a kill lands mid-run
    let before = 0;
    for (let attempt = 1; ; attempt++) {
      const child = startCli(['extract', '--db', db, '--quiet']);
      const exited = new Promise((r) => child.once('exit', r));
      await waitFor(() => doneCount(db) >= 5 || child.exitCode !== null, 60_000);
      child.kill('SIGKILL');
      await exited;
      before = doneCount(db);
      if (before > 0 && before < N) break;
      expect(attempt, `no kill landed mid-run in ${attempt} runs`).toBeLessThan(10);
      restoreDb(imported, db);
    }
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(N);

    const rerun = runCli(['extract', '--db', db, '--json']);
    expect(rerun.code, rerun.stderr).toBe(0);
    const s = rerun.json();
    expect(s.media.processed).toBe(N - before); // only what the killed run had not committed
    expect(s.media.failed).toBe(0);

    const d = new Database(db, { readonly: true });
    expect(d.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(d.prepare("SELECT COUNT(*) n, SUM(status = 'done') done FROM stage_status WHERE stage = 'media'").get()).toEqual({
      n: N,
      done: N,
    });
    expect(d.prepare("SELECT COUNT(*) n FROM feature WHERE kind = 'audio.stats'").get()).toEqual({ n: N });
    expect(d.prepare('SELECT COUNT(*) n FROM frame_entropy').get()).toEqual({ n: N });
    expect(d.prepare('SELECT COUNT(*) n FROM item_error').get()).toEqual({ n: 0 });
    d.close();
  });

  it('Ctrl-C stops cleanly with status 130, and a rerun completes', async () => {
    const db = path.join(t.dir, 'int.db');
    expect(runCli(['import', corpus, '--db', db]).code).toBe(0);
    const imported = path.join(t.dir, 'int-imported.db');
    snapshotDb(db, imported);
    let stderr = '';
    let code: number | null = null;
    for (let attempt = 1; ; attempt++) {
      // as above: a run that ended before the Ctrl-C reached it is started again on the imported database
      const child = startCli(['extract', '--db', db]);
      stderr = '';
      child.stderr!.on('data', (b) => (stderr += b));
      const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
      await waitFor(() => doneCount(db) >= 3 || child.exitCode !== null, 60_000);
      child.kill('SIGINT');
      code = await exited;
      if (code === 130 && doneCount(db) < N) break;
      expect(attempt, `no Ctrl-C landed mid-run in ${attempt} runs (last exit ${code}): ${stderr}`).toBeLessThan(10);
      restoreDb(imported, db);
    }
    expect(code).toBe(130);
    expect(stderr).toMatch(/stopping/);
    const done = doneCount(db);
    expect(done).toBeLessThan(N);
    const rerun = runCli(['extract', '--db', db, '--json']).json();
    expect(rerun.media.processed).toBe(N - done);
    expect(doneCount(db)).toBe(N);
  });
});
