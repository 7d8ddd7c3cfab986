// Silero VAD v5 (the real pretrained model from @ricky0123/vad-web, run by onnxruntime-node) on real
// speech: 12 espeak-ng sentences between known pauses must each come out as one segment, boundaries
// within 0.25 s; decoding in pieces gives the same result; the segment rules on hand-made probabilities.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { tmpDir } from '../helpers/tmp';
import { clipFfmpeg, hasEspeak } from '../helpers/make-clips';
import { speechRecording, wavBytes, type SpeechRecording } from '../helpers/espeak-speech';
import { SileroVad, VAD_WINDOW, speechSegments, vadModelPath } from '../../src/main/core/encoders/silero-vad';
import { decodePcm16k } from '../../src/main/core/media/ffmpeg-read';
import { planVadImport, segmentRecording } from '../../src/main/core/jobs/segment';
import { gpuDevicePresent } from '../../src/main/core/models/providers';
import { tinyResNet } from '../helpers/tiny-encoders';

const t = tmpDir('es-vad-');
let rec: SpeechRecording;
let vad: SileroVad;
const ffmpeg = clipFfmpeg();

beforeAll(async () => {
  if (!hasEspeak()) throw new Error('espeak-ng is needed for the VAD tests (scripts/install.sh installs it)');
  rec = speechRecording(ffmpeg, path.join(t.dir, 'talk.wav'));
  vad = await SileroVad.open('cpu', () => {});
}, 60_000);
afterAll(async () => {
  await vad?.release();
  t.cleanup();
});

/** probabilities at 512-sample windows from [seconds, p] runs */
function probs(runs: [number, number][]): Float32Array {
  const out: number[] = [];
  for (const [s, p] of runs) for (let k = 0; k < Math.round((s * 16000) / VAD_WINDOW); k++) out.push(p);
  return Float32Array.from(out);
}

describe('speechSegments: the rules of get_speech_timestamps', () => {
  const noPad = { padS: 0 };
  it('hysteresis: speech starts at >= threshold, ends only below threshold - 0.15', () => {
    // 1 s silence, 1 s speech, 1 s at 0.4 (between 0.35 and 0.5: still speech), 1 s speech, 1 s silence
    const p = probs([
      [1, 0.05],
      [1, 0.9],
      [1, 0.4],
      [1, 0.9],
      [1, 0.05],
    ]);
    const segs = speechSegments(p, p.length * VAD_WINDOW, noPad);
    expect(segs).toHaveLength(1);
    expect(segs[0].startS).toBeCloseTo(1, 1);
    expect(segs[0].endS).toBeCloseTo(4, 1);
  });

  it('a pause shorter than min-silence does not split; a longer one does; short speech is dropped', () => {
    const p = probs([
      [1, 0],
      [1, 0.9],
      [0.3, 0],
      [1, 0.9],
      [0.8, 0],
      [1, 0.9],
      [1, 0],
      [0.2, 0.9],
      [1, 0],
    ]);
    const total = p.length * VAD_WINDOW;
    const segs = speechSegments(p, total, noPad);
    // 1-3.3 (the 0.3 s pause kept inside), 4.1-5.1; the 0.2 s burst at 6.1 is shorter than min-speech 0.25
    expect(segs.map((s) => [Math.round(s.startS * 10) / 10, Math.round(s.endS * 10) / 10])).toEqual([
      [1, 3.3],
      [4.1, 5.1],
    ]);
    expect(speechSegments(p, total, { padS: 0, minSilenceS: 0.2 })).toHaveLength(3);
    expect(speechSegments(p, total, { padS: 0, minSpeechS: 0.1 })).toHaveLength(3);
    expect(speechSegments(p, total, { padS: 0, threshold: 0.95 })).toHaveLength(0);
  });

  it('pads each segment, and splits a pause shorter than two pads in the middle; speech to the end is closed there', () => {
    const p = probs([
      [0.05, 0],
      [1, 0.9],
      [0.6, 0],
      [1, 0.9],
    ]);
    const total = p.length * VAD_WINDOW;
    const segs = speechSegments(p, total, { padS: 0.4, minSilenceS: 0.5 });
    expect(segs).toHaveLength(2);
    expect(segs[0].startS).toBe(0); // clamped at 0
    const gapMid = (segs[0].endS + segs[1].startS) / 2;
    expect(segs[0].endS).toBeCloseTo(segs[1].startS, 2); // 0.6 s pause < 0.8: halved
    expect(gapMid).toBeCloseTo(1.05 + 0.3, 1);
    expect(segs[1].endS).toBeCloseTo(total / 16000, 3);
  });
});

