// Opens the SQLite database (WAL, busy timeout, foreign keys) and migrates it; refuses a file written
// by a newer build. Also the float32 <-> BLOB helpers.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { MIGRATIONS } from './migrations';

export type Db = Database.Database;

export class DbError extends Error {}

/** Opens (creating if needed) a database file, in WAL mode, migrated to the latest schema. */
export function openDb(file: string, opts: { readonly?: boolean } = {}): Db {
  if (opts.readonly && !fs.existsSync(file)) throw new DbError(`database not found: ${file}`);
  if (!opts.readonly) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let db: Db;
  try {
    db = new Database(file, { readonly: opts.readonly ?? false });
  } catch (e) {
    throw diskFullError(e, file) ?? new DbError(`cannot open database ${file}: ${(e as Error).message}`);
  }
  try {
    // a second process (the app and the CLI) waits for a lock instead of failing at once
    db.pragma(`busy_timeout = ${busyTimeoutMs()}`);
    // a newer build's file is refused before anything is written to it (not even the WAL switch)
    refuseNewer(db, file);
    if (!opts.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      migrate(db, file);
    }
  } catch (e) {
    db.close();
    // SQLite opens any file lazily: a text file named .db fails at the first statement
    if ((e as { code?: unknown }).code === 'SQLITE_NOTADB') throw new DbError(`cannot open database ${file}: ${(e as Error).message}`);
    throw diskFullError(e, file) ?? e;
  }
  return db;
}

/** The documented message for a full disk, or null when `e` is something else. A full disk shows as
 * SQLITE_FULL or ENOSPC, but when the database is opened it is SQLITE_IOERR_SHMSIZE (WAL's -shm file
 * cannot grow) or another I/O error: those count when the database's folder has no free block. */
export function diskFullError(e: unknown, file: string): DbError | null {
  const code = String((e as { code?: unknown })?.code ?? '');
  const full =
    code === 'SQLITE_FULL' ||
    code === 'ENOSPC' ||
    code === 'SQLITE_IOERR_SHMSIZE' ||
    (code.startsWith('SQLITE_IOERR') && noFreeSpace(file));
  if (!full) return null;
  return new DbError(
    `no space left for database ${file}: free some disk space and run the command again; what was saved is kept (${(e as Error).message}, ${code})`,
  );
}

function noFreeSpace(file: string): boolean {
  try {
    const s = fs.statfsSync(path.dirname(path.resolve(file)));
    return s.bavail === 0;
  } catch {
    return false;
  }
}

/** How long a command waits for a database another process is writing: 10 s, or
 * EMOTION_STUDIO_BUSY_TIMEOUT_MS. After that the write fails with SQLITE_BUSY. */
export function busyTimeoutMs(): number {
  const v = Number(process.env.EMOTION_STUDIO_BUSY_TIMEOUT_MS);
  return Number.isInteger(v) && v >= 0 ? v : 10000;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** The newest schema version this build knows. */
export const LATEST_SCHEMA = MIGRATIONS.reduce((v, m) => Math.max(v, m.version), 0);

/** A file whose user_version is above what this build knows was written by a newer build: reading
 * it may misread, writing it may corrupt it for that build. Refused, naming the file and both versions. */
function refuseNewer(db: Db, file: string): void {
  const current = schemaVersion(db);
  if (current > LATEST_SCHEMA) {
    throw new DbError(
      `${file} has schema version ${current}, newer than this build of Emotion Studio knows (version ${LATEST_SCHEMA}): ` +
        'it was written by a newer version; open it with that version (or newer), or use another database',
    );
  }
}

/** Applies the migrations above the file's user_version (up to `target`, the latest by default), each
 * in its own transaction, in order. */
export function migrate(db: Db, file = db.name, target = LATEST_SCHEMA): void {
  refuseNewer(db, file);
  const current = schemaVersion(db);
  for (const m of [...MIGRATIONS].sort((a, b) => a.version - b.version)) {
    if (m.version <= current || m.version > target) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}

export function f32ToBlob(v: Float32Array | number[]): Buffer {
  const a = v instanceof Float32Array ? v : Float32Array.from(v);
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

export function blobToF32(b: Buffer): Float32Array {
  // copy: the Buffer may not be 4-byte aligned
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}
