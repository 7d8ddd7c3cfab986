// From a long video with no transcript to per-segment features, through the built CLI: import
// --segment vad, then extract with the (tiny stand-in) pretrained encoders installed. Each segment
// gets its own audio statistics over [start_s, end_s], its own frames (indices from t0_s), a wav2vec2
// vector of its own audio and ResNet vectors of exactly its selected frames.
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
  execFileSync(ffmpeg, [
    '-nostdin',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=s=160x120:r=10',
    '-i',
    rec.file,
    '-shortest',
    '-c:v',
    'libx264',
    '-g',
    '40',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    video,
  ]);
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
    const errors = d.prepare("SELECT message FROM item_error WHERE level = 'error'").all();
    d.close();
    expect(errors).toEqual([]);
  }, 240_000);
});
