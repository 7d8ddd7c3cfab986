// Long recordings: an ELAN transcript over one 156 s recording (60 tones of known pitch, 10 fps video)
// is extracted segment by segment from one decode: each utterance's features describe its own span.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import path from 'node:path';
import Database from 'better-sqlite3';
import { runCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';
import { makeToneRecording, toneEaf, type ToneSegment } from '../helpers/make-recording';

describe('segment-level extraction of a long recording', () => {
  const t = tmpDir('es-long-');
  const db = path.join(t.dir, 'talk.db');
  let segments: ToneSegment[] = [];
  let extract: ReturnType<typeof runCli>;

  beforeAll(() => {
    const rec = makeToneRecording(t.dir, 'talk', { segments: 60 });
    segments = rec.segments;
    toneEaf(path.join(t.dir, 'talk.eaf'), rec.file, segments);
    const imp = runCli(['import', path.join(t.dir, 'talk.eaf'), '--db', db, '--json']);
    expect(imp.code, imp.stderr).toBe(0);
    extract = runCli(['extract', '--db', db, '--json', '--workers', '1']);
    expect(extract.code, extract.stderr).toBe(0);
  });
  afterAll(() => t.cleanup());

  it('gives every utterance the pitch, duration and frames of its own segment', () => {
    expect(extract.json().media).toMatchObject({ processed: 60, failed: 0 });
    const list = runCli(['list', '--db', db, '--json']).json() as {
      id: number;
      text: string;
      start_s: number | null;
      end_s: number | null;
    }[];
    expect(list).toHaveLength(60);
    const d = new Database(db, { readonly: true });
    const stored = (id: number) => ({
      audio: JSON.parse((d.prepare('SELECT json FROM audio_summary WHERE utterance_id = ?').get(id) as { json: string }).json),
      frames: d.prepare('SELECT frame_count, selected FROM frame_entropy WHERE utterance_id = ?').get(id) as {
        frame_count: number;
        selected: string;
      },
    });
    try {
      for (const u of list) {
        const seg = segments.find((s) => s.text === u.text)!;
        expect(u.start_s).toBeCloseTo(seg.startS, 3);
        expect(u.end_s).toBeCloseTo(seg.endS, 3);
        const { audio, frames } = stored(u.id);
        expect(Math.abs(audio.pitch_hz - seg.freq) / seg.freq, `${u.text}: ${audio.pitch_hz} Hz for a ${seg.freq} Hz tone`).toBeLessThan(
          0.03,
        );
        expect(Math.abs(audio.duration_s - (seg.endS - seg.startS))).toBeLessThan(0.1);
        // 10 fps: about 10 entropies per second of segment, the selected frames among them
        expect(frames.frame_count).toBeGreaterThanOrEqual(19);
        expect(frames.frame_count).toBeLessThanOrEqual(21);
        expect(Math.max(...JSON.parse(frames.selected))).toBeLessThan(frames.frame_count);
      }
    } finally {
      d.close();
    }
    // what a user sees: show --json of the first, a middle and the last segment
    for (const u of [list[0], list[29], list[59]]) {
      const seg = segments.find((s) => s.text === u.text)!;
      const show = runCli(['show', String(u.id), '--db', db, '--json']).json();
      expect(show.start_s).toBeCloseTo(seg.startS, 3);
      expect(show.end_s).toBeCloseTo(seg.endS, 3);
      expect(Math.abs(show.audio.pitch_hz - seg.freq) / seg.freq).toBeLessThan(0.03);
      expect(show.audio.duration_s).toBeCloseTo(2.0, 1);
      expect(show.video.frame_entropy).toHaveLength(show.video.frame_count);
      expect(show.video.selected_frames.length).toBeGreaterThan(0);
    }
  });

  it('stores the recording once: thumbnails per segment, waveform peaks for the whole recording', () => {
    const d = new Database(db, { readonly: true });
    try {
      const thumbs = d.prepare('SELECT COUNT(DISTINCT utterance_id) n FROM thumbnail').get() as { n: number };
      expect(thumbs.n).toBe(60);
      const rec = d.prepare('SELECT duration_s, peaks_per_s, peaks_offset_s, length(peaks) bytes FROM recording').all() as {
        duration_s: number;
        peaks_per_s: number;
        peaks_offset_s: number;
        bytes: number;
      }[];
      expect(rec).toHaveLength(1);
      expect(rec[0].duration_s).toBeCloseTo(156, 0);
      expect(rec[0].peaks_offset_s).toBe(0);
      expect(Math.abs(rec[0].bytes / 2 / rec[0].peaks_per_s - 156)).toBeLessThan(0.5);
      const t0 = d.prepare('SELECT t0_s FROM frame_entropy fe JOIN utterance u ON u.id = fe.utterance_id ORDER BY u.start_s').all() as {
        t0_s: number;
      }[];
      t0.forEach((r, i) => expect(Math.abs(r.t0_s - segments[i].startS)).toBeLessThanOrEqual(0.1));
    } finally {
      d.close();
    }
  });

  it('a second run has nothing left to do; a run stopped half-way resumes the rest of the recording alone', () => {
    const again = runCli(['extract', '--db', db, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json().media).toMatchObject({ processed: 0, skipped: 60 });
    // as after a kill in the middle of the recording: the later half has no stage result yet
    const d = new Database(db);
    const blobs = (conn: Database.Database) =>
      conn
        .prepare(
          "SELECT u.key, hex(f.data) h FROM feature f JOIN utterance u ON u.id = f.utterance_id WHERE f.kind LIKE 'audio.%' OR f.kind LIKE 'video.%' ORDER BY u.key",
        )
        .all();
    const before = blobs(d);
    d.prepare("DELETE FROM stage_status WHERE stage = 'media' AND utterance_id IN (SELECT id FROM utterance WHERE start_s > 78)").run();
    const left = (d.prepare('SELECT COUNT(*) n FROM utterance WHERE start_s > 78').get() as { n: number }).n;
    d.close();
    const resumed = runCli(['extract', '--db', db, '--json']);
    expect(resumed.json().media).toMatchObject({ processed: left, skipped: 60 - left, failed: 0 });
    const d2 = new Database(db, { readonly: true });
    const after = blobs(d2);
    d2.close();
    // decoded from a seek near the first remaining segment: every feature again, the pitch still right
    expect(after.length).toBe(before.length);
    const d3 = new Database(db, { readonly: true });
    const late = d3
      .prepare('SELECT u.text, a.json FROM utterance u JOIN audio_summary a ON a.utterance_id = u.id WHERE u.start_s > 78')
      .all() as { text: string; json: string }[];
    d3.close();
    for (const r of late) {
      const seg = segments.find((s) => s.text === r.text)!;
      expect(Math.abs(JSON.parse(r.json).pitch_hz - seg.freq) / seg.freq).toBeLessThan(0.03);
    }
  });
});
