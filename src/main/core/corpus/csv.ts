// Tolerant CSV reading on top of csv-parse: rows keep their line numbers, broken rows become
// issues instead of exceptions.
import { csvParse } from '../lazy-packages';
import { ImportError, type ImportIssue } from './types';
import { readTextFile } from './text-file';

export interface CsvRow {
  fields: string[];
  /** 1-based line where the record starts (header = line 1 unless blank lines precede it) */
  line: number;
}

export interface CsvTable {
  file: string;
  encoding: string;
  delimiter: string;
  header: string[];
  rows: CsvRow[];
  issues: ImportIssue[];
}

/** Reads and parses a CSV file (any encoding readTextFile copes with; delimiter , ; or tab sniffed). */
export function readCsvFile(file: string): CsvTable {
  const { text, encoding } = readTextFile(file);
  return { ...parseCsvText(text, file), encoding };
}

/** Parses CSV text. Throws ImportError only when there is no header at all. */
export function parseCsvText(text: string, file: string): Omit<CsvTable, 'encoding'> {
  const src = text.replace(/\r\n?/g, '\n');
  const delimiter = sniffDelimiter(src);
  const issues: ImportIssue[] = [];
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    parsed = csvParse().parse(src, {
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      info: true,
      raw: true,
      skip_records_with_error: true,
      on_skip: (err, raw) => {
        issues.push({ file, row: skipLine(src, err, raw), message: skipMessage(err) });
        return undefined;
      },
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    throw new ImportError(file, `not readable as CSV (${(e as Error).message})`);
  }
  const rows: CsvRow[] = [];
  let header: string[] | null = null;
  for (const p of parsed) {
    const fields = p.record;
    if (fields.every((f) => f.trim() === '')) continue;
    let nl = 0;
    for (const f of fields) for (let i = f.indexOf('\n'); i >= 0; i = f.indexOf('\n', i + 1)) nl++;
    const line = p.info.lines - nl;
    if (header === null) header = fields.map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, '') : h).trim());
    else rows.push({ fields, line });
  }
  if (header === null) {
    if (issues.length) throw new ImportError(file, `no readable header row (${issues[0].message})`);
    throw new ImportError(file, 'empty file (no header row)');
  }
  return { file, delimiter, header, rows, issues };
}

function sniffDelimiter(src: string): string {
  const first = src.split('\n').find((l) => l.trim() !== '') ?? '';
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of first) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch in counts) counts[ch]++;
  }
  let best = ',';
  for (const d of [';', '\t']) if (counts[d] > counts[best]) best = d;
  return best;
}

function skipLine(src: string, err: { code?: string; lines?: number } | undefined, raw: string | undefined): number | null {
  if (raw && src.endsWith(raw)) {
    // the skipped record runs to the end of the text: its first line is where raw starts
    const lead = raw.length - raw.replace(/^\n+/, '').length;
    const offset = src.length - raw.length + lead;
    let line = 1;
    for (let i = src.indexOf('\n'); i >= 0 && i < offset; i = src.indexOf('\n', i + 1)) line++;
    return line;
  }
  return typeof err?.lines === 'number' ? err.lines : null;
}

function skipMessage(err: { code?: string; message?: string } | undefined): string {
  if (err?.code === 'CSV_QUOTE_NOT_CLOSED') {
    return 'a quote opened in this record is never closed: the record and everything after it up to the end of the file was not imported';
  }
  return `record not imported: ${err?.message ?? 'unreadable CSV record'}`;
}

/** Header name normalised for matching: lower case, letters and digits only ('Sr No.' -> 'srno'). */
export function normHeader(h: string): string {
  return h
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Index of a column by name: exact, then trimmed case-insensitive, then normalised; -1 when absent. */
export function findColumn(header: string[], name: string): number {
  let i = header.indexOf(name);
  if (i >= 0) return i;
  const lower = name.trim().toLowerCase();
  i = header.findIndex((h) => h.trim().toLowerCase() === lower);
  if (i >= 0) return i;
  const n = normHeader(name);
  return n ? header.findIndex((h) => normHeader(h) === n) : -1;
}

/**
 * Checks a row's width against the header. Extra trailing fields that are all empty are tolerated
 * (a trailing delimiter); anything else is a message, and the row should be skipped.
 */
export function raggedMessage(row: CsvRow, width: number): string | null {
  const n = row.fields.length;
  if (n === width) return null;
  if (n > width && row.fields.slice(width).every((f) => f.trim() === '')) return null;
  return n < width
    ? `${n} fields where the header has ${width} (a missing field or a line break outside quotes?); row skipped`
    : `${n} fields where the header has ${width} (an unquoted delimiter inside a field?); row skipped`;
}

/** A whole number ('12', ' 7 '), or null. */
export function parseWholeNumber(s: string | undefined): number | null {
  if (s === undefined) return null;
  const t = s.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * Seconds from '00:16:16,059' (MELD: comma before the milliseconds), '16:16.059', '1:02:03' or a plain
 * number of seconds ('976.059', '976,059'); rounded to the millisecond. null when unparsable.
 */
export function parseTime(s: string | undefined): number | null {
  if (s === undefined) return null;
  const t = s.trim();
  let m = /^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:[.,]\d+)?)$/.exec(t);
  if (m) {
    const h = m[1] ? Number(m[1]) : 0;
    const min = Number(m[2]);
    const sec = Number(m[3].replace(',', '.'));
    if (min >= 60 || sec >= 60) return null;
    return round3(h * 3600 + min * 60 + sec);
  }
  m = /^\d+(?:[.,]\d+)?$/.exec(t);
  if (m) return round3(Number(t.replace(',', '.')));
  return null;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
