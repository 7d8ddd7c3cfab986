// The encoder stage on segments of a longer recording, with the tiny stand-in encoders: wav2vec2 gets
// the segment's own [start_s, end_s] audio, ResNet-50 the segment's own selected frames (indices from
// its frame 0 at frame_entropy.t0_s); a whole clip keeps file-relative frames and all its audio.
// The recording changes colour and tone every second, so a frame or a span off by one shows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { tmpDir } from '../helpers/tmp';
import { makeSteppedRecording } from '../helpers/stepped-recording';
import { clipFfmpeg } from '../helpers/make-clips';
import { writeTinyModels } from '../helpers/tiny-encoders';
import { importModel } from '../../src/main/core/models/install';
import { findInstalled } from '../../src/main/core/models/store';
import { openDb, f32ToBlob, type Db } from '../../src/main/core/store/db';
import { runEncoderStage } from '../../src/main/core/jobs/encoder-stage';
import { decodeCroppedFrames, decodePcm16k } from '../../src/main/core/media/ffmpeg-read';
import { ResNetEncoder, toPixelValues, CROP, RESIZE } from '../../src/main/core/encoders/resnet';
import { Wav2Vec2Encoder } from '../../src/main/core/encoders/wav2vec2';

const t = tmpDir('es-enc-seg-');
const data = path.join(t.dir, 'data');
const ffmpeg = clipFfmpeg();
const rec = path.join(t.dir, 'talk.mp4');
let db: Db;

// id: [start_s, end_s, t0_s, selected]
const ITEMS: Record<number, [number | null, number | null, number | null, number[]]> = {
  1: [2.0, 3.0, 2.0, [0, 5, 9]], // frames at 2.0, 2.5, 2.9 s
  2: [3.5, 5.0, 3.5, [0, 4, 6]], // frames at 3.5, 3.9 (still second 3), 4.1 (second 4)
  3: [null, null, null, [35, 39, 41]], // the whole file: the same frames as item 2, by file index
};

beforeAll(async () => {
  // 6 s, 10 fps h264 (a key frame every 3 s, so segments start mid-GOP) and 16 kHz audio; both change every second
  makeSteppedRecording(ffmpeg, rec, { durationS: 6, colourStep: 40, tone: '0.5*sin(2*PI*(200+150*floor(t))*t)', sampleRate: 16000 });
  const files = writeTinyModels(path.join(t.dir, 'mirror'));
  await importModel(data, 'wav2vec2-base-960h', files.wav2vec2);
  await importModel(data, 'resnet-50', files.resnet);
  db = openDb(path.join(t.dir, 'seg.db'));
  db.prepare("INSERT INTO corpus (id, root, kind) VALUES (1, ?, 'vad-segments')").run(t.dir);
  for (const [id, [s, e, t0, sel]] of Object.entries(ITEMS)) {
    db.prepare("INSERT INTO utterance (id, corpus_id, key, split, start_s, end_s) VALUES (?, 1, ?, 'unsplit', ?, ?)").run(
      Number(id),
      `k${id}`,
      s,
      e,
    );
    db.prepare('INSERT INTO media (utterance_id, path) VALUES (?, ?)').run(Number(id), rec);
    db.prepare("INSERT INTO stage_status (utterance_id, stage, status, version) VALUES (?, 'media', 'done', 'test')").run(Number(id));
    db.prepare("INSERT INTO audio_summary (utterance_id, json) VALUES (?, '{}')").run(Number(id));
    db.prepare('INSERT INTO frame_entropy (utterance_id, fps, frame_count, entropy, selected, t0_s) VALUES (?, 10, 60, ?, ?, ?)').run(
      Number(id),
      f32ToBlob(new Float32Array(60)),
      JSON.stringify(sel),
      t0,
    );
  }
}, 60_000);
afterAll(() => {
  db?.close();
  t.cleanup();
});

