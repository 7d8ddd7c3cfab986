// The command line (DESIGN.md "Command-line contract"), the entry of out/node/cli.js: the global options
// and the commands, one file per group beside this one. Results go to stdout (JSON with --json), human
// progress to stderr. Exit 0 when the job ran, even where single files failed.
import { Command } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { busyTimeoutMs, openDb, type Db } from '../core/store/db';
import { dataDir, defaultDbPath } from '../core/settings';
import { ImportError } from '../core/corpus/types';
import { closeLauncher } from '../core/media/launcher';
import { termLines } from './text';
import type { Globals, MainCliContext } from './context';
import { registerImportCommand, registerCorpusCommands } from './corpus';
import { registerExtractCommand } from './extract';
import { registerAnalyzeCommand } from './analyze';
import { registerDoctorCommand } from './doctor';
import { registerLearnCommands } from './learn';
import { registerAgreementCommands } from './agree';
import { registerReportCommands } from './report';
import { registerModelsCommands } from './models';
import { registerServeCommands } from './serve';
import { registerScaleCommands } from './scale';

class UsageError extends Error {}

const program = new Command('emotion-studio')
  .description('Multimodal emotion recognition in conversation: import, extract, train, evaluate, annotate, report')
  .option('--db <path>', 'SQLite database file (default: in the data folder)')
  .option('--data-dir <dir>', 'where models and settings live (default: EMOTION_STUDIO_DATA or the OS user data folder)')
  .option('--json', 'machine-readable result on stdout')
  .option('--ffmpeg <path>', 'ffmpeg binary to use (else EMOTION_STUDIO_FFMPEG, ffmpeg-static, @ffmpeg-installer/ffmpeg, PATH)')
  .option('-q, --quiet', 'no progress on stderr')
  .showHelpAfterError();

function globals(): Globals & { dbPath: string; dir: string } {
  const g = program.opts<Globals>();
  const dir = dataDir(g.dataDir);
  return { ...g, dir, dbPath: path.resolve(g.db ?? defaultDbPath(dir)) };
}

/** Opens the --db database for one command and always closes it. */
async function withDb<T>(fn: (db: Db) => Promise<T> | T, opts: { mustExist?: boolean } = {}): Promise<T> {
  const g = globals();
  if (opts.mustExist && !fs.existsSync(g.dbPath)) throw new UsageError(`database not found: ${g.dbPath} (run import or analyze first)`);
  const db = openDb(g.dbPath);
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

// human-readable text carries imported text: control characters are shown as escapes (text.ts)
function out(json: unknown, human: string): void {
  process.stdout.write(globals().json ? JSON.stringify(json, null, 2) + '\n' : termLines(human) + '\n');
}

function progress(line: string): void {
  if (!globals().quiet) process.stderr.write(termLines(line) + '\n');
}

// the commands in the order of --help
const ctx: MainCliContext = { globals, withDb, out, progress };
registerImportCommand(program, ctx);
registerExtractCommand(program, ctx);
registerAnalyzeCommand(program, ctx);
registerCorpusCommands(program, ctx);
registerDoctorCommand(program, ctx);

const scaleContext = { dbPath: () => globals().dbPath, out, progress };
registerScaleCommands(program, scaleContext);

registerModelsCommands(program, { out, progress, dataDir: () => globals().dir });

registerLearnCommands(program, {
  withDb: (fn) => withDb(fn, { mustExist: true }),
  out,
  progress,
});

// serve opens (or creates) the database: a new user imports a corpus from the app itself
registerServeCommands(program, { withDb: (fn) => withDb(fn), out, progress, globals });

registerAgreementCommands(program, { withDb: (fn) => withDb(fn, { mustExist: true }), out, progress, dataDir: () => globals().dir });

registerReportCommands(program, { withDb: (fn) => withDb(fn, { mustExist: true }), out, progress });

program
  .parseAsync(process.argv)
  .catch((e: unknown) => {
    const known = e instanceof UsageError || e instanceof ImportError || (e as Error)?.name?.endsWith('Error');
    if ((e as { code?: string })?.code?.startsWith('SQLITE_BUSY')) {
      (e as Error).message =
        `database ${globals().dbPath} is locked by another process (waited ${busyTimeoutMs() / 1000} s): try again when it has finished (${(e as Error).message})`;
    }
    if ((e as { code?: string })?.code === 'SQLITE_FULL' || (e as { code?: string })?.code === 'ENOSPC') {
      (e as Error).message =
        `no space left for database ${globals().dbPath}: free some disk space and run the command again; what was saved is kept (${(e as Error).message})`;
    }
    process.stderr.write(`emotion-studio: ${termLines(String((e as Error).message ?? e))}\n`);
    if (!known || process.env.EMOTION_STUDIO_DEBUG) process.stderr.write(((e as Error).stack ?? '') + '\n');
    process.exitCode = 1;
  })
  .finally(() => closeLauncher()); // reap this thread's ffmpeg launcher shell (media/launcher.ts)
