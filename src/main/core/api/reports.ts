// Report export through the API, over the report writer (src/main/core/report). The API never takes
// a path: reports go to the data folder's reports/ with a name of their own; browser mode offers the
// single-file ones for download, the Electron menu's export writes where the user chose.
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../store/db';
import { ApiError, type ApiParsedInput } from '../../../shared/api';
import {
  REPORT_FORMATS,
  ReportError,
  locateChromium,
  writeReport,
  type HtmlToPdf,
  type ReportFormat,
  type WriteReportResult,
} from '../report';

const SINGLE_FILE = new Set<string>(['html', 'pdf', 'csv', 'json']);

/** The formats that work here: all, except PDF when neither Chromium nor a printer (Electron) is there. */
export function availableReportFormats(printer?: HtmlToPdf): string[] {
  let chromium = !!printer;
  if (!chromium) {
    try {
      locateChromium();
      chromium = true;
    } catch {
      chromium = false;
    }
  }
  return REPORT_FORMATS.filter((f) => f !== 'pdf' || chromium);
}

function stamp(d = new Date()): string {
  return d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

function toApiError(e: unknown): unknown {
  if (!(e instanceof ReportError)) return e;
  if (/^no model version/.test(e.message)) return new ApiError('not_found', e.message);
  if (/Chromium/.test(e.message)) return new ApiError('unavailable', e.message);
  return new ApiError('invalid_input', e.message);
}

/** Writes a report into <dataDir>/reports and returns where (a file, or a folder for eaf/textgrid/meld). */
export async function exportReport(
  db: Db,
  dataDir: string,
  input: ApiParsedInput<'reports.export'>,
  printer?: HtmlToPdf,
): Promise<WriteReportResult> {
  if (!availableReportFormats(printer).includes(input.format)) {
    throw new ApiError(
      'unavailable',
      `${input.format} reports are not available here (no Chromium found to print the PDF; install chromium or set EMOTION_STUDIO_CHROMIUM)`,
    );
  }
  const dir = path.join(dataDir, 'reports');
  fs.mkdirSync(dir, { recursive: true });
  const name = `report-${stamp()}${input.version ? `-v${input.version}` : ''}${input.split ? `-${input.split}` : ''}`;
  const target = (k: number) =>
    path.join(dir, `${name}${k > 1 ? `-${k}` : ''}${SINGLE_FILE.has(input.format) ? `.${input.format}` : `-${input.format}`}`);
  let k = 1;
  while (fs.existsSync(target(k))) k++;
  const out = target(k);
  try {
    return await writeReport(db, { format: input.format as ReportFormat, out, split: input.split, version: input.version, printer });
  } catch (e) {
    throw toApiError(e);
  }
}

/** The Electron menu's export: the user chose `out` in a save dialog. */
export async function exportReportTo(db: Db, format: ReportFormat, out: string, printer?: HtmlToPdf): Promise<WriteReportResult> {
  try {
    return await writeReport(db, { format, out, printer });
  } catch (e) {
    const a = toApiError(e);
    throw a instanceof Error ? a : new Error(String(a));
  }
}

export function isSingleFileFormat(format: string): boolean {
  return SINGLE_FILE.has(format);
}
