// API handlers of the timeline: a recording's segments, peaks and entropy, and boundary edits.
import { ApiError, type ApiHandlers } from '../../../shared/api';
import type { ApiContext } from './context';
import {
  SegmentError,
  addSegment,
  deleteSegment,
  listRecordings,
  mergeWithNext,
  recordingOf,
  setBoundaries,
  splitSegment,
  timelineOf,
} from '../store/segments';

type TimelineMethods =
  'timeline.recordings' | 'timeline.get' | 'segments.edit' | 'segments.split' | 'segments.add' | 'segments.merge' | 'segments.delete';

export function timelineHandlers(ctx: ApiContext, who: string): Pick<ApiHandlers, TimelineMethods> {
  const { db } = ctx;
  const guard = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof SegmentError) throw new ApiError(/^no utterance/.test(e.message) ? 'not_found' : 'invalid_input', e.message);
      throw e;
    }
  };
  return {
    'timeline.recordings': () => listRecordings(db),
    'timeline.get': ({ path, id }) => {
      const p = path ?? recordingOf(db, id!);
      if (!p) throw new ApiError('not_found', `utterance ${id} is not a segment of a recording`);
      const t = timelineOf(db, p);
      if (!t) throw new ApiError('not_found', `no recording ${p} in this database`);
      return { ...t, mediaUrl: ctx.urls.media(t.segments[0].id) };
    },
    'segments.edit': ({ id, start_s, end_s, source }) => guard(() => ({ id, ...setBoundaries(db, id, start_s, end_s, who, source) })),
    'segments.split': ({ id, at_s }) => guard(() => splitSegment(db, id, at_s, who)),
    'segments.add': ({ near, start_s, end_s, speaker }) => guard(() => ({ id: addSegment(db, near, start_s, end_s, speaker, who) })),
    'segments.merge': ({ id }) => guard(() => mergeWithNext(db, id, who)),
    'segments.delete': ({ id }) =>
      guard(() => {
        deleteSegment(db, id, who);
        return { id };
      }),
  };
}
