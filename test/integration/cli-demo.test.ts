// The README's main job on the bundled demo corpus, and the DESIGN.md JSON contract of list/show/doctor.
import { afterAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { runCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';

describe('analyze resources/demo', () => {
  const t = tmpDir();
  const db = path.join(t.dir, 'demo.db');
  afterAll(() => t.cleanup());

  it('runs end to end and list/show give the contract fields with real values', () => {
    const r = runCli(['analyze', path.resolve(__dirname, '../../resources/demo'), '--db', db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const job = r.json();
    expect(job.database).toBe(db);
    expect(job.train.version).toBe(1);
    expect(job.evaluations.map((e: { split: string }) => e.split)).toEqual(['dev']);
    expect(job.evaluations[0]).toMatchObject({ split: 'dev', n: 10, model_version: 1 });
    expect(Object.keys(job.evaluations[0])).toEqual(
      expect.arrayContaining(['accuracy', 'weighted_f1', 'macro_f1', 'per_class', 'confusion', 'auc', 'roc']),
    ); // the row without its clip is predicted from its text
    const rows = runCli(['list', '--db', db, '--json']).json();
    expect(rows).toHaveLength(34);
    for (const row of rows)
      expect(Object.keys(row)).toEqual(
        expect.arrayContaining(['id', 'split', 'dialogue', 'speaker', 'text', 'label', 'media', 'status', 'errors']),
      );
    expect(rows.filter((x: { status: string }) => x.status === 'missing_media')).toHaveLength(1);
    expect(rows.filter((x: { status: string }) => x.status === 'done')).toHaveLength(33);

    const d = runCli(['show', String(rows.find((x: { split: string }) => x.split === 'train').id), '--db', db, '--json']).json();
    expect(d).toMatchObject({ split: 'train', dialogue: '0', text_features: { encoder: 'builtin-hashed-tfidf' } });
    expect(d.audio).toMatchObject({ sample_rate: 16000 });
    for (const k of ['duration_s', 'voiced_ratio', 'rms', 'zcr', 'spectral_centroid_hz', 'tempo_bpm', 'pitch_hz'])
      expect(typeof d.audio[k]).toBe('number');
    expect(d.audio.pitch_hz).toBeGreaterThan(60); // espeak speech
    expect(d.audio.mfcc_mean).toHaveLength(25);
    expect(d.audio.mfcc_std).toHaveLength(25);
    expect(d.video.fps).toBe(24);
    expect(d.video.frame_count).toBe(d.video.frame_entropy.length);
    expect(d.video.selected_frames.length).toBe(10);
    expect(d.prediction.label).toMatch(/anger|disgust|sadness|joy|neutral|surprise|fear/);
    const p = Object.values(d.prediction.probabilities) as number[];
    expect(p).toHaveLength(7);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(d.errors).toEqual([]);
  });

  it('the human summary says when the dev figure is the split C was chosen on', () => {
    const r = runCli(['analyze', path.resolve(__dirname, '../../resources/demo'), '--db', path.join(t.dir, 'human.db'), '-q']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^model version 1: fit on 24 training items, C chosen on the dev split \(10 items\)$/m);
    expect(r.stdout).toMatch(/^dev split \(model 1\): n=10, .* \(the split C was chosen on: optimistic\)$/m);
  });

  it('ablate trains one model per modality combination and scores each on dev', () => {
    const r = runCli(['ablate', '--db', db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.json();
    expect(rows.map((x: { modalities: string[] }) => x.modalities.join('+'))).toEqual([
      'audio',
      'text',
      'video',
      'audio+text',
      'audio+video',
      'text+video',
      'audio+text+video',
    ]);
    for (const x of rows) expect(x).toMatchObject({ split: 'dev', n: 10 });
    expect(new Set(rows.map((x: { model_version: number }) => x.model_version)).size).toBe(7);
  });

  it('evaluate on a split without labelled items says so instead of printing a table of 0% and NaN', () => {
    const r = runCli(['evaluate', '--split', 'test', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/NaN/);
    expect(r.stdout.trim()).toMatch(/^model v\d+ on the test split: n=0, no labelled utterance to score$/);
  });

  it('doctor reports ffmpeg with its source, and ONNX Runtime providers', () => {
    const d = runCli(['doctor', '--db', db, '--json']).json();
    expect(d.ffmpeg.source).toMatch(/setting|ffmpeg-static|@ffmpeg-installer\/ffmpeg|PATH/);
    expect(d.ffmpeg.version).toBeTruthy();
    expect(d.ffmpeg_launch).toBe(process.platform === 'win32' ? 'direct' : 'shell');
    expect(runCli(['doctor', '--db', db, '--json'], { env: { ES_FFMPEG_LAUNCH: 'direct' } }).json().ffmpeg_launch).toBe('direct');
    expect(d.onnxruntime.providers.map((p: { name: string }) => p.name)).toContain('cpu');
    expect(Array.isArray(d.models)).toBe(true);
  });

  it('exits non-zero only when the job cannot run', () => {
    expect(runCli(['list', '--db', path.join(t.dir, 'nope.db')]).code).not.toBe(0);
    expect(runCli(['import', path.join(t.dir, 'no-such-folder'), '--db', db]).code).not.toBe(0);
    expect(runCli(['show', '99999', '--db', db]).code).not.toBe(0);
  });
});
