// Cancellation, one way for the whole core: the error a cancelled job ends with (name 'AbortError',
// as DOM/Node AbortSignal errors) and the one test for it, so no layer makes or matches its own.
export class AbortError extends Error {
  constructor(message = 'aborted', options?: ErrorOptions) {
    super(message, options);
    this.name = 'AbortError';
  }
}

/** True for our AbortError and for the AbortError DOMException of Node's AbortSignal APIs. */
export function isAbortError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'AbortError';
}

/** Throws an AbortError with `message` when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined, message = 'aborted'): void {
  if (signal?.aborted) throw new AbortError(message);
}
