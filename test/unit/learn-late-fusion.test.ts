// The late fusion of --fusion dialogue (learn/dialogue-rows.ts): decision + beta * log p, and beta
// chosen by grouped cross-validation on training rows only.
import { describe, expect, it } from 'vitest';
import { chooseDialogueBeta, lateFusion, DIALOGUE_BETAS } from '../../src/main/core/learn/dialogue-rows';
import { Rng } from '../../src/main/core/rng';

/** 3 classes, 60 groups of 5 rows; the row's one feature column says its class only 55% of the time. */
function data(seed: number) {
  const rng = new Rng(seed);
  const X: { indices: Int32Array; values: Float64Array }[] = [];
  const y: number[] = [];
  const groups: number[] = [];
  for (let g = 0; g < 60; g++)
    for (let k = 0; k < 5; k++) {
      const c = Math.floor(rng.next() * 3);
      const shown = rng.next() < 0.55 ? c : Math.floor(rng.next() * 3);
      X.push({ indices: Int32Array.of(shown), values: Float64Array.of(1) });
      y.push(c);
      groups.push(g);
    }
  return { X, y, groups };
}

const opts = (groups: number[]) => ({
  d: 3,
  nClasses: 3,
  C: 1,
  classWeight: () => [1, 1, 1],
  groups,
  folds: 3,
  seed: 1,
});

describe('late fusion of the dialogue model', () => {
  it('beta 0 is the SVM decision; a large beta follows the probabilities', () => {
    expect(lateFusion([1, 0.5, -1], [0.1, 0.8, 0.1], 0)).toBe(0);
    expect(lateFusion([1, 0.5, -1], [0.1, 0.8, 0.1], 0.5)).toBe(1);
    expect(lateFusion([1, 0.5, -1], [0, 0, 1], 10)).toBe(2); // a zero probability is floored, not -Infinity everywhere
  });

  it('an informative dialogue model gets a weight, an uninformative one none (ties go to beta 0)', async () => {
    const { X, y, groups } = data(3);
    const sharp = y.map((c) => Float32Array.from([0, 1, 2], (k) => (k === c ? 0.9 : 0.05)));
    const informative = await chooseDialogueBeta(X, y, sharp, opts(groups));
    expect(informative.beta).toBeGreaterThan(0);
    const at = (b: number) => informative.scores.find((s) => s.beta === b)!.weighted_f1;
    expect(at(informative.beta)).toBeGreaterThan(at(0) + 0.1);
    expect(informative.scores.map((s) => s.beta)).toEqual(DIALOGUE_BETAS);
    expect(informative.scores[0].folds).toHaveLength(3);

    const flat = y.map(() => Float32Array.of(1 / 3, 1 / 3, 1 / 3));
    const none = await chooseDialogueBeta(X, y, flat, opts(groups));
    expect(none.beta).toBe(0);
    expect(new Set(none.scores.map((s) => s.weighted_f1.toFixed(12))).size).toBe(1);
  });
});
