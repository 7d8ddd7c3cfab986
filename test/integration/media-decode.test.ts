// probeMedia + decodeClip with the real ffmpeg on generated clips.
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  MediaError,
  decodeClip,
  decodeUnprobed,
  locateFfmpeg,
  probeMedia,
  type DecodedClip,
  type ProbeInfo,
} from '../../src/main/core/media';
import { defaultMinSpacing } from '../../src/main/core/features/video/select-frames';
import { clipFfmpeg, emptyFile, hasEspeak, makeClip, meldLikeSpec, truncatedCopy } from '../helpers/make-clips';
import { tmpDir } from '../helpers/tmp';

const ffmpeg = locateFfmpeg().path;
const { dir, cleanup } = tmpDir('es-media-');
afterAll(cleanup);

const clips: Record<string, string> = {};

beforeAll(async () => {
  const speech = hasEspeak();
  const jobs: [string, Promise<string>][] = [
    [
      'normal',
      makeClip(dir, 'normal.mp4', {
        durationS: 2,
        container: 'mp4',
        video: { w: 640, h: 360, fps: 25 },
        audio: { kind: 'sine', freq: 440 },
      }),
    ],
    ['meld', makeClip(dir, 'meld.mp4', speech ? meldLikeSpec(2) : { ...meldLikeSpec(2), audio: { kind: 'sine' } })],
    [
      'faststart',
      makeClip(dir, 'faststart.mp4', {
        durationS: 3,
        container: 'mp4',
        video: { w: 320, h: 180, fps: 24 },
        audio: { kind: 'sine' },
        faststart: true,
      }),
    ],
    [
      'videoOnly',
      makeClip(dir, 'video only.mkv', { durationS: 1, container: 'mkv', video: { w: 320, h: 240, fps: 30, pattern: 'noise' } }),
    ],
    ['wav', makeClip(dir, 'speech.wav', { durationS: 1.5, container: 'wav', audio: speech ? { kind: 'speech' } : { kind: 'sine' } })],
    ['m4a', makeClip(dir, 'tone.m4a', { durationS: 1, container: 'm4a', audio: { kind: 'sine', freq: 300 } })],
    [
      'silent',
      makeClip(dir, 'silent.mp4', {
        durationS: 1,
        container: 'mp4',
        video: { w: 160, h: 120, fps: 24, pattern: 'color', color: 'red' },
        audio: { kind: 'silence' },
      }),
    ],
    ['tiny', makeClip(dir, 'tiny.mp4', { durationS: 0.02, container: 'mp4', video: { w: 64, h: 48, fps: 24 }, audio: { kind: 'sine' } })],
    [
      'unicode',
      makeClip(dir, 'clips/été 1/dia1 utt2.mp4', {
        durationS: 1,
        container: 'mp4',
        video: { w: 320, h: 240, fps: 24 },
        audio: { kind: 'sine' },
      }),
    ],
    [
      'colon',
      makeClip(dir, 'clips/take:2 [final].mp4', {
        durationS: 0.5,
        container: 'mp4',
        video: { w: 96, h: 64, fps: 24 },
        audio: { kind: 'sine' },
      }),
    ],
    ['noise', makeClip(dir, 'noise.mkv', { durationS: 2, container: 'mkv', video: { w: 320, h: 240, fps: 24, pattern: 'noise' } })],
    ['long', makeClip(dir, 'long.mp4', { durationS: 20, container: 'mp4', video: { w: 160, h: 90, fps: 24 }, audio: { kind: 'sine' } })],
  ];
  for (const [k, p] of jobs) clips[k] = await p;
  clips.truncated = truncatedCopy(clips.normal, path.join(dir, 'truncated.mp4'), 0.5);
  clips.truncatedFaststart = truncatedCopy(clips.faststart, path.join(dir, 'truncated faststart.mp4'), 0.5);
  clips.empty = emptyFile(path.join(dir, 'empty.mp4'));
  clips.text = path.join(dir, 'notes.mp4');
  fs.writeFileSync(clips.text, 'this is not a video\n'.repeat(50));
  clips.subtitles = path.join(dir, 'subs.srt');
  fs.writeFileSync(clips.subtitles, '1\n00:00:00,000 --> 00:00:01,000\nhello\n');
});

