// ffmpeg started through the per-thread launcher shell and FIFOs (media/launcher.ts) vs Node's
// spawn: same bytes out, concurrent runs kept apart, kills that kill, usage that is reaped.
import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeClip, locateFfmpeg, probeMedia, type DecodedClip } from '../../src/main/core/media';
import { closeLauncher, launchMode, launcherDir, launcherPid } from '../../src/main/core/media/launcher';
import { makeClip } from '../helpers/make-clips';
import { tmpDir } from '../helpers/tmp';
import { processesNaming } from '../helpers/procs';

const ffmpeg = locateFfmpeg().path;
const { dir, cleanup } = tmpDir('es-launch-');
const clips: string[] = [];
let long = '';

beforeAll(async () => {
  for (let i = 0; i < 4; i++) {
    clips.push(
      await makeClip(dir, `c${i}.mp4`, {
        durationS: 1 + i * 0.5,
        container: 'mp4',
        video: { w: 320, h: 240, fps: 24, pattern: i % 2 ? 'noise' : 'testsrc2' },
        audio: { kind: 'sine', freq: 300 + 100 * i },
      }),
    );
  }
  long = await makeClip(dir, 'long.mp4', {
    durationS: 20,
    container: 'mp4',
    video: { w: 320, h: 240, fps: 24, pattern: 'noise' },
    audio: { kind: 'sine' },
  });
});
afterEach(() => {
  delete process.env.ES_FFMPEG_LAUNCH;
});
afterAll(async () => {
  await closeLauncher();
  cleanup();
});

async function decode(file: string, signal?: AbortSignal): Promise<DecodedClip> {
  return decodeClip(ffmpeg, file, await probeMedia(ffmpeg, file), { signal });
}

/** What a decode produced, as comparable plain values. */
function digest(d: DecodedClip) {
  const v = d.video!;
  return {
    pcm: Buffer.from(d.pcm!.buffer).toString('base64'),
    entropy: Array.from(v.entropy),
    motion: Array.from(v.motion),
    selected: v.selected,
    thumbnails: v.thumbnails.map((t) => t.png.toString('base64')),
    warnings: d.warnings,
  };
}

/** Processes whose command line names `file` (ffmpeg runs still alive), as pids. */
const processesWith = (file: string) => processesNaming(file).map((l) => Number(l.split(':')[0]));

/** CPU seconds of this process's reaped children (cutime + cstime, USER_HZ 100). */
function childCpuS(): number {
  const f = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(f[13]) + Number(f[14])) / 100;
}

describe.skipIf(process.platform === 'win32')('ffmpeg launcher', () => {
  it('the shell launcher and direct spawn give the same bytes', async () => {
    expect(launchMode()).toBe('shell');
    const viaShell = [];
    for (const c of clips) viaShell.push(digest(await decode(c)));
    process.env.ES_FFMPEG_LAUNCH = 'direct';
    expect(launchMode()).toBe('direct');
    for (let i = 0; i < clips.length; i++) expect(digest(await decode(clips[i]))).toEqual(viaShell[i]);
  });

  it('concurrent runs in one thread keep their outputs apart', async () => {
    const oneByOne = [];
    for (const c of clips) oneByOne.push(digest(await decode(c)));
    const together = await Promise.all([...clips, ...clips].map((c) => decode(c)));
    expect(together.map(digest)).toEqual([...oneByOne, ...oneByOne]);
  });

  it('an abort kills the ffmpeg it started', async () => {
    const probe = await probeMedia(ffmpeg, long);
    const c = new AbortController();
    const p = decodeClip(ffmpeg, long, probe, { signal: c.signal });
    const t0 = Date.now();
    while (processesWith(long).length === 0 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 10));
    expect(processesWith(long).length).toBeGreaterThan(0);
    c.abort();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    while (processesWith(long).length > 0 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 20));
    expect(processesWith(long)).toEqual([]);
    // the next run in the same thread is unaffected
    expect(digest(await decode(clips[0])).selected.length).toBeGreaterThan(0);
  });

  it('a finished run leaves no pid behind for the exit trap; a running one has its pid there', async () => {
    await decode(clips[0]);
    const pidFiles = () =>
      fs
        .readdirSync(launcherDir()!)
        .map((s) => `${launcherDir()}/${s}/pid`)
        .filter((f) => fs.existsSync(f));
    expect(pidFiles().length).toBeGreaterThan(0);
    // emptied by a shell builtin once ffmpeg exited: the trap never kills a pid reused since
    for (const f of pidFiles()) expect(fs.readFileSync(f, 'utf8')).toBe('');
    const c = new AbortController();
    const p = decodeClip(ffmpeg, long, await probeMedia(ffmpeg, long), { signal: c.signal }).catch((e: Error) => e);
    const t0 = Date.now();
    while (processesWith(long).length === 0 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 10));
    const running = processesWith(long);
    const held = pidFiles()
      .map((f) => fs.readFileSync(f, 'utf8').trim())
      .filter(Boolean)
      .map(Number);
    c.abort();
    await p;
    expect(running.length).toBeGreaterThan(0);
    expect(held).toEqual(running);
  });

  it('a launcher shell that dies is replaced on the next run', async () => {
    await decode(clips[0]);
    const pid = launcherPid();
    expect(pid).toBeGreaterThan(0);
    process.kill(pid!, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
    const d = await decode(clips[1]);
    expect(d.video!.frameCount).toBeGreaterThan(0);
    expect(launcherPid()).not.toBe(pid);
  });

  it('FIFOs removed under a running shell (a tmp cleaner): the run still works, and the next one has a new shell', async () => {
    const first = digest(await decode(clips[2]));
    const pid = launcherPid();
    fs.rmSync(launcherDir()!, { recursive: true, force: true });
    expect(digest(await decode(clips[2]))).toEqual(first);
    expect(launcherPid()).not.toBe(pid);
    expect(fs.existsSync(launcherDir()!)).toBe(true);
  });

  it("closing the launcher reaps the shell, so ffmpeg CPU shows in this process's children usage", async () => {
    await closeLauncher();
    const before = childCpuS();
    await decode(long);
    await decode(long);
    const unreaped = childCpuS() - before; // the shell still holds the runs' usage
    await closeLauncher();
    const reaped = childCpuS() - before;
    expect(launcherPid()).toBeNull();
    // two 20 s noise clips: well over 0.1 s of ffmpeg CPU
    expect(reaped - unreaped).toBeGreaterThan(0.1);
  });
});
