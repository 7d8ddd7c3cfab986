// From a long video with no transcript to per-segment features, through the built CLI: import
// --segment vad, then extract with the (tiny stand-in) pretrained encoders installed. Each segment
// gets its own audio statistics over [start_s, end_s], its own frames (indices from t0_s), a wav2vec2
// vector of its own audio and ResNet vectors of exactly its selected frames: the video's frames all
// differ (grey level from the frame number), so each stored vector names the frame of the file it came
// from, which must be the media stage's frame t0_s * fps + i.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { runCliAsync } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';
import { clipFfmpeg, hasEspeak } from '../helpers/make-clips';
import { speechRecording, SENTENCES, type SpeechRecording } from '../helpers/espeak-speech';
import { writeTinyModels } from '../helpers/tiny-encoders';
import { findInstalled } from '../../src/main/core/models/store';
import { ResNetEncoder, toPixelValues, CROP, RESIZE } from '../../src/main/core/encoders/resnet';
import { decodeCroppedFrames } from '../../src/main/core/media/ffmpeg-read';

const t = tmpDir('es-cli-seg-x-');
const db = path.join(t.dir, 'x.db');
const data = path.join(t.dir, 'data');
const video = path.join(t.dir, 'rec', 'session.mp4');
let rec: SpeechRecording;
const cli = (args: string[]) => runCliAsync(['--db', db, '--data-dir', data, ...args]);

beforeAll(async () => {
  if (!hasEspeak()) throw new Error('espeak-ng is needed for the VAD tests (scripts/install.sh installs it)');
  fs.mkdirSync(path.dirname(video), { recursive: true });
  const ffmpeg = clipFfmpeg();
  rec = speechRecording(ffmpeg, path.join(t.dir, 'speech.wav'), SENTENCES.slice(0, 5));
  // grey level from the frame number (and chroma past 220 frames): every frame differs; lossless h264
  const frames = "color=black:s=160x120:r=10,format=yuv420p,geq=lum='16+mod(N\\,220)':cb='100+20*floor(N/220)':cr=128";
  const args = [
    '-f',
    'lavfi',
    '-i',
    frames,
    '-i',
    rec.file,
    '-shortest',
    '-c:v',
    'libx264',
    '-qp',
    '0',
    '-g',
    '40',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
  ];
  execFileSync(ffmpeg, ['-nostdin', '-loglevel', 'error', ...args, video]);
  const files = writeTinyModels(path.join(t.dir, 'mirror'));
  for (const [name, file] of [
    ['wav2vec2-base-960h', files.wav2vec2],
    ['resnet-50', files.resnet],
  ] as const) {
    const r = await cli(['models', 'import', file, '--as', name]);
    expect(r.code, r.stderr).toBe(0);
  }
}, 120_000);
afterAll(() => t.cleanup());

describe('import --segment vad, then extract', () => {
  it('gives every segment its own features and pretrained vectors', async () => {
    const imp = await cli(['--json', 'import', path.dirname(video), '--segment', 'vad', '--device', 'cpu']);
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.json().segmentation[0].segments).toBe(5);
    const x = await cli(['extract', '--device', 'cpu', '--workers', '1']);
    expect(x.code, x.stderr).toBe(0);

    const d = new Database(db, { readonly: true });
    const utts = d.prepare('SELECT id, start_s, end_s FROM utterance ORDER BY idx').all() as {
      id: number;
      start_s: number;
      end_s: number;
    }[];
    expect(utts).toHaveLength(5);
    const audioVecs: string[] = [];
    for (const u of utts) {
      const a = JSON.parse((d.prepare('SELECT json FROM audio_summary WHERE utterance_id = ?').get(u.id) as { json: string }).json);
      expect(Math.abs(a.duration_s - (u.end_s - u.start_s)), `utterance ${u.id} duration`).toBeLessThan(0.1);
      const fe = d.prepare('SELECT fps, frame_count, selected, t0_s FROM frame_entropy WHERE utterance_id = ?').get(u.id) as {
        fps: number;
        frame_count: number;
        selected: string;
        t0_s: number;
      };
      expect(Math.abs(fe.t0_s - u.start_s)).toBeLessThanOrEqual(0.1 + 1e-6);
      expect(Math.abs(fe.frame_count - (u.end_s - u.start_s) * 10)).toBeLessThanOrEqual(2);
      const selected = JSON.parse(fe.selected) as number[];
      expect(selected.length).toBeGreaterThan(0);
      expect(Math.max(...selected)).toBeLessThan(fe.frame_count);
      const frames = (
        d.prepare("SELECT frame FROM feature WHERE utterance_id = ? AND kind = 'video.embedding' ORDER BY frame").all(u.id) as {
          frame: number;
        }[]
      ).map((r) => r.frame);
      expect(frames).toEqual([...new Set(selected)].sort((p, q) => p - q));
      const w = d.prepare("SELECT data FROM feature WHERE utterance_id = ? AND kind = 'audio.embedding' AND frame = -1").get(u.id) as
        { data: Buffer } | undefined;
      expect(w, `utterance ${u.id} wav2vec2`).toBeTruthy();
      audioVecs.push(w!.data.toString('base64'));
    }
    expect(new Set(audioVecs).size).toBe(5); // each segment's own audio

    // every stored frame vector is the file's frame round(t0_s * fps) + i (nearest among all its frames)
    const resnet = await ResNetEncoder.open(findInstalled(data, 'resnet-50')!, 'cpu', () => {});
    const n = Math.floor(rec.durationS * 10) - 1;
    const all = await decodeCroppedFrames(clipFfmpeg(), video, [...Array(n).keys()], { crop: CROP, resize: RESIZE });
    const ref = await resnet.embed(toPixelValues(all.rgb, n), n);
    await resnet.release();
    const nearest = (v: Float32Array) => {
      let best = -1;
      let bestD = Infinity;
      ref.forEach((r, k) => {
        let dist = 0;
        for (let j = 0; j < r.length; j++) dist += (r[j] - v[j]) ** 2;
        if (dist < bestD) [best, bestD] = [k, dist];
      });
      return best;
    };
    let checked = 0;
    for (const u of utts) {
      const fe = d.prepare('SELECT t0_s FROM frame_entropy WHERE utterance_id = ?').get(u.id) as { t0_s: number };
      const rows = d.prepare("SELECT frame, data FROM feature WHERE utterance_id = ? AND kind = 'video.embedding'").all(u.id) as {
        frame: number;
        data: Buffer;
      }[];
      for (const r of rows) {
        const v = new Float32Array(r.data.buffer.slice(r.data.byteOffset, r.data.byteOffset + r.data.length));
        expect(nearest(v), `utterance ${u.id} frame ${r.frame}`).toBe(Math.round(fe.t0_s * 10) + r.frame);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
    const errors = d.prepare("SELECT message FROM item_error WHERE level = 'error'").all();
    d.close();
    expect(errors).toEqual([]);
  }, 240_000);
});
