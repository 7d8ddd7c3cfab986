// Bootstrap intervals over dialogues: the weighted metrics equal the plain ones at unit weights, the
// 95% interval covers the true value at about the nominal rate on synthetic data with dialogue
// effects, and a model compared with itself differs by exactly zero.
import { describe, it, expect } from 'vitest';
import { AucIndex, bootstrapCi, pairedDifference, weightedMetrics } from '../../src/main/core/learn/bootstrap';
import { evaluate } from '../../src/main/core/classify';
import { Rng } from '../../src/main/core/rng';

function synthetic(rng: Rng, dialogues: number, perDialogue: number, K: number, pCorrect: number) {
  const gold: number[] = [];
  const pred: number[] = [];
  const proba: number[][] = [];
  const group: number[] = [];
  for (let d = 0; d < dialogues; d++) {
    // a dialogue effect: some dialogues are easier than others (items of a dialogue are correlated)
    const p = Math.min(0.98, Math.max(0.02, pCorrect + (rng.next() - 0.5) * 0.6));
    for (let u = 0; u < perDialogue; u++) {
      const g = rng.int(K);
      const ok = rng.next() < p;
      const q = ok ? g : (g + 1 + rng.int(K - 1)) % K;
      const pr = Array.from({ length: K }, () => rng.next() * 0.5);
      pr[q] += 1;
      const s = pr.reduce((a, b) => a + b, 0);
      gold.push(g);
      pred.push(q);
      proba.push(pr.map((x) => Math.round((x / s) * 20) / 20)); // rounded: ties in the scores
      group.push(d);
    }
  }
  return { gold, pred, proba, group };
}

describe('bootstrap over dialogues', () => {
  it('weighted metrics at unit weights equal the plain evaluation, AUC with ties included', () => {
    const rng = new Rng(3);
    const labels = ['a', 'b', 'c', 'd'];
    const s = synthetic(rng, 40, 6, 4, 0.6);
    const ref = evaluate(labels, s.gold, s.pred, s.proba);
    const m = weightedMetrics(4, s.gold, s.pred, new Float64Array(s.gold.length).fill(1), new AucIndex(4, s.gold, s.proba));
    expect(m.accuracy).toBeCloseTo(ref.accuracy, 12);
    expect(m.weighted_f1).toBeCloseTo(ref.weighted_f1, 12);
    expect(m.macro_f1).toBeCloseTo(ref.macro_f1, 12);
    expect(m.macro_auc!).toBeCloseTo(ref.macro_auc!, 12);
    labels.forEach((l, k) => expect(m.per_class_f1[k]).toBeCloseTo(ref.per_class[l].f1, 12));
    // a weight of 2 is the item counted twice
    const w = new Float64Array(s.gold.length).fill(1);
    w[0] = 2;
    const dup = evaluate(labels, [s.gold[0], ...s.gold], [s.pred[0], ...s.pred], [s.proba[0], ...s.proba]);
    expect(weightedMetrics(4, s.gold, s.pred, w, new AucIndex(4, s.gold, s.proba)).macro_auc!).toBeCloseTo(dup.macro_auc!, 12);
  });

  it('the 95% interval of accuracy covers the true value at about the nominal rate', () => {
    const rng = new Rng(11);
    const trueAcc = 0.6; // the dialogue effect is symmetric around it and inside the clamps
    let covered = 0;
    const reps = 200;
    for (let r = 0; r < reps; r++) {
      const s = synthetic(rng, 60, 5, 3, trueAcc);
      const { ci95 } = bootstrapCi(['a', 'b', 'c'], s, 400, r + 1);
      if (ci95!.accuracy[0] <= trueAcc && trueAcc <= ci95!.accuracy[1]) covered++;
    }
    // nominal 95%: with 200 repetitions, 88%..99% holds it with a wide margin
    expect(covered / reps).toBeGreaterThan(0.88);
    expect(covered / reps).toBeLessThan(0.995);
  });

  it('is seeded: the same seed gives the same interval, intervals hold the point estimate', () => {
    const s = synthetic(new Rng(5), 50, 4, 3, 0.5);
    const a = bootstrapCi(['x', 'y', 'z'], s, 300, 7);
    const b = bootstrapCi(['x', 'y', 'z'], s, 300, 7);
    expect(a).toEqual(b);
    expect(a.bootstrap).toMatchObject({ unit: 'dialogue', groups: 50, resamples: 300 });
    const point = evaluate(['x', 'y', 'z'], s.gold, s.pred, s.proba);
    expect(a.ci95!.weighted_f1[0]).toBeLessThanOrEqual(point.weighted_f1);
    expect(a.ci95!.weighted_f1[1]).toBeGreaterThanOrEqual(point.weighted_f1);
  });

  it('a model compared with itself differs by zero; a clearly better one does not sit within noise', () => {
    const rng = new Rng(9);
    const s = synthetic(rng, 80, 5, 4, 0.5);
    const self = pairedDifference(4, s.gold, s.pred, s.pred, s.group, 300);
    expect(self.weighted_f1).toEqual({ diff: 0, ci95: [0, 0] });
    expect(self.within_noise).toBe(true);
    // the same model with 1 in 3 errors fixed: better, and the paired interval says so
    const better = s.pred.map((p, i) => (p !== s.gold[i] && i % 3 === 0 ? s.gold[i] : p));
    const d = pairedDifference(4, s.gold, better, s.pred, s.group, 300);
    expect(d.accuracy.diff).toBeGreaterThan(0);
    expect(d.weighted_f1.ci95![0]).toBeGreaterThan(0);
    expect(d.within_noise).toBe(false);
    // two equally good, differently wrong models: the difference is centred near zero
    const other = synthetic(new Rng(10), 80, 5, 4, 0.5);
    const e = pairedDifference(
      4,
      s.gold,
      s.pred,
      other.pred.map((p, i) => (other.pred[i] === other.gold[i] ? s.gold[i] : (s.gold[i] + 1) % 4)),
      s.group,
      300,
    );
    expect(e.weighted_f1.ci95![0]).toBeLessThan(0.05);
    expect(e.weighted_f1.ci95![1]).toBeGreaterThan(-0.05);
  });
});
