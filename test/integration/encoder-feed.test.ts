// The pretrained encoders fed from the media stage's own decode (jobs/encoder-feed.ts): with the
// tiny stand-in models installed, an extraction stores the same vectors as the separate decode path
// (media stage first, models installed later: jobs/encoder-stage.ts), for whole clips and for
// segments of a recording; decodes each clip once; names a clip that does not decode and carries on;
// and a cancel mid-run leaves every item stored whole or not at all. Real ffmpeg, real ONNX sessions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { tmpDir } from '../helpers/tmp';
import { makeSteppedRecording } from '../helpers/stepped-recording';
import { clipFfmpeg, makeClip } from '../helpers/make-clips';
import { writeTinyModels } from '../helpers/tiny-encoders';
import { importModel } from '../../src/main/core/models/install';
import { openDb, type Db } from '../../src/main/core/store/db';
import { runExtraction } from '../../src/main/core/jobs/extract';
import { runEncoderStage } from '../../src/main/core/jobs/encoder-stage';
import { WorkerPool } from '../../src/main/core/jobs/worker-pool';

const t = tmpDir('es-enc-feed-');
const data = path.join(t.dir, 'data');
const corpus = path.join(t.dir, 'corpus');
const ffmpeg = clipFfmpeg();
const rec = path.join(corpus, 'talk.mp4');
const runLog = path.join(t.dir, 'ffmpeg-runs.log');
let loggingFfmpeg = '';

// utterances: whole clips (start/end null) and segments of `rec`
const CLIPS = ['a.mp4', 'b.mp4', 'c.wav', 'broken.mp4'];
const SEGMENTS: [number, number][] = [
  [5.5, 6.5], // the earliest: the recording's pass starts at 4 s, as the separate decode of this one
  [7.2, 8.0],
  [7.6, 9.9], // overlaps the one before
  [10.25, 11.5],
];
const N = CLIPS.length + SEGMENTS.length;

/** An ffmpeg that appends its command line to `log`, then runs the real one. */
function logging(file: string, log: string): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  fs.writeFileSync(file, `#!/bin/sh\nprintf '%s\\n' "$*" >> ${q(log)}\nexec ${q(ffmpeg)} "$@"\n`, { mode: 0o755 });
  return file;
}

/** A database with the corpus's utterances (ids 1.., clips first), nothing extracted. */
function freshDb(name: string): Db {
  const db = openDb(path.join(t.dir, name));
  db.prepare("INSERT INTO corpus (id, root, kind) VALUES (1, ?, 'folder')").run(corpus);
  const add = (id: number, file: string, span: [number, number] | null) => {
    db.prepare("INSERT INTO utterance (id, corpus_id, key, split, start_s, end_s) VALUES (?, 1, ?, 'unsplit', ?, ?)").run(
      id,
      `k${id}`,
      span?.[0] ?? null,
      span?.[1] ?? null,
    );
    db.prepare('INSERT INTO media (utterance_id, path) VALUES (?, ?)').run(id, file);
  };
  CLIPS.forEach((c, i) => add(i + 1, path.join(corpus, c), null));
  SEGMENTS.forEach((s, i) => add(CLIPS.length + i + 1, rec, s));
  return db;
}

function vectors(db: Db, kind: string): Map<number, Float32Array> {
  const rows = db.prepare('SELECT utterance_id AS id, frame, data FROM feature WHERE kind = ? ORDER BY utterance_id, frame').all(kind) as {
    id: number;
    frame: number;
    data: Buffer;
  }[];
  return new Map(
    rows.map((r) => [
      r.id * 100000 + r.frame + 1,
      new Float32Array(r.data.buffer.slice(r.data.byteOffset, r.data.byteOffset + r.data.length)),
    ]),
  );
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return a.length === b.length ? m : Infinity;
}

const runsOf = (file: string) =>
  (fs.existsSync(runLog) ? fs.readFileSync(runLog, 'utf8').split('\n') : []).filter((l) => l.includes(file) && !/-version/.test(l));

let reference: Map<number, Float32Array>;
let referenceV: Map<number, Float32Array>;
let referenceSelected: unknown[];

const selectedOf = (db: Db) => db.prepare('SELECT utterance_id, selected, t0_s FROM frame_entropy ORDER BY utterance_id').all();

