// Long jobs of the app (extract, train) run in this process: each is a row of the job store, at
// most one per kind at a time, cancelled through its AbortSignal, and reported to subscribers as
// JobEvents (progress, throttled; finished, always once).
import type { Db } from '../store/db';
import { runningJobElsewhere } from '../store/jobs';
import type { ProgressEvent } from '../../../shared/types';
import { ApiError, type JobEvent, type JobInfo, type JobKind } from '../../../shared/api';
import { cancelJob, finishJob, getJob, listJobs, reapOrphanJobs, reportProgress, startJob } from '../jobs/job-store';

export type JobWork = (signal: AbortSignal, progress: (p: ProgressEvent) => void) => Promise<{ result: unknown; cancelled?: string }>;
// (cancelled: the job stopped early on its signal; the message says what was kept)

const PROGRESS_INTERVAL_MS = 250;

export class JobRunner {
  private readonly listeners = new Set<(e: JobEvent) => void>();
  private readonly running = new Map<JobKind, { id: number; done: Promise<void> }>();

  constructor(private readonly db: Db) {
    reapOrphanJobs(db);
  }

  onEvent(listener: (e: JobEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts `work` as a stored job; throws ApiError('conflict') while a job of this kind runs. */
  start(kind: JobKind, params: unknown, work: JobWork): JobInfo {
    const busy = this.running.get(kind);
    if (busy) throw new ApiError('conflict', `a ${kind} job is already running (job ${busy.id}); cancel it or wait for it to finish`);
    reapOrphanJobs(this.db);
    // extractors share the work through claims (store/claims.ts), so only a second training elsewhere is refused
    const other = kind === 'extract' ? undefined : runningJobElsewhere(this.db, kind, process.pid);
    if (other) throw new ApiError('conflict', `a ${kind} job is already running in another process (job ${other.id}, pid ${other.pid})`);
    const { id, signal } = startJob(this.db, kind, params);
    const info = getJob(this.db, id)!;
    const done = this.run(kind, id, signal, work);
    this.running.set(kind, { id, done });
    return info;
  }

  cancel(jobId: number): JobInfo {
    const job = getJob(this.db, jobId);
    if (!job) throw new ApiError('not_found', `no job with id ${jobId}`);
    if (job.status !== 'running') return job;
    if (!cancelJob(jobId))
      throw new ApiError('conflict', `job ${jobId} is not running in this process (started by pid of another program)`);
    return getJob(this.db, jobId)!;
  }

  list(): JobInfo[] {
    reapOrphanJobs(this.db);
    return listJobs(this.db);
  }

  /** Cancels every running job and waits until each has stored its outcome (before closing the db). */
  async shutdown(): Promise<void> {
    const all = [...this.running.values()];
    for (const r of all) cancelJob(r.id);
    await Promise.all(all.map((r) => r.done));
  }

  private emit(e: JobEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // one broken subscriber (a closed socket) must not stop the job or the others
      }
    }
  }

  private async run(kind: JobKind, id: number, signal: AbortSignal, work: JobWork): Promise<void> {
    let last = 0;
    const progress = (p: ProgressEvent) => {
      const now = Date.now();
      if (now - last < PROGRESS_INTERVAL_MS && p.done < p.total) return;
      last = now;
      reportProgress(this.db, id, p);
      this.emit({ type: 'progress', job: getJob(this.db, id)! });
    };
    // let the caller answer (the job's row) before the first synchronous stretch of work
    await new Promise((r) => setImmediate(r));
    try {
      if (signal.aborted) throw new Error('cancelled before it started');
      const out = await work(signal, progress);
      if (out.cancelled !== undefined || signal.aborted)
        finishJob(this.db, id, { status: 'cancelled', error: out.cancelled ?? 'cancelled' });
      else finishJob(this.db, id, { status: 'done', result: out.result });
    } catch (e) {
      if (signal.aborted) finishJob(this.db, id, { status: 'cancelled', error: 'cancelled' });
      else finishJob(this.db, id, { status: 'failed', error: e instanceof Error ? e.message : String(e) });
    } finally {
      this.running.delete(kind);
    }
    this.emit({ type: 'finished', job: getJob(this.db, id)! });
  }
}
