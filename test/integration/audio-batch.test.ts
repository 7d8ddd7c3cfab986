// Several clips to one ffmpeg run in audio-only extraction (media/decode-audio-batch.ts decodeAudioBatch,
// jobs/process-media.ts processAudioBatch): the same PCM and probe as the one-clip run, every clip of
// a run with a bad input redone alone (a damaged clip does not fail its neighbours and gets the
// one-clip run's own error), and no output file left behind.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BATCH_MAX_INPUT_BYTES, decodeAudioBatch } from '../../src/main/core/media/decode-audio-batch';
import { decodeUnprobed } from '../../src/main/core/media/decode-clip';
import { closeLauncher, launcherDir } from '../../src/main/core/media/launcher';
import { locateFfmpeg } from '../../src/main/core/media/locate-ffmpeg';
import { processAudioBatch, processMedia, type MediaResult } from '../../src/main/core/jobs/process-media';
import { emptyFile, makeClip, truncatedCopy } from '../helpers/make-clips';
import { tmpDir } from '../helpers/tmp';

const ffmpeg = locateFfmpeg().path;
const AUDIO = { audio: true, video: false };

describe('audio-only batches', () => {
  const t = tmpDir('es-abatch-');
  const good: string[] = [];
  let truncated = '';
  let empty = '';
  let noAudio = '';
  beforeAll(async () => {
    const av = { durationS: 1.5, container: 'mp4' as const, video: { w: 160, h: 120, fps: 12 } };
    good.push(await makeClip(t.dir, 'a.mp4', { ...av, audio: { kind: 'sine', freq: 220 } }));
    good.push(await makeClip(t.dir, 'b.wav', { durationS: 1.2, container: 'wav', audio: { kind: 'sine', freq: 330 } }));
    good.push(await makeClip(t.dir, 'c.m4a', { durationS: 2, container: 'm4a', audio: { kind: 'noise' } }));
    good.push(await makeClip(t.dir, 'd.mkv', { ...av, container: 'mkv', audio: { kind: 'sine', freq: 440 } }));
    truncated = truncatedCopy(good[0], path.join(t.dir, 'truncated.mp4'), 0.5);
    empty = path.join(t.dir, 'empty.mp4');
    emptyFile(empty);
    noAudio = await makeClip(t.dir, 'no-audio.mp4', av);
  }, 120_000);
  afterAll(async () => {
    await closeLauncher();
    t.cleanup();
  });

  it('decodes each clip as its own run does: same PCM bytes and probe; no file left', async () => {
    const batch = await decodeAudioBatch(ffmpeg, good);
    for (let i = 0; i < good.length; i++) {
      const one = await decodeUnprobed(ffmpeg, good[i], { video: false });
      const b = batch[i];
      expect(b, good[i]).not.toBeNull();
      expect(b!.probe).toEqual(one!.probe);
      expect(b!.warnings).toEqual([]);
      expect(b!.pcm!.length).toBeGreaterThan(10_000);
      expect(Buffer.from(b!.pcm!.buffer).equals(Buffer.from(one!.pcm!.buffer))).toBe(true);
    }
    expect(fs.readdirSync(launcherDir()!).filter((f) => f.startsWith('pcm-'))).toEqual([]);
  });

  it('a file over the size limit is left out of the run (null), the others decoded', async () => {
    const big = path.join(t.dir, 'big.m4a');
    fs.copyFileSync(good[2], big);
    fs.truncateSync(big, BATCH_MAX_INPUT_BYTES + 1); // sparse zeros after the last atom
    const got = await decodeAudioBatch(ffmpeg, [good[0], big, good[2]]);
    expect(got.map((d) => d !== null)).toEqual([true, false, true]);
    const r: MediaResult[] = [];
    await processAudioBatch(ffmpeg, [{ id: 1, file: big }], (x) => r.push(x));
    expect(r[0].audio).toEqual((await processMedia(ffmpeg, 1, big, undefined, AUDIO)).audio);
    expect(r[0].audio).not.toBeNull();
  });

  it('a bad input among good ones: null for every clip of that run', async () => {
    for (const bad of [truncated, empty, noAudio, path.join(t.dir, 'missing.mp4')]) {
      expect(await decodeAudioBatch(ffmpeg, [good[0], bad, good[1]]), bad).toEqual([null, null, null]);
    }
    expect(fs.readdirSync(launcherDir()!).filter((f) => f.startsWith('pcm-'))).toEqual([]);
  });

  it('processAudioBatch: each clip gets the result of processMedia, bad ones their own error', async () => {
    const clips = [good[0], truncated, good[1], empty, noAudio, good[2], good[3]].map((file, i) => ({ id: i + 1, file }));
    const got: MediaResult[] = [];
    await processAudioBatch(ffmpeg, clips, (r) => got.push(r));
    expect(got.map((r) => r.utteranceId)).toEqual(clips.map((c) => c.id));
    for (const c of clips) {
      const one = await processMedia(ffmpeg, c.id, c.file, undefined, AUDIO);
      const r = got.find((x) => x.utteranceId === c.id)!;
      expect(r.errors, c.file).toEqual(one.errors);
      expect(r.failed).toBe(one.failed);
      expect(r.probe).toEqual(one.probe);
      expect(r.audio).toEqual(one.audio);
      expect(r.audioVector && Buffer.from(r.audioVector.buffer)).toEqual(one.audioVector && Buffer.from(one.audioVector.buffer));
    }
    // the good clips decoded in one run, the bad ones named with their reason
    expect(got.filter((r) => r.audio)).toHaveLength(4);
    expect(got.find((r) => r.file === truncated)!.errors.some((e) => e.level === 'error' && /moov|truncat/i.test(e.message))).toBe(true);
    expect(got.find((r) => r.file === noAudio)!.errors.some((e) => /no audio/i.test(e.message))).toBe(true);
  });

  it('processAudioBatch: good clips take one ffmpeg run in all', async () => {
    const log = path.join(t.dir, 'runs.log');
    const wrapper = path.join(t.dir, 'ff.sh');
    fs.writeFileSync(wrapper, `#!/bin/sh\necho run >> '${log}'\nexec '${ffmpeg}' "$@"\n`, { mode: 0o755 });
    const got: MediaResult[] = [];
    await processAudioBatch(
      wrapper,
      good.map((file, i) => ({ id: i + 1, file })),
      (r) => got.push(r),
    );
    expect(got.filter((r) => r.audio && r.errors.length === 0)).toHaveLength(good.length);
    expect(fs.readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('an abort kills the run and rejects', async () => {
    const c = new AbortController();
    const p = processAudioBatch(
      ffmpeg,
      good.map((file, i) => ({ id: i + 1, file })),
      () => {},
      c.signal,
    );
    c.abort();
    await expect(p).rejects.toThrow(/abort/i);
  });
});
