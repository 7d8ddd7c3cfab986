// Reading text files whose encoding is not known: UTF-8 when valid, else detected.
import fs from 'node:fs';
import { chardet, iconv } from '../lazy-packages';
import { ImportError } from './types';

export interface DecodedText {
  text: string;
  /** 'utf-8', 'utf-16le', 'windows-1252', ... or 'utf-8+windows-1252' for a file mixing both */
  encoding: string;
}

const LATIN_SINGLE_BYTE = new Set([
  'iso-8859-1',
  'iso-8859-2',
  'iso-8859-9',
  'iso-8859-15',
  'windows-1250',
  'windows-1252',
  'windows-1254',
  'windows-1257',
  'windows-1258',
]);
const MULTI_BYTE = new Set(['shift_jis', 'euc-jp', 'euc-kr', 'gb18030', 'big5', 'iso-2022-jp', 'iso-2022-kr', 'iso-2022-cn']);

/**
 * Reads a text file: UTF-8 when the bytes are valid UTF-8 (BOM stripped), UTF-16 with a BOM, else the
 * encoding chardet detects. Western single-byte guesses (ISO-8859-1 and its cousins at low confidence)
 * are read as Windows-1252, as browsers do, so 0x92 becomes ’ rather than a control character. A file
 * that mixes valid UTF-8 sequences with stray Windows-1252 bytes is decoded sequence by sequence.
 * Throws ImportError when the file cannot be read or is binary.
 */
export function readTextFile(file: string): DecodedText {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    throw new ImportError(file, `cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return decodeText(buf, file);
}

/** decodeText for bytes already in memory (see readTextFile). */
export function decodeText(buf: Buffer, file = '(buffer)'): DecodedText {
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    const t = tryUtf8(buf.subarray(3));
    if (t !== null) return { text: t, encoding: 'utf-8' };
    buf = buf.subarray(3);
  }
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe)
    return { text: iconv().decode(buf.subarray(2), 'utf-16le'), encoding: 'utf-16le' };
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff)
    return { text: iconv().decode(buf.subarray(2), 'utf-16be'), encoding: 'utf-16be' };
  if (buf.length >= 4 && buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 0x03 && buf[3] === 0x04) {
    throw new ImportError(file, 'this is a zip archive (an Excel or OpenDocument workbook?), not a text file: save it as CSV');
  }
  const utf8 = tryUtf8(buf);
  if (utf8 !== null && !utf8.includes('\u0000')) return { text: utf8, encoding: 'utf-8' };
  if (buf.includes(0)) {
    // UTF-16 without a BOM shows as NULs in every other byte of ASCII text
    const even = countZeros(buf, 0),
      odd = countZeros(buf, 1),
      half = buf.length / 2;
    const enc = odd > half * 0.3 && even < half * 0.05 ? 'utf-16le' : even > half * 0.3 && odd < half * 0.05 ? 'utf-16be' : null;
    if (enc) {
      const text = iconv().decode(buf, enc);
      if (looksLikeText(text)) return { text, encoding: enc };
    }
    throw new ImportError(file, 'binary file (contains NUL bytes), not text');
  }
  const guess = guessEncoding(buf);
  if (guess === 'windows-1252' && countValidUtf8Multibyte(buf) > 0) {
    return { text: decodeMixed(buf), encoding: 'utf-8+windows-1252' };
  }
  return { text: stripBom(iconv().decode(buf, guess)), encoding: guess };
}

/** Few control characters other than tab and line breaks. */
function looksLikeText(s: string): boolean {
  let bad = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd || (c >= 0x7f && c < 0xa0)) bad++;
  }
  return bad <= s.length * 0.01;
}

function tryUtf8(buf: Buffer): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(buf);
  } catch {
    return null;
  }
}

function stripBom(s: string): string {
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

function countZeros(buf: Buffer, parity: 0 | 1): number {
  let n = 0;
  for (let i = parity; i < buf.length; i += 2) if (buf[i] === 0) n++;
  return n;
}

function guessEncoding(buf: Buffer): string {
  const candidates = chardet().analyse(buf);
  const top = candidates[0];
  if (!top) return 'windows-1252';
  const name = top.name.toLowerCase();
  if (MULTI_BYTE.has(name) && top.confidence >= 50 && iconv().encodingExists(name)) return name;
  if (LATIN_SINGLE_BYTE.has(name)) {
    // chardet's Western guesses on short, mostly-ASCII text are weak: only trust a confident
    // Central European / Turkish / Baltic guess, everything else is Windows-1252
    if (name !== 'iso-8859-1' && name !== 'windows-1252' && top.confidence >= 60 && iconv().encodingExists(name)) return name;
    return 'windows-1252';
  }
  if (top.confidence >= 50 && name !== 'utf-8' && name !== 'ascii' && iconv().encodingExists(name)) return name;
  return 'windows-1252';
}

/** Length of the valid UTF-8 multi-byte sequence starting at i (C1 controls excluded), or 0. */
function utf8SeqLen(buf: Buffer, i: number): number {
  const b = buf[i];
  let n: number, min: number;
  if (b >= 0xc2 && b <= 0xdf) {
    n = 2;
    min = 0x80;
  } else if (b >= 0xe0 && b <= 0xef) {
    n = 3;
    min = 0x800;
  } else if (b >= 0xf0 && b <= 0xf4) {
    n = 4;
    min = 0x10000;
  } else return 0;
  if (i + n > buf.length) return 0;
  let cp = b & (0xff >> (n + 1));
  for (let k = 1; k < n; k++) {
    const c = buf[i + k];
    if ((c & 0xc0) !== 0x80) return 0;
    cp = (cp << 6) | (c & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  // C1 controls (C2 80..C2 9F) are far likelier to be Windows-1252 text such as 'Â’' than UTF-8
  if (cp >= 0x80 && cp <= 0x9f) return 0;
  return n;
}

function countValidUtf8Multibyte(buf: Buffer): number {
  let n = 0;
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] < 0x80) continue;
    const len = utf8SeqLen(buf, i);
    if (len) {
      n++;
      i += len - 1;
    }
  }
  return n;
}

/** Valid UTF-8 sequences as UTF-8, every other byte >= 0x80 as Windows-1252. */
function decodeMixed(buf: Buffer): string {
  const parts: string[] = [];
  let start = 0;
  const flushUtf8 = (end: number) => {
    if (end > start) parts.push(buf.toString('utf8', start, end));
  };
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] < 0x80) continue;
    const len = utf8SeqLen(buf, i);
    if (len) {
      i += len - 1;
      continue;
    }
    flushUtf8(i);
    parts.push(iconv().decode(buf.subarray(i, i + 1), 'windows-1252'));
    start = i + 1;
  }
  flushUtf8(buf.length);
  return stripBom(parts.join(''));
}