async function probeAndDecode(file: string, opts?: Parameters<typeof decodeClip>[3]): Promise<DecodedClip> {
  const probe = await probeMedia(ffmpeg, file);
  return decodeClip(ffmpeg, file, probe, opts);
}

function expectValidPngs(d: DecodedClip, maxWidth = 160) {
  const v = d.video!;
  expect(v.thumbnails.map((t) => t.frame)).toEqual(v.selected);
  for (const t of v.thumbnails) {
    const img = PNG.sync.read(t.png);
    expect(img.width).toBeLessThanOrEqual(maxWidth);
    expect(img.width).toBeGreaterThan(0);
    expect(img.height).toBeGreaterThan(0);
  }
}

async function rejection(p: Promise<unknown>): Promise<MediaError> {
  try {
    await p;
  } catch (e) {
    return e as MediaError;
  }
  throw new Error('expected a rejection');
}

describe('probeMedia', () => {
  it('reports duration and both streams of an mp4', async () => {
    const p = await probeMedia(ffmpeg, clips.normal);
    expect(p.durationS).toBeGreaterThan(1.9);
    expect(p.durationS).toBeLessThan(2.2);
    expect(p.video).toMatchObject({ width: 640, height: 360, fps: 25, codec: 'h264' });
    expect(p.audio).toMatchObject({ sampleRate: 48000, channels: 2, codec: 'aac' });
  });

  it('audio-only and video-only files', async () => {
    expect((await probeMedia(ffmpeg, clips.wav)).video).toBeNull();
    expect((await probeMedia(ffmpeg, clips.m4a)).audio).toMatchObject({ codec: 'aac', channels: 1 });
    expect((await probeMedia(ffmpeg, clips.videoOnly)).audio).toBeNull();
  });

  it('errors name the file and the reason', async () => {
    const cases: [string, RegExp][] = [
      [clips.empty, /empty file \(0 bytes\)/],
      [clips.truncated, /truncated or incomplete MP4 \(moov atom not found\)/],
      [clips.text, /not a media file, or corrupt/],
      [clips.subtitles, /no audio and no video stream/],
      [path.join(dir, 'missing', 'dia9_utt9.mp4'), /file does not exist/],
      [dir, /is a directory, not a media file/],
    ];
    for (const [file, reason] of cases) {
      const e = await rejection(probeMedia(ffmpeg, file));
      expect(e).toBeInstanceOf(MediaError);
      expect(e.file).toBe(file);
      expect(e.reason).toMatch(reason);
      expect(e.message).toContain(file);
      expect(e.message).toMatch(reason);
    }
  });

  it('an unreadable file (chmod 000) is reported as permission denied', async (ctx) => {
    const file = path.join(dir, 'locked.mp4');
    fs.copyFileSync(clips.tiny, file);
    fs.chmodSync(file, 0o000);
    try {
      let readable = false;
      try {
        fs.closeSync(fs.openSync(file, 'r'));
        readable = true;
      } catch {
        /* expected for non-root users */
      }
      // root (CAP_DAC_OVERRIDE) reads mode-000 files anyway: nothing to test then; the missing
      // file and directory cases above cover the other unreadable paths
      if (readable) ctx.skip('running as root: a chmod 000 file is still readable, EACCES cannot be produced');
      const e = await rejection(probeMedia(ffmpeg, file));
      expect(e).toBeInstanceOf(MediaError);
      expect(e.message).toBe(`${file}: permission denied (file is not readable)`);
    } finally {
      fs.chmodSync(file, 0o644);
    }
  });

  it('EACCES from the file system maps to "permission denied" (simulated, as root cannot get EACCES)', async () => {
    const file = path.join(dir, 'simulated-locked.mp4');
    fs.copyFileSync(clips.tiny, file);
    const spy = vi.spyOn(fs, 'openSync').mockImplementation(() => {
      throw Object.assign(new Error(`EACCES: permission denied, open '${file}'`), { code: 'EACCES' });
    });
    try {
      const e = await rejection(probeMedia(ffmpeg, file));
      expect(e).toBeInstanceOf(MediaError);
      expect(e.message).toBe(`${file}: permission denied (file is not readable)`);
    } finally {
      spy.mockRestore();
    }
  });

  it('a path below a regular file (ENOTDIR) does not exist', async () => {
    const e = await rejection(probeMedia(ffmpeg, path.join(clips.text, 'inner.mp4')));
    expect(e.reason).toBe('file does not exist');
  });

  it('a missing ffmpeg is a plain error naming it', async () => {
    await expect(probeMedia(path.join(dir, 'no-ffmpeg'), clips.normal)).rejects.toThrow(/cannot run ffmpeg \(.*no-ffmpeg\)/);
  });
});

