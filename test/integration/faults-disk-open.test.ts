// A disk that is already full when the database is opened (issue 14 item 8): the documented "no space
// left for database ..." message (not SQLite's "disk I/O error", SQLITE_IOERR_SHMSIZE), exit 1, and
// the file untouched: once there is room the same command works. A real tmpfs filled to the last
// block (tests run as root; where mounting is not permitted the test is skipped with a warning).
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';
import { openDb, DbError } from '../../src/main/core/store/db';

const DEMO = path.resolve(__dirname, '../../resources/demo');
const t = tmpDir('es-disk-open-');
const mnt = path.join(t.dir, 'mnt');
fs.mkdirSync(mnt, { recursive: true });
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', mnt], { stdio: 'ignore' }).status === 0;
if (!mounted) console.warn('faults-disk-open skipped: cannot mount a tmpfs here (needs root)');

describe.skipIf(!mounted)('opening a database on a full disk', () => {
  afterAll(() => {
    spawnSync('umount', [mnt]);
    t.cleanup();
  });

  it('says "no space left for database FILE" and keeps the file; works again with room', () => {
    // a database closed cleanly (no -wal, no -shm beside it), copied onto the small disk
    const src = path.join(t.dir, 'src.db');
    expect(runCli(['import', path.join(DEMO, 'dev_sent_emo.csv'), '--db', src, '--quiet']).code).toBe(0);
    const db = path.join(mnt, 'full.db');
    fs.copyFileSync(src, db);
    const before = fs.readFileSync(db);
    const fill = path.join(mnt, 'fill');
    spawnSync('dd', ['if=/dev/zero', `of=${fill}`, 'bs=1k'], { stdio: 'ignore' });
    expect(fs.statfsSync(mnt).bavail).toBe(0);

    for (const args of [['list'], ['import', path.join(DEMO, 'dev_sent_emo.csv')]]) {
      const r = runCli([...args, '--db', db]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `emotion-studio: no space left for database ${db}: free some disk space and run the command again; what was saved is kept`,
      );
      expect(r.stderr).not.toMatch(/^emotion-studio: disk I\/O error/m);
    }
    expect(() => openDb(db)).toThrow(DbError);
    expect(() => openDb(db)).toThrow(/^no space left for database /);
    expect(fs.readFileSync(db)).toEqual(before);

    fs.rmSync(fill);
    const r = runCli(['list', '--db', db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toHaveLength(10);
  });
});
