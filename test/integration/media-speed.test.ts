// Measures probe + decodeClip (audio PCM, per-frame entropy, selection, thumbnails) on a MELD-like
// clip: 3.6 s, 1280x720, 24 fps h264 + aac 48 kHz stereo. Prints the numbers; the assertion is
// deliberately loose (shared CI machines), the printed figures are what to look at.
import fs from 'node:fs';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeClip, locateFfmpeg, probeMedia, type DecodeOptions } from '../../src/main/core/media';
import { hasEspeak, makeClip, meldLikeSpec } from '../helpers/make-clips';
import { tmpDir } from '../helpers/tmp';

const ffmpeg = locateFfmpeg();
const { dir, cleanup } = tmpDir('es-speed-');
afterAll(cleanup);
let clip = '';

beforeAll(async () => {
  const spec = meldLikeSpec(3.6);
  if (!hasEspeak()) spec.audio = { kind: 'sine' };
  clip = await makeClip(dir, 'dia0_utt0.mp4', spec);
});

/** CPU seconds of this process and of its waited-for children (ffmpeg), from /proc (Linux). */
function cpu(): { self: number; children: number } {
  const u = process.cpuUsage();
  let children = 0;
  try {
    const f = fs.readFileSync('/proc/self/stat', 'utf8');
    const parts = f.slice(f.lastIndexOf(')') + 2).split(' ');
    children = (Number(parts[13]) + Number(parts[14])) / 100; // cutime + cstime, in USER_HZ (100)
  } catch {
    /* not Linux: children unknown */
  }
  return { self: (u.user + u.system) / 1e6, children };
}

async function one(opts?: DecodeOptions) {
  const probe = await probeMedia(ffmpeg.path, clip);
  return decodeClip(ffmpeg.path, clip, probe, opts);
}

async function measure(n: number, lanes: number, opts?: DecodeOptions) {
  await one(opts); // warm up JIT and file cache
  const c0 = cpu();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: lanes }, async () => {
    while (next++ < n) await one(opts);
  }));
  const wall = performance.now() - t0;
  const c1 = cpu();
  return {
    wallMsPerClip: wall / n,
    clipsPerS: (n * 1000) / wall,
    nodeCpuMsPerClip: ((c1.self - c0.self) * 1000) / n,
    ffmpegCpuMsPerClip: ((c1.children - c0.children) * 1000) / n,
  };
}

describe('decode speed (MELD-like clip)', () => {
  it('probe + decode + entropy + selection + thumbnails per clip', async () => {
    const d = await one();
    expect(d.video!.frameCount).toBeGreaterThan(80);
    const rows: Record<string, ReturnType<typeof measure> extends Promise<infer R> ? R : never> = {};
    rows['1 lane'] = await measure(8, 1);
    rows['1 lane, fastDecode'] = await measure(8, 1, { fastDecode: true });
    rows['2 lanes'] = await measure(10, 2);
    const fmt = (x: number) => x.toFixed(1);
    console.log(`ffmpeg ${ffmpeg.version} (${ffmpeg.source}); ${os.cpus().length} CPUs (${os.cpus()[0]?.model}); load ${os.loadavg().map(fmt).join(' ')}`);
    for (const [k, r] of Object.entries(rows)) {
      console.log(`${k.padEnd(20)} wall ${fmt(r.wallMsPerClip)} ms/clip (${fmt(r.clipsPerS)} clips/s); CPU per clip: node ${fmt(r.nodeCpuMsPerClip)} ms + ffmpeg ${fmt(r.ffmpegCpuMsPerClip)} ms`);
    }
    expect(rows['1 lane'].wallMsPerClip).toBeLessThan(5000);
  });
});
