// Stored jobs (extract, train, report, ...): one row per run with its params, last progress, result
// or error, so the CLI, the app and a later session all see the same history. Cancellation is an
// AbortController per running job of this process; a row left 'running' by a process that is gone
// (kill -9) reads as 'failed' through reapOrphanJobs.
import type { Db } from '../store/db';
import { insertJob, jobRow, jobRows, runningJobs, setJobDone, setJobEnded, setJobProgress, type JobRow } from '../store/jobs';
import type { ProgressEvent } from '../../../shared/types';
import type { JobInfo, JobKind } from '../../../shared/api';

const controllers = new Map<number, AbortController>();

export function startJob(db: Db, kind: JobKind, params: unknown): { id: number; signal: AbortSignal } {
  const id = insertJob(db, kind, JSON.stringify(params ?? null), process.pid);
  const ac = new AbortController();
  controllers.set(id, ac);
  return { id, signal: ac.signal };
}

/** Stores a job's progress, best effort: skipped while another connection holds the write lock (store/jobs.ts). */
export function reportProgress(db: Db, id: number, p: ProgressEvent): void {
  setJobProgress(db, id, JSON.stringify(p));
}

export function finishJob(
  db: Db,
  id: number,
  outcome: { status: 'done'; result: unknown } | { status: 'failed' | 'cancelled'; error: string },
): void {
  controllers.delete(id);
  if (outcome.status === 'done') {
    setJobDone(db, id, JSON.stringify(outcome.result ?? null));
  } else {
    setJobEnded(db, id, outcome.status, outcome.error);
  }
}

/** Asks a running job of this process to stop; false when it is not running here. */
export function cancelJob(id: number): boolean {
  const ac = controllers.get(id);
  if (!ac) return false;
  ac.abort();
  return true;
}

export function getJob(db: Db, id: number): JobInfo | null {
  const r = jobRow(db, id);
  return r ? toInfo(r) : null;
}

export function listJobs(db: Db, limit = 50): JobInfo[] {
  return jobRows(db, limit).map(toInfo);
}

/** Marks 'running' rows whose process is gone as failed (the process was killed mid-job). */
export function reapOrphanJobs(db: Db): number {
  const rows = runningJobs(db);
  let n = 0;
  for (const r of rows) {
    if (r.pid === process.pid && controllers.has(r.id)) continue;
    if (r.pid !== null && r.pid !== process.pid && alive(r.pid)) continue;
    finishJob(db, r.id, { status: 'failed', error: 'the process running this job ended before it finished (killed or crashed)' });
    n++;
  }
  return n;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function toInfo(r: JobRow): JobInfo {
  return {
    id: r.id,
    kind: r.kind as JobKind,
    status: r.status,
    started_at: r.started_at,
    finished_at: r.finished_at,
    progress: r.progress ? (JSON.parse(r.progress) as ProgressEvent) : null,
    result: r.result ? JSON.parse(r.result) : null,
    error: r.error,
  };
}

/**
 * A job run by a CLI command in this process (extract, train): the row holds the parameters, the
 * progress (at most 4 writes a second, and the last one) and the result or error, as the app's jobs.
 * `outer` (Ctrl-C) cancels it. `done`/`failed` store the outcome and pass the value / error through.
 */
export function startCliJob(db: Db, kind: JobKind, params: unknown, outer?: AbortSignal) {
  reapOrphanJobs(db);
  const { id, signal } = startJob(db, kind, params);
  const onAbort = () => cancelJob(id);
  if (outer?.aborted) onAbort();
  outer?.addEventListener('abort', onAbort, { once: true });
  const off = () => outer?.removeEventListener('abort', onAbort);
  let last = 0;
  return {
    id,
    signal,
    /** wraps a progress callback so that the row follows it too */
    tap(f?: (e: ProgressEvent) => void): (e: ProgressEvent) => void {
      return (e) => {
        f?.(e);
        const now = Date.now();
        if (now - last < 250 && e.done < e.total) return;
        last = now;
        try {
          reportProgress(db, id, e);
        } catch {
          // a busy database this once: the job goes on, the next report lands
        }
      };
    },
    done<T>(value: T, cancelled?: string): T {
      off();
      finishJob(db, id, cancelled !== undefined ? { status: 'cancelled', error: cancelled } : { status: 'done', result: value });
      return value;
    },
    failed(e: unknown): never {
      off();
      finishJob(
        db,
        id,
        signal.aborted
          ? { status: 'cancelled', error: 'cancelled' }
          : { status: 'failed', error: e instanceof Error ? e.message : String(e) },
      );
      throw e;
    },
  };
}
