// Platt's sigmoid fit (LIBSVM's sigmoid_train in libsvm-port.ts) against scikit-learn's independent
// implementation (scripts/pyref/make_sigmoid_fixtures.py): the same optimum, well inside the distance
// to the fit with the two class priors swapped.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sigmoidPredict, sigmoidTrain } from '../../src/main/core/classify/libsvm-port';

const fx = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'classify', 'sigmoid.json'), 'utf8')) as {
  cases: { name: string; dec: number[]; labels: number[]; A: number; B: number; swapped: { A: number; B: number } }[];
};

/** Largest difference between two sigmoids' probabilities over the case's decision values. */
function maxProbDiff(dec: number[], a: [number, number], b: [number, number]): number {
  return Math.max(...dec.map((d) => Math.abs(sigmoidPredict(d, a[0], a[1]) - sigmoidPredict(d, b[0], b[1]))));
}

describe('sigmoidTrain against sklearn.calibration._sigmoid_calibration', () => {
  for (const c of fx.cases) {
    it(c.name, () => {
      const [A, B] = sigmoidTrain(c.dec, c.labels);
      const ref: [number, number] = [c.A, c.B];
      const bug: [number, number] = [c.swapped.A, c.swapped.B];
      // Newton (|gradient| < 1e-5) and L-BFGS-B (gtol 1e-6) stop a hair apart (measured: <= 3e-6)
      expect(Math.abs(A - c.A)).toBeLessThan(1e-5);
      expect(Math.abs(B - c.B)).toBeLessThan(1e-5);
      expect(maxProbDiff(c.dec, [A, B], ref)).toBeLessThan(2e-6);
      // the margin: the fit with swapped priors is at least 500x that tolerance away (0.002 .. 0.12)
      expect(maxProbDiff(c.dec, bug, ref)).toBeGreaterThan(1e-3);
    });
  }

  it('sigmoidPredict stays in [0, 1] for any decision value (the overflow-safe branch is taken)', () => {
    expect(sigmoidPredict(1000, -1, 0)).toBe(1); // fApB = -1000: exp(1000) would be Infinity / Infinity
    expect(sigmoidPredict(-1000, -1, 0)).toBe(0);
    expect(sigmoidPredict(0, -1, 0)).toBe(0.5);
    expect(sigmoidPredict(2, -1, 0)).toBeCloseTo(1 / (1 + Math.exp(-2)), 15);
    expect(sigmoidPredict(-2, -1, 0.5)).toBeCloseTo(1 / (1 + Math.exp(2.5)), 15);
  });

  it('labels > 0 are the positive class: P(positive) rises with the decision value', () => {
    const c = fx.cases[0];
    const [A, B] = sigmoidTrain(c.dec, c.labels);
    expect(A).toBeLessThan(0);
    expect(sigmoidPredict(3, A, B)).toBeGreaterThan(sigmoidPredict(-3, A, B));
    // relabelling 0 instead of -1 as negative gives the same fit
    const [A0, B0] = sigmoidTrain(
      c.dec,
      c.labels.map((l) => (l > 0 ? 1 : 0)),
    );
    expect([A0, B0]).toEqual([A, B]);
  });
});
