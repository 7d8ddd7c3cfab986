// Starts ffmpeg without forking this process. Node's spawn forks the whole process, and a fork
// write-protects every page it has: afterwards each page this process writes (V8's heap, frame
// buffers, the other worker threads' memory) faults once. With an ffmpeg run or two per clip that
// cost more CPU than the frame entropy pass (bench/extract-speed.mjs, ES_FFMPEG_LAUNCH=direct vs
// the default). So a small persistent /bin/sh per thread starts each ffmpeg instead, and the
// outputs (`pipe:N` in the arguments, and stderr) come back through named pipes (FIFOs) that this
// thread reads. Where there is no /bin/sh or mkfifo (Windows), or ES_FFMPEG_LAUNCH=direct, Node's
// spawn is used.
// This file chooses the way and holds the thread's launcher API; the pieces are launch-shell.ts (the
// shell and its FIFOs), launch-direct.ts (spawn) and launch-outputs.ts (the types and pipe readers).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchDirect } from './launch-direct';
import type { Launched, Output } from './launch-outputs';
import { FIFO_FDS, currentShell, fifoDirs, releaseShell, shellLauncher } from './launch-shell';

export type LaunchMode = 'shell' | 'direct';

/** How ffmpeg is started in this thread: through the persistent shell, or by Node's spawn. */
export function launchMode(): LaunchMode {
  if (process.env.ES_FFMPEG_LAUNCH === 'direct' || process.platform === 'win32') return 'direct';
  const shell = currentShell();
  return shell === undefined ? (fs.existsSync('/bin/sh') ? 'shell' : 'direct') : shell ? 'shell' : 'direct';
}

/** Runs `cmd args` with the given outputs read; see the file comment for how. */
export function launch(cmd: string, args: string[], outputs: Output[]): Launched {
  if (launchMode() === 'shell' && outputs.every((o) => FIFO_FDS.includes(o.fd))) {
    const sh = shellLauncher();
    if (sh) {
      try {
        return sh.launch(cmd, args, outputs);
      } catch {
        // its FIFOs are gone (a tmp cleaner?) or the shell is: a new one next time, spawn this time
        sh.retire();
      }
    }
  }
  return launchDirect(cmd, args, outputs);
}

/** The pid of this thread's launcher shell, null when none is running (tests). */
export function launcherPid(): number | null {
  const shell = currentShell();
  return shell && !shell.dead ? (shell.pid ?? null) : null;
}

/** The folder of this thread's launcher FIFOs, null when no shell is running (tests). */
export function launcherDir(): string | null {
  const shell = currentShell();
  return shell && !shell.dead ? shell.fifoDir : null;
}

/**
 * Ends this thread's launcher shell and waits for it to exit (at most `timeoutMs`), so that the
 * shell, and through it every ffmpeg it ran, is reaped by this process: their CPU time then shows
 * in this process's children's usage (what `time` and the benches report). A later launch starts
 * a new shell.
 */
export async function closeLauncher(timeoutMs = 5000): Promise<void> {
  const sh = releaseShell();
  if (sh) await sh.close(timeoutMs);
}

/**
 * A folder for files that ffmpeg writes in this thread (the audio-only batches of
 * media/decode-audio-batch.ts): the launcher shell's own folder, so that its exit trap removes what a
 * killed process left there too; without a shell, a folder of this process removed when it exits.
 */
export function scratchDir(): string {
  const sh = launchMode() === 'shell' ? shellLauncher() : null;
  if (sh) return sh.fifoDir;
  if (!ownScratch || !fs.existsSync(ownScratch)) {
    ownScratch = fs.mkdtempSync(path.join(os.tmpdir(), 'emotion-studio-ffmpeg-'));
    fifoDirs.add(ownScratch);
  }
  return ownScratch;
}
let ownScratch: string | null = null;
