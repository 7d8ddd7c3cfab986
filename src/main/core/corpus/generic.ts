// Any CSV, with its columns named by a mapping (--columns text=COL,label=COL,...).
import fs from 'node:fs';
import path from 'node:path';
import type { Split } from '../../../shared/types';
import { findColumn, parseTime, raggedMessage, readCsvFile } from './csv';
import { relativeKey } from './folder';
import { findClip, indexMediaFiles, isMediaFile, type MediaIndex } from './media-index';
import { blankToNull } from './meld';
import { ImportError, type ColumnMapping, type ImportBatch, type ImportIssue, type ImportRecord } from './types';

const MAPPING_KEYS = ['text', 'label', 'file', 'speaker', 'dialogue', 'start', 'end', 'split', 'id', 'annotator'] as const;
const MAPPING_ALIASES: Record<string, keyof ColumnMapping> = {
  media: 'file',
  path: 'file',
  clip: 'file',
  utterance: 'text',
  emotion: 'label',
};

/**
 * Parses 'text=Utterance,label=Emotion,file=clip' into a ColumnMapping (keys: text label file speaker
 * dialogue start end split; media/path/clip mean file). A column name may contain '=' but not ','.
 * Throws ImportError (file '--columns') on an unknown key, an empty column, a repeated key, or when
 * neither text nor file is mapped.
 */
export function parseColumnMapping(spec: string): ColumnMapping {
  const out: ColumnMapping = {};
  const fail = (reason: string): never => {
    throw new ImportError(
      '--columns',
      `${reason} (expected text=COL,label=COL[,file=COL,speaker=COL,dialogue=COL,start=COL,end=COL,split=COL,id=COL,annotator=COL])`,
    );
  };
  for (const part of spec.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) fail(`'${part.trim()}' is not KEY=COLUMN`);
    const rawKey = part.slice(0, eq).trim().toLowerCase();
    const key = (MAPPING_ALIASES[rawKey] ?? rawKey) as keyof ColumnMapping;
    const col = part.slice(eq + 1).trim();
    if (!(MAPPING_KEYS as readonly string[]).includes(key)) fail(`unknown key '${rawKey}'`);
    if (!col) fail(`no column given for '${rawKey}'`);
    if (out[key] !== undefined) fail(`'${key}' given twice`);
    out[key] = col;
  }
  if (out.text === undefined && out.file === undefined) fail('map at least text=COL or file=COL');
  if (out.annotator !== undefined && out.label === undefined) fail('annotator=COL needs label=COL');
  return out;
}

/** 'train', 'training' -> train; 'dev', 'val', 'validation' -> dev; 'test' -> test; 'unsplit'; else null. */
export function parseSplitName(v: string): Split | null {
  const s = v.trim().toLowerCase();
  if (s === 'train' || s === 'training') return 'train';
  if (['dev', 'val', 'valid', 'validation', 'development'].includes(s)) return 'dev';
  if (s === 'test' || s === 'testing') return 'test';
  if (s === 'unsplit' || s === 'none') return 'unsplit';
  return null;
}

export interface GenericCsvOptions {
  /** the label set; rows labelled outside it are issues and skipped (matched case-insensitively) */
  labels?: string[];
  /** split of rows without a split column value (default 'unsplit') */
  split?: Split;
  /** where relative media paths are resolved (default: the CSV's folder); also the corpus root */
  mediaRoot?: string;
}

/**
 * Reads a CSV whose columns are named by mapping. Keys: the media path relative to the media root when
 * a file column has a value (with '#<start>-<end>' appended when start times are mapped, so several
 * segments of one recording stay apart), else '<csv name>:row<line>' ('<csv name>:<dialogue>:row<line>'
 * with a dialogue column). A file value without an extension is looked up by name under the media root.
 * Label set: opts.labels, else the sorted distinct labels of the data. Throws ImportError when a mapped
 * column is absent.
 */
