// Snapshots of a test database between runs, so a test that must kill a run mid-way can put the
// database back and try again when the run finished before the kill landed (a fast machine).
import fs from 'node:fs';
import Database from 'better-sqlite3';

/** A consistent copy of `db` (its WAL included) at `to`; no process may be writing it. */
export function snapshotDb(db: string, to: string): void {
  fs.rmSync(to, { force: true });
  const d = new Database(db, { readonly: true });
  try {
    d.prepare('VACUUM INTO ?').run(to);
  } finally {
    d.close();
  }
}

/** Puts the snapshot back in place of `db` (and drops its WAL and shared memory). */
export function restoreDb(snapshot: string, db: string): void {
  for (const f of [db, `${db}-wal`, `${db}-shm`]) fs.rmSync(f, { force: true });
  fs.copyFileSync(snapshot, db);
}
