import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseParams } from '../../src/main/core/classify/choose-params';
import { Rng } from '../../src/main/core/classify/rng';
import { balancedClassWeights, gammaScale, loadSvm, trainSvm, type SvmModel } from '../../src/main/core/classify/svm';

const FIX = path.join(__dirname, '..', 'fixtures', 'classify');
const fx = JSON.parse(fs.readFileSync(path.join(FIX, 'svm.json'), 'utf8'));

function agreement(a: number[], b: number[]): number {
  return a.filter((v, i) => v === b[i]).length / a.length;
}

function argmax(r: number[]): number {
  let b = 0;
  for (let k = 1; k < r.length; k++) if (r[k] > r[b]) b = k;
  return b;
}

/** Gaussian blobs with a seeded generator. */
function blobs(
  counts: number[],
  d: number,
  centers: number[][],
  seed: number,
  f32 = true,
): { X: (Float32Array | number[])[]; y: number[] } {
  const rng = new Rng(seed);
  const gauss = (): number => {
    let u = 0;
    while (u === 0) u = rng.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
  };
  const X: (Float32Array | number[])[] = [];
  const y: number[] = [];
  counts.forEach((c, k) => {
    for (let i = 0; i < c; i++) {
      const r = Array.from({ length: d }, (_, j) => (centers[k][j] ?? 0) + gauss());
      X.push(f32 ? Float32Array.from(r) : r);
      y.push(k);
    }
  });
  return { X, y };
}

describe('RBF C-SVC against sklearn SVC (same LIBSVM algorithm)', () => {
  for (const c of fx.cases) {
    it(c.name, () => {
      const model = trainSvm(c.Xtrain, c.ytrain, {
        kernel: 'rbf',
        C: c.params.C,
        gamma: c.params.gamma,
        balanced: c.params.balanced,
        probability: true,
        seed: 1,
      });
      expect(model.params.gamma).toBeCloseTo(c.gamma_value, 12);
      const pred = model.predict(c.Xtest);
      // the brief asks >= 95%; the port follows LIBSVM's solver path so it is exact here
      expect(agreement(pred, c.expected.predict)).toBeGreaterThanOrEqual(0.95);
      expect(pred).toEqual(c.expected.predict);
      // support vector counts per class and decision values
      const perClass = model.classes.map(() => 0);
      const nSV = (JSON.parse(model.serialize()).model.nSV as number[]).slice();
      nSV.forEach((v, k) => (perClass[k] = v));
      expect(perClass).toEqual(c.expected.n_support);
      const dec = model.decisionFunction(c.Xtest);
      const sign = model.classes.length === 2 ? -1 : 1; // sklearn flips the binary decision value
      dec.forEach((row, i) => row.forEach((v, p) => expect(sign * v).toBeCloseTo(c.expected.decision_ovo[i][p], 4)));
      // probabilities: internal CV uses a different shuffle, so only loose agreement
      const proba = model.predictProba(c.Xtest);
      let maxDiff = 0;
      proba.forEach((row, i) => {
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
        row.forEach((v, k) => (maxDiff = Math.max(maxDiff, Math.abs(v - c.expected.predict_proba[i][k]))));
      });
      expect(maxDiff).toBeLessThan(0.15);
      // per class, the mean error over the test rows: 4-class case 0.004..0.010 (the fit with two class
      // priors swapped: 0.027); the binary case's internal CV folds differ too much from sklearn's
      // (0.041, swapped 0.051) for a margin, so classify-sigmoid.test.ts checks the fit itself there
      if (model.classes.length > 2) {
        const meanPerClass = model.classes.map(
          (_, k) => proba.reduce((s, row, i) => s + Math.abs(row[k] - c.expected.predict_proba[i][k]), 0) / proba.length,
        );
        expect(Math.max(...meanPerClass)).toBeLessThan(0.015);
      }
      const am = agreement(proba.map(argmax), c.expected.predict_proba.map(argmax));
      expect(am).toBeGreaterThanOrEqual(0.9);
    });
  }

  it('gamma "scale" is 1 / (n_features * X.var())', () => {
    const X = [
      [0, 2],
      [2, 0],
    ];
    // all entries 0 2 2 0: mean 1, var 1 -> 1 / (2 * 1)
    expect(gammaScale(X)).toBe(0.5);
    expect(gammaScale([[3, 3]])).toBe(1);
  });
});

describe('RBF C-SVC against libsvm-js (the emscripten LIBSVM build)', () => {
  it('same predictions and intercepts on the sklearn fixture data', () => {
    const require = createRequire(import.meta.url);
    // the asm.js build loads synchronously in plain Node
    const SVM = require('libsvm-js/asm');
    const c = fx.cases[0];
    const K = Math.max(...c.ytrain) + 1;
    const w = balancedClassWeights(c.ytrain, K);
    const ref = new SVM({
      kernel: SVM.KERNEL_TYPES.RBF,
      type: SVM.SVM_TYPES.C_SVC,
      cost: 1,
      gamma: c.gamma_value,
      quiet: true,
      probabilityEstimates: false,
      weight: Object.fromEntries(w.map((v, k) => [k, v])),
    });
    ref.train(c.Xtrain, c.ytrain);
    const ours = trainSvm(c.Xtrain, c.ytrain, { kernel: 'rbf', C: 1, gamma: c.gamma_value, balanced: true, probability: false });
    expect(ours.predict(c.Xtest)).toEqual(ref.predict(c.Xtest));
    expect(ours.info.nSupportVectors).toBe(ref.getSVIndices().length);
    ref.free();
  });
});

