// Recordings and their segments (utterances with start/end times on one media file): what the
// timeline shows, and boundary edits (nudge, split, add) kept append-only in segment_history. An edit
// marks the segment's media features for re-extraction; what was stored stays until that runs.
import type { Db } from './db';
import { blobToF32 } from './db';
import type { RecordingInfo, Timeline } from '../../../shared/timeline';

export type { RecordingInfo, Timeline };

export class SegmentError extends Error {}

export function listRecordings(db: Db): RecordingInfo[] {
  return db
    .prepare(
      `SELECT m.path, MIN(d.key) AS dialogue, COUNT(*) AS segments, MIN(u.id) AS firstId, r.duration_s
     FROM utterance u JOIN media m ON m.utterance_id = u.id LEFT JOIN dialogue d ON d.id = u.dialogue_id
     LEFT JOIN recording r ON r.path = m.path
     WHERE u.start_s IS NOT NULL AND m.path IS NOT NULL AND u.split <> 'removed' GROUP BY m.path ORDER BY MIN(u.id)`,
    )
    .all() as RecordingInfo[];
}

/** The recording of an utterance (its media path), or null for a whole clip. */
export function recordingOf(db: Db, id: number): string | null {
  const r = db.prepare('SELECT m.path, u.start_s FROM utterance u JOIN media m ON m.utterance_id = u.id WHERE u.id = ?').get(id) as
    { path: string | null; start_s: number | null } | undefined;
  return r && r.path && r.start_s !== null ? r.path : null;
}

export function timelineOf(db: Db, path: string): Timeline | null {
  const latest = (db.prepare('SELECT MAX(version) v FROM model').get() as { v: number | null }).v;
  const rows = db
    .prepare(
      `SELECT u.id, u.speaker, u.text, u.label, u.start_s, u.end_s, p.label AS prediction, s.status, fe.t0_s, fe.fps, fe.entropy
     FROM utterance u JOIN media m ON m.utterance_id = u.id
     LEFT JOIN prediction p ON p.utterance_id = u.id AND p.model_version = @latest
     LEFT JOIN stage_status s ON s.utterance_id = u.id AND s.stage = 'media'
     LEFT JOIN frame_entropy fe ON fe.utterance_id = u.id
     WHERE m.path = @path AND u.start_s IS NOT NULL AND u.split <> 'removed' ORDER BY u.start_s, u.id`,
    )
    .all({ path, latest }) as {
    id: number;
    speaker: string | null;
    text: string | null;
    label: string | null;
    start_s: number;
    end_s: number;
    prediction: string | null;
    status: string | null;
    t0_s: number | null;
    fps: number | null;
    entropy: Buffer | null;
  }[];
  if (!rows.length) return null;
  const rec = db.prepare('SELECT duration_s, peaks_per_s, peaks_offset_s, peaks FROM recording WHERE path = ?').get(path) as
    { duration_s: number | null; peaks_per_s: number | null; peaks_offset_s: number | null; peaks: Buffer | null } | undefined;
  let peaks: Timeline['peaks'] = null;
  if (rec?.peaks && rec.peaks_per_s) {
    const n = rec.peaks.length >> 1;
    const min: number[] = new Array(n);
    const max: number[] = new Array(n);
    for (let i = 0; i < n; i++) {
      min[i] = rec.peaks.readInt8(2 * i);
      max[i] = rec.peaks.readInt8(2 * i + 1);
    }
    peaks = { per_s: rec.peaks_per_s, offset_s: rec.peaks_offset_s ?? 0, min, max };
  }
  const speakers = [...new Set(rows.map((r) => r.speaker ?? ''))];
  return {
    path,
    duration_s: rec?.duration_s ?? Math.max(...rows.map((r) => r.end_s)),
    peaks,
    speakers,
    segments: rows.map((r) => ({
      id: r.id,
      speaker: r.speaker,
      text: r.text,
      label: r.label,
      prediction: r.prediction,
      start_s: r.start_s,
      end_s: r.end_s,
      status: r.status ?? 'pending',
      entropy:
        r.entropy && r.fps
          ? { t0_s: r.t0_s ?? r.start_s, fps: r.fps, values: Array.from(blobToF32(r.entropy), (v) => Math.round(v * 1000) / 1000) }
          : null,
    })),
  };
}

