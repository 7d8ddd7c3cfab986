// Time-aligned transcripts of one recording (Praat TextGrid, SRT, WebVTT; ELAN shares the helpers):
// finding the recording, choosing utterance and label tiers, and turning segments into records.
import fs from 'node:fs';
import path from 'node:path';
import type { Split } from '../../../shared/types';
import { relativeKey } from './folder';
import { isMediaFile, splitHint } from './media-index';
import { ImportError, MEDIA_EXTENSIONS, type ImportBatch, type ImportIssue, type ImportKind, type ImportRecord } from './types';
import { isBelow } from '../path-inside';

/** One timed span of a tier (seconds on the transcript's time line). */
export interface Span {
  start: number;
  end: number;
  text: string;
}
/** A tier: a speaker's utterances, or labels. */
/** A tier: a speaker's utterances, or labels; speaker undefined: the tier's name is the speaker. */
export interface TranscriptTier {
  name: string;
  speaker?: string | null;
  spans: Span[];
}

export interface TranscriptOptions {
  split?: Split;
  /** the corpus root (a folder being imported); keys are the transcript's path relative to it (default: its folder) */
  root?: string;
  /** the recording (--media); default: the media file with the transcript's base name beside it */
  media?: string;
  /** tiers holding utterances (default: every tier that is not a label or prediction tier) */
  textTiers?: string[];
  /** tier holding gold labels ('' for none; default: 'emotion (gold)', else a tier named emotion/label) */
  labelTier?: string;
}

const EXT_RANK = new Map<string, number>(MEDIA_EXTENSIONS.map((e, i) => [e, i]));

/**
 * The recording of a transcript: the media file in the same folder whose base name is the transcript's
 * ('talk.TextGrid' -> 'talk.wav'), else with its last dotted parts dropped ('film.en.srt' -> 'film.mp4');
 * exact case first, then ignoring case; several extensions: MEDIA_EXTENSIONS order (video first).
 */
export function mediaBeside(file: string): string | null {
  const dir = path.dirname(file);
  let names: string[];
  try {
    names = fs
      .readdirSync(dir)
      .filter((n) => isMediaFile(n))
      .sort();
  } catch {
    return null;
  }
  const rank = (n: string) => EXT_RANK.get(path.extname(n).slice(1).toLowerCase()) ?? 99;
  let base = path.basename(file, path.extname(file));
  while (base) {
    for (const fold of [false, true]) {
      const want = fold ? base.toLowerCase() : base;
      const hits = names.filter((n) => {
        const b = path.basename(n, path.extname(n));
        return (fold ? b.toLowerCase() : b) === want;
      });
      hits.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
      const hit = hits.find((h) => isPlainFile(path.join(dir, h)));
      if (hit) return path.join(dir, hit);
    }
    const dot = base.lastIndexOf('.');
    base = dot > 0 ? base.slice(0, dot) : '';
  }
  return null;
}

function isPlainFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The recording asked for with --media (must be a readable file), or the one beside the transcript. */
export function recordingOf(file: string, media: string | undefined, issues: ImportIssue[]): string | null {
  if (media !== undefined) {
    const abs = path.resolve(media);
    if (!isPlainFile(abs)) throw new ImportError(abs, '--media: no such file');
    return abs;
  }
  const found = mediaBeside(file);
  if (!found) {
    const base = path.basename(file, path.extname(file));
    issues.push({
      file,
      row: null,
      message: `no media file named '${base}.*' beside it (give the recording with --media FILE): utterances imported without media`,
    });
  }
  return found;
}

const PREDICTED = /pred/i;
const SUB_UTTERANCE = /\b(phones?|phonemes?|phonetic|syllables?|segments?)\b/i;
const LABELISH = /\b(emotions?|labels?)\b/i;

/** The annotator of a tier named `emotion (NAME)` / `labels (NAME)` (not gold, not a prediction), as the
 * exports write them and ELAN files are read; else null. */
