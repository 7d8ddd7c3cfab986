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
    throw new DbError(`cannot open database ${file}: ${(e as Error).message}`);
  }
  // a second process (the app and the CLI) waits for a lock instead of failing at once
  db.pragma(`busy_timeout = ${busyTimeoutMs()}`);
  if (!opts.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db);
  }
  return db;
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

function migrate(db: Db): void {
  const current = schemaVersion(db);
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
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
