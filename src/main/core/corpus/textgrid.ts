// Praat TextGrid import (text files, long or short format; UTF-8, UTF-16 with BOM, or a legacy 8-bit
// encoding): interval tiers are speakers, their non-empty intervals utterances (corpus/transcript.ts).
import fs from 'node:fs';
import path from 'node:path';
import { decodeText } from './text-file';
import { segmentsBatch, type TranscriptOptions, type TranscriptTier } from './transcript';
import { ImportError, type ImportBatch, type ImportIssue } from './types';

type Token = { s: string } | { n: number } | { flag: string };

/**
 * Praat's text reader keeps only values: quoted strings ('""' escapes a quote; may span lines),
 * numbers and <flags>; labels such as 'xmin =' or 'intervals [3]:' and '!' comments are skipped. So one
 * reader serves the long ("ooTextFile" with labels) and the short format (values only).
 */
function tokenize(src: string, file: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i];
    if (c === '"') {
      let s = '';
      i++;
      for (;;) {
        if (i >= n) throw new ImportError(file, 'a quoted text is never closed (the file is cut short?)');
        const q = src.indexOf('"', i);
        if (q < 0) {
          i = n;
          continue;
        }
        s += src.slice(i, q);
        if (src[q + 1] === '"') {
          s += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      out.push({ s });
    } else if (c === '!') {
      while (i < n && src[i] !== '\n') i++;
    } else if (c === '<') {
      const j = src.indexOf('>', i);
      if (j < 0) throw new ImportError(file, 'a <flag> is never closed');
      out.push({ flag: src.slice(i + 1, j).trim() });
      i = j + 1;
    } else if (c === '[') {
      const j = src.indexOf(']', i);
      i = j < 0 ? n : j + 1; // item [1]:, intervals [3]:
    } else if (/[-+\d.]/.test(c)) {
      const m = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/.exec(src.slice(i, i + 64));
      if (!m) {
        i++;
        continue;
      }
      out.push({ n: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      while (i < n && /[A-Za-z_?\d]/.test(src[i])) i++; // a label word
    } else i++;
  }
  return out;
}

/** The tiers of a TextGrid's text; point tiers are noted in issues and left out. */
export function parseTextGrid(text: string, file: string, issues: ImportIssue[]): TranscriptTier[] {
  const src = text.replace(/^\uFEFF/, '');
  if (/^\s*"Praat chronological TextGrid text file"/.test(src))
    throw new ImportError(file, 'a chronological TextGrid: save it from Praat as a text file (long or short)');
  if (!/^\s*File type\s*=\s*"ooTextFile(?: short)?"/.test(src))
    throw new ImportError(file, 'not a Praat TextGrid text file (it does not start with File type = "ooTextFile")');
  const t = tokenize(src, file);
  let k = 0;
  const where = () => `value ${k + 1}`;
  const str = (what: string) => {
    const x = t[k++];
    if (!x || !('s' in x)) throw new ImportError(file, `${what}: a quoted text expected (${x ? where() : 'the file ends here'})`);
    return x.s;
  };
  const num = (what: string) => {
    const x = t[k++];
    if (!x || !('n' in x) || !Number.isFinite(x.n))
      throw new ImportError(file, `${what}: a number expected (${x ? where() : 'the file ends here'})`);
    return x.n;
  };
  const count = (what: string) => {
    const v = num(what);
    if (!Number.isInteger(v) || v < 0 || v > 10_000_000) throw new ImportError(file, `${what}: ${v} is not a count`);
    return v;
  };
  str('file type');
  const cls = str('object class');
  if (cls !== 'TextGrid') throw new ImportError(file, `a Praat '${cls}' object, not a TextGrid`);
  num('xmin');
  num('xmax');
  const flag = t[k];
  if (flag && 'flag' in flag) {
    k++;
    if (flag.flag !== 'exists') return []; // tiers? <absent>
  }
  const size = count('number of tiers');
  const tiers: TranscriptTier[] = [];
  for (let j = 0; j < size; j++) {
    const tierClass = str(`tier ${j + 1} class`);
    const name = str(`tier ${j + 1} name`).trim() || `tier ${j + 1}`;
    num(`tier '${name}' xmin`);
    num(`tier '${name}' xmax`);
    const n = count(`tier '${name}' size`);
    if (tierClass === 'IntervalTier') {
      const spans = [];
      for (let q = 0; q < n; q++) {
        const start = num(`tier '${name}' interval ${q + 1} xmin`);
        const end = num(`tier '${name}' interval ${q + 1} xmax`);
        const text = str(`tier '${name}' interval ${q + 1} text`)
          .replace(/\s+/g, ' ')
          .trim();
        if (text !== '' && !(end > start)) {
          issues.push({
            file,
            row: null,
            message: `tier '${name}': interval ${q + 1} ends (${end} s) before it starts (${start} s); left out`,
          });
          continue;
        }
        spans.push({ start, end, text });
      }
      tiers.push({ name, spans });
    } else if (tierClass === 'TextTier') {
      for (let q = 0; q < n; q++) {
        num(`tier '${name}' point ${q + 1} time`);
        str(`tier '${name}' point ${q + 1} mark`);
      }
      issues.push({
        file,
        row: null,
        message: `point tier '${name}' (${n} point${n === 1 ? '' : 's'}) left out: only interval tiers hold utterances`,
      });
    } else throw new ImportError(file, `tier ${j + 1} ('${name}'): unknown tier class '${tierClass}'`);
  }
  return tiers;
}

/** Reads a .TextGrid file into one recording's utterances (see segmentsBatch). */
export function readTextGridFile(file: string, opts: TranscriptOptions = {}): ImportBatch {
  const abs = path.resolve(file);
  const issues: ImportIssue[] = [];
  let buf: Buffer;
  try {
    buf = fs.readFileSync(abs);
  } catch (e) {
    throw new ImportError(abs, `cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (buf.subarray(0, 12).toString('latin1') === 'ooBinaryFile')
    throw new ImportError(abs, 'a binary TextGrid: save it from Praat as a text file (long or short)');
  const { text, encoding } = decodeText(buf, abs);
  // Praat writes UTF-8 or UTF-16; anything else was read by a guess, which can be wrong (windows-1251 as 1252)
  if (!/^utf-(8|16le|16be)$/.test(encoding))
    issues.push({
      file: abs,
      row: null,
      message: `not UTF-8 or UTF-16: read as ${encoding}, a guess from its bytes (if the text looks wrong, save it from Praat as UTF-8)`,
    });
  const tiers = parseTextGrid(text, abs, issues);
  return segmentsBatch({ kind: 'praat-textgrid', file: abs, tiers, issues, opts });
}
