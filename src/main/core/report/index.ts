// Reports and interchange: the one entry point used by the CLI (`report`, `analyze`) and the app
// (`reports.export`). HTML and PDF are the report; CSV and JSON the utterance table; ELAN .eaf,
// Praat TextGrid and MELD CSVs are interchange formats (a folder of files each).
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../store/db';
import type { Split } from '../../../shared/types';
import { corpusLabels, exportRows, modelLabels, ReportError, resolveVersion } from './rows';
import { toCsv, toJson } from './table-export';
import { meldFiles } from './meld-export';
import { timelines } from './timeline';
import { eafDocument } from './eaf-export';
import { textGrid } from './textgrid-export';
import { gatherReportData } from './report-data';
import { renderHtml } from './html-report';
import { chromiumPrinter, tempHtmlPath, type HtmlToPdf } from './pdf';
import { runAblation } from './ablation';

export { ReportError } from './rows';
export { locateChromium, chromiumPrinter, type HtmlToPdf } from './pdf';
export { gatherReportData, type ReportData } from './report-data';
export { renderHtml } from './html-report';

export const REPORT_FORMATS = ['html', 'pdf', 'csv', 'json', 'eaf', 'textgrid', 'meld'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface WriteReportOptions {
  format: ReportFormat;
  /** a file (html, pdf, csv, json) or a folder (eaf, textgrid, meld: one file per media file / split) */
  out: string;
  /** only this split (metrics for html/pdf; the utterances exported otherwise) */
  split?: Split;
  /** model version whose predictions and metrics are reported (default: the latest) */
  version?: number;
  /** html/pdf: per-utterance entropy thumbnails */
  thumbnails?: boolean;
  /** html/pdf: train one model per modality combination first, for the ablation table */
  ablate?: boolean;
  /** pdf: the HTML -> PDF step (default: Chromium through playwright-core; Electron passes printToPDF) */
  printer?: HtmlToPdf;
  onProgress?: (line: string) => void;
}

export interface WriteReportResult {
  /** the file written, or the folder for the multi-file formats */
  path: string;
  /** bytes written in all */
  bytes: number;
  /** every file written (one for the single-file formats) */
  files: string[];
  /** what could not be written exactly (overlapping intervals, renumbered ids, ...) */
  notes: string[];
}

export async function writeReport(db: Db, o: WriteReportOptions): Promise<WriteReportResult> {
  if (!(REPORT_FORMATS as readonly string[]).includes(o.format)) {
    throw new ReportError(`unknown report format '${o.format}' (one of ${REPORT_FORMATS.join(', ')})`);
  }
  const out = path.resolve(o.out);
  const files: string[] = [];
  const notes: string[] = [];
  let bytes = 0;
  const write = (file: string, data: string | Buffer) => {
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, data);
    } catch (e) {
      // name the file we meant to write, not only the path component the OS tripped on
      const err = e as NodeJS.ErrnoException;
      const why =
        err.code === 'EEXIST' || err.code === 'ENOTDIR'
          ? `${err.path ?? 'a part of its path'} is a file, not a folder`
          : err.code === 'EACCES' || err.code === 'EPERM'
            ? 'permission denied'
            : err.message;
      throw new ReportError(`cannot write ${file}: ${why}`);
    }
    files.push(file);
    bytes += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  };
  const version = resolveVersion(db, o.version); // pinned before --ablate adds model versions

  switch (o.format) {
    case 'html':
    case 'pdf': {
      if (o.ablate) await runAblation(db, o.onProgress);
      const html = renderHtml(gatherReportData(db, { split: o.split, version: version ?? undefined, thumbnails: o.thumbnails }));
      if (o.format === 'html') write(out, html);
      else {
        const tmp = tempHtmlPath();
        fs.writeFileSync(tmp, html);
        try {
          o.onProgress?.('printing the report to PDF');
          write(out, await (o.printer ?? chromiumPrinter())(tmp));
        } finally {
          fs.rmSync(path.dirname(tmp), { recursive: true, force: true });
        }
      }
      break;
    }
    case 'csv':
    case 'json': {
      const { rows } = exportRows(db, { split: o.split, version: version ?? undefined });
      const t = { model_version: version, labels: modelLabels(db, version) ?? corpusLabels(db), split: o.split ?? null, rows };
      write(out, o.format === 'csv' ? toCsv(t) : toJson(t));
      break;
    }
    case 'meld': {
      const { rows } = exportRows(db, { split: o.split, version: version ?? undefined });
      const mf = meldFiles(rows);
      if (out.toLowerCase().endsWith('.csv')) {
        if (mf.length !== 1)
          throw new ReportError(
            `the MELD export writes one CSV per split (${mf.map((f) => f.split).join(', ') || 'none here'}): give a folder as --out, or one --split`,
          );
        write(out, mf[0].csv);
      } else for (const f of mf) write(path.join(out, f.name), f.csv);
      for (const f of mf) notes.push(...f.notes.map((n) => `${f.name}: ${n}`));
      break;
    }
    case 'eaf':
    case 'textgrid': {
      const { rows } = exportRows(db, { split: o.split, version: version ?? undefined });
      const labels = [...corpusLabels(db)];
      for (const l of modelLabels(db, version) ?? []) if (!labels.includes(l)) labels.push(l);
      const ext = o.format === 'eaf' ? '.eaf' : '.TextGrid';
      const tls = timelines(rows);
      // --out naming a file: fine for one media file, else a folder is needed
      const single = path.extname(out).toLowerCase() === ext.toLowerCase();
      if (single && tls.length !== 1)
        throw new ReportError(`${tls.length} media files to write, one ${ext} each: give a folder as --out (or narrow with --split)`);
      for (const t of tls) {
        const file = single ? out : path.join(out, `${t.name}${ext}`);
        const d = o.format === 'eaf' ? eafDocument(t, { labels, version, outDir: path.dirname(file) }) : textGrid(t, version);
        write(file, 'xml' in d ? d.xml : d.text);
        notes.push(...d.notes.map((n) => `${path.basename(file)}: ${n}`));
      }
      if (!files.length) fs.mkdirSync(out, { recursive: true });
      break;
    }
  }
  return { path: out, bytes, files, notes };
}
