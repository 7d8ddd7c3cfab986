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
    const list = runCli(['list', '--db', db, '--json']).json() as { id: number; text: string; start_s: number | null; end_s: number | null }[];
    expect(list).toHaveLength(60);
    for (const u of list) {
      const seg = segments.find((s) => s.text === u.text)!;
      expect(u.start_s).toBeCloseTo(seg.startS, 3);
      expect(u.end_s).toBeCloseTo(seg.endS, 3);
      const show = runCli(['show', String(u.id), '--db', db, '--json']).json();
      expect(show.start_s).toBeCloseTo(seg.startS, 3);
      expect(Math.abs(show.audio.pitch_hz - seg.freq) / seg.freq, `${u.text}: ${show.audio.pitch_hz} Hz for a ${seg.freq} Hz tone`).toBeLessThan(0.03);
      expect(Math.abs(show.audio.duration_s - (seg.endS - seg.startS))).toBeLessThan(0.1);
      // 10 fps: about 10 entropies per second of segment, selected frames among them
      expect(show.video.frame_count).toBeGreaterThanOrEqual(19);
      expect(show.video.frame_count).toBeLessThanOrEqual(21);
      expect(show.video.frame_entropy).toHaveLength(show.video.frame_count);
      expect(show.video.selected_frames.length).toBeGreaterThan(0);
      expect(Math.max(...show.video.selected_frames)).toBeLessThan(show.video.frame_count);
    }
  });

  it('stores the recording once: thumbnails per segment, waveform peaks for the whole recording', () => {
    const d = new Database(db, { readonly: true });
    try {
      const thumbs = d.prepare('SELECT COUNT(DISTINCT utterance_id) n FROM thumbnail').get() as { n: number };
      expect(thumbs.n).toBe(60);
      const rec = d.prepare('SELECT duration_s, peaks_per_s, peaks_offset_s, length(peaks) bytes FROM recording').all() as { duration_s: number; peaks_per_s: number; peaks_offset_s: number; bytes: number }[];
      expect(rec).toHaveLength(1);
      expect(rec[0].duration_s).toBeCloseTo(156, 0);
      expect(rec[0].peaks_offset_s).toBe(0);
      expect(Math.abs(rec[0].bytes / 2 / rec[0].peaks_per_s - 156)).toBeLessThan(0.5);
      const t0 = d.prepare('SELECT t0_s FROM frame_entropy fe JOIN utterance u ON u.id = fe.utterance_id ORDER BY u.start_s').all() as { t0_s: number }[];
      t0.forEach((r, i) => expect(Math.abs(r.t0_s - segments[i].startS)).toBeLessThanOrEqual(0.1));
    } finally {
      d.close();
    }
  });

  it('a second run has nothing left to do', () => {
    const again = runCli(['extract', '--db', db, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json().media).toMatchObject({ processed: 0, skipped: 60 });
  });
});
