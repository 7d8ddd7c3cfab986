// Getting an exported report to the user: in browser mode a folder export (eaf, textgrid, meld) is
// downloaded as one zip streamed with yazl; in the desktop app the save dialog chooses where it goes
// (reports.save) and the file manager shows it.
import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { ZipFile } from 'yazl';
import { ApiError, type ApiParsedInput } from '../../../shared/api';
import type { Db } from '../store/db';
import type { HtmlToPdf, ReportFormat } from '../report';
import { availableReportFormats, exportReportTo, isSingleFileFormat } from './reports';
import type { DesktopDialogs } from './context';

/** Every file below dir, as [absolute path, path inside the zip with '/' separators], sorted. */
export function zipEntries(dir: string, prefix = path.basename(dir)): [string, string][] {
  const out: [string, string][] = [];
  const walk = (d: string, rel: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(p, r);
      else if (e.isFile()) out.push([p, r]);
    }
  };
  walk(dir, prefix);
  return out;
}

/** Streams a zip of `dir` (its files under a top folder of the same name) into `out`. */
export function zipFolderTo(dir: string, out: Writable): Promise<void> {
  const zip = new ZipFile();
  for (const [file, name] of zipEntries(dir)) zip.addFile(file, name);
  zip.end();
  return new Promise((resolve, reject) => {
    zip.outputStream.on('error', reject);
    out.on('error', reject);
    out.on('finish', () => resolve());
    out.on('close', () => resolve());
    zip.outputStream.pipe(out);
  });
}

/** Desktop: asks where, then writes the report there and shows it in the file manager. */
export async function saveReportWithDialog(
  db: Db,
  desktop: DesktopDialogs | undefined,
  input: ApiParsedInput<'reports.save'>,
  printer?: HtmlToPdf,
): Promise<{ path: string | null; bytes: number }> {
  if (!desktop) throw new ApiError('unavailable', 'no save dialog in browser mode: reports.export offers a download');
  if (!availableReportFormats(printer).includes(input.format))
    throw new ApiError('unavailable', `${input.format} reports are not available here`);
  const single = isSingleFileFormat(input.format);
  const out = await desktop.savePath({
    title: single ? `Export ${input.format.toUpperCase()} report` : `Export ${input.format} files into a folder`,
    defaultName: single ? `emotion-studio-report.${input.format}` : `emotion-studio-${input.format}`,
    folder: !single,
  });
  if (!out) return { path: null, bytes: 0 };
  const r = await exportReportTo(db, input.format as ReportFormat, out, printer);
  desktop.reveal(r.path);
  return { path: r.path, bytes: r.bytes };
}
