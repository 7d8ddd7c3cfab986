// Errors about one media file: what file, and why it could not be used.
import { AbortError, isAbortError } from '../abort';

/**
 * A media file could not be probed or decoded. `reason` is short and human readable (it is what
 * gets stored per utterance); `message` names both the file and the reason.
 */
export class MediaError extends Error {
  override readonly name = 'MediaError';
  constructor(
    readonly file: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${reason}`, options);
  }
}

/** The error decodeClip / probeMedia reject with when their AbortSignal fires. */
export function abortError(signal?: AbortSignal): Error {
  const r = signal?.reason;
  if (r instanceof Error && isAbortError(r)) return r;
  return new AbortError('aborted');
}
