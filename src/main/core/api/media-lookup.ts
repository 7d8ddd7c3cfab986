// The only file reads the UI can cause: an utterance's own clip (when it lies under its corpus
// root) and its stored PNG thumbnails. Used by browser mode (/media, /thumb) and by Electron's
// es-media:// protocol alike; neither takes a path from the request, only numeric ids.
import fs from 'node:fs';
import type { Db } from '../store/db';
import { mediaPathOf } from '../store/media-files';
import { isBelow } from '../path-inside';
import { mediaMimeType } from '../media/mime';

export type MediaLookup = { ok: true; file: string; size: number; type: string } | { ok: false; status: 403 | 404; reason: string };

export function mediaContentType(file: string): string {
  return mediaMimeType(file) ?? 'application/octet-stream';
}

/** The clip of utterance `id`, resolved through symlinks and checked to lie under its corpus root. */
export function mediaFileOf(db: Db, id: number): MediaLookup {
  const r = mediaPathOf(db, id);
  if (!r) return { ok: false, status: 404, reason: `no utterance with id ${id}` };
  if (!r.path) return { ok: false, status: 404, reason: `utterance ${id} has no media file` };
  let file: string;
  let root: string;
  try {
    file = fs.realpathSync(r.path);
    root = fs.realpathSync(r.root);
  } catch {
    return { ok: false, status: 404, reason: `the media file of utterance ${id} is not on disk: ${r.path}` };
  }
  if (!isBelow(file, root))
    return { ok: false, status: 403, reason: `the media file of utterance ${id} is outside its corpus folder ${r.root}` };
  const st = fs.statSync(file);
  if (!st.isFile()) return { ok: false, status: 404, reason: `not a file: ${r.path}` };
  return { ok: true, file, size: st.size, type: mediaContentType(file) };
}

export { thumbnailOf, thumbnailFrames } from '../store/media-files';

/**
 * One byte range of a `Range: bytes=...` header (RFC 9110): null means "send the whole file" (no
 * header, or a form we do not serve such as several ranges), 'unsatisfiable' gives a 416.
 */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return null;
  const [, a, b] = m;
  if (a === '' && b === '') return null;
  let start: number;
  let end: number;
  if (a === '') {
    const n = Number(b); // suffix: the last n bytes
    if (n === 0) return 'unsatisfiable';
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
    if (b !== '' && Number(b) < start) return null; // invalid: ignore the header
  }
  if (start >= size || size === 0) return 'unsatisfiable';
  return { start, end };
}

/**
 * The answer to a request for an utterance's clip, transport-agnostic (the HTTP server and Electron's
 * es-media protocol both send it): status, headers, and the byte span of the file to send (or a text).
 */
export interface MediaAnswer {
  status: number;
  headers: Record<string, string>;
  /** the file's bytes start..end (inclusive), or a short text, or nothing (an empty file) */
  body: { file: string; start: number; end: number } | { text: string } | null;
}

export function mediaAnswer(db: Db, id: number, rangeHeader: string | undefined): MediaAnswer {
  const f = mediaFileOf(db, id);
  if (!f.ok) return { status: f.status, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: { text: f.reason } };
  const range = parseRange(rangeHeader, f.size);
  const base = { 'Content-Type': f.type, 'Accept-Ranges': 'bytes', 'Cache-Control': 'private, no-cache' };
  if (range === 'unsatisfiable') {
    return {
      status: 416,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Range': `bytes */${f.size}` },
      body: { text: 'range not satisfiable' },
    };
  }
  if (range) {
    return {
      status: 206,
      headers: {
        ...base,
        'Content-Length': String(range.end - range.start + 1),
        'Content-Range': `bytes ${range.start}-${range.end}/${f.size}`,
      },
      body: { file: f.file, start: range.start, end: range.end },
    };
  }
  return {
    status: 200,
    headers: { ...base, 'Content-Length': String(f.size) },
    body: f.size > 0 ? { file: f.file, start: 0, end: f.size - 1 } : null,
  };
}