/** Stored ResNet vectors equal the separate path's (same frames, same values up to float rounding). */
function expectSameVideo(db: Db): void {
  expect(selectedOf(db)).toEqual(referenceSelected);
  const fed = vectors(db, 'video.embedding');
  expect([...fed.keys()]).toEqual([...referenceV.keys()]);
  for (const [k, v] of fed) expect(maxDiff(v, referenceV.get(k)!), `utterance ${Math.floor(k / 100000)}`).toBeLessThan(1e-5);
}

beforeAll(async () => {
  fs.mkdirSync(corpus, { recursive: true });
  // stereo 48 kHz AAC with video; mono 16 kHz wav; a file that is not media
  await makeClip(corpus, 'a.mp4', {
    durationS: 1.5,
    container: 'mp4',
    video: { w: 160, h: 120, fps: 12 },
    audio: { kind: 'sine', freq: 330 },
  });
  await makeClip(corpus, 'b.mp4', { durationS: 2, container: 'mp4', video: { w: 96, h: 160, fps: 10 }, audio: { kind: 'noise' } });
  await makeClip(corpus, 'c.wav', { durationS: 1, container: 'wav', audio: { kind: 'sine', freq: 500, sampleRate: 16000 } });
  fs.writeFileSync(path.join(corpus, 'broken.mp4'), 'not a video\n'.repeat(200));
  // 12 s, 10 fps, colour and tone (left and right apart, 44.1 kHz) change every second
  makeSteppedRecording(ffmpeg, rec, {
    durationS: 12,
    colourStep: 20,
    tone: '0.5*sin(2*PI*(200+90*floor(t))*t)|0.3*sin(2*PI*(700-40*floor(t))*t)',
    sampleRate: 44100,
  });
  const files = writeTinyModels(path.join(t.dir, 'mirror'));
  await importModel(data, 'wav2vec2-base-960h', files.wav2vec2);
  await importModel(data, 'resnet-50', files.resnet);
  loggingFfmpeg = logging(path.join(t.dir, 'ffmpeg.sh'), runLog);

  // the separate path: media stage with no model, then the encoder stage decoding again
  const db = freshDb('separate.db');
  await runExtraction(db, { ffmpeg, workers: 1 });
  const runs = await runEncoderStage(db, { ffmpeg, dataDir: data, device: 'cpu' });
  expect(runs.map((r) => [r.model, r.encoded, r.failed])).toEqual([
    ['wav2vec2-base-960h', N - 1, 0],
    ['resnet-50', 2 + SEGMENTS.length, 0],
  ]);
  reference = vectors(db, 'audio.embedding');
  referenceV = vectors(db, 'video.embedding');
  referenceSelected = selectedOf(db);
  db.close();
}, 180_000);
afterAll(() => t.cleanup());

