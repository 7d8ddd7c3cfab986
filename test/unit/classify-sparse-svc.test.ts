// The sparse linear SVM (the quick-retrain path of train --fusion none --classifier linear): against
// sklearn's LinearSVC on the fixture data, probabilities, determinism, bad input, cancellation, and
// the same model as the dense rows through the one solver.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decisionSparse,
  predictProbaSparse,
  predictSparse,
  trainSparseLinear,
  type SparseRow,
} from '../../src/main/core/classify/sparse-linear-svc';
import { trainLinear } from '../../src/main/core/classify/linear-svc';
import { balancedClassWeights } from '../../src/main/core/classify/svm';

const fx = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'classify', 'svm.json'), 'utf8'));
const c = fx.linear[0] as {
  Xtrain: number[][];
  ytrain: number[];
  Xtest: number[][];
  params: { C: number };
  expected: { predict: number[]; decision: number[][] };
};

/** Dense rows as sparse rows (zeros dropped), half of them with plain arrays, half typed. */
function sparse(X: number[][]): SparseRow[] {
  return X.map((r, i) => {
    const idx: number[] = [];
    const val: number[] = [];
    r.forEach((v, k) => v !== 0 && (idx.push(k), val.push(v)));
    return i % 2 ? { indices: idx, values: val } : { indices: Int32Array.from(idx), values: Float64Array.from(val) };
  });
}

const d = c.Xtrain[0].length;
const nClasses = Math.max(...c.ytrain) + 1;
const opts = { C: c.params.C, classWeight: balancedClassWeights(c.ytrain, nClasses), seed: 0, eps: 0.001 };

describe('sparse linear SVM', () => {
  it("agrees with sklearn's LinearSVC(class_weight='balanced') on the fixture", () => {
    const m = trainSparseLinear(sparse(c.Xtrain), d, c.ytrain, { ...opts, probability: false });
    const Xt = sparse(c.Xtest);
    const pred = predictSparse(m, Xt);
    expect(pred.filter((v, i) => v === c.expected.predict[i]).length / pred.length).toBeGreaterThanOrEqual(0.95);
    let maxDiff = 0;
    decisionSparse(m, Xt).forEach((row, i) =>
      row.forEach((v, k) => (maxDiff = Math.max(maxDiff, Math.abs(v - c.expected.decision[i][k])))),
    );
    expect(maxDiff).toBeLessThan(0.05);
  });

  it('probabilities: rows sum to 1, their argmax mostly the decision, same seed same model', () => {
    const X = sparse(c.Xtrain);
    const a = trainSparseLinear(X, d, c.ytrain, { ...opts, probability: true });
    const b = trainSparseLinear(X, d, c.ytrain, { ...opts, probability: true });
    expect(Array.from(a.W)).toEqual(Array.from(b.W));
    expect(Array.from(a.probA!)).toEqual(Array.from(b.probA!));
    const Xt = sparse(c.Xtest);
    const pr = predictProbaSparse(a, Xt, nClasses);
    const pred = predictSparse(a, Xt);
    let same = 0;
    pr.forEach((row, i) => {
      expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 9);
      if (row.indexOf(Math.max(...row)) === pred[i]) same++;
    });
    // per-class sigmoids can reorder close classes (measured 0.8 here), never most of them
    expect(same / pr.length).toBeGreaterThanOrEqual(0.75);
    // the probability folds never change the model itself
    const plain = trainSparseLinear(X, d, c.ytrain, { ...opts, probability: false });
    expect(Array.from(plain.W)).toEqual(Array.from(a.W));
  });

  it('rejects columns outside the width and non-finite values, naming the row', () => {
    expect(() =>
      trainSparseLinear(
        [
          { indices: [d], values: [1] },
          { indices: [0], values: [1] },
        ],
        d,
        [0, 1],
        { C: 1, probability: false, seed: 0 },
      ),
    ).toThrow(/row 0 has column/);
    expect(() =>
      trainSparseLinear(
        [
          { indices: [0], values: [1] },
          { indices: [0], values: [NaN] },
        ],
        d,
        [0, 1],
        { C: 1, probability: false, seed: 0 },
      ),
    ).toThrow(/row 1 column 0 is not finite/);
  });

  it('stops with an AbortError when its signal is aborted', () => {
    const ac = new AbortController();
    let seen = 0;
    const run = () =>
      trainSparseLinear(sparse(c.Xtrain), d, c.ytrain, {
        ...opts,
        probability: true,
        signal: ac.signal,
        onProgress: () => ++seen === 2 && ac.abort(),
      });
    expect(run).toThrow(expect.objectContaining({ name: 'AbortError' }));
    expect(seen).toBe(2);
  });

  it('one solver: sparse rows and their dense form give the same model (TRON, no shuffle)', () => {
    const o = { ...opts, probability: true, solver: 'primal' as const };
    const s = trainSparseLinear(sparse(c.Xtrain), d, c.ytrain, o);
    const { model: m } = trainLinear(c.Xtrain, c.ytrain, o);
    expect(s.classes).toEqual(m.classes);
    // only the summation order differs between the two row layouts
    let maxDiff = 0;
    s.W.forEach((v, k) => (maxDiff = Math.max(maxDiff, Math.abs(v - m.W[k]))));
    expect(maxDiff).toBeLessThan(1e-6);
    expect(Math.max(...Array.from(s.W, Math.abs))).toBeGreaterThan(0.01);
    s.probA!.forEach((v, k) => expect(v).toBeCloseTo(m.probA![k], 4));
  });
});
