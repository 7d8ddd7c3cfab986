// The persistent-shell launcher: one small /bin/sh per thread starts each ffmpeg (no fork of this
// process, see launcher.ts), its `pipe:N` outputs and stderr read through named pipes (FIFOs).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { allClosed, readerFor, type ExitStatus, type Launched, type Output } from './launch-outputs';

/** The fds a shell run can read: stderr and the `pipe:N` outputs, each a FIFO of the run's set. */
export const FIFO_FDS = [1, 2, 3, 4];

interface Run {
  pid: number | null;
  killed: boolean;
  onExit: (rc: number) => void;
  onLost: (e: Error) => void;
}

/** undefined: not tried yet in this thread; null: could not start (direct spawn is used). */
let shell: ShellLauncher | null | undefined;

/** This thread's shell as it stands, starting none (undefined: not tried yet; null: could not start). */
export function currentShell(): ShellLauncher | null | undefined {
  return shell;
}

/** Lets go of this thread's shell and returns it: a later launch starts a new one. */
export function releaseShell(): ShellLauncher | null | undefined {
  const sh = shell;
  shell = undefined;
  return sh;
}

/** This thread's shell, a new one when none was tried yet or the last one died; null when none can start. */
export function shellLauncher(): ShellLauncher | null {
  if (shell === undefined || (shell && shell.dead)) {
    try {
      shell = new ShellLauncher();
    } catch {
      shell = null;
    }
  }
  return shell;
}

