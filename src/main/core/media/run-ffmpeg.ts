// One ffmpeg run with its outputs read as they come, its stderr kept, and a kill on abort or timeout.
import { abortError } from './errors';
import { launch } from './launcher';
import type { Output } from './launch-outputs';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** the last stderr lines (bounded) */
  stderrLines: string[];
  /** stderr lines seen in all (with -loglevel error every line is an error) */
  errorLines: number;
}

const STDERR_KEEP = 40;

export interface LevelledStderr {
  /**
   * ffmpeg runs with `-loglevel level+info`: each stderr line is tagged "[error] ", "[info] " and so
   * on. Error lines (error, fatal, panic) are kept and counted as usual, with the tag removed; the
   * others go here, with `rearm` to restart the timeout with a new length (e.g. once the duration
   * is known).
   */
  onInfo: (line: string, rearm: (timeoutMs: number) => void) => void;
}

/** Filled in by runFfmpeg: pause stops reading the outputs (ffmpeg then blocks on a full pipe) and
 * the stall timeout with it; resume restarts both. For a reader that falls behind (back-pressure). */
export interface FlowControl {
  pause?: () => void;
  resume?: () => void;
}

const LEVEL_TAG = /^\[(quiet|panic|fatal|error|warning|info|verbose|debug|trace)\] /;

/**
 * Runs ffmpeg (media/launcher.ts) with one output per given fd (1, 3, 4: `pipe:N` in `args`), feeds
 * their data to the handlers and resolves once the process has exited and all outputs are closed.
 * A handler for fd 2 sees stderr's raw bytes too (the lines are kept either way).
 * Kills ffmpeg (SIGKILL) on abort or timeout. A handler that throws kills ffmpeg and rejects.
 *
 * Outputs listed in `reusable` are read into one buffer reused for every read, so their handler
 * sees a view that is only valid during the call and must copy what it keeps: a fresh 64 kB
 * buffer per read means fresh pages, and at ~10 MB of frames per clip their page faults cost
 * more CPU than the whole entropy pass.
 */
export function runFfmpeg(
  ffmpeg: string,
  args: string[],
  handlers: Record<number, ((b: Uint8Array) => void) | null>,
  signal: AbortSignal | undefined,
  timeoutMs: number,
  reusable: number[] = [],
  levelled?: LevelledStderr,
  flow?: FlowControl,
): Promise<RunResult> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  const lines: string[] = [];
  let errorLines = 0;
  let partial = '';
  let settled = false;
  const decoder = new TextDecoder();
  const onStderr = (b: Uint8Array) => {
    progress();
    handlers[2]?.(b);
    const parts = (partial + decoder.decode(b, { stream: true })).split(/\r?\n/);
    partial = parts.pop()!;
    for (const l of parts) keepLine(l);
  };
  const keepLine = (raw: string) => {
    let l = raw;
    if (levelled) {
      const tag = LEVEL_TAG.exec(l);
      if (tag) l = l.slice(tag[0].length);
      if (tag && !/^(panic|fatal|error)$/.test(tag[1])) {
        if (settled) return;
        try {
          levelled.onInfo(l, rearm);
        } catch (e) {
          fail(e as Error);
        }
        return;
      }
    }
    if (!l.trim()) return;
    errorLines++;
    lines.push(l.length > 500 ? `${l.slice(0, 500)}...` : l);
    if (lines.length > STDERR_KEEP) lines.shift();
  };
  let failure: Error | null = null;
  const outputs: Output[] = [{ fd: 2, onData: onStderr }];
  for (const [fdText, handler] of Object.entries(handlers)) {
    const fd = Number(fdText);
    if (!handler || fd === 2) continue;
    const onData = (b: Uint8Array) => {
      if (settled) return;
      progress();
      try {
        handler(b);
      } catch (e) {
        fail(e as Error);
      }
    };
    outputs.push({ fd, onData, buffer: reusable.includes(fd) ? new Uint8Array(REUSED_READ_BYTES) : undefined });
  }
  const proc = launch(ffmpeg, args, outputs);
  // a failure (abort, timeout, a handler that threw) kills ffmpeg and rejects at once
  let rejectNow: (e: Error) => void = () => {};
  const fail = (e: Error) => {
    if (settled) return;
    settled = true;
    failure = e;
    proc.kill();
    proc.closeOutputs();
    rejectNow(e);
  };
  const onAbort = () => fail(abortError(signal));
  // a stall timeout: re-armed whenever ffmpeg writes anything, so a 2-hour recording that keeps
  // decoding never times out while a wedged run still does; capped because Node clamps a delay past
  // 2^31-1 ms to 1 ms
  let stallMs = Math.min(Math.max(1, timeoutMs), MAX_TIMER_MS);
  const arm = (ms: number) =>
    setTimeout(
      () => fail(new Error(`ffmpeg timed out after ${ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`} without progress`)),
      ms,
    );
  let timer = arm(stallMs);
  let lastArm = Date.now();
  const rearm = (ms: number) => {
    clearTimeout(timer);
    stallMs = Math.min(Math.max(1, ms), MAX_TIMER_MS);
    timer = arm(stallMs);
    lastArm = Date.now();
  };
  // progress: re-arm at most every 250 ms (a clearTimeout/setTimeout per 64 kB read adds up)
  let paused = false;
  const progress = () => {
    if (!paused && Date.now() - lastArm > 250) rearm(stallMs);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  if (flow) {
    flow.pause = () => {
      if (settled || paused) return;
      paused = true;
      clearTimeout(timer);
      proc.pause?.();
    };
    flow.resume = () => {
      if (settled || !paused) return;
      paused = false;
      proc.resume?.();
      rearm(stallMs);
    };
  }
  const cleanup = () => {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  };
  return new Promise<RunResult>((resolve, reject) => {
    rejectNow = reject;
    proc.done.then(
      (exit) => {
        cleanup();
        if (failure) return;
        keepLine(partial + decoder.decode());
        if (failure) return;
        settled = true;
        resolve({ code: exit.code, signal: exit.signal, stderrLines: lines, errorLines });
      },
      (e: Error) => {
        cleanup();
        if (failure) return;
        settled = true;
        reject(e);
      },
    );
  });
}

/** How an ffmpeg run ended, for messages that have no stderr line to quote. */
export function exitText(run: RunResult): string {
  return run.signal ? `ffmpeg killed by ${run.signal}` : `ffmpeg exited with code ${run.code}`;
}

/** Node's largest timer delay; longer ones fire after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Read size for pipes read into a reused buffer (Linux pipes hold 64 kB; a larger buffer takes what is there). */
const REUSED_READ_BYTES = 256 * 1024;
