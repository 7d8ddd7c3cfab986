// Placing utterances on media timelines, for the time-aligned formats (ELAN, Praat). One timeline per
// media file (MELD: one clip per utterance, so the utterance spans the clip); utterances without media
// are grouped by dialogue. Times come from the source when they fit the media (a long recording with
// start/end per utterance), else the utterance spans its own clip; without media, source times are
// made relative to the dialogue's first one, or utterances are laid end to end.
import path from 'node:path';
import type { ExportRow } from './rows';

export interface Segment {
  row: ExportRow;
  /** seconds on this timeline */
  start: number;
  end: number;
}

export interface Timeline {
  /** a file-name-safe name, unique among the timelines returned */
  name: string;
  media: string | null;
  /** end of the last segment, or the media duration when longer */
  duration: number;
  segments: Segment[];
  notes: string[];
}

/** Seconds given to an utterance that has no media and no times (laid end to end). */
export const UNTIMED_SPAN_S = 2;

export function timelines(rows: ExportRow[]): Timeline[] {
  const groups = new Map<string, ExportRow[]>();
  for (const r of rows) {
    const k = r.media !== null ? `m:${r.media}` : r.dialogue !== null ? `d:${r.corpus}\u0000${r.split}\u0000${r.dialogue}` : `u:${r.id}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(r);
  }
  const names = new Set<string>();
  const out: Timeline[] = [];
  for (const g of groups.values()) {
    g.sort((a, b) => (a.index ?? Infinity) - (b.index ?? Infinity) || (a.start_s ?? 0) - (b.start_s ?? 0) || a.id - b.id);
    const first = g[0];
    const base =
      first.media !== null
        ? path.basename(first.media, path.extname(first.media))
        : first.dialogue !== null
          ? `dialogue-${first.dialogue}`
          : `utterance-${first.id}`;
    out.push({ ...place(g), name: uniqueName(safeName((first.split !== 'unsplit' ? first.split + '_' : '') + base), names) });
  }
  return out;
}

function place(g: ExportRow[]): Omit<Timeline, 'name'> {
  const notes: string[] = [];
  const media = g[0].media;
  const dur = g[0].media_duration_s;
  const timed = g.every((r) => r.start_s !== null && r.end_s !== null && r.end_s > r.start_s);
  let segments: Segment[];
  if (media !== null && timed && (dur === null ? g.length > 1 : g.every((r) => r.end_s! <= dur + 0.5))) {
    segments = g.map((r) => ({ row: r, start: r.start_s!, end: r.end_s! })); // times within the recording
  } else if (media !== null && g.length === 1) {
    const r = g[0];
    const span = dur ?? (timed ? r.end_s! - r.start_s! : UNTIMED_SPAN_S);
    if (dur === null) notes.push(`${media}: duration unknown (not extracted yet): the utterance spans ${span.toFixed(3)} s`);
    segments = [{ row: r, start: 0, end: span }];
  } else if (timed) {
    const t0 = Math.min(...g.map((r) => r.start_s!));
    segments = g.map((r) => ({ row: r, start: r.start_s! - t0, end: r.end_s! - t0 }));
  } else {
    let t = 0;
    segments = g.map((r) => {
      const span =
        r.start_s !== null && r.end_s !== null && r.end_s > r.start_s ? r.end_s - r.start_s : (r.media_duration_s ?? UNTIMED_SPAN_S);
      const s = { row: r, start: t, end: t + span };
      t += span;
      return s;
    });
    if (g.length > 1) notes.push(`${g.length} utterances without usable times laid end to end`);
  }
  const end = Math.max(0, ...segments.map((s) => s.end));
  return { media, duration: Math.max(end, dur ?? 0), segments, notes };
}

function safeName(s: string): string {
  return (
    s
      .replace(/[^\p{L}\p{N}._-]+/gu, '_')
      .replace(/^[._]+/, '')
      .slice(0, 120) || 'timeline'
  );
}

function uniqueName(s: string, used: Set<string>): string {
  let n = s;
  for (let k = 2; used.has(n.toLowerCase()); k++) n = `${s}-${k}`;
  used.add(n.toLowerCase());
  return n;
}

/**
 * Intervals of one tier must not overlap: each segment starts no earlier than the previous one ended.
 * Returns the kept segments (start clipped where needed) and a note per segment dropped or clipped.
 */
export function nonOverlapping(segs: Segment[], tier: string): { kept: Segment[]; notes: string[] } {
  const kept: Segment[] = [];
  const notes: string[] = [];
  let last = -Infinity;
  for (const s of [...segs].sort((a, b) => a.start - b.start || a.end - b.end)) {
    const start = Math.max(s.start, last);
    if (s.end - start < 0.001) {
      notes.push(`tier ${tier}: utterance ${s.row.key} overlaps the previous one completely; left out of this tier`);
      continue;
    }
    if (start > s.start)
      notes.push(`tier ${tier}: utterance ${s.row.key} overlaps the previous one; its start moved to ${start.toFixed(3)} s`);
    kept.push({ ...s, start });
    last = s.end;
  }
  return { kept, notes };
}
