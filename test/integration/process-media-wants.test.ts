// processMedia with `extract --modalities`: audio-only (or video-only) work is one ffmpeg run per
// clip, decodes no stream it was not asked for, and gives the same values as the full pass.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processMedia } from '../../src/main/core/jobs/process-media';
import { closeLauncher } from '../../src/main/core/media/launcher';
import { locateFfmpeg } from '../../src/main/core/media';
import { hasEspeak, makeClip, meldLikeSpec } from '../helpers/make-clips';
import { tmpDir } from '../helpers/tmp';

const ffmpeg = locateFfmpeg().path;
const { dir, cleanup } = tmpDir('es-wants-');
let mp4 = '';
let wav = '';
// a wrapper that logs each run's arguments (one line per run) and then is the real ffmpeg
const wrapper = path.join(dir, 'ffmpeg-logged');
const log = path.join(dir, 'runs.log');

beforeAll(async () => {
  mp4 = await makeClip(dir, 'clip.mp4', hasEspeak() ? meldLikeSpec(2) : { ...meldLikeSpec(2), audio: { kind: 'sine' } });
  wav = await makeClip(dir, 'speech.wav', { durationS: 1.5, container: 'wav', audio: { kind: 'sine', freq: 220 } });
  fs.writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> '${log}'\nexec '${ffmpeg}' "$@"\n`, { mode: 0o755 });
});
afterAll(async () => {
  await closeLauncher();
  cleanup();
});

const runs = () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : []);

describe('processMedia and the streams asked for', () => {
  it('audio only: one ffmpeg run mapping no video, the same audio values as the full pass', async () => {
    fs.rmSync(log, { force: true });
    const audio = await processMedia(wrapper, 1, mp4, undefined, { audio: true, video: false });
    expect(runs()).toHaveLength(1);
    expect(runs()[0]).not.toMatch(/pipe:4|rawvideo|-vf /);
    expect(audio.video).toBeNull();
    expect(audio.errors).toEqual([]);
    const full = await processMedia(ffmpeg, 1, mp4);
    expect(Array.from(audio.audioVector!)).toEqual(Array.from(full.audioVector!));
    expect(audio.probe).toEqual(full.probe);
  });

  it('audio only on a wav: one run too', async () => {
    fs.rmSync(log, { force: true });
    const r = await processMedia(wrapper, 2, wav, undefined, { audio: true, video: false });
    expect(runs()).toHaveLength(1);
    expect(r.audio).not.toBeNull();
    expect(r.errors).toEqual([]);
  });

  it('video only: one run mapping no audio, the same frame statistics as the full pass', async () => {
    fs.rmSync(log, { force: true });
    const video = await processMedia(wrapper, 3, mp4, undefined, { audio: false, video: true });
    expect(runs()).toHaveLength(1);
    expect(runs()[0]).not.toMatch(/pipe:3|pcm_f32le/);
    expect(video.audio).toBeNull();
    const full = await processMedia(ffmpeg, 3, mp4);
    expect(Array.from(video.video!.entropy)).toEqual(Array.from(full.video!.entropy));
    expect(video.video!.selected).toEqual(full.video!.selected);
  });
});
