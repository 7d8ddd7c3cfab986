// Disk full in the middle of extraction: the database lives on a small tmpfs (tests run as root;
// where mounting is not permitted, the child gets RLIMIT_FSIZE through prlimit instead). The job
// ends with a clear error (or is stopped by the limit), the database passes its integrity check,
// and once there is room again a rerun resumes and completes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { CLI, runCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';
import { MINI_DEMO, miniDemo } from '../helpers/mini-demo';

function tryMount(dir: string, size: string): boolean {
  fs.mkdirSync(dir, { recursive: true });
  return spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' }).status === 0;
}

function state(db: string) {
  const d = new Database(db);
  try {
    return {
      integrity: d.pragma('integrity_check', { simple: true }),
      done: (d.prepare("SELECT COUNT(*) n FROM stage_status WHERE stage = 'media'").get() as { n: number }).n,
      halfSaved: (
        d
          .prepare(
            `SELECT COUNT(*) n FROM stage_status s WHERE s.stage = 'media' AND s.status = 'done'
        AND NOT EXISTS (SELECT 1 FROM frame_entropy e WHERE e.utterance_id = s.utterance_id)`,
          )
          .get() as { n: number }
      ).n,
    };
  } finally {
    d.close();
  }
}

describe('disk full during extraction', () => {
  const t = tmpDir('es-disk-');
  const mnt = path.join(t.dir, 'mnt');
  const corpus = path.join(t.dir, 'mini');
  let mounted = false;

  beforeAll(() => {
    miniDemo(corpus);
    // the imported database fits; the thumbnails and WAL of a few clips (~100 KB each) do not
    mounted = tryMount(mnt, '640k');
  });
  afterAll(() => {
    if (mounted) spawnSync('umount', [mnt]);
    t.cleanup();
  });

  it('ends with a clear error naming the database, stays intact, and resumes when there is room', () => {
    const db = path.join(mnt, 'full.db');
    fs.mkdirSync(mnt, { recursive: true });
    const imp = runCli(['import', corpus, '--db', db, '--quiet']);
    expect(imp.code, imp.stderr).toBe(0);
    const clips = MINI_DEMO.clips;

    let r;
    if (mounted) {
      r = runCli(['extract', '--db', db, '--workers', '1']);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(db);
      expect(r.stderr).toMatch(/no space left/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } else {
      // no mount permission: the kernel stops the child at the file size limit (SIGXFSZ) instead
      const limit = fs.statSync(db).size + 300_000;
      const p = spawnSync('prlimit', [`--fsize=${limit}`, process.execPath, CLI, 'extract', '--db', db, '--workers', '1'], {
        encoding: 'utf8',
      });
      expect(p.status === 1 || p.signal === 'SIGXFSZ', p.stderr).toBe(true);
    }
    const after = state(db);
    expect(after).toMatchObject({ integrity: 'ok', halfSaved: 0 });
    expect(after.done).toBeLessThan(clips);

    if (mounted) expect(spawnSync('mount', ['-o', 'remount,size=64m', mnt]).status).toBe(0);
    const rerun = runCli(['extract', '--db', db, '--json', '--quiet']);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.json().media.processed).toBe(clips - after.done);
    expect(state(db)).toMatchObject({ integrity: 'ok', done: clips, halfSaved: 0 });
  }, 300_000);
});
