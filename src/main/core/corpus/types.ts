// Importer contracts. Importers are pure: they read files and return records; the store
// (store/corpus-repo.ts) writes them. Keys are deterministic so re-importing adds nothing.
import type { Split } from '../../../shared/types';

export type { Split };

/** One utterance as read from a corpus file. */
export interface ImportRecord {
  /** stable unique key within the corpus: 'train/dia0_utt3' (MELD), the media path relative to the
   *  corpus root ('season1/clip 01.mp4', folders and generic CSVs with a file column), or
   *  'name.csv:row12' / 'name.csv:D7:row12' (generic CSV without a file column) */
  key: string;
  split: Split;
  dialogue: string | null;
  /** utterance index in its dialogue */
  index: number | null;
  speaker: string | null;
  text: string | null;
  label: string | null;
  /** absolute path of the clip, null when it was not found */
  mediaPath: string | null;
  /** the utterance's span in its media file, seconds; null for a whole clip */
  startS: number | null;
  endS: number | null;
  /** MELD's StartTime/EndTime: where the clip was cut from in the TV episode (metadata, not a span of the clip) */
  episodeStartS?: number | null;
  episodeEndS?: number | null;
  /** the file the record came from (absolute): the CSV, or the media file for a folder scan */
  source: string;
  /** 1-based line of the file where the record starts (the header is line 1); null for folder scans */
  row: number | null;
  /** labels by named annotators (generic CSV annotator=COL, ELAN tiers per annotator); the store
   *  keeps each as that annotator's label, the gold label then follows the gold rule */
  annotations?: { annotator: string; label: string }[];
  /** the file has a gold label tier beside the annotators' tiers (true even where that tier gives this
   *  record no label): an item it leaves without a gold label keeps none, rather than taking the label
   *  of the annotator read last under the gold rule `latest` (an exported tie comes back open) */
  goldTier?: boolean;
}

/** A problem with one row or one file that did not stop the import. */
export interface ImportIssue {
  file: string;
  row: number | null;
  message: string;
}

export type ImportKind = 'meld-csv' | 'folder' | 'generic-csv' | 'elan-eaf' | 'praat-textgrid' | 'srt' | 'webvtt' | 'vad-segments';

export interface ImportBatch {
  kind: ImportKind;
  /** absolute; the corpus is identified by it */
  corpusRoot: string;
  labelSet: string[];
  records: ImportRecord[];
  issues: ImportIssue[];
  /** records whose clip was not found (mediaPath null) */
  missingMedia: number;
}

/** Mapping of a generic CSV's columns (values are the CSV's column names). */
export interface ColumnMapping {
  text?: string;
  label?: string;
  file?: string;
  speaker?: string;
  dialogue?: string;
  start?: string;
  end?: string;
  split?: string;
  /** rows sharing this column's value are one utterance */
  id?: string;
  /** the annotator who gave the row's label (long format: one row per utterance and annotator) */
  annotator?: string;
}

/** A whole file (or argument) could not be imported; the message names the file and the reason. */
export class ImportError extends Error {
  readonly file: string;
  readonly reason: string;
  constructor(file: string, reason: string) {
    super(`${file}: ${reason}`);
    this.name = 'ImportError';
    this.file = file;
    this.reason = reason;
  }
}

/** Media extensions recognised, in order of preference when one name has several files. */
export const MEDIA_EXTENSIONS = ['mp4', 'mkv', 'mov', 'webm', 'avi', 'm4a', 'wav', 'mp3', 'flac', 'ogg', 'opus', 'aac'] as const;
