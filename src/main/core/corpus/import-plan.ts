// Deciding what each path given to `import` is, and reading it.
import fs from 'node:fs';
import path from 'node:path';
import type { Split } from '../../../shared/types';
import { readCsvFile } from './csv';
import { mediaRecord, scanMediaFolder, NO_MEDIA } from './folder';
import { parseColumnMapping, readGenericCsv } from './generic';
import { indexMediaFiles, isMediaFile, listMediaFiles, type MediaIndex } from './media-index';
import { isTranscriptFile } from './transcript';
import { looksLikeMeld, readMeldCsv } from './meld';
import { readEafFile } from './eaf';
import { readTextGridFile } from './textgrid';
import { readSubtitleFile } from './subtitles';
import { ImportError, type ImportBatch, type ImportIssue } from './types';

export interface PlanOptions {
  /** split for MELD CSVs (instead of the one in the file name) and for generic rows without one */
  split?: Split;
  /** column mapping for non-MELD CSVs: 'text=COL,label=COL[,file=COL,...]' */
  columns?: string;
  /** label set, in this order, for every file (generic CSVs: rows outside it are issues; others: their own labels after it) */
  labels?: string[];
  /** .eaf files: the tiers holding utterances (default: found from their names and types) */
  tiers?: string[];
  /** .eaf files: the tier holding the gold labels ('' for none; default: found from its name) */
  labelTier?: string;
  /** .TextGrid, .srt, .vtt, .eaf files: the recording they annotate (default: the media file of the same base name beside
   *  each; for .eaf the media it links) */
  media?: string;
}

const SKIP_DIRS = new Set(['node_modules', '__MACOSX']);

/** What planning found: the batches to store, and the files (or arguments) that could not be read at all. */
export interface ImportPlan {
  batches: ImportBatch[];
  /** one entry per file left out, naming it and the reason (row is always null) */
  failed: ImportIssue[];
}

/**
 * One batch per corpus file found in paths, in order:
 * - a folder: every MELD CSV in it or in a folder one level down, with the folder as media root and corpus
 *   root (clips found anywhere below it); other CSVs there as generic CSVs when columns are given, else
 *   noted as an issue; every transcript below it (.eaf, .TextGrid, .srt, .vtt) as the segments of its
 *   recording; when no CSV was read, the media files themselves (but the transcripts' recordings), one
 *   utterance each; a file that cannot be read is an issue of the folder's first batch, the others are imported;
 * - a .csv/.tsv file: MELD when its header is MELD's, else generic with columns (ImportError without);
 * - a media file: a one-record folder batch rooted at its folder;
 * - an .eaf file: its utterance tiers' annotations (corpus/eaf.ts; tiers chosen by opts.tiers / opts.labelTier);
 * - a .TextGrid, .srt or .vtt file: its intervals or cues as segments of one recording (corpus/transcript.ts).
 * A path that cannot be imported as a whole goes to failed with its reason; the rest are still planned.
 */
