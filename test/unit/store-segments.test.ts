// Segment boundary edits on a real SQLite file: append-only history, re-extraction marks, splits and
// additions that stay in their recording, refusals that name the problem.
import { describe, it, expect, afterAll } from 'vitest';
import path from 'node:path';
import { openDb } from '../../src/main/core/store/db';
import {
  addSegment,
  deleteSegment,
  listRecordings,
  mergeWithNext,
  segmentHistory,
  setBoundaries,
  splitSegment,
  timelineOf,
  SegmentError,
} from '../../src/main/core/store/segments';
import { planMediaTasks } from '../../src/main/core/jobs/media-tasks';
import { tmpDir } from '../helpers/tmp';

const t = tmpDir('es-seg-');
afterAll(() => t.cleanup());

function fixture(name: string) {
  const db = openDb(path.join(t.dir, `${name}.db`));
  db.prepare("INSERT INTO corpus (id, root, kind) VALUES (1, ?, 'elan-eaf')").run(t.dir);
  db.prepare("INSERT INTO dialogue (id, corpus_id, split, key) VALUES (1, 1, 'train', 'talk')").run();
  const rec = path.join(t.dir, 'talk.mp4');
  [
    [0.5, 2.5, 'Ann'],
    [3.0, 5.0, 'Bob'],
    [4.5, 6.0, 'Ann'],
  ].forEach(([s, e, sp], i) => {
    db.prepare(
      "INSERT INTO utterance (id, corpus_id, dialogue_id, key, split, speaker, text, start_s, end_s) VALUES (?, 1, 1, ?, 'train', ?, ?, ?, ?)",
    ).run(i + 1, `talk#${i + 1}`, sp, `utt ${i + 1}`, s, e);
    db.prepare('INSERT INTO media (utterance_id, path) VALUES (?, ?)').run(i + 1, rec);
    db.prepare("INSERT INTO stage_status (utterance_id, stage, status, version) VALUES (?, 'media', 'done', 'x')").run(i + 1);
  });
  db.prepare('INSERT INTO recording (path, duration_s) VALUES (?, 10)').run(rec);
  return { db, rec };
}

describe('segment boundaries', () => {
  it('a nudge is recorded with who and the old span, and marks the segment for re-extraction', () => {
    const { db, rec } = fixture('nudge');
    expect(setBoundaries(db, 1, 0.55, 2.5, 'ann', 'nudge')).toEqual({ start_s: 0.55, end_s: 2.5 });
    expect(segmentHistory(db, 1)).toMatchObject([
      { old_start_s: 0.5, old_end_s: 2.5, new_start_s: 0.55, new_end_s: 2.5, who: 'ann', source: 'nudge' },
    ]);
    const status = db
      .prepare("SELECT utterance_id FROM stage_status WHERE stage = 'media' ORDER BY utterance_id")
      .all()
      .map((r: any) => r.utterance_id);
    expect(status).toEqual([2, 3]);
    // no change, no history row
    setBoundaries(db, 1, 0.55, 2.5, 'ann');
    expect(segmentHistory(db, 1)).toHaveLength(1);
    expect(() => db.prepare('DELETE FROM segment_history').run()).toThrow(/append-only/);
    expect(() => db.prepare('UPDATE segment_history SET who = ?').run('x')).toThrow(/append-only/);
    const tl = timelineOf(db, rec)!;
    expect(tl.speakers).toEqual(['Ann', 'Bob']);
    expect(tl.segments.map((s) => s.start_s)).toEqual([0.55, 3.0, 4.5]);
    db.close();
  });

  it('refuses spans outside the recording or shorter than 50 ms, naming the values', () => {
    const { db } = fixture('refuse');
    expect(() => setBoundaries(db, 1, -0.1, 2, 'ann')).toThrow(/before 0 s/);
    expect(() => setBoundaries(db, 1, 9.5, 10.5, 'ann')).toThrow(/after the recording \(10\.00 s; got 10\.500 s\)/);
    expect(() => setBoundaries(db, 1, 1, 1.02, 'ann')).toThrow(/at least 50 ms \(got 20 ms\)/);
    expect(() => splitSegment(db, 1, 2.49, 'ann')).toThrow(SegmentError);
    expect(() => setBoundaries(db, 99, 1, 2, 'ann')).toThrow(/no utterance with id 99/);
    expect(segmentHistory(db, 1)).toHaveLength(0);
    db.close();
  });

  it('a split keeps the first part and adds the rest as a new segment of the same recording and speaker', () => {
    const { db, rec } = fixture('split');
    const r = splitSegment(db, 2, 4.0, 'bob');
    const tl = timelineOf(db, rec)!;
    const a = tl.segments.find((s) => s.id === 2)!;
    const b = tl.segments.find((s) => s.id === r.newId)!;
    expect([a.start_s, a.end_s, b.start_s, b.end_s]).toEqual([3.0, 4.0, 4.0, 5.0]);
    expect(b.speaker).toBe('Bob');
    expect(b.text).toBeNull();
    expect(segmentHistory(db, r.newId)).toMatchObject([{ old_start_s: null, new_start_s: 4.0, new_end_s: 5.0, source: 'split' }]);
    expect(listRecordings(db)).toMatchObject([{ path: rec, segments: 4 }]);
    const id = addSegment(db, 1, 7, 8.5, 'Cid', 'ann');
    expect(timelineOf(db, rec)!.speakers).toContain('Cid');
    expect(segmentHistory(db, id)).toMatchObject([{ source: 'add', new_start_s: 7, new_end_s: 8.5 }]);
    db.close();
  });
});

describe('merge and delete keep everything', () => {
  it('merging takes the next segment of the same speaker; the merged one moves to the removed split with its history', () => {
    const { db, rec } = fixture('merge');
    // 1 (Ann 0.5-2.5) merges with 3 (Ann 4.5-6.0), not with 2 (Bob)
    expect(mergeWithNext(db, 1, 'ann')).toEqual({ id: 1, removed: 3 });
    const tl = timelineOf(db, rec)!;
    expect(tl.segments.map((s) => [s.id, s.start_s, s.end_s])).toEqual([
      [1, 0.5, 6.0],
      [2, 3.0, 5.0],
    ]);
    expect(tl.segments[0].text).toBe('utt 1 utt 3');
    expect(segmentHistory(db, 3)).toMatchObject([{ source: 'merge', old_split: 'train', new_split: 'removed' }]);
    expect((db.prepare('SELECT split FROM utterance WHERE id = 3').get() as { split: string }).split).toBe('removed');
    expect(() => mergeWithNext(db, 2, 'bob')).toThrow(/no next segment of Bob/);
    db.close();
  });

  it('a deleted segment leaves the timeline and extraction but keeps its row, labels and history', () => {
    const { db, rec } = fixture('delete');
    deleteSegment(db, 2, 'bob');
    expect(timelineOf(db, rec)!.segments.map((s) => s.id)).toEqual([1, 3]);
    expect(segmentHistory(db, 2)).toMatchObject([{ source: 'delete', old_split: 'train', new_split: 'removed' }]);
    expect(db.prepare('SELECT COUNT(*) n FROM utterance').get()).toEqual({ n: 3 });
    expect(() => deleteSegment(db, 2, 'bob')).toThrow(/already removed/);
    db.prepare("DELETE FROM stage_status WHERE stage = 'media'").run();
    expect(planMediaTasks(db, { audio: true, video: true }).tasks[0].segments!.map((s) => s.id)).toEqual([1, 3]);
    db.close();
  });
});
