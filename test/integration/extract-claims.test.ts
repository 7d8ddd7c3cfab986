// Two extractors on one database (issue 14 item 10): an in-process run (as serve's job) and a CLI
// `extract` share the clips through work claims: every clip is decoded by exactly one of them, and
// the CLI records its run as a job row. No timing: the in-process run's first decode waits (its ffmpeg
// is a wrapper that waits for a gate file) until the CLI has stored two clips.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { makeClip } from '../helpers/make-clips';
import { runCli, runCliAsync } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';
import { writeTinyModels } from '../helpers/tiny-encoders';
import { openDb } from '../../src/main/core/store/db';
import { runExtraction } from '../../src/main/core/jobs/extract';
import { locateFfmpeg } from '../../src/main/core/media/locate-ffmpeg';

const N = 12;

/** An ffmpeg that logs each input file (-i) to `log` (with `all`: its whole command line), waits for
 * `gate` when given, then runs the real one. */
function wrapper(file: string, log: string, gate: string | null, all = false): string {
  const real = locateFfmpeg().path;
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  fs.writeFileSync(
    file,
    [
      '#!/bin/sh',
      'prev=',
      all
        ? `printf '%s\\n' "$*" >> ${q(log)}`
        : `for a in "$@"; do [ "$prev" = "-i" ] && printf '%s\\n' "$a" >> ${q(log)}; prev="$a"; done`,
      gate ? `while [ ! -e ${q(gate)} ]; do sleep 0.05; done` : '',
      `exec ${q(real)} "$@"`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return file;
}

function count(db: string, sql: string): number {
  const d = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return (d.prepare(sql).get() as { n: number }).n;
  } finally {
    d.close();
  }
}

async function until(pred: () => boolean, what: string, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const lines = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8').split('\n').filter(Boolean) : []);

describe('two extractors on one database', () => {
  const t = tmpDir('es-claims-x-');
  const corpus = path.join(t.dir, 'clips');
  const db = path.join(t.dir, 'two.db');
  beforeAll(async () => {
    const first = await makeClip(corpus, 'c00.mp4', {
      durationS: 1,
      container: 'mp4',
      video: { w: 160, h: 120, fps: 12 },
      audio: { kind: 'sine', freq: 220 },
    });
    for (let i = 1; i < N; i++) fs.copyFileSync(first, path.join(corpus, `c${String(i).padStart(2, '0')}.mp4`));
    const r = runCli(['import', corpus, '--db', db, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);
  afterAll(() => t.cleanup());

  it('share the clips: each is decoded by one of them, N in all; the CLI run is a job row', { timeout: 300_000 }, async () => {
    const gate = path.join(t.dir, 'gate');
    const logA = path.join(t.dir, 'a.log');
    const logB = path.join(t.dir, 'b.log');
    const ffA = wrapper(path.join(t.dir, 'ffmpeg-a.sh'), logA, gate);
    const ffB = wrapper(path.join(t.dir, 'ffmpeg-b.sh'), logB, null);

    // A: in this process, one worker; its first clip waits at the gate while it holds the claim
    const conn = openDb(db);
    const a = runExtraction(conn, { ffmpeg: ffA, workers: 1 });
    await until(() => lines(logA).length > 0, 'the in-process run to start its first clip');
    expect(count(db, 'SELECT COUNT(*) n FROM work_claim')).toBe(1);
    // B: the CLI, started while A holds its claim
    const b = runCliAsync(['extract', '--db', db, '--ffmpeg', ffB, '--workers', '1', '--quiet', '--json']);
    await until(() => count(db, "SELECT COUNT(*) n FROM stage_status WHERE stage = 'media'") >= 2, 'the CLI to store two clips');
    fs.writeFileSync(gate, '');
    const [sa, rb] = await Promise.all([a, b]);
    conn.close();
    expect(rb.code, rb.stderr).toBe(0);
    const sb = rb.json();

    // each clip decoded by exactly one extractor
    const byA = new Set(lines(logA));
    const byB = new Set(lines(logB));
    expect([...byA].filter((f) => byB.has(f))).toEqual([]);
    expect(byA.size + byB.size).toBe(N);
    expect(sa.media.processed + sb.media.processed).toBe(N);
    expect(sa.media.processed).toBe(byA.size);
    expect(sb.media.processed).toBe(byB.size);
    expect(sa.media.processed).toBeGreaterThanOrEqual(1);
    expect(sb.media.processed).toBeGreaterThanOrEqual(2);
    expect(count(db, "SELECT COUNT(*) n FROM stage_status WHERE stage = 'media' AND status = 'done'")).toBe(N);
    expect(count(db, 'SELECT COUNT(*) n FROM work_claim')).toBe(0);

    // the CLI's run is a stored job, as `train` is
    const d = new Database(db, { readonly: true });
    const jobs = d.prepare("SELECT kind, status, params, result, progress FROM job WHERE kind = 'extract'").all() as {
      status: string;
      result: string;
      progress: string | null;
    }[];
    d.close();
    expect(jobs).toHaveLength(1);
    expect(jobs[0].status).toBe('done');
    expect(JSON.parse(jobs[0].result).media.processed).toBe(sb.media.processed);
  });

  it('share the pretrained encoders items too: each clip embedded by one of them', { timeout: 300_000 }, async () => {
    const db2 = path.join(t.dir, 'enc.db');
    const data = path.join(t.dir, 'data');
    expect(runCli(['import', corpus, '--db', db2, '--quiet']).code).toBe(0);
    // the media stage first, with no model installed; then the tiny wav2vec2 and ResNet-50
    const first = runCli(['extract', '--db', db2, '--data-dir', data, '--quiet', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const tiny = writeTinyModels(path.join(t.dir, 'mirror'));
    for (const [file, name] of [
      [tiny.wav2vec2, 'wav2vec2-base-960h'],
      [tiny.resnet, 'resnet-50'],
    ]) {
      const imp = runCli(['models', 'import', file, '--as', name, '--data-dir', data]);
      expect(imp.code, imp.stderr).toBe(0);
    }
    const gate = path.join(t.dir, 'gate2');
    const logA = path.join(t.dir, 'enc-a.log');
    const logB = path.join(t.dir, 'enc-b.log');
    const ffA = wrapper(path.join(t.dir, 'ffmpeg-enc-a.sh'), logA, gate, true);
    const ffB = wrapper(path.join(t.dir, 'ffmpeg-enc-b.sh'), logB, null, true);
    const embedded = () => count(db2, "SELECT COUNT(DISTINCT utterance_id) n FROM feature WHERE kind = 'audio.embedding'");

    const conn = openDb(db2);
    const a = runExtraction(conn, { ffmpeg: ffA, workers: 1, dataDir: data, device: 'cpu' });
    await until(() => lines(logA).length > 0, 'the in-process run to start its first wav2vec2 decode');
    const b = runCliAsync([
      'extract',
      '--db',
      db2,
      '--data-dir',
      data,
      '--device',
      'cpu',
      '--ffmpeg',
      ffB,
      '--workers',
      '1',
      '--quiet',
      '--json',
    ]);
    await until(() => embedded() >= 2, 'the CLI to store two wav2vec2 embeddings');
    fs.writeFileSync(gate, '');
    const [sa, rb] = await Promise.all([a, b]);
    conn.close();
    expect(rb.code, rb.stderr).toBe(0);
    const sb = rb.json();

    // per encoder: the clips decoded for it by A and by B are disjoint and cover the corpus
    // (lines naming no clip are ffmpeg -version and the like)
    const clips = (log: string, audio: boolean) =>
      new Set(
        lines(log)
          .filter((l) => l.includes('-ar 16000') === audio)
          .flatMap((l) => /c\d\d\.mp4/.exec(l)?.[0] ?? []),
      );
    for (const audio of [true, false]) {
      const byA = clips(logA, audio);
      const byB = clips(logB, audio);
      expect(
        [...byA].filter((f) => byB.has(f)),
        audio ? 'wav2vec2' : 'resnet',
      ).toEqual([]);
      expect(byA.size + byB.size, audio ? 'wav2vec2' : 'resnet').toBe(N);
    }
    const encoded = (s: { encoders?: { model: string; encoded: number }[] }, model: string) =>
      s.encoders?.find((e) => e.model === model)?.encoded ?? 0;
    for (const m of ['wav2vec2-base-960h', 'resnet-50']) expect(encoded(sa, m) + encoded(sb, m), m).toBe(N);
    expect(encoded(sb, 'wav2vec2-base-960h')).toBeGreaterThanOrEqual(2);
    expect(embedded()).toBe(N);
    expect(count(db2, "SELECT COUNT(DISTINCT utterance_id) n FROM feature WHERE kind = 'video.embedding'")).toBe(N);
    expect(count(db2, 'SELECT COUNT(*) n FROM work_claim')).toBe(0);
  });
});