export function planImportEach(paths: string[], opts: PlanOptions = {}): ImportPlan {
  const batches: ImportBatch[] = [];
  const failed: ImportIssue[] = [];
  const indexes = new Map<string, MediaIndex>();
  const indexOf = (root: string) => {
    let ix = indexes.get(root);
    if (!ix) indexes.set(root, (ix = indexMediaFiles(root)));
    return ix;
  };
  for (const p of paths) {
    const abs = path.resolve(p);
    try {
      let st: fs.Stats;
      try {
        st = fs.statSync(abs);
      } catch (e) {
        throw new ImportError(abs, `cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
      if (st.isDirectory()) batches.push(...planFolder(abs, opts, indexOf));
      else batches.push(planFile(abs, opts, indexOf));
    } catch (e) {
      const err = asImportError(e, abs);
      failed.push({ file: err.file, row: null, message: err.reason });
    }
  }
  // --labels: the label set of every batch (transcripts too), in the order given; the data's others after
  const given = [...new Set((opts.labels ?? []).map((l) => l.trim()).filter(Boolean))];
  if (given.length) for (const b of batches) b.labelSet = [...new Set([...given, ...b.labelSet])];
  return { batches, failed };
}

/** planImportEach, throwing the first failure as an ImportError (for callers that want all or nothing). */
export function planImport(paths: string[], opts: PlanOptions = {}): ImportBatch[] {
  const { batches, failed } = planImportEach(paths, opts);
  if (failed.length) throw new ImportError(failed[0].file, failed[0].message);
  return batches;
}

/** Any error while reading file as an ImportError naming it (parsers' own errors do not). */
function asImportError(e: unknown, file: string): ImportError {
  if (e instanceof ImportError) return e;
  return new ImportError(file, `cannot import it (${(e as Error)?.message ?? String(e)})`);
}

/** root: the folder being imported, when file was found in it (the corpus root and base of the keys) */
function planFile(file: string, opts: PlanOptions, indexOf: (root: string) => MediaIndex, root?: string): ImportBatch {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.eaf')
    return readEafFile(file, { split: opts.split, textTiers: opts.tiers, labelTier: opts.labelTier, root, media: opts.media });
  if (ext === '.textgrid')
    return readTextGridFile(file, { split: opts.split, media: opts.media, textTiers: opts.tiers, labelTier: opts.labelTier, root });
  if (ext === '.srt' || ext === '.vtt')
    return readSubtitleFile(file, { split: opts.split, media: opts.media, textTiers: opts.tiers, root });
  if (ext === '.csv' || ext === '.tsv') {
    const { header } = readCsvFile(file);
    if (looksLikeMeld(header))
      return readMeldCsv(file, { split: opts.split, mediaRoot: path.dirname(file), media: indexOf(path.dirname(file)) });
    if (!opts.columns) {
      throw new ImportError(
        file,
        `not a MELD CSV (its columns: ${header.join(', ') || 'none'}); name its columns with --columns text=COL,label=COL[,file=COL,speaker=COL,dialogue=COL,start=COL,end=COL]`,
      );
    }
    return readGenericCsv(file, parseColumnMapping(opts.columns), { labels: opts.labels, split: opts.split });
  }
  if (isMediaFile(path.basename(file))) {
    const root = path.dirname(file);
    return { kind: 'folder', corpusRoot: root, labelSet: [], records: [mediaRecord(root, file)], issues: [], missingMedia: 0 };
  }
  throw new ImportError(
    file,
    `unsupported file type '${ext || path.basename(file)}' (expected a folder, a .csv, a media file, an .eaf, a .TextGrid, an .srt or a .vtt)`,
  );
}

function planFolder(dir: string, opts: PlanOptions, indexOf: (root: string) => MediaIndex): ImportBatch[] {
  const batches: ImportBatch[] = [];
  const ignored: ImportIssue[] = [];
  const mapping = opts.columns ? parseColumnMapping(opts.columns) : null;
  for (const csv of findCsvs(dir)) {
    try {
      const { header } = readCsvFile(csv);
      if (looksLikeMeld(header)) batches.push(readMeldCsv(csv, { split: opts.split, mediaRoot: dir, media: indexOf(dir) }));
      else if (mapping) batches.push(readGenericCsv(csv, mapping, { labels: opts.labels, split: opts.split, mediaRoot: dir }));
      else ignored.push({ file: csv, row: null, message: 'not a MELD CSV and no --columns given: file not imported' });
    } catch (e) {
      // one unreadable CSV (an empty notes.csv) does not drop the others
      const err = asImportError(e, csv);
      ignored.push({ file: err.file, row: null, message: `file not imported: ${err.reason}` });
    }
  }
  const csvBatches = batches.length;
  // transcripts anywhere below (ELAN, Praat, subtitles): each gives the segments of one recording
  const covered = new Set<string>();
  for (const f of listMediaFiles(dir, isTranscriptFile).files) {
    try {
      const b = planFile(f, { ...opts, media: undefined }, indexOf, dir);
      batches.push(b);
      for (const r of b.records) if (r.mediaPath) covered.add(r.mediaPath);
    } catch (e) {
      const err = asImportError(e, f);
      ignored.push({ file: err.file, row: null, message: `file not imported: ${err.reason}` });
    }
  }
  if (!csvBatches) {
    // no CSV names the clips: each media file is an utterance, except the recordings transcripts cover
    const m = scanMediaFolder(dir);
    if (covered.size) {
      m.records = m.records.filter((r) => !covered.has(r.mediaPath!));
      m.issues = m.issues.filter((i) => !(i.file === m.corpusRoot && i.message === NO_MEDIA));
    }
    if (m.records.length || m.issues.length || !batches.length) {
      m.issues.unshift(...ignored.splice(0));
      batches.push(m);
    }
  }
  if (ignored.length) batches[0].issues.push(...ignored);
  return batches;
}

/** CSV files at the top of dir and one level down, sorted; hidden entries skipped. */
function findCsvs(dir: string): string[] {
  const out: string[] = [];
  const list = (d: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch (e) {
      if (depth === 0) throw new ImportError(d, `cannot read the folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = path.join(d, e.name);
      const isDir = e.isDirectory() || (e.isSymbolicLink() && safeIsDir(p));
      if (isDir) {
        if (depth === 0 && !SKIP_DIRS.has(e.name)) subdirs.push(p);
      } else if (/\.(csv|tsv)$/i.test(e.name)) out.push(p);
    }
    for (const s of subdirs) list(s, depth + 1);
  };
  list(dir, 0);
  return out;
}

function safeIsDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