describe('decodeClip', () => {
  it('decodes a normal mp4: 16 kHz mono PCM, every frame, at most 10 selected frames with PNG thumbnails', async () => {
    const d = await probeAndDecode(clips.normal);
    expect(d.warnings).toEqual([]);
    const dur = d.probe.durationS;
    expect(Math.abs(d.pcm!.length - 2 * 16000)).toBeLessThan(16000 * 0.05);
    expect(Math.abs(d.pcm!.length - dur * 16000)).toBeLessThan(16000 * 0.05);
    // 0.5 sine duplicated into stereo: the mono mix is the channel mean, so the peak stays 0.5
    let peak = 0;
    for (const x of d.pcm!) peak = Math.max(peak, Math.abs(x));
    expect(peak).toBeGreaterThan(0.45);
    expect(peak).toBeLessThan(0.56);
    const v = d.video!;
    expect(v.fps).toBe(25);
    expect(v.width).toBe(320);
    expect(v.height).toBe(180);
    expect(Math.abs(v.frameCount - 50)).toBeLessThanOrEqual(2);
    expect(v.entropy).toHaveLength(v.frameCount);
    expect(v.motion).toHaveLength(v.frameCount);
    expect(v.luma).toHaveLength(v.frameCount);
    for (const e of v.entropy) {
      expect(e).toBeGreaterThan(2);
      expect(e).toBeLessThanOrEqual(8);
    }
    expect(v.motion[0]).toBe(0);
    expect(Math.max(...v.motion)).toBeGreaterThan(0); // testsrc2 moves
    expect(v.selected.length).toBeGreaterThan(0);
    expect(v.selected.length).toBeLessThanOrEqual(10);
    const spacing = defaultMinSpacing(v.frameCount, 10);
    for (let i = 1; i < v.selected.length; i++) expect(v.selected[i] - v.selected[i - 1]).toBeGreaterThanOrEqual(spacing);
    expectValidPngs(d);
    expect(PNG.sync.read(v.thumbnails[0].png).width).toBe(160);
  });

  it('decodes a MELD-like 1280x720 clip (speech audio) to 320x180 frames', async () => {
    const d = await probeAndDecode(clips.meld);
    expect(d.warnings).toEqual([]);
    expect(d.video!.width).toBe(320);
    expect(d.video!.height).toBe(180);
    expect(Math.abs(d.video!.frameCount - 48)).toBeLessThanOrEqual(2);
    let energy = 0;
    for (const x of d.pcm!) energy += x * x;
    expect(Math.sqrt(energy / d.pcm!.length)).toBeGreaterThan(0.005); // not silent
    expectValidPngs(d);
  });

  it('a truncated mp4 (first half of the bytes, index at the end) is a MediaError', async () => {
    const e = await rejection(probeAndDecode(clips.truncated));
    expect(e).toBeInstanceOf(MediaError);
    expect(e.message).toBe(`${clips.truncated}: truncated or incomplete MP4 (moov atom not found)`);
  });

  it('a truncated mp4 whose index survives gives what was decoded plus warnings', async () => {
    const d = await probeAndDecode(clips.truncatedFaststart);
    expect(d.pcm!.length).toBeGreaterThan(0);
    expect(d.pcm!.length).toBeLessThan(d.probe.durationS * 16000 * 0.9);
    expect(d.video!.frameCount).toBeGreaterThan(0);
    expect(d.video!.frameCount).toBeLessThan(d.probe.durationS * 24 * 0.9);
    expect(d.warnings.join('\n')).toMatch(/audio ends early: [\d.]+ s decoded of [\d.]+ s/);
    expect(d.warnings.join('\n')).toMatch(/video ends early: \d+ frames decoded of about \d+/);
    expectValidPngs(d);
  });

  it('a zero-byte file is a MediaError', async () => {
    const fake: ProbeInfo = { durationS: 1, audio: { sampleRate: 48000, channels: 1, codec: 'aac', index: 0 }, video: null };
    const e = await rejection(decodeClip(ffmpeg, clips.empty, fake));
    expect(e).toBeInstanceOf(MediaError);
    expect(e.message).toBe(`${clips.empty}: empty file (0 bytes)`);
  });

  it('video with no audio track: pcm is null', async () => {
    const d = await probeAndDecode(clips.videoOnly);
    expect(d.pcm).toBeNull();
    expect(d.video!.frameCount).toBe(30);
    expect(d.video!.fps).toBe(30);
    // noise frames: high entropy
    expect(Math.min(...d.video!.entropy)).toBeGreaterThan(6);
    expectValidPngs(d);
  });

  it('audio only (wav, m4a): video is null', async () => {
    const wav = await probeAndDecode(clips.wav);
    expect(wav.video).toBeNull();
    expect(Math.abs(wav.pcm!.length - 1.5 * 16000)).toBeLessThan(400);
    const m4a = await probeAndDecode(clips.m4a);
    expect(m4a.video).toBeNull();
    expect(Math.abs(m4a.pcm!.length - 16000)).toBeLessThan(800);
    expect(m4a.warnings).toEqual([]);
  });

  it('silent audio decodes to zeros; a flat red frame has entropy 0 and no motion', async () => {
    const d = await probeAndDecode(clips.silent);
    expect(d.pcm!.length).toBeGreaterThan(15000);
    let peak = 0;
    for (const x of d.pcm!) peak = Math.max(peak, Math.abs(x));
    expect(peak).toBeLessThan(1e-6);
    const v = d.video!;
    expect(v.frameCount).toBe(24);
    for (const e of v.entropy) expect(e).toBe(0);
    for (const m of v.motion) expect(m).toBeCloseTo(0, 6);
    // BT.601 luma of pure red is ~76 (0.299 * 255)
    expect(v.luma[0]).toBeGreaterThan(70);
    expect(v.luma[0]).toBeLessThan(84);
    // the thumbnail is red
    const img = PNG.sync.read(v.thumbnails[0].png);
    expect(img.data[0]).toBeGreaterThan(230);
    expect(img.data[1]).toBeLessThan(30);
    expect(img.data[2]).toBeLessThan(30);
  });

  it('a clip shorter than 25 ms decodes without error', async () => {
    const d = await probeAndDecode(clips.tiny);
    expect(d.probe.durationS).toBeLessThan(0.1);
    expect(d.pcm!.length).toBeGreaterThan(0);
    expect(d.pcm!.length).toBeLessThan(0.1 * 16000);
    expect(d.video!.frameCount).toBeGreaterThanOrEqual(1);
    expect(d.video!.frameCount).toBeLessThanOrEqual(2);
    expect(d.video!.selected.length).toBe(d.video!.frameCount);
    expectValidPngs(d);
  });

  it('paths with spaces, non-ASCII characters, colons and brackets', async () => {
    expect(clips.unicode).toContain(path.join('clips', 'été 1', 'dia1 utt2.mp4'));
    const d = await probeAndDecode(clips.unicode);
    expect(d.warnings).toEqual([]);
    expect(d.video!.frameCount).toBe(24);
    expect(d.pcm!.length).toBeGreaterThan(15000);
    const c = await probeAndDecode(clips.colon);
    expect(c.video!.frameCount).toBe(12);
    // errors carry such paths unchanged
    const missing = path.join(dir, 'clips', 'été 1', 'dia1 utt3.mp4');
    const e = await rejection(probeAndDecode(missing));
    expect(e.message).toBe(`${missing}: file does not exist`);
  });

  it('surfaces the last ffmpeg stderr line when ffmpeg fails and nothing was decoded', async () => {
    const probe = await probeMedia(ffmpeg, clips.normal);
    const broken: ProbeInfo = { ...probe, audio: { ...probe.audio!, index: 7 }, video: null };
    const e = await rejection(decodeClip(ffmpeg, clips.normal, broken));
    expect(e).toBeInstanceOf(MediaError);
    expect(e.file).toBe(clips.normal);
    expect(e.reason).toMatch(/^decoding failed: Stream map '0:7' matches no streams/);
  });

  it('long clips: thumbnails beyond the memory budget come from a second pass on the same frames', async () => {
    const probe = await probeMedia(ffmpeg, clips.noise);
    const inMemory = await decodeClip(ffmpeg, clips.noise, probe);
    const twoPass = await decodeClip(ffmpeg, clips.noise, probe, { thumbnailBudgetBytes: 3 * 43200 });
    expect(twoPass.warnings).toEqual([]);
    expect(twoPass.video!.selected).toEqual(inMemory.video!.selected);
    expectValidPngs(twoPass);
    const px = (png: Buffer) => PNG.sync.read(png).data;
    const diff = (a: Buffer, b: Buffer) => {
      let s = 0;
      for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
      return s / a.length;
    };
    const a = inMemory.video!.thumbnails.map((t) => px(t.png));
    const b = twoPass.video!.thumbnails.map((t) => px(t.png));
    // each second-pass thumbnail is closest to the in-memory thumbnail of the same frame index
    // (the two differ a little: ffmpeg scales and converts colour its own way)
    for (let i = 0; i < b.length; i++) {
      const dists = a.map((ai) => diff(ai, b[i]));
      expect(dists.indexOf(Math.min(...dists))).toBe(i);
    }
  });

  it('a 20 s clip with a small budget keeps memory bounded and still returns 10 thumbnails', async () => {
    const d = await probeAndDecode(clips.long, { thumbnailBudgetBytes: 20 * 1024 });
    expect(Math.abs(d.video!.frameCount - 480)).toBeLessThanOrEqual(2);
    expect(d.video!.selected).toHaveLength(10);
    expect(d.video!.thumbnails).toHaveLength(10);
    expectValidPngs(d);
    expect(Math.abs(d.pcm!.length - 20 * 16000)).toBeLessThan(1600);
  });

  it('audio / video can be skipped', async () => {
    const probe = await probeMedia(ffmpeg, clips.normal);
    const a = await decodeClip(ffmpeg, clips.normal, probe, { video: false });
    expect(a.video).toBeNull();
    expect(a.pcm!.length).toBeGreaterThan(30000);
    const v = await decodeClip(ffmpeg, clips.normal, probe, { audio: false });
    expect(v.pcm).toBeNull();
    expect(v.video!.frameCount).toBeGreaterThan(45);
  });

  it('kills ffmpeg and rejects with AbortError when the signal fires', async () => {
    const probe = await probeMedia(ffmpeg, clips.long);
    const c = new AbortController();
    const t0 = Date.now();
    // ffmpeg is spawned before decodeClip returns; 5 ms later it is still starting up
    const p = decodeClip(ffmpeg, clips.long, probe, { signal: c.signal });
    setTimeout(() => c.abort(), 5);
    const e = await rejection(p);
    expect((e as Error).name).toBe('AbortError');
    expect(Date.now() - t0).toBeLessThan(2000);
    // an already aborted signal never starts ffmpeg
    await expect(decodeClip(ffmpeg, clips.long, probe, { signal: c.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('the clip helpers used the same ffmpeg', () => {
    expect(clipFfmpeg()).toBe(ffmpeg);
  });
});

describe('decodeUnprobed (probe and decode in one ffmpeg run)', () => {
  const plain = (d: DecodedClip) => ({
    probe: d.probe,
    pcm: Buffer.from(d.pcm!.buffer).toString('base64'),
    video: {
      ...d.video!,
      entropy: Array.from(d.video!.entropy),
      motion: Array.from(d.video!.motion),
      luma: Array.from(d.video!.luma),
      thumbnails: d.video!.thumbnails.map((t) => ({ frame: t.frame, png: t.png.toString('base64') })),
    },
    warnings: d.warnings,
  });

  it.each(['normal', 'meld', 'faststart', 'unicode', 'colon', 'long'])(
    '%s: the same probe, samples, frames and thumbnails as probe + decode',
    async (k) => {
      const one = await decodeUnprobed(ffmpeg, clips[k]);
      expect(one).not.toBeNull();
      expect(plain(one!)).toEqual(plain(await probeAndDecode(clips[k])));
    },
  );

  it('a long clip past the frame budget: the second thumbnail pass still runs', async () => {
    const one = await decodeUnprobed(ffmpeg, clips.long, { thumbnailBudgetBytes: 20 * 1024 });
    expect(plain(one!)).toEqual(plain(await probeAndDecode(clips.long, { thumbnailBudgetBytes: 20 * 1024 })));
  });

  it.each(['videoOnly', 'wav', 'm4a', 'truncated', 'truncatedFaststart', 'empty', 'text', 'subtitles'])(
    '%s: not the plain case, so null (the caller probes and gets the precise message)',
    async (k) => {
      expect(await decodeUnprobed(ffmpeg, clips[k])).toBeNull();
    },
  );

  it.each(['normal', 'meld', 'wav', 'm4a', 'unicode'])(
    '%s, audio only: one run, the same probe and samples as probe + decode, no frame',
    async (k) => {
      const one = await decodeUnprobed(ffmpeg, clips[k], { video: false });
      expect(one).not.toBeNull();
      const two = await probeAndDecode(clips[k], { video: false });
      expect(one!.video).toBeNull();
      expect(one!.probe).toEqual(two.probe);
      expect(one!.warnings).toEqual([]);
      expect(Buffer.from(one!.pcm!.buffer).equals(Buffer.from(two.pcm!.buffer))).toBe(true);
      expect(one!.pcm!.length).toBeGreaterThan(8000);
    },
  );

  it.each(['normal', 'videoOnly', 'noise'])(
    '%s, video only: the same probe and frame statistics as probe + decode, no audio',
    async (k) => {
      const one = await decodeUnprobed(ffmpeg, clips[k], { audio: false });
      expect(one).not.toBeNull();
      const two = await probeAndDecode(clips[k], { audio: false });
      expect(one!.pcm).toBeNull();
      expect(one!.probe).toEqual(two.probe);
      expect(Array.from(one!.video!.entropy)).toEqual(Array.from(two.video!.entropy));
      expect(one!.video!.selected).toEqual(two.video!.selected);
    },
  );

  it.each([
    ['videoOnly', { video: false }],
    ['wav', { audio: false }],
    ['truncated', { video: false }],
    ['text', { video: false }],
  ] as const)('%s with %o: the stream asked for is missing or damaged, so null', async (k, o) => {
    expect(await decodeUnprobed(ffmpeg, clips[k], o)).toBeNull();
  });

  it('a missing file or a missing ffmpeg is null too; an abort rejects', async () => {
    expect(await decodeUnprobed(ffmpeg, path.join(dir, 'nope.mp4'))).toBeNull();
    expect(await decodeUnprobed(path.join(dir, 'no-ffmpeg'), clips.normal)).toBeNull();
    const c = new AbortController();
    const p = decodeUnprobed(ffmpeg, clips.long, { signal: c.signal });
    setTimeout(() => c.abort(), 5);
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
  });
});
