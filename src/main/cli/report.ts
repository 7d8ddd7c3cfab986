// The `report` command: registered on the main program by main.ts.
import { Option, type Command } from 'commander';
import path from 'node:path';
import type { CliContext } from './learn';
import { REPORT_FORMATS, ReportError, writeReport, type ReportFormat, type WriteReportResult } from '../core/report';
import { SPLITS, type Split } from '../../shared/types';

/** Default path of the HTML report analyze writes: next to the database, `<db name>-report.html`. */
export function defaultReportPath(dbPath: string): string {
  return path.join(path.dirname(dbPath), `${path.basename(dbPath, path.extname(dbPath))}-report.html`);
}

export function reportLine(r: WriteReportResult, format: string): string {
  const what = r.files.length === 1 && r.files[0] === r.path ? r.path : `${r.files.length} files in ${r.path}`;
  return `${format} report: ${what} (${(r.bytes / 1024).toFixed(1)} KiB)`;
}

const NOTES_SHOWN = 20;

export function registerReportCommands(program: Command, ctx: CliContext): void {
  program
    .command('report')
    .description(
      'write the report (html, pdf) or export the corpus (csv, json: utterances with gold label, label history, prediction; eaf, textgrid: one file per media file; meld: one CSV per split)',
    )
    .addOption(new Option('--format <format>', 'output format').choices([...REPORT_FORMATS]).makeOptionMandatory())
    .requiredOption('--out <path>', 'file to write (html, pdf, csv, json) or folder (eaf, textgrid, meld)')
    .addOption(new Option('--split <split>', 'only this split').choices(SPLITS))
    .option('--version <n>', 'model version whose predictions and metrics are reported (default: the latest)')
    .option('--thumbnails', 'html/pdf: per-utterance frame-entropy thumbnails')
    .option('--ablate', 'html/pdf: first train one model per modality combination for the ablation table (takes a while)')
    .action(async (o) => {
      const version = o.version !== undefined ? Number(o.version) : undefined;
      if (version !== undefined && !(Number.isInteger(version) && version > 0))
        throw new ReportError(`--version must be a model version number (got ${o.version})`);
      await ctx.withDb(async (db) => {
        const r = await writeReport(db, {
          format: o.format as ReportFormat,
          out: o.out,
          split: o.split as Split | undefined,
          version,
          thumbnails: !!o.thumbnails,
          ablate: !!o.ablate,
          onProgress: ctx.progress,
        });
        // notes can run to one per utterance (MELD's overlapping times): show the first ones and a count
        for (const n of r.notes.slice(0, NOTES_SHOWN)) ctx.progress(`note: ${n}`);
        if (r.notes.length > NOTES_SHOWN)
          ctx.progress(`note: ... and ${r.notes.length - NOTES_SHOWN} more (all of them in --json under "notes")`);
        ctx.out({ format: o.format, ...r }, reportLine(r, o.format));
      });
    });
}
