// MELD annotation CSVs (train_sent_emo.csv, dev_sent_emo.csv, test_sent_emo.csv).
import path from 'node:path';
import { MELD_LABELS, type Split } from '../../../shared/types';
import { findColumn, parseTime, parseWholeNumber, raggedMessage, readCsvFile } from './csv';
import { findClip, indexMediaFiles, splitHint, type MediaIndex } from './media-index';
import { restoreCell } from '../csv-formula';
import { ImportError, type ImportBatch, type ImportIssue, type ImportRecord } from './types';

/** MELD's header, in its order. */
export const MELD_HEADER = [
  'Sr No.',
  'Utterance',
  'Speaker',
  'Emotion',
  'Sentiment',
  'Dialogue_ID',
  'Utterance_ID',
  'Season',
  'Episode',
  'StartTime',
  'EndTime',
] as const;

/** The columns an importable MELD CSV must have. */
export const MELD_REQUIRED = ['Utterance', 'Speaker', 'Emotion', 'Dialogue_ID', 'Utterance_ID'] as const;

/** A header is MELD's when it has Dialogue_ID, Utterance_ID and Utterance (names matched loosely). */
export function looksLikeMeld(header: string[]): boolean {
  return ['Dialogue_ID', 'Utterance_ID', 'Utterance'].every((c) => findColumn(header, c) >= 0);
}

export function missingMeldColumns(header: string[]): string[] {
  return MELD_REQUIRED.filter((c) => findColumn(header, c) < 0);
}

/** train_sent_emo.csv -> train, dev_sent_emo.csv -> dev, test_sent_emo.csv -> test; null when the name says nothing. */
export function splitFromFileName(file: string): Split | null {
  const s = splitHint(path.basename(file, path.extname(file)));
  return s === 'unsplit' ? null : s;
}

export interface MeldCsvOptions {
  /** overrides the split taken from the file name */
  split?: Split;
  /** where clips are looked up, recursively (default: the CSV's folder); also the corpus root */
  mediaRoot?: string;
  /** a prebuilt index of mediaRoot (indexMediaFiles), to share it between the CSVs of one corpus */
  media?: MediaIndex;
}

/**
 * Reads a MELD CSV. Each row becomes a record keyed '<split>/dia<D>_utt<U>'; its clip dia<D>_utt<U>.* is
 * a whole clip (startS/endS null; StartTime/EndTime, times in the episode, go to episodeStartS/EndS); it is
 * looked up under mediaRoot (findClip: the split's own folder, or a folder naming no split). Rows whose
 * clip is missing are kept with mediaPath null and counted in missingMedia. Broken rows are issues.
 * Throws ImportError when the file is unreadable or lacks MELD's columns.
 */
export function readMeldCsv(file: string, opts: MeldCsvOptions = {}): ImportBatch {
  const abs = path.resolve(file);
  const table = readCsvFile(abs);
  const missing = missingMeldColumns(table.header);
  if (missing.length) {
    throw new ImportError(
      abs,
      `not a MELD CSV: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (its columns: ${table.header.join(', ') || 'none'})`,
    );
  }
  const root = path.resolve(opts.mediaRoot ?? path.dirname(abs));
  const issues: ImportIssue[] = [...table.issues];
  const fromName = splitFromFileName(abs);
  const split: Split = opts.split ?? fromName ?? 'unsplit';
  if (!opts.split && !fromName) {
    issues.push({
      file: abs,
      row: null,
      message: "the file name names no split (train/dev/test): rows imported as 'unsplit' (use --split)",
    });
  }
  const media = opts.media ?? indexMediaFiles(root);
  const col = (name: string) => findColumn(table.header, name);
  const c = {
    text: col('Utterance'),
    speaker: col('Speaker'),
    emotion: col('Emotion'),
    dia: col('Dialogue_ID'),
    utt: col('Utterance_ID'),
    start: col('StartTime'),
    end: col('EndTime'),
  };
  const labels = new Set<string>(MELD_LABELS);
  const seen = new Map<string, number>();
  const records: ImportRecord[] = [];
  let missingMedia = 0;
  for (const row of table.rows) {
    const issue = (message: string) => issues.push({ file: abs, row: row.line, message });
    const ragged = raggedMessage(row, table.header.length);
    if (ragged) {
      issue(ragged);
      continue;
    }
    const f = row.fields;
    const dia = idField(f[c.dia], 'Dialogue_ID');
    const utt = idField(f[c.utt], 'Utterance_ID');
    if (typeof dia === 'string' || typeof utt === 'string') {
      issue([dia, utt].filter((x) => typeof x === 'string').join('; ') + '; row skipped');
      continue;
    }
    const rawLabel = (f[c.emotion] ?? '').trim().toLowerCase();
    if (rawLabel && !labels.has(rawLabel)) {
      issue(`Emotion '${f[c.emotion].trim()}' is not one of MELD's ${MELD_LABELS.join(', ')}; row skipped`);
      continue;
    }
    const name = `dia${dia}_utt${utt}`;
    const key = `${split}/${name}`;
    const dup = seen.get(key);
    if (dup !== undefined) {
      issue(`Dialogue_ID ${dia} and Utterance_ID ${utt} were already used by row ${dup}; row skipped`);
      continue;
    }
    seen.set(key, row.line);
    let startS = c.start >= 0 ? timeField(f[c.start], 'StartTime', issue) : null;
    let endS = c.end >= 0 ? timeField(f[c.end], 'EndTime', issue) : null;
    if (startS !== null && endS !== null && endS <= startS) {
      issue(`EndTime ${f[c.end].trim()} is not after StartTime ${f[c.start].trim()}; times ignored`);
      startS = endS = null;
    }
    const mediaPath = findClip(media, name, split);
    if (!mediaPath) missingMedia++;
    records.push({
      key,
      split,
      dialogue: String(dia),
      index: utt,
      speaker: textCell(f[c.speaker]),
      text: textCell(f[c.text]),
      // StartTime/EndTime are times in the TV episode; each MELD clip is already cut: a whole clip
      label: rawLabel || null,
      mediaPath,
      startS: null,
      endS: null,
      episodeStartS: startS,
      episodeEndS: endS,
      source: abs,
      row: row.line,
    });
  }
  return { kind: 'meld-csv', corpusRoot: root, labelSet: [...MELD_LABELS], records, issues, missingMedia };
}

/** The id, or a message saying what is wrong with it. */
function idField(v: string | undefined, name: string): number | string {
  if (v === undefined || v.trim() === '') return `${name} is empty`;
  const n = parseWholeNumber(v);
  return n === null ? `${name} '${v.trim()}' is not a whole number` : n;
}

function timeField(v: string | undefined, name: string, issue: (m: string) => void): number | null {
  if (v === undefined || v.trim() === '') return null;
  const t = parseTime(v);
  if (t === null) issue(`${name} '${v.trim()}' is not a time like 00:16:16,059; time ignored`);
  return t;
}

export function blankToNull(v: string | undefined): string | null {
  if (v === undefined) return null;
  const t = v.trim();
  return t === '' ? null : t;
}

/** A text cell: blankToNull, then the `'` our exporter puts before a formula-like cell taken off. */
function textCell(v: string | undefined): string | null {
  const t = blankToNull(v);
  return t === null ? null : restoreCell(t);
}
