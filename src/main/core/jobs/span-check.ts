// Whether an utterance's span (start_s/end_s on its media file) can be extracted. An utterance with no
// span at all is a whole clip; a span that does not end after its start, or has one end only, is an
// item error (no features), never the whole recording: a 4.000-4.000 s annotation once got 181 s of it.
import path from 'node:path';

/** What is wrong with a span (null: a whole clip or a usable segment). */
export function spanProblem(startS: number | null, endS: number | null): string | null {
  if (startS === null && endS === null) return null;
  if (startS === null || endS === null) return `has ${startS === null ? 'an end but no start' : 'a start but no end'}`;
  if (!Number.isFinite(startS) || !Number.isFinite(endS)) return 'is not a time';
  if (startS < 0) return 'starts before the recording';
  if (endS <= startS) return 'does not end after its start';
  return null;
}

/** True for a segment of a recording that can be extracted (a valid span). */
export function isSegment(startS: number | null, endS: number | null): boolean {
  return startS !== null && endS !== null && spanProblem(startS, endS) === null;
}

const sec = (s: number | null) => (s === null ? '?' : s.toFixed(3));

/** The item error for a span that cannot be extracted: the utterance, the span and the file. */
export function spanErrorMessage(
  u: { id: number; key?: string },
  file: string,
  startS: number | null,
  endS: number | null,
  problem: string,
): string {
  const who = `utterance ${u.id}${u.key ? ` (${u.key})` : ''}`;
  return `${who}: span ${sec(startS)}-${sec(endS)} s of ${path.basename(file)} ${problem}; no features extracted (correct its times)`;
}
