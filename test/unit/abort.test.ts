// One AbortError for every cancelled job: the solvers, fusion training and media decoding all end
// with it, and isAbortError also knows the DOMException of Node's own AbortSignal APIs.
import { describe, expect, it } from 'vitest';
import { AbortError, isAbortError, throwIfAborted } from '../../src/main/core/abort';
import { checkStop, stopError } from '../../src/main/core/classify/stop';
import { abortError } from '../../src/main/core/media/errors';
import { trainSvm } from '../../src/main/core/classify/svm';

describe('AbortError', () => {
  it('is an Error named AbortError; isAbortError knows it and the platform one, nothing else', () => {
    const e = new AbortError('training cancelled');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('AbortError');
    expect(e.message).toBe('training cancelled');
    expect(isAbortError(e)).toBe(true);
    expect(isAbortError(AbortSignal.abort().reason)).toBe(true); // DOMException 'AbortError'
    expect(isAbortError(new Error('aborted'))).toBe(false);
    expect(isAbortError(null)).toBe(false);
    expect(isAbortError('AbortError')).toBe(false);
  });

  it('throwIfAborted throws only once the signal fired', () => {
    const ac = new AbortController();
    expect(() => throwIfAborted(ac.signal, 'x')).not.toThrow();
    expect(() => throwIfAborted(undefined)).not.toThrow();
    ac.abort();
    expect(() => throwIfAborted(ac.signal, 'job cancelled')).toThrow(AbortError);
    expect(() => throwIfAborted(ac.signal, 'job cancelled')).toThrow('job cancelled');
  });

  it('the solvers, media decoding and a cancelled SVM fit all use it', () => {
    expect(stopError()).toBeInstanceOf(AbortError);
    expect(() => checkStop(() => true)).toThrow(AbortError);
    expect(abortError()).toBeInstanceOf(AbortError);
    const reason = new AbortError('stopped by the user');
    expect(abortError(AbortSignal.abort(reason))).toBe(reason); // the signal's own reason is kept
    const X = Array.from({ length: 40 }, (_, i) => [i % 7, (i * 3) % 5]);
    const y = X.map((_, i) => i % 2);
    // (the linear solver polls each epoch; the RBF one every 1000 SMO steps, more than this tiny fit takes)
    expect(() => trainSvm(X, y, { kernel: 'linear', C: 1, balanced: true, probability: true, shouldStop: () => true })).toThrow(AbortError);
  });
});