describe('encoders fed from the media decode', () => {
  it('store the separate path vectors, decoding each clip once; a broken clip is named', async () => {
    fs.rmSync(runLog, { force: true });
    const db = freshDb('fed.db');
    const notes: string[] = [];
    const s = await runExtraction(db, { ffmpeg: loggingFfmpeg, workers: 1, dataDir: data, device: 'cpu', onNote: (l) => notes.push(l) });
    expect(s.media).toMatchObject({ processed: N, failed: 1 });
    expect(s.encoders!.find((e) => e.model === 'wav2vec2-base-960h')).toMatchObject({ encoded: N - 1, failed: 0 });
    expect(notes.some((l) => /wav2vec2-base-960h: fed from the media stage's decode/.test(l))).toBe(true);
    expect(notes.some((l) => /wav2vec2.*decoded again/.test(l))).toBe(false);
    expect(s.encoders!.find((e) => e.model === 'resnet-50')).toMatchObject({ encoded: 2 + SEGMENTS.length, failed: 0 });
    expect(notes.some((l) => /resnet-50: fed from the media stage's decode/.test(l))).toBe(true);
    expect(notes.some((l) => /resnet-50: \d+ clips on/.test(l))).toBe(false);
    expectSameVideo(db);

    const fed = vectors(db, 'audio.embedding');
    expect([...fed.keys()]).toEqual([...reference.keys()]);
    const diffs = [...fed].map(([k, v]) => [Math.floor(k / 100000), maxDiff(v, reference.get(k)!)] as const);
    // whole clips and the recording's earliest segment: the very same samples
    for (const [id, d] of diffs) if (id <= CLIPS.length + 1) expect(d, `utterance ${id}`).toBe(0);
    // later segments: the separate decode seeks closer to them (the same samples after a second of lead-in)
    for (const [id, d] of diffs) expect(d, `utterance ${id}`).toBeLessThan(1e-5);

    // one ffmpeg run per clip, both encoders fed (an audio file and the recording are probed first)
    for (const c of ['a.mp4', 'b.mp4']) expect(runsOf(path.join(corpus, c)), c).toHaveLength(1);
    expect(runsOf(path.join(corpus, 'c.wav')).filter((l) => l.includes('-ar 16000'))).toHaveLength(1);
    expect(runsOf(rec)).toHaveLength(2);
    expect(runsOf(rec).filter((l) => l.includes('-ar 16000') && l.includes('crop=224:224'))).toHaveLength(1);

    const errors = db.prepare("SELECT utterance_id, file, message FROM item_error WHERE level = 'error'").all() as {
      utterance_id: number;
      file: string;
      message: string;
    }[];
    expect(errors.map((e) => [e.utterance_id, e.file])).toEqual([[4, path.join(corpus, 'broken.mp4')]]);
    db.close();
  }, 180_000);

  it.each([1, 0])(
    'holds the decode back while the encoders are behind, and stores the same vectors (%i workers)',
    async (workers) => {
      const db = freshDb(`bounded-${workers}.db`);
      // a limit of one sample: the pool waits for the feed after every task, the recording pauses after every segment
      const setPaused = WorkerPool.prototype.setPaused;
      const calls: boolean[] = [];
      WorkerPool.prototype.setPaused = function (p: boolean) {
        calls.push(p);
        setPaused.call(this, p);
      };
      try {
        await runExtraction(db, { ffmpeg, workers, dataDir: data, device: 'cpu', feedLimitSamples: 1, feedLimitFrames: 1, batchSize: 1 });
      } finally {
        WorkerPool.prototype.setPaused = setPaused;
      }
      expect(calls.filter((p) => p).length).toBeGreaterThanOrEqual(N - 1);
      expect(calls.at(-1)).toBe(false);
      const fed = vectors(db, 'audio.embedding');
      expect([...fed.keys()]).toEqual([...reference.keys()]);
      for (const [k, v] of fed) expect(maxDiff(v, reference.get(k)!)).toBeLessThan(1e-5);
      expectSameVideo(db);
      db.close();
    },
    180_000,
  );

  it('leaves nothing half-stored on a cancel; the next run completes with the same vectors', async () => {
    const db = freshDb('cancel.db');
    const ac = new AbortController();
    let results = 0;
    const s = await runExtraction(db, {
      ffmpeg,
      workers: 1,
      dataDir: data,
      device: 'cpu',
      batchSize: 1,
      signal: ac.signal,
      onProgress: (e) => {
        if (e.job === 'extract media' && ++results === 5) ac.abort();
      },
    });
    expect(s.cancelled).toBe(true);
    // every item: all its vectors with its stage marked done, or neither
    for (const kind of ['audio.embedding', 'video.embedding']) {
      const rows = db
        .prepare(
          `SELECT u.id, (SELECT COUNT(*) FROM feature f WHERE f.utterance_id = u.id AND f.kind = @kind) AS n,
                  (SELECT status FROM stage_status s WHERE s.utterance_id = u.id AND s.stage = @kind) AS status,
                  (SELECT json_array_length(selected) FROM frame_entropy e WHERE e.utterance_id = u.id) AS selected
           FROM utterance u ORDER BY u.id`,
        )
        .all({ kind }) as { id: number; n: number; status: string | null; selected: number | null }[];
      const whole = (r: (typeof rows)[number]) => (kind === 'audio.embedding' ? 1 : r.selected);
      for (const r of rows) expect([r.n, r.status], `${kind} of utterance ${r.id}`).toEqual(r.n ? [whole(r), 'done'] : [0, null]);
      expect(rows.filter((r) => r.n).length, kind).toBeLessThan(kind === 'audio.embedding' ? N - 1 : 2 + SEGMENTS.length);
    }
    expect(db.prepare('SELECT COUNT(*) FROM work_claim').pluck().get()).toBe(0);

    const again = await runExtraction(db, { ffmpeg, workers: 1, dataDir: data, device: 'cpu' });
    expect(again.cancelled).toBe(false);
    const fed = vectors(db, 'audio.embedding');
    expect([...fed.keys()]).toEqual([...reference.keys()]);
    for (const [k, v] of fed) expect(maxDiff(v, reference.get(k)!)).toBeLessThan(1e-5);
    expectSameVideo(db);
    db.close();
  }, 180_000);
});
