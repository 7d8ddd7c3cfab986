// A plain folder of media files: one utterance per file.
import fs from 'node:fs';
import path from 'node:path';
import { listMediaFiles, splitHint } from './media-index';
import { ImportError, type ImportBatch, type ImportIssue, type ImportRecord } from './types';

const MELD_NAME = /^dia(\d+)_utt(\d+)$/i;
export const NO_MEDIA = 'no media files found in this folder';

/** Key of a media file within a corpus: its path relative to the root, with '/' separators. */
export function relativeKey(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

/**
 * Scans dir recursively for media files (see listMediaFiles for what is skipped). Each file is a record
 * keyed by its relative path; its split is the splitHint of its folder (train/dev/test folders, MELD's
 * train_splits/ etc.; 'unsplit' otherwise). Text and label are null and the label set is empty. A
 * MELD-style name dia<D>_utt<U> gives the dialogue and utterance index.
 */
export function scanMediaFolder(dir: string): ImportBatch {
  const root = path.resolve(dir);
  let st: fs.Stats;
  try {
    st = fs.statSync(root);
  } catch (e) {
    throw new ImportError(root, `cannot read the folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (!st.isDirectory()) throw new ImportError(root, 'not a folder');
  const listing = listMediaFiles(root);
  const issues: ImportIssue[] = listing.unreadable.map((u) => ({
    file: u.dir,
    row: null,
    message: `folder skipped: cannot read it (${u.reason})`,
  }));
  const records = listing.files.map((file) => mediaRecord(root, file));
  if (!records.length) issues.push({ file: root, row: null, message: NO_MEDIA });
  return { kind: 'folder', corpusRoot: root, labelSet: [], records, issues, missingMedia: 0 };
}

/** The record for one media file of a folder corpus rooted at root. */
export function mediaRecord(root: string, file: string): ImportRecord {
  const key = relativeKey(root, file);
  const m = MELD_NAME.exec(path.basename(file, path.extname(file)));
  return {
    key,
    split: splitHint(path.dirname(path.relative(root, file))),
    dialogue: m ? String(Number(m[1])) : null,
    index: m ? Number(m[2]) : null,
    speaker: null,
    text: null,
    label: null,
    mediaPath: file,
    startS: null,
    endS: null,
    source: file,
    row: null,
  };
}