export function readGenericCsv(file: string, mapping: ColumnMapping, opts: GenericCsvOptions = {}): ImportBatch {
  const abs = path.resolve(file);
  const table = readCsvFile(abs);
  const cols: Partial<Record<keyof ColumnMapping, number>> = {};
  const absent: string[] = [];
  for (const k of MAPPING_KEYS) {
    const name = mapping[k];
    if (name === undefined) continue;
    const i = findColumn(table.header, name);
    if (i < 0) absent.push(`${k}=${name}`);
    else cols[k] = i;
  }
  if (absent.length) {
    throw new ImportError(
      abs,
      `column${absent.length > 1 ? 's' : ''} not found: ${absent.join(', ')} (its columns: ${table.header.join(', ') || 'none'})`,
    );
  }
  const root = path.resolve(opts.mediaRoot ?? path.dirname(abs));
  const csvName = path.basename(abs);
  const issues: ImportIssue[] = [...table.issues];
  let labelSet: string[] | null = null;
  const canonical = new Map<string, string>();
  if (opts.labels) {
    labelSet = [...new Set(opts.labels.map((l) => l.trim()).filter(Boolean))];
    for (const l of labelSet) canonical.set(l, l);
    for (const l of labelSet) if (!canonical.has(l.toLowerCase())) canonical.set(l.toLowerCase(), l);
  }
  let media: MediaIndex | null = null;
  const seen = new Map<string, number>();
  const perDialogue = new Map<string, number>();
  const records: ImportRecord[] = [];
  const byKey = new Map<string, ImportRecord>();
  let missingMedia = 0;
  for (const row of table.rows) {
    const issue = (message: string) => issues.push({ file: abs, row: row.line, message });
    const ragged = raggedMessage(row, table.header.length);
    if (ragged) {
      issue(ragged);
      continue;
    }
    const get = (k: keyof ColumnMapping) => (cols[k] === undefined ? undefined : row.fields[cols[k]!]);

    let label = blankToNull(get('label'));
    if (label !== null && labelSet) {
      const c = canonical.get(label) ?? canonical.get(label.toLowerCase());
      if (c === undefined) {
        issue(`label '${label}' is not in the label set (${labelSet.join(', ')}); row skipped`);
        continue;
      }
      label = c;
    }
    let split: Split = opts.split ?? 'unsplit';
    const splitCell = blankToNull(get('split'));
    if (splitCell !== null) {
      const s = parseSplitName(splitCell);
      if (s) split = s;
      else issue(`split '${splitCell}' is not train, dev or test; imported as '${split}'`);
    }
    let dialogue = blankToNull(get('dialogue'));
    const time = (k: 'start' | 'end') => {
      const v = blankToNull(get(k));
      if (v === null) return null;
      const t = parseTime(v);
      if (t === null) issue(`${k} '${v}' is not a time (seconds or hh:mm:ss,mmm); time ignored`);
      return t;
    };
    const startS = time('start');
    const endS = time('end');
    // kept as written: extraction gives such a span an item error, never the whole recording's features
    if (startS !== null && endS !== null && endS <= startS) issue(`end ${endS} s is not after start ${startS} s; no media features for it`);

    const fileCell = blankToNull(get('file'));
    let key: string;
    let mediaPath: string | null = null;
    if (fileCell !== null) {
      const written = path.resolve(root, fileCell.replace(/\\/g, '/'));
      key = written === root || written.startsWith(root + path.sep) ? relativeKey(root, written) : written.split(path.sep).join('/');
      if (startS !== null) {
        // a segment of a recording: the recording is its dialogue unless a dialogue column names one
        if (dialogue === null) dialogue = (path.isAbsolute(key) ? path.basename(key) : key).replace(/\.[^./]*$/, '');
        key += `#${startS}-${endS ?? ''}`;
      }
      mediaPath = existingFile(path.resolve(root, fileCell)) ?? existingFile(written);
      if (!mediaPath && !isMediaFile(path.basename(written))) {
        media ??= indexMediaFiles(root);
        mediaPath = findClip(media, path.basename(written), split);
      }
      if (!mediaPath) missingMedia++;
    } else {
      key = `${csvName}:${dialogue !== null ? `${dialogue}:` : ''}row${row.line}`;
    }
    // id=COL: rows sharing an id are one utterance (a second annotator's copy merges into it)
    const idCell = blankToNull(get('id'));
    if (idCell !== null) key = `id:${idCell}`;
    const annotator = cols.annotator === undefined ? undefined : blankToNull(get('annotator'));
    if (annotator === null && label !== null) {
      issue(`no annotator named; label '${label}' ignored`);
      label = null;
    }
    const dup = seen.get(key);
    if (dup !== undefined && annotator !== undefined && idCell !== null) {
      if (fileCell !== null && !mediaPath) missingMedia--;
      const rec = byKey.get(key)!;
      if (annotator !== null && label !== null) {
        const prev = rec.annotations!.find((a) => a.annotator === annotator);
        if (prev) {
          issue(`annotator '${annotator}' labelled id ${idCell} before (row ${dup}); this row's label '${label}' kept`);
          prev.label = label;
        } else rec.annotations!.push({ annotator, label });
      }
      continue;
    }
    if (dup !== undefined) {
      issue(`same media${startS !== null ? ' and start time' : ''} as row ${dup} (${key}); row skipped`);
      if (fileCell !== null && !mediaPath) missingMedia--;
      continue;
    }
    seen.set(key, row.line);
    let index: number | null = null;
    if (dialogue !== null) {
      index = perDialogue.get(dialogue) ?? 0;
      perDialogue.set(dialogue, index + 1);
    }
    const rec: ImportRecord = {
      key,
      split,
      dialogue,
      index,
      speaker: blankToNull(get('speaker')),
      text: blankToNull(get('text')),
      label,
      mediaPath,
      startS,
      endS,
      source: abs,
      row: row.line,
    };
    if (annotator !== undefined) {
      rec.label = null; // the gold label follows the gold rule (store/labels.ts)
      rec.annotations = annotator !== null && label !== null ? [{ annotator, label }] : [];
    }
    byKey.set(key, rec);
    records.push(rec);
  }
  if (!labelSet)
    labelSet = [
      ...new Set(records.flatMap((r) => [r.label, ...(r.annotations ?? []).map((a) => a.label)]).filter((l): l is string => l !== null)),
    ].sort();
  return { kind: 'generic-csv', corpusRoot: root, labelSet, records, issues, missingMedia };
}

function existingFile(p: string): string | null {
  try {
    return fs.statSync(p).isFile() ? p : null;
  } catch {
    return null;
  }
}
