// Cancellation inside the solvers: a `shouldStop` callback polled every so often (each epoch, Newton
// step or 1000 SMO steps), throwing an AbortError so that a job's Cancel ends a long fit mid-way.
import { AbortError } from '../abort';

export type ShouldStop = () => boolean;

export function stopError(): Error {
  return new AbortError('training cancelled');
}

export function checkStop(shouldStop?: ShouldStop): void {
  if (shouldStop?.()) throw stopError();
}

/** A shouldStop for an AbortSignal (undefined when there is none). */
export function stopOnSignal(signal?: AbortSignal): ShouldStop | undefined {
  return signal ? () => signal.aborted : undefined;
}