describe('balanced class weights', () => {
  it('are n / (n_classes * count) over present classes', () => {
    expect(balancedClassWeights([0, 0, 0, 1], 3)).toEqual([4 / 6, 4 / 2, 1]);
  });

  it('change the decision for a rare class (fails without them)', () => {
    // 300 majority rows around the origin, 15 rare rows around (1.5, 0)
    const { X, y } = blobs(
      [300, 15],
      2,
      [
        [0, 0],
        [1.5, 0],
      ],
      7,
    );
    const probe = [
      [1.5, 0],
      [2, 0.5],
      [1.5, -0.5],
    ];
    const plain = trainSvm(X, y, { kernel: 'rbf', C: 1, gamma: 0.5, balanced: false, probability: false });
    const bal = trainSvm(X, y, { kernel: 'rbf', C: 1, gamma: 0.5, balanced: true, probability: false });
    expect(plain.predict(probe)).toEqual([0, 0, 0]);
    expect(bal.predict(probe)).toEqual([1, 1, 1]);
    // and on held-out rows, the rare class is found far more often
    const test = blobs(
      [300, 60],
      2,
      [
        [0, 0],
        [1.5, 0],
      ],
      99,
    );
    const recall = (m: SvmModel): number => {
      const p = m.predict(test.X);
      return test.y.filter((c, i) => c === 1 && p[i] === 1).length / 60;
    };
    expect(recall(bal)).toBeGreaterThan(recall(plain) + 0.3);
    // the linear model too
    const lp = trainSvm(X, y, { kernel: 'linear', C: 1, balanced: false, probability: false });
    const lb = trainSvm(X, y, { kernel: 'linear', C: 1, balanced: true, probability: false });
    expect(recall(lb)).toBeGreaterThan(recall(lp) + 0.3);
  });
});

describe('serialize / load and determinism', () => {
  const { X, y } = blobs([80, 50, 30], 6, [[0], [1.2, 0.5], [0, 0, 1.5]], 3);
  const { X: Xt } = blobs([20, 20, 20], 6, [[0], [1.2, 0.5], [0, 0, 1.5]], 4);
  for (const kernel of ['rbf', 'linear'] as const) {
    it(`${kernel}: round-trip gives identical predictions and probabilities`, () => {
      const m = trainSvm(X, y, { kernel, C: 1, balanced: true, probability: true, seed: 5, nClasses: 4 });
      const s = m.serialize();
      expect(typeof s).toBe('string');
      const l = loadSvm(s);
      expect(l.kernel).toBe(kernel);
      expect(l.nClasses).toBe(4);
      expect(l.classes).toEqual([0, 1, 2]);
      expect(l.params).toEqual(m.params);
      expect(l.predict(Xt)).toEqual(m.predict(Xt));
      expect(l.predictProba(Xt)).toEqual(m.predictProba(Xt));
      expect(l.decisionFunction(Xt)).toEqual(m.decisionFunction(Xt));
      expect(loadSvm(Buffer.from(s)).predict(Xt)).toEqual(m.predict(Xt));
      // columns in class-index order, absent class 3 has probability 0, rows sum to 1
      for (const row of m.predictProba(Xt)) {
        expect(row).toHaveLength(4);
        expect(row[3]).toBe(0);
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      }
    });

    it(`${kernel}: deterministic given a seed`, () => {
      const a = trainSvm(X, y, { kernel, C: 1, balanced: true, probability: true, seed: 11 });
      const b = trainSvm(X, y, { kernel, C: 1, balanced: true, probability: true, seed: 11 });
      expect(b.predictProba(Xt)).toEqual(a.predictProba(Xt));
      expect(b.predict(Xt)).toEqual(a.predict(Xt));
    });
  }

  it('number[][] rows keep double precision, Float32Array rows are stored as float32', () => {
    const d64 = blobs([30, 30], 3, [[0], [2]], 8, false);
    const m64 = trainSvm(d64.X, d64.y, { kernel: 'rbf', C: 1, balanced: false, probability: false });
    expect(JSON.parse(m64.serialize()).model.sv.dtype).toBe('f64');
    const m32 = trainSvm(X, y, { kernel: 'rbf', C: 1, balanced: false, probability: false });
    expect(JSON.parse(m32.serialize()).model.sv.dtype).toBe('f32');
  });

  it('rejects bad input and bad serialisations', () => {
    expect(() => trainSvm([], [], { kernel: 'rbf', C: 1, balanced: true, probability: false })).toThrow(/no training rows/);
    expect(() => trainSvm([[1, Number.NaN]], [0], { kernel: 'rbf', C: 1, balanced: true, probability: false })).toThrow(/not finite/);
    expect(() => trainSvm([[1], [2, 3]], [0, 1], { kernel: 'rbf', C: 1, balanced: true, probability: false })).toThrow(/features/);
    expect(() => trainSvm([[1], [2]], [0, 1.5], { kernel: 'rbf', C: 1, balanced: true, probability: false })).toThrow(/label/);
    expect(() => loadSvm('{"format":"other"}')).toThrow(/not a serialized/);
    expect(() => loadSvm('nope')).toThrow(/not JSON/);
    const m = trainSvm(X, y, { kernel: 'rbf', C: 1, balanced: true, probability: false });
    expect(() => m.predictProba(Xt)).toThrow(/without probability/);
    expect(() => m.predict([[1, 2]])).toThrow(/model expects 6/);
  });

  it('a small kernel cache (per-pair caches with LRU eviction) gives the identical model', () => {
    const big = trainSvm(X, y, { kernel: 'rbf', C: 1, balanced: true, probability: true, seed: 2 });
    const steps: number[] = [];
    const small = trainSvm(X, y, {
      kernel: 'rbf',
      C: 1,
      balanced: true,
      probability: true,
      seed: 2,
      cacheMB: 0.01, // 10 KiB: about 20 rows of a 130-row pair problem
      onProgress: (done, total) => steps.push(done / total),
    });
    expect(small.predictProba(Xt)).toEqual(big.predictProba(Xt));
    expect(small.decisionFunction(Xt)).toEqual(big.decisionFunction(Xt));
    expect(steps.length).toBe(3 * 6); // 3 class pairs x (5 CV folds + final)
    expect(steps[steps.length - 1]).toBe(1);
  });

  it('a single training class predicts that class with probability 1', () => {
    const m = trainSvm([[0], [1]], [2, 2], { kernel: 'rbf', C: 1, balanced: true, probability: true, nClasses: 3 });
    expect(m.predict([[5]])).toEqual([2]);
    expect(m.predictProba([[5]])).toEqual([[0, 0, 1]]);
  });
});

