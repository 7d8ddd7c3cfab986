// Starts ffmpeg with Node's spawn (forks this process): the fallback where there is no /bin/sh or
// mkfifo (Windows), under ES_FFMPEG_LAUNCH=direct, or when the shell launcher's FIFOs are gone.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { allClosed, readerFor, type ExitStatus, type Launched, type Output } from './launch-outputs';

/** Runs `cmd args` by Node's spawn, the outputs read from the child's stdio pipes. */
export function launchDirect(cmd: string, args: string[], outputs: Output[]): Launched {
  const maxFd = Math.max(2, ...outputs.map((o) => o.fd));
  const stdio: ('ignore' | 'pipe')[] = ['ignore'];
  for (let fd = 1; fd <= maxFd; fd++) stdio.push(outputs.some((o) => o.fd === fd) ? 'pipe' : 'ignore');
  let child: ChildProcess;
  try {
    child = spawn(cmd, args, { stdio, windowsHide: true });
  } catch (e) {
    const err = new Error(`cannot run ffmpeg (${cmd}): ${(e as Error).message}`, { cause: e });
    return { done: Promise.reject(err), kill() {}, closeOutputs() {} };
  }
  const readers: Readable[] = [];
  for (const o of outputs) {
    const stream = child.stdio[o.fd] as (Readable & { _handle?: unknown }) | null;
    if (!stream) continue;
    const handle = o.buffer ? stream._handle : undefined;
    if (handle) {
      // the pipe's handle moves to a socket reading into the reused buffer; the child's own
      // stream lets go of it (so that its exit-time flush cannot read from a closed handle)
      stream._handle = null;
      stream.destroy();
      readers.push(readerFor(o, { handle }).resume());
    } else {
      stream.on('data', (b: Buffer) => o.onData(b));
      stream.on('error', () => {
        /* reported through the exit status */
      });
      readers.push(stream);
    }
  }
  const exited = new Promise<ExitStatus>((resolve, reject) => {
    child.on('error', (e) => reject(new Error(`cannot run ffmpeg (${cmd}): ${e.message}`, { cause: e })));
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    done: exited.then(async (status) => {
      await allClosed(readers);
      return status;
    }),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
    closeOutputs: () => {
      for (const r of readers) r.destroy();
    },
    pause: () => readers.forEach((r) => r.pause()),
    resume: () => readers.forEach((r) => r.resume()),
  };
}
