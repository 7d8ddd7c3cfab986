// What a launch reads and returns (Output, Launched, ExitStatus), and the pipe readers that both
// launchers (launch-shell.ts, launch-direct.ts) use.
import net from 'node:net';
import type { Readable } from 'node:stream';

export interface Output {
  /** 2 = stderr; 1, 3, 4 = the `pipe:N` output named in the arguments */
  fd: number;
  onData: (b: Uint8Array) => void;
  /** read into this reused buffer: `onData` then sees a view valid only during the call */
  buffer?: Uint8Array;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Launched {
  /** resolves once the process has exited and every output has reached its end; rejects when it could not be started */
  done: Promise<ExitStatus>;
  /** SIGKILL (also before the process is known to have started) */
  kill(): void;
  /** stops reading the outputs (after a kill; `done` still waits for the exit) */
  closeOutputs(): void;
  /** stops / restarts reading the outputs: ffmpeg blocks once a pipe is full (back-pressure) */
  pause?(): void;
  resume?(): void;
}

/** A socket reading `fd` (a pipe), with a reused buffer when the output has one. */
export function readerFor(o: Output, init: { fd?: number; handle?: unknown }): net.Socket {
  const opts: Record<string, unknown> = { ...init, readable: true, writable: false };
  if (o.buffer)
    opts.onread = {
      buffer: o.buffer,
      callback: (n: number, buf: Uint8Array) => {
        o.onData(buf.subarray(0, n));
      },
    };
  const sock = new net.Socket(opts as net.SocketConstructorOpts);
  if (!o.buffer) sock.on('data', (b: Buffer) => o.onData(b));
  sock.on('error', () => {
    /* reported through the exit status */
  });
  sock.on('end', () => sock.destroy());
  return sock;
}

/** Resolves once every stream has closed. */
export function allClosed(streams: Readable[]): Promise<void> {
  return Promise.all(
    streams.map((s) => (s.destroyed && s.closed ? Promise.resolve() : new Promise<void>((r) => s.once('close', () => r())))),
  ).then(() => undefined);
}