interface SegRow {
  id: number;
  corpus_id: number;
  dialogue_id: number | null;
  key: string;
  split: string;
  speaker: string | null;
  text: string | null;
  start_s: number | null;
  end_s: number | null;
  path: string | null;
  size: number | null;
  mtime_ms: number | null;
}

function segmentRow(db: Db, id: number): SegRow {
  const r = db
    .prepare(
      `SELECT u.id, u.corpus_id, u.dialogue_id, u.key, u.split, u.speaker, u.text, u.start_s, u.end_s, m.path, m.size, m.mtime_ms
     FROM utterance u LEFT JOIN media m ON m.utterance_id = u.id WHERE u.id = ?`,
    )
    .get(id) as SegRow | undefined;
  if (!r) throw new SegmentError(`no utterance with id ${id}`);
  if (r.start_s === null || r.end_s === null || !r.path)
    throw new SegmentError(`utterance ${id} is a whole clip, not a segment of a recording`);
  return r;
}

function checkSpan(start: number, end: number, duration: number | null): void {
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new SegmentError('segment times must be numbers');
  if (start < 0) throw new SegmentError(`a segment cannot start before 0 s (got ${start.toFixed(3)} s)`);
  if (end - start < 0.05) throw new SegmentError(`a segment must last at least 50 ms (got ${((end - start) * 1000).toFixed(0)} ms)`);
  if (duration !== null && end > duration + 0.001)
    throw new SegmentError(`a segment cannot end after the recording (${duration.toFixed(2)} s; got ${end.toFixed(3)} s)`);
}

function durationOf(db: Db, path: string): number | null {
  const r = db.prepare('SELECT duration_s FROM recording WHERE path = ?').get(path) as { duration_s: number | null } | undefined;
  return r?.duration_s ?? null;
}

const round = (s: number) => Math.round(s * 1000) / 1000;