describe('linear SVM against sklearn LinearSVC (LIBLINEAR -s 2)', () => {
  for (const c of fx.linear) {
    it(c.name, () => {
      const m = trainSvm(c.Xtrain, c.ytrain, { kernel: 'linear', C: c.params.C, balanced: true, probability: true, seed: 0 });
      const pred = m.predict(c.Xtest);
      expect(agreement(pred, c.expected.predict)).toBeGreaterThanOrEqual(0.95);
      const dec = m.decisionFunction(c.Xtest);
      let maxDiff = 0;
      dec.forEach((row, i) => row.forEach((v, k) => (maxDiff = Math.max(maxDiff, Math.abs(v - c.expected.decision[i][k])))));
      expect(maxDiff).toBeLessThan(0.05);
      for (const row of m.predictProba(c.Xtest)) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    });
  }

  it('the dual solver reaches the same predictions', () => {
    const c = fx.linear[0];
    const p = trainSvm(c.Xtrain, c.ytrain, { kernel: 'linear', C: 1, balanced: true, probability: false });
    const d = trainSvm(c.Xtrain, c.ytrain, { kernel: 'linear', C: 1, balanced: true, probability: false, linearSolver: 'dual', eps: 0.01 });
    expect(agreement(d.predict(c.Xtest), p.predict(c.Xtest))).toBeGreaterThanOrEqual(0.95);
  });
});

describe('chooseParams', () => {
  it('scores a grid by weighted F1 on the dev rows and returns the best', () => {
    const c = fx.cases[0];
    const half = Math.floor(c.Xtest.length / 2);
    const progress: number[] = [];
    const r = chooseParams(c.Xtrain, c.ytrain, c.Xtest.slice(0, half), c.ytest.slice(0, half), {
      kernel: 'rbf',
      balanced: true,
      Cs: [0.1, 1],
      gammas: ['scale', { scale: 3 }],
      onProgress: (done) => progress.push(done),
    });
    expect(r.scores).toHaveLength(4);
    expect(progress).toEqual([1, 2, 3, 4]);
    const top = Math.max(...r.scores.map((s) => s.weighted_f1));
    expect(r.best.weighted_f1).toBe(top);
    expect(r.scores.find((s) => s.C === r.best.C && s.gamma === r.best.gamma)).toBeTruthy();
    expect(r.scores[0].gammaLabel).toBe('scale');
    expect(r.scores[1].gamma).toBeCloseTo(3 * c.gamma_value, 12);
    // a linear grid has no gamma
    const l = chooseParams(c.Xtrain, c.ytrain, c.Xtest, c.ytest, { kernel: 'linear', balanced: true, Cs: [0.01, 1] });
    expect(l.scores.map((s) => s.gamma)).toEqual([null, null]);
  });
});