// the FIFO folders of this thread's shells, removed when the thread or process ends
export const fifoDirs = new Set<string>();
process.once('exit', () => {
  for (const d of fifoDirs) fs.rmSync(d, { recursive: true, force: true });
});

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export class ShellLauncher {
  dead = false;
  private readonly sh: ChildProcess;
  readonly fifoDir: string;
  private readonly freeSets: string[] = [];
  private readonly runs = new Map<number, Run>();
  private nextId = 1;
  private nextSet = 1;
  private partial = '';

  constructor() {
    this.fifoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'emotion-studio-ffmpeg-'));
    fifoDirs.add(this.fifoDir);
    // fails here (no mkfifo) rather than on the first clip; two sets for two runs in flight, one fork
    this.freeSets.push(...this.newSets(2));
    this.sh = spawn('/bin/sh', ['-s'], { stdio: ['pipe', 'pipe', 'ignore'], windowsHide: true });
    this.sh.stdout!.setEncoding('utf8');
    this.sh.stdout!.on('data', (s: string) => this.onLines(s));
    this.sh.on('error', () => this.lost(new Error('the ffmpeg launcher (/bin/sh) could not be started')));
    this.sh.on('close', () => this.lost(new Error('the ffmpeg launcher (/bin/sh) exited'))); // close: after its last lines were read
    this.sh.stdin!.on('error', () => {
      /* the exit handler reports it */
    });
    // When this process dies (kill -9 too), the shell sees the end of its input and exits: then it
    // kills the runs still going and removes the FIFOs. Without that, an ffmpeg whose reader
    // vanished before it opened its FIFO would wait in open() for good. Ctrl-C is left to this
    // process (it aborts its runs and says so), so the shell ignores SIGINT.
    this.sh.stdin!.write(
      `D=${quote(this.fifoDir)}; trap 'for f in "$D"/*/pid; do read p < "$f" && kill -9 "$p"; done 2>/dev/null; rm -rf "$D"' EXIT; trap 'exit 143' TERM HUP; trap '' INT\n`,
    );
    // the shell must not keep this process alive; the runs' own pipes and timers do that
    this.sh.unref();
    (this.sh.stdin as net.Socket).unref();
    (this.sh.stdout as net.Socket).unref();
  }

  launch(cmd: string, args: string[], outputs: Output[]): Launched {
    const set = this.freeSets.pop() ?? this.newSets(1)[0];
    const id = this.nextId++;
    const fifo = (fd: number) => path.join(set, String(fd));
    const wanted = new Set(outputs.map((o) => o.fd));
    // read ends first (non-blocking: ffmpeg's open for writing then does not wait)
    const fds: number[] = [];
    try {
      for (const o of outputs) fds.push(fs.openSync(fifo(o.fd), fs.constants.O_RDONLY | fs.constants.O_NONBLOCK));
    } catch (e) {
      for (const fd of fds) fs.closeSync(fd);
      throw e;
    }
    const readers = outputs.map((o, i) => readerFor(o, { fd: fds[i] }).resume());
    const closeOutputs = () => {
      for (const r of readers) r.destroy();
    };
    // -y: the FIFO exists, and ffmpeg would not write to an existing file without it
    const argv = ['-y', ...args].map((a) => {
      const m = /^pipe:(\d)$/.exec(a);
      return m && wanted.has(Number(m[1])) ? `file:${fifo(Number(m[1]))}` : a;
    });
    const stderr = wanted.has(2) ? quote(fifo(2)) : '/dev/null';
    // read by the shell's exit trap; emptied (a builtin, where rm was one more fork + exec per run)
    // once ffmpeg has exited, so that the trap never kills a pid reused by another process
    const pidFile = quote(path.join(set, 'pid'));
    const line =
      `{ ${[cmd, ...argv].map(quote).join(' ')} </dev/null >/dev/null 2>${stderr} & p=$!; echo $p > ${pidFile}; echo "p ${id} $p"; ` +
      `wait $p; r=$?; : > ${pidFile}; echo "x ${id} $r"; } &\n`;
    const run: Run = { pid: null, killed: false, onExit: () => {}, onLost: () => {} };
    const exited = new Promise<number>((resolve, reject) => {
      run.onExit = resolve;
      run.onLost = reject;
    });
    this.runs.set(id, run);
    this.sh.stdin!.write(line);
    const kill = () => {
      run.killed = true;
      if (run.pid) killPid(run.pid);
    };
    const done = exited.then(
      async (rc) => {
        // ffmpeg has exited: a FIFO it never opened (it failed first) would never see an end, so
        // open and close a write end of each; data still in a FIFO is read before that end
        for (const o of outputs) {
          try {
            fs.closeSync(fs.openSync(fifo(o.fd), fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
          } catch {
            /* our read end is already closed */
          }
        }
        await allClosed(readers);
        this.freeSets.push(set);
        if ((rc === 126 || rc === 127) && !run.killed && notRunnable(cmd)) {
          throw new Error(`cannot run ffmpeg (${cmd}): ${rc === 127 ? 'not found' : 'not executable'}`);
        }
        return exitStatus(rc);
      },
      (e: Error) => {
        closeOutputs();
        throw e;
      },
    );
    return {
      done,
      kill,
      closeOutputs,
      pause: () => readers.forEach((r) => r.pause()),
      resume: () => readers.forEach((r) => r.resume()),
    };
  }

  get pid(): number | undefined {
    return this.sh.pid;
  }

  async close(timeoutMs: number): Promise<void> {
    if (this.dead) return;
    const exited = new Promise<void>((resolve) => this.sh.once('close', () => resolve()));
    this.sh.stdin!.end('wait\n'); // reap the finished runs' subshells, or their usage is lost with them
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      exited,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    fs.rmSync(this.fifoDir, { recursive: true, force: true });
    fifoDirs.delete(this.fifoDir);
  }

  /** Stops using this shell: it ends once its runs have, and the next launch starts a new one. */
  retire(): void {
    if (shell === this) shell = undefined;
    this.sh.stdin!.end('wait\n');
  }

  private newSets(n: number): string[] {
    const sets = Array.from({ length: n }, () => path.join(this.fifoDir, String(this.nextSet++)));
    sets.forEach((set) => fs.mkdirSync(set)); // the FIFOs of all n sets: one mkfifo run
    const r = spawnSync(
      'mkfifo',
      sets.flatMap((set) => FIFO_FDS.map((fd) => path.join(set, String(fd)))),
      { stdio: 'ignore' },
    );
    if (r.status !== 0) throw new Error('mkfifo failed');
    return sets;
  }

  private onLines(s: string): void {
    const parts = (this.partial + s).split('\n');
    this.partial = parts.pop()!;
    for (const l of parts) {
      const m = /^([px]) (\d+) (\d+)$/.exec(l);
      if (!m) continue;
      const run = this.runs.get(Number(m[2]));
      if (!run) continue;
      if (m[1] === 'p') {
        run.pid = Number(m[3]);
        if (run.killed) killPid(run.pid);
      } else {
        this.runs.delete(Number(m[2]));
        run.onExit(Number(m[3]));
      }
    }
  }

  private lost(e: Error): void {
    if (this.dead) return;
    this.dead = true;
    for (const run of this.runs.values()) {
      if (run.pid) killPid(run.pid);
      run.onLost(e);
    }
    this.runs.clear();
  }
}

function killPid(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/** The shell's $? for a process killed by signal N is 128 + N. */
function exitStatus(rc: number): ExitStatus {
  if (rc > 128 && rc < 128 + 65) {
    const name = Object.entries(os.constants.signals).find(([, n]) => n === rc - 128)?.[0];
    if (name) return { code: null, signal: name as NodeJS.Signals };
  }
  return { code: rc, signal: null };
}

/** Whether the shell's 126 / 127 came from the command itself not being runnable (ffmpeg never uses them). */
function notRunnable(cmd: string): boolean {
  if (!cmd.includes('/')) return true;
  try {
    fs.accessSync(cmd, fs.constants.X_OK);
    return !fs.statSync(cmd).isFile();
  } catch {
    return true;
  }
}
