// The job table: one row per run (extract, train, report, ...) with its params, last progress,
// result or error. jobs/job-store.ts keeps the running jobs' cancellation and the CLI's job wrapper.
import type { Db } from './db';
import type { JobInfo } from '../../../shared/api';

export interface JobRow {
  id: number;
  kind: string;
  status: JobInfo['status'];
  params: string | null;
  result: string | null;
  progress: string | null;
  error: string | null;
  started_at: string;
  finished_at: string | null;
}

/** A new 'running' row for this process; returns its id. */
export function insertJob(db: Db, kind: string, params: string, pid: number): number {
  const r = db.prepare("INSERT INTO job (kind, status, params, pid) VALUES (?, 'running', ?, ?)").run(kind, params, pid);
  return Number(r.lastInsertRowid);
}

/** Stores the last progress line; skipped (no wait, no error) while another connection holds the write lock. */
export function setJobProgress(db: Db, id: number, progress: string): void {
  // best effort: a progress line is skipped while another connection (the training worker storing its
  // model and predictions) holds the write lock, rather than failing the job it reports on
  // and it does not wait for the lock either (better-sqlite3 blocks the thread while it waits)
  const wait = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  try {
    db.prepare('UPDATE job SET progress = ? WHERE id = ?').run(progress, id);
  } catch (e) {
    if ((e as { code?: string }).code !== 'SQLITE_BUSY') throw e;
  } finally {
    db.pragma(`busy_timeout = ${wait}`);
  }
}

export function setJobDone(db: Db, id: number, result: string): void {
  db.prepare("UPDATE job SET status = 'done', result = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?").run(result, id);
}

export function setJobEnded(db: Db, id: number, status: 'failed' | 'cancelled', error: string): void {
  db.prepare("UPDATE job SET status = ?, error = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?").run(
    status,
    error,
    id,
  );
}

export function jobRow(db: Db, id: number): JobRow | undefined {
  return db.prepare('SELECT * FROM job WHERE id = ?').get(id) as JobRow | undefined;
}

/** The latest `limit` jobs, newest first. */
export function jobRows(db: Db, limit: number): JobRow[] {
  return db.prepare('SELECT * FROM job ORDER BY id DESC LIMIT ?').all(limit) as JobRow[];
}

export function runningJobs(db: Db): { id: number; pid: number | null }[] {
  return db.prepare("SELECT id, pid FROM job WHERE status = 'running'").all() as { id: number; pid: number | null }[];
}

/** A running job of this kind started by another process than `pid`, if any. */
export function runningJobElsewhere(db: Db, kind: string, pid: number): { id: number; pid: number } | undefined {
  return db.prepare("SELECT id, pid FROM job WHERE kind = ? AND status = 'running' AND pid <> ?").get(kind, pid) as
    { id: number; pid: number } | undefined;
}