describe('Silero VAD v5 on espeak-ng speech', () => {
  it.skipIf(gpuDevicePresent())('--device webgpu without a GPU: the same provider fallback as the other encoders, one line', async () => {
    const lines: string[] = [];
    const v = await SileroVad.open('webgpu', (l) => lines.push(l));
    expect(v.provider).toBe('cpu');
    expect(lines).toEqual(['webgpu execution provider unavailable (no GPU device found (/dev/dri/renderD*, /dev/nvidia0)); using cpu']);
    await v.release();
  });

  it('a file that is not Silero VAD v5 is refused naming it', async () => {
    const f = path.join(t.dir, 'other.onnx');
    fs.writeFileSync(f, tinyResNet());
    await expect(SileroVad.open('cpu', () => {}, f)).rejects.toThrow(`${f}: inputs pixel_values, expected Silero VAD v5's input,state,sr`);
  });

  it('is the v5 model from @ricky0123/vad-web, on cpu', () => {
    expect(vadModelPath()).toMatch(/@ricky0123[\\/]vad-web[\\/]dist[\\/]silero_vad_v5\.onnx$/);
    expect(vad.provider).toBe('cpu');
  });

  it('finds each of the 12 sentences once, boundaries within 0.25 s', async () => {
    const { segments, durationS } = await segmentRecording(vad, rec.file, { ffmpeg });
    expect(durationS).toBeCloseTo(rec.durationS, 2);
    expect(segments).toHaveLength(rec.truth.length);
    segments.forEach((s, i) => {
      expect(Math.abs(s.startS - rec.truth[i].startS), `sentence ${i + 1} start`).toBeLessThan(0.25);
      expect(Math.abs(s.endS - rec.truth[i].endS), `sentence ${i + 1} end`).toBeLessThan(0.25);
    });
  }, 60_000);

  it('pieces of any length, and of 7 s decoded apart (ffmpeg seeks), give the probabilities of one decode', async () => {
    const pcm = await decodePcm16k(ffmpeg, rec.file);
    vad.reset();
    await vad.push(pcm);
    const whole = await vad.finish();
    vad.reset();
    for (let s = 0; s < pcm.length; s += 7777) await vad.push(pcm.subarray(s, s + 7777)); // odd lengths in memory
    const inParts = await vad.finish();
    expect(Array.from(inParts)).toEqual(Array.from(whole));
    vad.reset();
    for (let s = 0; s < 16000 * 3; s += 300) await vad.push(pcm.subarray(s, s + 300)); // pieces shorter than a window
    const tiny = await vad.finish();
    const full = Math.floor((16000 * 3) / VAD_WINDOW); // the last window of the 3 s was zero-padded here, not in `whole`
    expect(Array.from(tiny.subarray(0, full))).toEqual(Array.from(whole.subarray(0, full)));
    expect(tiny.length).toBe(Math.ceil((16000 * 3) / VAD_WINDOW));
    expect(whole.length).toBe(Math.ceil(pcm.length / VAD_WINDOW));
    const a = await segmentRecording(vad, rec.file, { ffmpeg });
    const b = await segmentRecording(vad, rec.file, { ffmpeg, pieceS: 7 });
    expect(b.segments.length).toBe(a.segments.length);
    b.segments.forEach((s, i) => {
      expect(Math.abs(s.startS - a.segments[i].startS)).toBeLessThan(0.04);
      expect(Math.abs(s.endS - a.segments[i].endS)).toBeLessThan(0.04);
    });
    expect(b.durationS).toBeCloseTo(a.durationS, 2);
  }, 60_000);

  it('a folder: one dialogue per recording; silence and a damaged file are issues naming the file, the rest is imported', async () => {
    const dir = path.join(t.dir, 'corpus');
    fs.mkdirSync(path.join(dir, 'dev'), { recursive: true });
    fs.copyFileSync(rec.file, path.join(dir, 'dev', 'talk one.wav'));
    fs.writeFileSync(path.join(dir, 'quiet.wav'), wavBytes(new Float32Array(16000 * 3)));
    fs.writeFileSync(path.join(dir, 'broken.mp4'), 'not a video');
    const notes: string[] = [];
    const { batches, recordings } = await planVadImport([dir], { ffmpeg, device: 'cpu', onNote: (l) => notes.push(l) });
    expect(batches).toHaveLength(1);
    const b = batches[0];
    expect(b.kind).toBe('vad-segments');
    expect(b.records).toHaveLength(12);
    expect(b.records[0]).toMatchObject({
      key: `dev/talk one.wav#vad@${Math.round(b.records[0].startS! * 1000)}`,
      dialogue: 'dev/talk one',
      split: 'dev',
      index: 0,
      speaker: null,
      text: null,
      label: null,
    });
    expect(b.records[11].key).toBe(`dev/talk one.wav#vad@${Math.round(b.records[11].startS! * 1000)}`);
    expect(new Set(b.records.map((r) => r.key)).size).toBe(12);
    expect(b.records.every((r) => r.mediaPath === path.join(dir, 'dev', 'talk one.wav') && r.endS! > r.startS!)).toBe(true);
    expect(recordings.find((r) => r.file.endsWith('talk one.wav'))).toMatchObject({ segments: 12 });
    expect(b.issues.map((i) => [path.basename(i.file), i.message.replace(/:.*/s, '')])).toEqual(
      expect.arrayContaining([
        ['quiet.wav', 'no speech found in 3.0 s'],
        ['broken.mp4', 'cannot segment it'],
      ]),
    );
    expect(notes.find((l) => l.startsWith('dev/talk one.wav: '))).toMatch(
      new RegExp(`^dev/talk one\\.wav: 12 speech segments in ${rec.durationS.toFixed(1)} s \\(\\d+\\.\\d s of speech\\)$`),
    );
    await expect(planVadImport([path.join(t.dir, 'x.eaf')], { ffmpeg })).rejects.toThrow(/cannot read it/);
  }, 60_000);
});
