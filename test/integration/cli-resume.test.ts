// kill -9 in the middle of extraction, then a rerun: every item done exactly once, database intact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { makeClip } from '../helpers/make-clips';
import { runCli, startCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';

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
    const first = await makeClip(corpus, 'c00.mp4', { durationS: 2, container: 'mp4', video: { w: 320, h: 240, fps: 24 }, audio: { kind: 'sine', freq: 200 } });
    for (let i = 1; i < N; i++) fs.copyFileSync(first, path.join(corpus, `c${String(i).padStart(2, '0')}.mp4`));
  });
  afterAll(() => t.cleanup());

  it('kill -9 mid-run, rerun finishes with each item done once', async () => {
    const db = path.join(t.dir, 'kill.db');
    expect(runCli(['import', corpus, '--db', db]).code).toBe(0);
    const child = startCli(['extract', '--db', db, '--quiet']);
    await waitFor(() => doneCount(db) >= 5, 60_000);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const before = doneCount(db);
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(N);

    const rerun = runCli(['extract', '--db', db, '--json']);
    expect(rerun.code, rerun.stderr).toBe(0);
    const s = rerun.json();
    expect(s.media.processed).toBe(N - before); // only what the killed run had not committed
    expect(s.media.failed).toBe(0);

    const d = new Database(db, { readonly: true });
    expect(d.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(d.prepare("SELECT COUNT(*) n, SUM(status = 'done') done FROM stage_status WHERE stage = 'media'").get()).toEqual({ n: N, done: N });
    expect(d.prepare("SELECT COUNT(*) n FROM feature WHERE kind = 'audio.stats'").get()).toEqual({ n: N });
    expect(d.prepare('SELECT COUNT(*) n FROM frame_entropy').get()).toEqual({ n: N });
    expect(d.prepare('SELECT COUNT(*) n FROM item_error').get()).toEqual({ n: 0 });
    d.close();
  });

  it('Ctrl-C stops cleanly with status 130, and a rerun completes', async () => {
    const db = path.join(t.dir, 'int.db');
    expect(runCli(['import', corpus, '--db', db]).code).toBe(0);
    const child = startCli(['extract', '--db', db]);
    let stderr = '';
    child.stderr!.on('data', (b) => (stderr += b));
    await waitFor(() => doneCount(db) >= 3, 60_000);
    child.kill('SIGINT');
    const code = await new Promise((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(130);
    expect(stderr).toMatch(/stopping/);
    const done = doneCount(db);
    expect(done).toBeLessThan(N);
    const rerun = runCli(['extract', '--db', db, '--json']).json();
    expect(rerun.media.processed).toBe(N - done);
    expect(doneCount(db)).toBe(N);
  });
});