export function annotatorOfTierName(name: string): string | null {
  const m = /^(?:emotions?|labels?) \((.+)\)$/i.exec(name.trim());
  return m && !PREDICTED.test(name) && !/^gold$/i.test(m[1].trim()) ? m[1].trim() : null;
}

/** The label tier: asked for by name ('' for none), else by its name as ELAN's and the exports' are
 * (never an annotator's tier). */
export function chooseLabelTier<T extends { name: string }>(tiers: T[], asked: string | undefined, file: string): T | null {
  if (asked !== undefined) return asked === '' ? null : needTier(tiers, asked, 'labels', file);
  return (
    tiers.find((t) => t.name === 'emotion (gold)') ??
    tiers.find((t) => /gold/i.test(t.name) && LABELISH.test(t.name)) ??
    tiers.find((t) => LABELISH.test(t.name) && !PREDICTED.test(t.name) && annotatorOfTierName(t.name) === null) ??
    null
  );
}

/** Whether a tier looks like labels or predictions (never utterances by default). */
export function isLabelLike(name: string): boolean {
  return PREDICTED.test(name) || LABELISH.test(name);
}

export function needTier<T extends { name: string }>(tiers: T[], id: string, what: string, file: string): T {
  const t = tiers.find((x) => x.name === id);
  if (!t)
    throw new ImportError(file, `no tier '${id}' for the ${what} (its tiers: ${tiers.map((x) => `'${x.name}'`).join(', ') || 'none'})`);
  return t;
}

/** The label span overlapping [start, end] most, covering at least half of it or of itself; null if none. */
export function labelByOverlap(start: number, end: number, labels: Span[]): string | null {
  let best: Span | null = null;
  let bestOverlap = 0;
  for (const l of labels) {
    const o = Math.min(end, l.end) - Math.max(start, l.start);
    if (o > bestOverlap) {
      best = l;
      bestOverlap = o;
    }
  }
  if (!best || bestOverlap < 0.5 * Math.min(end - start, best.end - best.start)) return null;
  return best.text || null;
}

/** Split of a transcript: asked for, else from its name, else from its folder's name. */
export function splitOf(file: string, asked: Split | undefined): Split {
  if (asked) return asked;
  const s = splitHint(path.basename(file, path.extname(file)));
  return s !== 'unsplit' ? s : splitHint(path.basename(path.dirname(file)));
}

/**
 * The dialogue of a recording: its path relative to the corpus root without the extension ('talk',
 * 'day1/talk'), its base name when it lies elsewhere; the transcript's base name when there is no media.
 */
export function dialogueOf(root: string, media: string | null, file: string): string {
  if (!media) return path.basename(file, path.extname(file));
  const inside = isBelow(media, root);
  const p = inside ? relativeKey(root, media) : path.basename(media);
  return p.slice(0, p.length - path.extname(p).length);
}

/** Milliseconds for keys ('1.5' -> 1500). */
export const ms = (s: number) => Math.round(s * 1000);

export interface SegmentsInput {
  kind: ImportKind;
  file: string;
  tiers: TranscriptTier[];
  issues: ImportIssue[];
  opts: TranscriptOptions;
  /** seconds added to every time to place it on the media (ELAN's TIME_ORIGIN) */
  offsetS?: number;
  /** the recording, when the format links it itself (ELAN); else recordingOf(file, opts.media) */
  media?: string | null;
}

/**
 * The batch of one transcript: each non-empty span of the utterance tiers is an utterance of the
 * recording (speaker: the tier's speaker, else its name), labelled from the label tier by overlap;
 * empty spans are silences. One dialogue per recording, utterances in time order. Keys:
 * '<transcript path relative to the root>#<tier>@<start ms>' ('~2', '~3' on a repeat).
 */
