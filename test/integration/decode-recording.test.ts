// decodeRecording on real ffmpeg output: overlapping segments share samples, a late first segment is
// reached by seeking (same features), a segment past the end is cut with a warning, and a file that
// cannot be decoded fails every segment with the reason.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { decodeRecording, type DecodedSegment } from '../../src/main/core/media/decode-recording';
import { probeMedia } from '../../src/main/core/media/probe';
import { processRecording, type MediaResult } from '../../src/main/core/jobs/process-media';
import { closeLauncher } from '../../src/main/core/media/launcher';
import { clipFfmpeg } from '../helpers/make-clips';
import { makeToneRecording, type ToneSegment } from '../helpers/make-recording';
import { tmpDir } from '../helpers/tmp';

describe('decodeRecording', () => {
  const t = tmpDir('es-decrec-');
  let file = '';
  let segs: ToneSegment[] = [];
  beforeAll(() => {
    const r = makeToneRecording(t.dir, 'rec', { segments: 8, toneS: 1.5, gapS: 1.0, f0: 150, step: 25, fps: 10 });
    file = r.file;
    segs = r.segments;
  });
  afterAll(async () => {
    await closeLauncher();
    t.cleanup();
  });

  it('gives overlapping segments the same samples and frames of their common span, in one pass', async () => {
    const probe = await probeMedia(clipFfmpeg(), file);
    const got = new Map<number, DecodedSegment>();
    const spans = [
      { id: 1, startS: segs[1].startS, endS: segs[1].endS },
      { id: 2, startS: segs[1].startS, endS: segs[1].endS }, // the same span twice (two speakers at once)
      { id: 3, startS: segs[1].startS + 0.5, endS: segs[2].endS }, // overlaps 1 and 2
    ];
    const res = await decodeRecording(clipFfmpeg(), file, probe, spans, (s) => got.set(s.id, s), { peaksPerSecond: 20 });
    expect([...got.keys()].sort()).toEqual([1, 2, 3]);
    const [a, b, c] = [got.get(1)!, got.get(2)!, got.get(3)!];
    expect(a.pcm!.length).toBe(Math.round(1.5 * 16000));
    expect(b.pcm).toEqual(a.pcm);
    // segment 3 starts 0.5 s into segment 1: its first second is segment 1's last second
    expect(c.pcm!.subarray(0, 16000)).toEqual(a.pcm!.subarray(8000, 24000));
    expect(a.video!.frameCount).toBe(15);
    expect(Array.from(c.video!.entropy.subarray(0, 10))).toEqual(Array.from(a.video!.entropy.subarray(5, 15)));
    expect(c.video!.t0S).toBeCloseTo(segs[1].startS + 0.5, 5);
    expect(res.offsetS).toBe(0); // the first segment starts before 5 s: no seek
    expect(res.peaks!.min.length).toBeGreaterThan(0);
  });

  it('gives segments with gaps between them the frame statistics they get when the gaps are analysed too', async () => {
    const probe = await probeMedia(clipFfmpeg(), file);
    const spans = [
      { id: 1, startS: segs[2].startS, endS: segs[2].endS },
      { id: 2, startS: segs[4].startS, endS: segs[4].endS },
    ];
    const decode = async (list: typeof spans) => {
      const got = new Map<number, DecodedSegment>();
      await decodeRecording(clipFfmpeg(), file, probe, list, (s) => got.set(s.id, s));
      return got;
    };
    // frames in no segment are skipped; a segment spanning both (id 3) makes every frame analysed
    const gaps = await decode(spans);
    const whole = await decode([...spans, { id: 3, startS: segs[1].startS, endS: segs[5].endS }]);
    for (const id of [1, 2]) {
      const [g, w] = [gaps.get(id)!.video!, whole.get(id)!.video!];
      expect(g.frameCount).toBe(15);
      expect(Array.from(g.entropy)).toEqual(Array.from(w.entropy));
      expect(Array.from(g.motion)).toEqual(Array.from(w.motion));
      expect(Array.from(g.luma)).toEqual(Array.from(w.luma));
      expect(g.motion[0]).toBe(0);
      expect(Math.min(...g.motion.subarray(1))).toBeGreaterThan(0);
      expect(g.selected).toEqual(w.selected);
      expect(g.thumbnails.map((t) => t.png.toString('base64'))).toEqual(w.thumbnails.map((t) => t.png.toString('base64')));
    }
  });

  it('seeks to a late first segment and still cuts it at the right place', async () => {
    const probe = await probeMedia(clipFfmpeg(), file);
    const late = segs[5]; // starts at 13.5 s
    const got: DecodedSegment[] = [];
    const res = await decodeRecording(clipFfmpeg(), file, probe, [{ id: 9, startS: late.startS, endS: late.endS }], (s) => got.push(s));
    expect(res.offsetS).toBeGreaterThan(5);
    const results: MediaResult[] = [];
    await processRecording(clipFfmpeg(), file, [{ id: 9, startS: late.startS, endS: late.endS }], (r) => results.push(r));
    expect(Math.abs(results[0].audio!.pitch_hz! - late.freq) / late.freq).toBeLessThan(0.03);
    expect(got[0].video!.frameCount).toBe(15);
  });

  it('cuts a segment that runs past the end of the recording, with a warning', async () => {
    const results: MediaResult[] = [];
    const end = segs.at(-1)!.endS;
    await processRecording(
      clipFfmpeg(),
      file,
      [
        { id: 5, startS: end - 0.5, endS: end + 3 },
        { id: 6, startS: end + 10, endS: end + 11 },
      ],
      (r) => results.push(r),
    );
    const cut = results.find((r) => r.utteranceId === 5)!;
    expect(cut.failed).toBe(false);
    expect(cut.errors.map((e) => e.message).join(' ')).toMatch(/segment ends after the end of the audio .*cut there/);
    const beyond = results.find((r) => r.utteranceId === 6)!;
    expect(beyond.failed).toBe(true);
    // found from the recording's probed duration before decoding (6c5f7e5): a span error, no features
    expect(beyond.errors.map((e) => e.message).join(' ')).toMatch(/span [\d.]+-[\d.]+ s of .* starts at or after the end of the recording/);
  });

  it('fails every segment of a file that is not media, naming the file', async () => {
    const bad = path.join(t.dir, 'notes.mp4');
    fs.writeFileSync(bad, 'this is not a video\n'.repeat(100));
    const results: MediaResult[] = [];
    await processRecording(
      clipFfmpeg(),
      bad,
      [
        { id: 1, startS: 0, endS: 1 },
        { id: 2, startS: 1, endS: 2 },
      ],
      (r) => results.push(r),
    );
    expect(results.map((r) => r.utteranceId).sort()).toEqual([1, 2]);
    for (const r of results) {
      expect(r.failed).toBe(true);
      expect(r.errors[0].file).toBe(bad);
      expect(r.errors[0].message.length).toBeGreaterThan(5);
    }
  });
});
