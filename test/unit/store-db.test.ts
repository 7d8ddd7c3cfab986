// openDb's own paths: read-only opens (missing file, nothing created or migrated), a path that is
// not a database, the busy timeout from the environment, the full-disk message, float32 blobs.
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import path from 'node:path';
import {
  blobToF32,
  busyTimeoutMs,
  DbError,
  diskFullError,
  f32ToBlob,
  LATEST_SCHEMA,
  openDb,
  schemaVersion,
} from '../../src/main/core/store/db';
import { tmpDir } from '../helpers/tmp';

let t: ReturnType<typeof tmpDir> | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
  delete process.env.EMOTION_STUDIO_BUSY_TIMEOUT_MS;
});
const dir = () => (t ??= tmpDir('es-db-')).dir;

describe('openDb', () => {
  it('read-only: a missing file is named and nothing is created; an existing one is not migrated or switched to WAL', () => {
    const missing = path.join(dir(), 'sub', 'none.db');
    expect(() => openDb(missing, { readonly: true })).toThrow(new DbError(`database not found: ${missing}`));
    expect(fs.existsSync(path.join(dir(), 'sub'))).toBe(false);
    const f = path.join(dir(), 'plain.db');
    new Database(f).close(); // an empty SQLite file, user_version 0, rollback journal
    const ro = openDb(f, { readonly: true });
    expect(schemaVersion(ro)).toBe(0);
    expect(ro.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(ro.readonly).toBe(true);
    ro.close();
    const rw = openDb(path.join(dir(), 'new', 'deep', 'x.db')); // folders made
    expect(schemaVersion(rw)).toBe(LATEST_SCHEMA);
    expect(rw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(rw.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(rw.readonly).toBe(false);
    rw.close();
  });

  it('a folder or a text file is refused with the file named, and the refusal tells what to do for a newer one', () => {
    expect(() => openDb(dir())).toThrow(/^cannot open database .*: /);
    const txt = path.join(dir(), 'notes.db');
    fs.writeFileSync(txt, 'not a database, just some text that is long enough to have a header\n'.repeat(20));
    expect(() => openDb(txt)).toThrow(new DbError(`cannot open database ${txt}: file is not a database`));
    const newer = path.join(dir(), 'newer.db');
    openDb(newer).close();
    const raw = new Database(newer);
    raw.pragma(`user_version = ${LATEST_SCHEMA + 3}`);
    raw.close();
    expect(() => openDb(newer)).toThrow(/open it with that version \(or newer\), or use another database$/);
  });

  it('busy timeout: 10 s, or a whole number of ms >= 0 from EMOTION_STUDIO_BUSY_TIMEOUT_MS', () => {
    expect(busyTimeoutMs()).toBe(10000);
    for (const [v, want] of [
      ['2500', 2500],
      ['0', 0],
      ['-1', 10000],
      ['1.5', 10000],
      ['abc', 10000],
      ['', 0],
    ] as const) {
      process.env.EMOTION_STUDIO_BUSY_TIMEOUT_MS = v;
      expect(busyTimeoutMs(), v).toBe(want);
    }
    process.env.EMOTION_STUDIO_BUSY_TIMEOUT_MS = '1234';
    const db = openDb(path.join(dir(), 'b.db'));
    expect(db.pragma('busy_timeout', { simple: true })).toBe(1234);
    db.close();
  });
});

describe('diskFullError', () => {
  const err = (code: string) => Object.assign(new Error(`boom ${code}`), { code });
  it('SQLITE_FULL, ENOSPC and SQLITE_IOERR_SHMSIZE are a full disk, named with the file, the cause and the code', () => {
    for (const code of ['SQLITE_FULL', 'ENOSPC', 'SQLITE_IOERR_SHMSIZE']) {
      const e = diskFullError(err(code), '/x/es.db');
      expect(e).toBeInstanceOf(DbError);
      expect(e!.message).toBe(
        `no space left for database /x/es.db: free some disk space and run the command again; what was saved is kept (boom ${code}, ${code})`,
      );
    }
  });
  it('other errors, and I/O errors where the disk has room, are not', () => {
    expect(diskFullError(err('SQLITE_BUSY'), path.join(dir(), 'a.db'))).toBeNull();
    expect(diskFullError(err('SQLITE_IOERR_WRITE'), path.join(dir(), 'a.db'))).toBeNull(); // this disk has free blocks
    expect(diskFullError(err('SQLITE_IOERR_WRITE'), '/no/such/folder/a.db')).toBeNull(); // statfs fails: not counted
    expect(diskFullError(new Error('plain'), 'a.db')).toBeNull();
    expect(diskFullError(null, 'a.db')).toBeNull();
    expect(diskFullError('SQLITE_FULL', 'a.db')).toBeNull();
  });
});

describe('float32 blobs', () => {
  it('round-trip from Float32Array and number[], also from an unaligned Buffer', () => {
    const v = Float32Array.from([1.5, -2.25, 3e-7, 0]);
    const b = f32ToBlob(v);
    expect(b.byteLength).toBe(16);
    expect(Array.from(blobToF32(b))).toEqual(Array.from(v));
    expect(Array.from(blobToF32(f32ToBlob([1.5, -2.25])))).toEqual([1.5, -2.25]);
    const sub = new Float32Array(v.buffer, 4, 2); // a view: only its bytes
    expect(Array.from(blobToF32(f32ToBlob(sub)))).toEqual([-2.25, Math.fround(3e-7)]);
    const unaligned = Buffer.concat([Buffer.from([9]), b]).subarray(1);
    expect(Array.from(blobToF32(unaligned))).toEqual(Array.from(v));
    expect(blobToF32(Buffer.alloc(0)).length).toBe(0);
  });
});