/** New boundaries for a segment (nudge or edit): history row, the new span, features to re-extract. */
export function setBoundaries(
  db: Db,
  id: number,
  startS: number,
  endS: number,
  who: string,
  source = 'edit',
): { start_s: number; end_s: number } {
  return db.transaction(() => {
    const r = segmentRow(db, id);
    const [start, end] = [round(startS), round(endS)];
    checkSpan(start, end, durationOf(db, r.path!));
    if (start === r.start_s && end === r.end_s) return { start_s: start, end_s: end };
    db.prepare(
      'INSERT INTO segment_history (utterance_id, old_start_s, old_end_s, new_start_s, new_end_s, who, source) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(id, r.start_s, r.end_s, start, end, who, source);
    db.prepare('UPDATE utterance SET start_s = ?, end_s = ? WHERE id = ?').run(start, end, id);
    db.prepare("DELETE FROM stage_status WHERE utterance_id = ? AND stage = 'media'").run(id);
    return { start_s: start, end_s: end };
  })();
}

function newSegment(db: Db, from: SegRow, start: number, end: number, speaker: string | null, who: string, source: string): number {
  let key = '';
  for (let n = 2; ; n++) {
    key = `${from.key}~${n}`;
    if (!db.prepare('SELECT 1 FROM utterance WHERE corpus_id = ? AND key = ?').get(from.corpus_id, key)) break;
  }
  const info = db
    .prepare(
      `INSERT INTO utterance (corpus_id, dialogue_id, key, split, speaker, text, start_s, end_s, source)
     VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?)`,
    )
    .run(from.corpus_id, from.dialogue_id, key, from.split, speaker, start, end, `timeline:${source}`);
  const id = Number(info.lastInsertRowid);
  db.prepare('INSERT INTO media (utterance_id, path, size, mtime_ms) VALUES (?, ?, ?, ?)').run(id, from.path, from.size, from.mtime_ms);
  db.prepare(
    'INSERT INTO segment_history (utterance_id, old_start_s, old_end_s, new_start_s, new_end_s, who, source) VALUES (?, NULL, NULL, ?, ?, ?, ?)',
  ).run(id, start, end, who, source);
  return id;
}

/** Splits a segment at `atS`: it keeps [start, at) with its text and labels; a new one gets [at, end). */
export function splitSegment(db: Db, id: number, atS: number, who: string): { id: number; newId: number } {
  return db.transaction(() => {
    const r = segmentRow(db, id);
    const at = round(atS);
    if (!(at - r.start_s! >= 0.05 && r.end_s! - at >= 0.05)) {
      throw new SegmentError(
        `split point ${at.toFixed(3)} s must lie inside the segment (${r.start_s!.toFixed(3)}-${r.end_s!.toFixed(3)} s), 50 ms from its ends`,
      );
    }
    setBoundaries(db, id, r.start_s!, at, who, 'split');
    const newId = newSegment(db, r, at, r.end_s!, r.speaker, who, 'split');
    return { id, newId };
  })();
}

/** A new segment over [start, end) of the recording of utterance `nearId` (same corpus, dialogue, split). */
export function addSegment(db: Db, nearId: number, startS: number, endS: number, speaker: string | null, who: string): number {
  return db.transaction(() => {
    const r = segmentRow(db, nearId);
    const [start, end] = [round(startS), round(endS)];
    checkSpan(start, end, durationOf(db, r.path!));
    return newSegment(db, r, start, end, speaker, who, 'add');
  })();
}

/** The split a deleted segment moves to. */
export const REMOVED_SPLIT = 'removed';

function removeRow(db: Db, r: SegRow, who: string, source: 'delete' | 'merge'): void {
  db.prepare(
    'INSERT INTO segment_history (utterance_id, old_start_s, old_end_s, new_start_s, new_end_s, who, source, old_split, new_split) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(r.id, r.start_s, r.end_s, r.start_s, r.end_s, who, source, r.split, REMOVED_SPLIT);
  db.prepare('UPDATE utterance SET split = ? WHERE id = ?').run(REMOVED_SPLIT, r.id);
}

/** Deletes a segment from the timeline: it moves to the split 'removed' with its labels and history kept. */
export function deleteSegment(db: Db, id: number, who: string): void {
  db.transaction(() => {
    const r = segmentRow(db, id);
    if (r.split === REMOVED_SPLIT) throw new SegmentError(`utterance ${id} is already removed`);
    removeRow(db, r, who, 'delete');
  })();
}

/**
 * Merges a segment with the next one of the same speaker on the same recording: it extends to the
 * next one's end and takes its text after its own; the next one is removed (kept in 'removed').
 */
export function mergeWithNext(db: Db, id: number, who: string): { id: number; removed: number } {
  return db.transaction(() => {
    const r = segmentRow(db, id);
    const next = db
      .prepare(
        `SELECT u.id FROM utterance u JOIN media m ON m.utterance_id = u.id
       WHERE m.path = ? AND u.id <> ? AND u.split <> 'removed' AND u.start_s IS NOT NULL AND u.speaker IS ? AND u.start_s >= ?
       ORDER BY u.start_s, u.id LIMIT 1`,
      )
      .get(r.path, id, r.speaker, r.start_s) as { id: number } | undefined;
    if (!next) throw new SegmentError(`utterance ${id} has no next segment of ${r.speaker ?? 'its (no) speaker'} to merge with`);
    const n = segmentRow(db, next.id);
    setBoundaries(db, id, r.start_s!, Math.max(r.end_s!, n.end_s!), who, 'merge');
    const text = [r.text, n.text].filter((x) => x && x.trim()).join(' ');
    if (text !== (r.text ?? '')) db.prepare('UPDATE utterance SET text = ? WHERE id = ?').run(text, id);
    removeRow(db, n, who, 'merge');
    return { id, removed: n.id };
  })();
}

export interface BoundaryChange {
  old_start_s: number | null;
  old_end_s: number | null;
  new_start_s: number;
  new_end_s: number;
  who: string;
  source: string;
  old_split: string | null;
  new_split: string | null;
  at: string;
}

export function segmentHistory(db: Db, id: number): BoundaryChange[] {
  return db
    .prepare(
      'SELECT old_start_s, old_end_s, new_start_s, new_end_s, who, source, old_split, new_split, at FROM segment_history WHERE utterance_id = ? ORDER BY id',
    )
    .all(id) as BoundaryChange[];
}
