// What the media stage has left to do: whole clips (one utterance each) and recordings (the segments
// of one media file, decoded once), with the stage version that marks each utterance done.
import type { Db } from '../store/db';
import { mediaTaskRows } from '../store/extract-queries';
import { AUDIO_FEATURE_VERSION } from '../features/audio';
import { VIDEO_FEATURE_VERSION } from '../features/video/select-frames';
import type { MediaTask } from './worker-pool';
import type { MediaWants } from './process-media';
import { isSegment, spanErrorMessage, spanProblem } from './span-check';

/** The media stage's version for a whole run (audio and video). */
export const MEDIA_STAGE_VERSION = `a${AUDIO_FEATURE_VERSION}-v${VIDEO_FEATURE_VERSION}`;
/** Segments are marked apart: before segment extraction, a segment got its whole recording's features. */
export const SEGMENT_SUFFIX = ';seg1';

/** The version written for this run's items: a run that decoded one stream only says which. */
export function mediaStageVersion(wants: MediaWants): string {
  if (wants.audio && wants.video) return MEDIA_STAGE_VERSION;
  return `${MEDIA_STAGE_VERSION}|${wants.audio ? 'audio' : 'video'}`;
}

/** Versions that count as done for a run with these wants (a full run also covers a one-stream one). */
function doneVersions(wants: MediaWants, segment: boolean): string[] {
  const sfx = segment ? SEGMENT_SUFFIX : '';
  const v = [MEDIA_STAGE_VERSION + sfx];
  if (!(wants.audio && wants.video)) v.push(mediaStageVersion(wants) + sfx);
  return v;
}

/** Every version this build writes (merge refuses shards with others). */
export function knownMediaVersions(): string[] {
  const base = [MEDIA_STAGE_VERSION, `${MEDIA_STAGE_VERSION}|audio`, `${MEDIA_STAGE_VERSION}|video`];
  return [...base, ...base.map((v) => v + SEGMENT_SUFFIX)];
}

export interface MediaPlan {
  tasks: MediaTask[];
  /** utterances in the tasks */
  items: number;
  /** utterances already done */
  skipped: number;
  /** utterances left for a later run (limit) */
  pending: number;
  /** utterances (counted in items) whose span cannot be extracted: an item error each, no task */
  badSpans: { id: number; file: string; message: string }[];
}

/**
 * Tasks in utterance order; a recording is one task with its segments (utterances with a start
 * and an end on that file), placed where its first segment comes. `limit` caps the utterances.
 * An utterance with a span that cannot be extracted (end not after start, one end only) is no task:
 * it is listed in `badSpans`, marked as a segment, and never falls back to the whole recording.
 */
export function planMediaTasks(db: Db, wants: MediaWants, members?: Set<number>, limit?: number): MediaPlan {
  const rows = mediaTaskRows(db).filter((r) => !members || members.has(r.id));
  const clipDone = new Set(doneVersions(wants, false));
  const segDone = new Set(doneVersions(wants, true));
  const tasks: MediaTask[] = [];
  const byFile = new Map<string, MediaTask>();
  let skipped = 0;
  let items = 0;
  let pending = 0;
  const badSpans: MediaPlan['badSpans'] = [];
  for (const r of rows) {
    const problem = spanProblem(r.start_s, r.end_s);
    const segment = problem !== null || isSegment(r.start_s, r.end_s);
    if (r.status !== null && r.version !== null && (segment ? segDone : clipDone).has(r.version)) {
      skipped++;
      continue;
    }
    if (limit !== undefined && items >= limit) {
      pending++;
      continue;
    }
    items++;
    if (problem !== null) {
      badSpans.push({ id: r.id, file: r.file, message: spanErrorMessage(r, r.file, r.start_s, r.end_s, problem) });
      continue;
    }
    if (!segment) {
      tasks.push({ id: r.id, file: r.file });
      continue;
    }
    let t = byFile.get(r.file);
    if (!t) {
      t = { id: r.id, file: r.file, segments: [] };
      byFile.set(r.file, t);
      tasks.push(t);
    }
    t.segments!.push({ id: r.id, startS: r.start_s!, endS: r.end_s! });
  }
  return { tasks, items, skipped, pending, badSpans };
}
