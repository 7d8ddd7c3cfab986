// SRT and WebVTT subtitles: each cue an utterance of the recording, the speaker from a WebVTT
// <v Name> voice tag or a 'NAME:' prefix; formatting tags stripped (corpus/transcript.ts makes records).
import path from 'node:path';
import { readTextFile } from './text-file';
import { segmentsBatch, type Span, type TranscriptOptions, type TranscriptTier } from './transcript';
import { ImportError, type ImportBatch, type ImportIssue } from './types';

export interface Cue {
  start: number;
  end: number;
  speaker: string | null;
  text: string;
  line: number;
}

const TIMING =
  /^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}|\d+[.,]\d{1,3})\s*-->\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}|\d+[.,]\d{1,3})(?:\s+.*)?$/;

/** Seconds from '01:02:03,456', '02:03.456' (WebVTT without hours) or '3.5'; null when malformed. */
export function cueTime(s: string): number | null {
  const m = /^(?:(?:(\d+):)?(\d{1,2}):)?(\d{1,2})[.,](\d{1,3})$/.exec(s.trim());
  if (!m) return null;
  const h = m[1] ? Number(m[1]) : 0;
  const min = m[2] ? Number(m[2]) : 0;
  const sec = Number(m[3]);
  if (min >= 60 || (m[2] !== undefined && sec >= 60)) return null;
  const msPart = Number(m[4].padEnd(3, '0'));
  return (h * 3600_000 + min * 60_000 + sec * 1000 + msPart) / 1000;
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', lrm: '', rlm: '' };

/** Character references of subtitle text: &amp; &lt; &gt; &quot; &apos; &nbsp; &lrm; &rlm; &#233; &#x1F600;. */
export function decodeRefs(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]+);/gi, (all, ref: string) => {
    if (ref[0] === '#') {
      const cp = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : all;
    }
    return NAMED[ref.toLowerCase()] ?? all;
  });
}

/** A 'NAME:' prefix: one to three capitalised words before a colon, then the words spoken. */
const NAME_PREFIX = /^\s*(?:[-–—]\s*)?(\p{Lu}[\p{L}\p{M}'’.-]*(?:\s+\p{Lu}?[\p{L}\p{M}'’.-]+){0,2})\s*:\s+(\S.*)$/u;

/** Cue text to utterance text: voice tag -> speaker, tags and {\ass} overrides removed, lines joined. */
function cueText(lines: string[], vtt: boolean): { speaker: string | null; text: string } {
  let joined = lines.join('\n');
  let speaker: string | null = null;
  if (vtt) {
    const v = /<v(?:\.[^\s>]*)?\s+([^>]+)>/.exec(joined);
    if (v) speaker = decodeRefs(v[1]).trim() || null;
  }
  joined = joined.replace(/<[^>\n]*>/g, '').replace(/\{\\[^}\n]*\}/g, '');
  if (vtt) joined = decodeRefs(joined);
  let text = joined
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!speaker) {
    const m = NAME_PREFIX.exec(text);
    if (m) {
      speaker = m[1].trim();
      text = m[2].trim();
    }
  }
  return { speaker, text };
}

/** The cues of an SRT (vtt false) or WebVTT (vtt true) text; broken cues are issues. */
export function parseSubtitles(src: string, file: string, vtt: boolean, issues: ImportIssue[]): Cue[] {
  const lines = src
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n');
  let i = 0;
  if (vtt) {
    if (!/^WEBVTT(?:[ \t].*)?$/.test(lines[0] ?? '')) throw new ImportError(file, "not a WebVTT file (its first line is not 'WEBVTT')");
    i = 1;
  }
  const cues: Cue[] = [];
  while (i < lines.length) {
    while (i < lines.length && lines[i].trim() === '') i++;
    if (i >= lines.length) break;
    const blockStart = i;
    const block: string[] = [];
    while (i < lines.length && lines[i].trim() !== '') block.push(lines[i++]);
    if (vtt && /^(NOTE|STYLE|REGION)(?:\s|$)/.test(block[0])) continue; // comment and style blocks
    const t = block.findIndex((l) => l.includes('-->'));
    if (t < 0 || t > 1) {
      issues.push({
        file,
        row: blockStart + 1,
        message: 'no cue timing line (00:00:01,000 --> 00:00:02,000) where a cue should start; block left out',
      });
      continue;
    }
    const m = TIMING.exec(block[t]);
    const start = m ? cueTime(m[1]) : null;
    const end = m ? cueTime(m[2]) : null;
    if (start === null || end === null) {
      issues.push({
        file,
        row: blockStart + t + 1,
        message: `'${block[t].trim()}' is not a cue timing (00:00:01,000 --> 00:00:02,000); cue left out`,
      });
      continue;
    }
    if (!(end > start)) {
      issues.push({ file, row: blockStart + t + 1, message: `cue ends (${end} s) before it starts (${start} s); cue left out` });
      continue;
    }
    const { speaker, text } = cueText(block.slice(t + 1), vtt);
    if (text === '') continue; // an empty cue is a pause
    cues.push({ start, end, speaker, text, line: blockStart + t + 1 });
  }
  return cues;
}

/** Reads a .srt or .vtt file into one recording's utterances: one tier per speaker (see segmentsBatch). */
export function readSubtitleFile(file: string, opts: TranscriptOptions = {}): ImportBatch {
  const abs = path.resolve(file);
  const vtt = path.extname(abs).toLowerCase() === '.vtt';
  const issues: ImportIssue[] = [];
  const { text } = readTextFile(abs);
  const cues = parseSubtitles(text, abs, vtt, issues);
  if (!cues.length) throw new ImportError(abs, `no cue with text found in this ${vtt ? 'WebVTT' : 'SRT'} file`);
  const bySpeaker = new Map<string, Span[]>();
  for (const c of cues) {
    const k = c.speaker ?? '';
    let list = bySpeaker.get(k);
    if (!list) bySpeaker.set(k, (list = []));
    list.push({ start: c.start, end: c.end, text: c.text });
  }
  // a tier per speaker; cues without one go to a tier of their own, with no speaker
  const tiers: TranscriptTier[] = [...bySpeaker].map(([name, spans]) => ({ name: name || '(no speaker)', speaker: name || null, spans }));
  const textTiers = opts.textTiers?.length ? opts.textTiers : tiers.map((t) => t.name);
  const batch = segmentsBatch({ kind: vtt ? 'webvtt' : 'srt', file: abs, tiers, issues, opts: { ...opts, textTiers, labelTier: '' } });
  return batch;
}
