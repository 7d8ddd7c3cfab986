// What the command files get from main.ts: the global options, the --db database, the output on
// stdout and the progress on stderr (one object, made once by the entry).
import type { Db } from '../core/store/db';
import { formatProgress } from '../core/jobs/progress';
import type { CliContext } from './learn';
import { termText } from './text';

/** The program's global options (before the command name). */
export interface Globals {
  db?: string;
  dataDir?: string;
  json?: boolean;
  ffmpeg?: string;
  quiet?: boolean;
}

export interface MainCliContext extends CliContext {
  /** the global options with the resolved data folder and database path */
  globals(): Globals & { dbPath: string; dir: string };
  /** opens the --db database for one command and always closes it (mustExist: a usage error when absent) */
  withDb<T>(fn: (db: Db) => Promise<T> | T, opts?: { mustExist?: boolean }): Promise<T>;
}

/** Job progress on stderr at most once a second (and the last one), one updating line on a terminal. */
export function throttledProgress(ctx: Pick<MainCliContext, 'globals'>) {
  let last = 0;
  return (e: Parameters<typeof formatProgress>[0]) => {
    const now = Date.now();
    if (now - last < 1000 && e.done < e.total) return;
    last = now;
    if (ctx.globals().quiet) return;
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K' + termText(formatProgress(e)) + (e.done >= e.total ? '\n' : ''));
    else process.stderr.write(termText(formatProgress(e)) + '\n');
  };
}
