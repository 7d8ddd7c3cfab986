// The analysis frames' entropy against the full frame's, on a generated 1280x720 clip with fine detail
// (ffmpeg's mandelbrot source, zooming): the per-frame entropies the extraction stores (frames scaled to
// 320 px wide) stay within a tight bound of the 256-bin entropies of ffmpeg's own full-resolution Y
// planes (the published method's measure). Point sampling (`neighbor`, the default) meets the bound;
// `area` averaging, the old default, smooths the histogram and misses it (checked here, so the bound
// bites). The clip's mean motion (mean |Y - Y_prev|) likewise stays that of the full frames, which area
// averaging lowers. A long recording's segment gets the very entropies of the same frames decoded as a clip.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { clipFfmpeg } from '../helpers/make-clips';
import { tmpDir } from '../helpers/tmp';
import { openDb } from '../../src/main/core/store/db';
import { planImport } from '../../src/main/core/corpus/import-plan';
import { saveImport } from '../../src/main/core/store/corpus-repo';
import { runExtraction } from '../../src/main/core/jobs/extract';
import { probeMedia } from '../../src/main/core/media/probe';
import { decodeClip } from '../../src/main/core/media/decode-clip';
import { decodeRecording, type DecodedSegment } from '../../src/main/core/media/decode-recording';
import { closeLauncher } from '../../src/main/core/media/launcher';

const W = 1280;
const H = 720;
const FPS = 24;
/** mean |stored - full-res| entropy over the frames, bits (neighbor ~0.002, area ~0.05 on this clip) */
const MEAN_BOUND = 0.01;
/** the same, the worst frame */
const MAX_BOUND = 0.02;
/** |stored / full-res - 1| of the clip's mean motion (neighbor ~0.5%; area averages the differences away, ~40% low) */
const MOTION_BOUND = 0.03;

/**
 * 256-bin entropy (bits) of each frame's Y plane, mapped from video range to 0..255 as the app maps it,
 * and the clip's mean motion (mean |Y - Y_prev| x 255 / 219 over frames 1..n-1, frame 0 counting 0).
 */
function fullRes(raw: Buffer): { entropy: number[]; motion: number } {
  const frameBytes = (W * H * 3) / 2;
  const entropy: number[] = [];
  let motion = 0;
  for (let o = 0; o + frameBytes <= raw.length; o += frameBytes) {
    const hist = new Float64Array(256);
    for (let i = 0; i < W * H; i++) hist[Math.max(0, Math.min(255, Math.round(((raw[o + i] - 16) * 255) / 219)))]++;
    let e = 0;
    for (const c of hist) if (c > 0) e -= (c / (W * H)) * Math.log2(c / (W * H));
    entropy.push(e);
    if (o === 0) continue;
    let d = 0;
    for (let i = 0; i < W * H; i++) d += Math.abs(raw[o + i] - raw[o - frameBytes + i]);
    motion += ((d / (W * H)) * 255) / 219;
  }
  return { entropy, motion: motion / entropy.length };
}

const mean = (a: ArrayLike<number>) => Array.from(a).reduce((x, y) => x + y, 0) / a.length;

function gaps(stored: ArrayLike<number>, full: number[]): { mean: number; max: number } {
  let sum = 0;
  let max = 0;
  for (let i = 0; i < full.length; i++) {
    const d = Math.abs(stored[i] - full[i]);
    sum += d;
    max = Math.max(max, d);
  }
  return { mean: sum / full.length, max };
}

describe('analysis frames: entropy close to the full frame', () => {
  const t = tmpDir('es-scale-fid-');
  const clip = path.join(t.dir, 'clips', 'mandel.mp4');
  let full: number[] = [];
  let fullMotion = 0;
  beforeAll(() => {
    execFileSync('mkdir', ['-p', path.dirname(clip)]);
    // 1 s of a zooming Mandelbrot set: smooth gradients and fine edges, ~270 kB
    execFileSync(clipFfmpeg(), [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `mandelbrot=s=${W}x${H}:r=${FPS}`,
      '-t',
      '1',
      '-pix_fmt',
      'yuv420p',
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      clip,
    ]);
    const raw = execFileSync(clipFfmpeg(), ['-v', 'error', '-i', clip, '-an', '-pix_fmt', 'yuv420p', '-f', 'rawvideo', '-'], {
      maxBuffer: 1 << 28,
    });
    ({ entropy: full, motion: fullMotion } = fullRes(raw));
  });
  afterAll(async () => {
    await closeLauncher();
    t.cleanup();
  });

  it('stores per-frame entropies within the bound of the full-resolution ones', async () => {
    expect(full).toHaveLength(FPS);
    const db = openDb(path.join(t.dir, 'fid.db'));
    try {
      for (const b of planImport([path.dirname(clip)], {})) saveImport(db, b);
      const s = await runExtraction(db, { ffmpeg: clipFfmpeg(), workers: 0 });
      expect(s.media).toMatchObject({ processed: 1, failed: 0 });
      const row = db.prepare('SELECT frame_count, entropy, motion FROM frame_entropy').get() as {
        frame_count: number;
        entropy: Buffer;
        motion: Buffer;
      };
      expect(row.frame_count).toBe(FPS);
      const stored = new Float32Array(row.entropy.buffer.slice(row.entropy.byteOffset, row.entropy.byteOffset + row.entropy.byteLength));
      const g = gaps(stored, full);
      expect(g.mean).toBeLessThan(MEAN_BOUND);
      expect(g.max).toBeLessThan(MAX_BOUND);
      const motion = new Float32Array(row.motion.buffer.slice(row.motion.byteOffset, row.motion.byteOffset + row.motion.byteLength));
      expect(Math.abs(mean(motion) / fullMotion - 1)).toBeLessThan(MOTION_BOUND);
    } finally {
      db.close();
    }
  });

  it('the bound bites: area averaging misses it on the same clip', async () => {
    const probe = await probeMedia(clipFfmpeg(), clip);
    const area = await decodeClip(clipFfmpeg(), clip, probe, { audio: false, scaleFlags: 'area' });
    expect(area.video!.width).toBe(320);
    expect(area.video!.frameCount).toBe(FPS);
    expect(gaps(area.video!.entropy, full).mean).toBeGreaterThan(2 * MEAN_BOUND);
    expect(Math.abs(mean(area.video!.motion) / fullMotion - 1)).toBeGreaterThan(3 * MOTION_BOUND);
  });

  it("a long recording's segment gets the entropies of the same frames decoded as a clip", async () => {
    const probe = await probeMedia(clipFfmpeg(), clip);
    const whole = await decodeClip(clipFfmpeg(), clip, probe, { audio: false });
    const got = new Map<number, DecodedSegment>();
    const spans = [
      { id: 1, startS: 0, endS: 1 },
      { id: 2, startS: 0.25, endS: 0.75 },
    ];
    await decodeRecording(clipFfmpeg(), clip, probe, spans, (s) => got.set(s.id, s), {});
    const a = got.get(1)!.video!;
    const b = got.get(2)!.video!;
    expect(a.frameCount).toBe(FPS);
    expect(Array.from(a.entropy)).toEqual(Array.from(whole.video!.entropy));
    expect(Array.from(a.motion)).toEqual(Array.from(whole.video!.motion));
    expect(b.frameCount).toBe(12);
    expect(Array.from(b.entropy)).toEqual(Array.from(whole.video!.entropy.subarray(6, 18)));
  });
});
