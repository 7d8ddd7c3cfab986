// The Jobs view's list: a jobs.list reply merged into what the pushed job events already showed. A
// reply computed before an event arrived (a job's 'finished' overtaking the listing in flight) must
// not undo it: a job that has ended never shows as running again.
import type { JobInfo } from './api';

/**
 * The listing's entries in its order, each replaced by the shown one where that has ended and the
 * listing still says running; jobs only the events know of (started after the listing) stay first.
 */
export function mergeJobList(shown: readonly JobInfo[], listed: readonly JobInfo[]): JobInfo[] {
  const byId = new Map(shown.map((j) => [j.id, j]));
  const listedIds = new Set(listed.map((j) => j.id));
  const merged = listed.map((j) => {
    const s = byId.get(j.id);
    return s && s.status !== 'running' && j.status === 'running' ? s : j;
  });
  return [...shown.filter((j) => !listedIds.has(j.id)), ...merged];
}