export function segmentsBatch(input: SegmentsInput): ImportBatch {
  const { kind, file, tiers, issues, opts } = input;
  const labelTier = chooseLabelTier(tiers, opts.labelTier, file);
  // tiers of phones or syllables (a forced aligner's) are never utterances unless asked for
  const sub = opts.textTiers?.length ? [] : tiers.filter((t) => SUB_UTTERANCE.test(t.name) && t.spans.some((s) => s.text !== ''));
  if (sub.length)
    issues.push({
      file,
      row: null,
      message: `tier${sub.length > 1 ? 's' : ''} ${sub.map((t) => `'${t.name}'`).join(', ')} left out: phones or syllables, not utterances (name the utterance tiers with --tiers)`,
    });
  const textTiers = opts.textTiers?.length
    ? opts.textTiers.map((id) => needTier(tiers, id, 'utterances', file))
    : tiers.filter((t) => t !== labelTier && !isLabelLike(t.name) && !sub.includes(t) && t.spans.some((s) => s.text !== ''));
  if (!textTiers.length) {
    throw new ImportError(
      file,
      `no utterance tier found (its tiers: ${tiers.map((t) => `'${t.name}'`).join(', ') || 'none'}); name them with --tiers`,
    );
  }
  const mediaPath = input.media !== undefined ? input.media : recordingOf(file, opts.media, issues);
  const root = opts.root ?? path.dirname(file);
  const split = splitOf(file, opts.split);
  const dialogue = dialogueOf(root, mediaPath, file);
  const offset = input.offsetS ?? 0;
  const labels = labelTier ? labelTier.spans.filter((s) => s.text !== '') : [];
  const annotatorTiers = tiers
    .filter((t) => t !== labelTier && annotatorOfTierName(t.name) !== null)
    .map((t) => ({ annotator: annotatorOfTierName(t.name)!, spans: t.spans.filter((s) => s.text !== '') }));
  const items = textTiers
    .flatMap((t) => t.spans.filter((s) => s.text !== '').map((s) => ({ t, s })))
    .sort((x, y) => x.s.start - y.s.start || x.s.end - y.s.end);
  const base = relativeKey(root, file);
  const keys = new Set<string>();
  const records = items.map(({ t, s }, i): ImportRecord => {
    let key = `${base}#${t.name}@${ms(s.start)}`;
    for (let k = 2; keys.has(key); k++) key = `${base}#${t.name}@${ms(s.start)}~${k}`;
    keys.add(key);
    return {
      key,
      split,
      dialogue,
      index: i,
      speaker: t.speaker === undefined ? t.name : t.speaker,
      text: s.text,
      label: labelTier ? labelByOverlap(s.start, s.end, labels) : null,
      mediaPath,
      startS: round6(s.start + offset),
      endS: round6(s.end + offset),
      source: file,
      row: null,
      ...(labelTier && annotatorTiers.length ? { goldTier: true } : {}),
      ...(annotatorTiers.length
        ? {
            annotations: annotatorTiers.flatMap((a) => {
              const l = labelByOverlap(s.start, s.end, a.spans);
              return l !== null ? [{ annotator: a.annotator, label: l }] : [];
            }),
          }
        : {}),
    };
  });
  if (!records.length)
    issues.push({
      file,
      row: null,
      message: `the utterance tiers (${textTiers.map((t) => `'${t.name}'`).join(', ')}) hold no span with text`,
    });
  const labelSet = [...new Set([...labels, ...annotatorTiers.flatMap((a) => a.spans)].map((l) => l.text))];
  return { kind, corpusRoot: root, labelSet, records, issues, missingMedia: mediaPath ? 0 : records.length };
}

/** Rounded to the microsecond, so that 1.5 read from any format is the same number. */
function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** File types read as transcripts of a recording (lower case, with the dot). */
export const TRANSCRIPT_EXTENSIONS = ['.eaf', '.textgrid', '.srt', '.vtt'] as const;

export function isTranscriptFile(name: string): boolean {
  return !name.startsWith('.') && (TRANSCRIPT_EXTENSIONS as readonly string[]).includes(path.extname(name).toLowerCase());
}
