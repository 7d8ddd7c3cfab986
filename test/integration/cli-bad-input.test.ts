// The whole job on a folder of good and bad clips, through the built CLI with real ffmpeg and a
// real SQLite file: every bad clip gets an error naming the file and the reason, the rest is done.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { emptyFile, makeClip, truncatedCopy } from '../helpers/make-clips';
import { runCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';
import type { UtteranceDetail, UtteranceListing } from '../../src/shared/types';

describe('analyze a folder with bad input', () => {
  const t = tmpDir();
  const corpus = path.join(t.dir, 'corpus');
  const db = path.join(t.dir, 'es.db');
  let rows: UtteranceListing[];
  const byName = (name: string) => rows.find((r) => r.media?.endsWith(name))!;
  const detail = (name: string) => runCli(['show', String(byName(name).id), '--db', db, '--json']).json() as UtteranceDetail;

  beforeAll(async () => {
    const av = {
      durationS: 1.5,
      container: 'mp4' as const,
      video: { w: 160, h: 120, fps: 12 },
      audio: { kind: 'sine' as const, freq: 220 },
    };
    const good = await makeClip(corpus, 'good.mp4', av);
    await makeClip(corpus, 'été 1/dia1 utt2.mp4', av);
    truncatedCopy(good, path.join(corpus, 'truncated.mp4'), 0.5);
    emptyFile(path.join(corpus, 'empty.mp4'));
    await makeClip(corpus, 'no-audio.mp4', { ...av, audio: undefined });
    await makeClip(corpus, 'audio-only.wav', { durationS: 1.5, container: 'wav', audio: { kind: 'sine', freq: 220 } });
    await makeClip(corpus, 'silent.mp4', { ...av, audio: { kind: 'silence' } });
    await makeClip(corpus, 'short.wav', { durationS: 0.02, container: 'wav', audio: { kind: 'sine' } });
    const gone = await makeClip(corpus, 'deleted-later.mp4', av);
    fs.writeFileSync(path.join(corpus, 'not-media.mkv'), 'this is not a matroska file\n'.repeat(50));

    const imp = runCli(['import', corpus, '--db', db, '--json']);
    expect(imp.code, imp.stderr).toBe(0);
    fs.rmSync(gone); // deleted between import and extraction
    const ex = runCli(['extract', '--db', db, '--json']);
    expect(ex.code, ex.stderr).toBe(0);
    // bad files are reported per item, not as Node warnings or stack traces on the terminal
    expect(ex.stderr).not.toMatch(/Warning|at .*\.js:\d+/);
    rows = runCli(['list', '--db', db, '--json']).json();
  });
  afterAll(() => t.cleanup());

  it('processes the good clips fully', () => {
    for (const name of ['good.mp4', 'dia1 utt2.mp4']) {
      expect(byName(name).status).toBe('done');
      const d = detail(name);
      expect(d.audio!.pitch_hz!).toBeGreaterThan(215);
      expect(d.audio!.pitch_hz!).toBeLessThan(225);
      expect(d.audio!.mfcc_mean).toHaveLength(25);
      expect(d.video!.frame_entropy.length).toBeGreaterThan(10);
      expect(d.video!.selected_frames.length).toBeGreaterThan(0);
      expect(d.video!.selected_frames.length).toBeLessThanOrEqual(10);
    }
  });

  it.each([
    ['truncated.mp4', 'error', /moov|truncat/i],
    ['empty.mp4', 'error', /empty|0 bytes/i],
    ['deleted-later.mp4', 'error', /does not exist|no such file/i],
    ['not-media.mkv', 'error', /not a media file|corrupt|invalid/i],
    ['no-audio.mp4', 'partial', /no audio/i],
    ['short.wav', 'error', /shorter than one analysis window/i],
  ])('%s: status %s with an error naming the file and the reason', (name, status, reason) => {
    expect(byName(name).status).toBe(status);
    const errors = detail(name).errors.filter((e) => e.level === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.some((e) => e.file!.endsWith(name) && reason.test(e.message))).toBe(true);
  });

  it('keeps audio-only and silent clips usable, with a warning', () => {
    const wav = detail('audio-only.wav');
    expect(wav.audio).not.toBeNull();
    expect(wav.video).toBeNull();
    expect(wav.errors.map((e) => e.level)).toEqual(['warning']);
    const silent = detail('silent.mp4');
    expect(silent.audio!.pitch_hz).toBeNull();
    expect(silent.audio!.voiced_ratio).toBe(0);
    expect(silent.errors.some((e) => e.level === 'warning' && /silent/.test(e.message))).toBe(true);
  });

  it('never stores NaN or Infinity, and the database is intact', () => {
    const d = new Database(db, { readonly: true });
    for (const r of d.prepare("SELECT data FROM feature WHERE layout = 'dense'").all() as { data: Buffer }[]) {
      const v = new Float32Array(r.data.buffer.slice(r.data.byteOffset, r.data.byteOffset + r.data.byteLength));
      expect(v.every(Number.isFinite)).toBe(true);
    }
    for (const r of d.prepare('SELECT json FROM audio_summary').all() as { json: string }[])
      expect(r.json).not.toMatch(/NaN|Infinity|null,"mfcc/);
    expect(d.pragma('integrity_check', { simple: true })).toBe('ok');
    d.close();
  });

  it('a rerun does no work twice and repeats no error', () => {
    const before = runCli(['list', '--db', db, '--json']).json() as UtteranceListing[];
    const ex = runCli(['extract', '--db', db, '--json']);
    expect(ex.json().media.processed).toBe(0);
    expect(runCli(['list', '--db', db, '--json']).json()).toEqual(before);
  });
});