function vectors(id: number, kind: string): Map<number, Float32Array> {
  const rows = db.prepare('SELECT frame, data FROM feature WHERE utterance_id = ? AND kind = ? ORDER BY frame').all(id, kind) as {
    frame: number;
    data: Buffer;
  }[];
  return new Map(rows.map((r) => [r.frame, new Float32Array(r.data.buffer.slice(r.data.byteOffset, r.data.byteOffset + r.data.length))]));
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('pretrained encoders on segments', () => {
  it('run on each segment only: its audio span and its own selected frames', async () => {
    const notes: string[] = [];
    const runs = await runEncoderStage(db, { ffmpeg, dataDir: data, device: 'cpu', onNote: (l) => notes.push(l) });
    expect(runs.map((r) => [r.model, r.encoded, r.failed])).toEqual([
      ['wav2vec2-base-960h', 3, 0],
      ['resnet-50', 3, 0],
    ]);

    // video: segment-relative indices are kept as stored; segment 2's frames are the whole file's 35, 39, 41
    const v1 = vectors(1, 'video.embedding');
    const v2 = vectors(2, 'video.embedding');
    const v3 = vectors(3, 'video.embedding');
    expect([...v1.keys()]).toEqual([0, 5, 9]);
    expect([...v2.keys()]).toEqual([0, 4, 6]);
    expect([...v3.keys()]).toEqual([35, 39, 41]);
    expect(maxDiff(v2.get(0)!, v3.get(35)!)).toBeLessThan(1e-5);
    expect(maxDiff(v2.get(4)!, v3.get(39)!)).toBeLessThan(1e-5);
    expect(maxDiff(v2.get(6)!, v3.get(41)!)).toBeLessThan(1e-5);
    // 3.9 s and 4.1 s are different colours; 2.0 and 2.9 the same one
    expect(maxDiff(v2.get(4)!, v2.get(6)!)).toBeGreaterThan(0.01);
    expect(maxDiff(v1.get(0)!, v1.get(9)!)).toBeLessThan(0.01);
    // and they are the frames of the file at those times (by file index, decoded independently)
    const resnet = await ResNetEncoder.open(findInstalled(data, 'resnet-50')!, 'cpu', () => {});
    const ref = await decodeCroppedFrames(ffmpeg, rec, [20, 25, 29], { crop: CROP, resize: RESIZE });
    const want = await resnet.embed(toPixelValues(ref.rgb, 3), 3);
    expect(maxDiff(v1.get(0)!, want[0])).toBeLessThan(1e-5);
    expect(maxDiff(v1.get(5)!, want[1])).toBeLessThan(1e-5);
    expect(maxDiff(v1.get(9)!, want[2])).toBeLessThan(1e-5);
    await resnet.release();

    // audio: each segment's vector is the model on that span of the recording's samples
    const w2v = await Wav2Vec2Encoder.open(findInstalled(data, 'wav2vec2-base-960h')!, 'cpu', () => {});
    const pcm = await decodePcm16k(ffmpeg, rec);
    const a1 = vectors(1, 'audio.embedding').get(-1)!;
    const a2 = vectors(2, 'audio.embedding').get(-1)!;
    const a3 = vectors(3, 'audio.embedding').get(-1)!;
    const whole = await w2v.embed(pcm);
    const seg1 = await w2v.embed(pcm.subarray(2 * 16000, 3 * 16000));
    const seg2 = await w2v.embed(pcm.subarray(3.5 * 16000, 5 * 16000));
    expect(maxDiff(a3, whole)).toBeLessThan(1e-5);
    expect(maxDiff(a1, seg1)).toBeLessThan(2e-3);
    expect(maxDiff(a2, seg2)).toBeLessThan(2e-3);
    expect(maxDiff(a1, whole)).toBeGreaterThan(0.02);
    expect(maxDiff(a1, a2)).toBeGreaterThan(0.02);
    await w2v.release();
  }, 120_000);
});
