// The Jobs view's merge of a jobs.list reply into the event-fed list (shared/job-list.ts): a stale
// listing must not turn a finished job back to running (the browser e2e hit this when the server was
// frozen right after the import's 'finished' event, so no later poll could repair it).
import { describe, expect, it } from 'vitest';
import { mergeJobList } from '../../src/shared/job-list';
import type { JobInfo } from '../../src/shared/api';

const job = (id: number, status: JobInfo['status'], done = 0): JobInfo => ({
  id,
  kind: 'extract',
  status,
  started_at: '2026-12-02T00:00:00Z',
  finished_at: status === 'running' ? null : '2026-12-02T00:01:00Z',
  progress: { job: 'extract', done, total: 10, errors: 0, rate: 1, eta_s: 1 },
  result: null,
  error: null,
});

describe('mergeJobList', () => {
  it('keeps a job the events showed as ended when a listing made before that says running', () => {
    const out = mergeJobList([job(2, 'running', 1), job(1, 'done', 10)], [job(2, 'running', 0), job(1, 'running', 3)]);
    expect(out.map((j) => [j.id, j.status])).toEqual([
      [2, 'running'],
      [1, 'done'],
    ]);
    expect(out[1].progress?.done).toBe(10);
  });

  it('takes the listing otherwise: newer progress, statuses the events missed, its order', () => {
    const out = mergeJobList([job(1, 'running', 2), job(2, 'running', 1)], [job(2, 'failed'), job(1, 'running', 7)]);
    expect(out.map((j) => [j.id, j.status, j.progress?.done])).toEqual([
      [2, 'failed', 0],
      [1, 'running', 7],
    ]);
  });

  it('keeps first the jobs only the events know of (started after the listing)', () => {
    const out = mergeJobList([job(3, 'running'), job(1, 'done')], [job(1, 'done')]);
    expect(out.map((j) => j.id)).toEqual([3, 1]);
  });

  it('an empty list shown takes the listing as it is', () => {
    const listed = [job(2, 'done'), job(1, 'cancelled')];
    expect(mergeJobList([], listed)).toEqual(listed);
  });
});
