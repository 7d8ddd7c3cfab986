// Cancel inside the solvers (issue 14 item 11): a `shouldStop` polled within one binary problem (SMO
// steps, dual epochs, Newton steps) and between the C candidates ends the fit with an AbortError.
import { describe, expect, it } from 'vitest';
import { chooseParams, trainSparseLinear, trainSvm, type SparseRow } from '../../src/main/core/classify';

// two overlapping classes with random labels: no solver converges in a handful of steps
function data(n: number, d: number, seed = 3) {
  let s = seed;
  const rand = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296;
  const X = Array.from({ length: n }, () => Float64Array.from({ length: d }, () => rand() * 2 - 1));
  const y = Array.from({ length: n }, () => (rand() < 0.5 ? 0 : 1));
  return { X, y };
}

/** A shouldStop that says stop at its `at`-th call, counting the calls. */
function stopAt(at: number) {
  const s = { calls: 0, fn: () => ++s.calls >= at };
  return s;
}

async function abortErrorOf(f: () => unknown): Promise<Error> {
  try {
    await f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('the fit ran to the end: shouldStop was not polled inside the solver');
}

describe('classify: cancel inside the solvers', () => {
  const { X, y } = data(600, 20);

  it('RBF (SMO): polled within one binary problem; the fit ends with an AbortError', async () => {
    const stop = stopAt(3);
    const e = await abortErrorOf(() =>
      trainSvm(X, y, { kernel: 'rbf', C: 10, balanced: false, probability: false, seed: 1, shouldStop: stop.fn }),
    );
    expect(e.name).toBe('AbortError');
    expect(stop.calls).toBe(3);
  });

  it('linear, dual coordinate descent and primal Newton: polled each epoch / step', async () => {
    for (const linearSolver of ['dual', 'primal'] as const) {
      const stop = stopAt(2);
      // 2 classes: one-vs-rest trains 2 problems; stopping at the 2nd poll is inside the first
      const e = await abortErrorOf(() =>
        trainSvm(X, y, { kernel: 'linear', C: 100, balanced: false, probability: false, seed: 1, linearSolver, shouldStop: stop.fn }),
      );
      expect(e.name, linearSolver).toBe('AbortError');
      expect(stop.calls, linearSolver).toBe(2);
    }
  });

  it('the C search stops inside its first candidate, before scoring it', async () => {
    const stop = stopAt(3);
    const scored: number[] = [];
    const e = await abortErrorOf(() =>
      chooseParams(X.slice(0, 500), y.slice(0, 500), X.slice(500), y.slice(500), {
        kernel: 'rbf',
        balanced: false,
        Cs: [100, 1000],
        gammas: ['scale'],
        seed: 1,
        shouldStop: stop.fn,
        onProgress: (done) => scored.push(done),
      }),
    );
    expect(e.name).toBe('AbortError');
    expect(scored).toEqual([]);
  });

  it('sparse linear SVM: the signal is read each epoch, not only between binary problems', async () => {
    const rows: SparseRow[] = X.map((x) => ({ indices: Uint32Array.from(x.keys()), values: Float32Array.from(x) }));
    let reads = 0;
    const signal = {
      get aborted() {
        return ++reads >= 3;
      },
    } as unknown as AbortSignal;
    const e = await abortErrorOf(() => trainSparseLinear(rows, 20, y, { C: 100, probability: false, seed: 1, signal }));
    expect(e.name).toBe('AbortError');
    expect(reads).toBe(3);
  });
});
