// Learning commands (train, evaluate): registered on the main program by cli.ts.
import type { Command } from 'commander';
import type { Db } from './core/store/db';

export interface CliContext {
  /** opens the --db database (must exist), runs fn, closes it */
  withDb<T>(fn: (db: Db) => Promise<T> | T): Promise<T>;
  /** prints the JSON (with --json) or the human text on stdout */
  out(json: unknown, human: string): void;
  /** a progress line on stderr (unless --quiet) */
  progress(line: string): void;
}

export function registerLearnCommands(_program: Command, _ctx: CliContext): void {
  // train and evaluate are added here
}
