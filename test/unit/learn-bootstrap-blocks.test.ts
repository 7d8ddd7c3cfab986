// Bootstrap intervals when a split has few dialogues (a long recording is one): a circular block
// bootstrap over utterances in time order, named in the result; none below 20 items; the dialogue
// bootstrap's numbers unchanged with 10+ dialogues (recorded from the code before blocks existed).
import { describe, it, expect } from 'vitest';
import { bootstrapCi, pairedDifference, MIN_ITEMS } from '../../src/main/core/learn/bootstrap';
import { evaluate } from '../../src/main/core/classify';
import { Rng } from '../../src/main/core/rng';
import { bootstrapWords } from '../../src/shared/bootstrap-words';

const LABELS = ['a', 'b', 'c'];

/** The generator of learn-bootstrap.test.ts: dialogues of differing difficulty. */
function synthetic(rng: Rng, dialogues: number, perDialogue: number, K: number, pCorrect: number) {
  const gold: number[] = [];
  const pred: number[] = [];
  const proba: number[][] = [];
  const group: number[] = [];
  for (let d = 0; d < dialogues; d++) {
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
      proba.push(pr.map((x) => Math.round((x / s) * 20) / 20));
      group.push(d);
    }
  }
  return { gold, pred, proba, group };
}

/** One recording: n utterances whose correctness is a Markov chain (stays as it was with `stay`),
 * so errors come in runs, as when a stretch of a conversation is hard. Stationary accuracy 0.7. */
function recording(rng: Rng, n: number, stay: number) {
  const gold: number[] = [];
  const pred: number[] = [];
  // P(ok -> wrong) = (1 - stay) * 0.3 / 0.5 etc. keeps the stationary share of correct items at 0.7
  const toWrong = (1 - stay) * 0.6;
  const toOk = (1 - stay) * 1.4;
  let ok = rng.next() < 0.7;
  for (let i = 0; i < n; i++) {
    const g = rng.int(3);
    gold.push(g);
    pred.push(ok ? g : (g + 1 + rng.int(2)) % 3);
    ok = ok ? rng.next() >= toWrong : rng.next() < toOk;
  }
  return { gold, pred, group: gold.map(() => 'rec' as string | null) };
}

const width = (i: [number, number]) => i[1] - i[0];

describe('bootstrap with few dialogues: blocks of utterances', () => {
  it('one dialogue: a non-degenerate interval around the point estimate, the method named', () => {
    const s = recording(new Rng(2), 300, 0.8);
    const { ci95, bootstrap } = bootstrapCi(LABELS, s, 1000, 1);
    const point = evaluate(LABELS, s.gold, s.pred);
    expect(bootstrap).toMatchObject({ unit: 'block', method: 'circular_block', groups: 1, block_length: 7, units: 43, n_items: 300 });
    expect(bootstrapWords(bootstrap)).toBe('bootstrap over 43 blocks of 7 utterances within 1 dialogue');
    for (const k of ['accuracy', 'weighted_f1', 'macro_f1'] as const) {
      expect(width(ci95![k])).toBeGreaterThan(0.03);
      expect(ci95![k][0]).toBeLessThan(point[k]);
      expect(ci95![k][1]).toBeGreaterThan(point[k]);
    }
    // the same resamples for a paired difference: a model against itself differs by exactly 0, a
    // better one (a third of the errors fixed) is told apart
    expect(pairedDifference(3, s.gold, s.pred, s.pred, s.group).weighted_f1).toEqual({ diff: 0, ci95: [0, 0] });
    const better = s.pred.map((p, i) => (p !== s.gold[i] && i % 3 === 0 ? s.gold[i] : p));
    const d = pairedDifference(3, s.gold, better, s.pred, s.group);
    expect(d.bootstrap).toMatchObject({ method: 'circular_block', units: 43, block_length: 7 });
    expect(d.weighted_f1.ci95![0]).toBeGreaterThan(0);
    expect(d.within_noise).toBe(false);
  });

  it('is seeded and uses the time order, not the order the items come in', () => {
    const s = recording(new Rng(4), 120, 0.8);
    const a = bootstrapCi(LABELS, s, 500, 3);
    expect(bootstrapCi(LABELS, s, 500, 3)).toEqual(a);
    // the same utterances listed backwards, with their time positions: the same interval
    const rev = (x: number[]) => [...x].reverse();
    const order = rev(s.gold.map((_, i) => i));
    const b = bootstrapCi(LABELS, { gold: rev(s.gold), pred: rev(s.pred), group: rev(s.group as never), order }, 500, 3);
    expect(b.ci95).toEqual(a.ci95);
    // without the time positions, the backward list resamples other blocks
    expect(bootstrapCi(LABELS, { gold: rev(s.gold), pred: rev(s.pred), group: s.group }, 500, 3).ci95).not.toEqual(a.ci95);
  });

  it('autocorrelated errors: blocks give a wider interval than an i.i.d. bootstrap of the utterances, and cover better', () => {
    const s = recording(new Rng(7), 400, 0.9);
    const blocks = bootstrapCi(LABELS, s, 1000, 1);
    // i.i.d.: every utterance its own group (400 groups: the dialogue bootstrap over single items)
    const iid = bootstrapCi(LABELS, { ...s, group: s.gold.map(() => null) }, 1000, 1);
    expect(iid.bootstrap.method).toBe('dialogue');
    expect(width(blocks.ci95!.accuracy)).toBeGreaterThan(1.4 * width(iid.ci95!.accuracy));
    // coverage of the stationary accuracy 0.7 over repeated recordings
    const rng = new Rng(13);
    let coveredBlocks = 0;
    let coveredIid = 0;
    const reps = 120;
    for (let r = 0; r < reps; r++) {
      const x = recording(rng, 300, 0.9);
      const cb = bootstrapCi(LABELS, x, 300, r + 1).ci95!.accuracy;
      const ci = bootstrapCi(LABELS, { ...x, group: x.gold.map(() => null) }, 300, r + 1).ci95!.accuracy;
      if (cb[0] <= 0.7 && 0.7 <= cb[1]) coveredBlocks++;
      if (ci[0] <= 0.7 && 0.7 <= ci[1]) coveredIid++;
    }
    expect(coveredBlocks / reps).toBeGreaterThan(coveredIid / reps + 0.1);
    expect(coveredIid / reps).toBeLessThan(0.85);
  });

  it('a few dialogues: blocks within each dialogue, never across them', () => {
    const s = synthetic(new Rng(8), 3, 40, 3, 0.6);
    const { ci95, bootstrap } = bootstrapCi(LABELS, s, 500, 1);
    expect(bootstrap).toMatchObject({ method: 'circular_block', groups: 3, block_length: 3, units: 42 }); // 3 x ceil(40/3)
    expect(bootstrapWords(bootstrap)).toBe('bootstrap over 42 blocks of 3 utterances within 3 dialogues');
    expect(width(ci95!.weighted_f1)).toBeGreaterThan(0);
  });

  it('too few items: no interval (null), not a zero-width one; the paired difference has none either', () => {
    const s = recording(new Rng(5), MIN_ITEMS - 1, 0.5);
    const r = bootstrapCi(LABELS, s);
    expect(r.ci95).toBeNull();
    expect(r.bootstrap).toMatchObject({ unit: 'none', method: 'none', units: 0, n_items: 19 });
    expect(bootstrapWords(r.bootstrap)).toBe('n/a: too few items (19 utterances)');
    const d = pairedDifference(3, s.gold, s.gold, s.pred, s.group);
    expect(d.weighted_f1.ci95).toBeNull();
    expect(d.weighted_f1.diff).toBeGreaterThan(0);
    expect(d.within_noise).toBe(true); // no interval: the two cannot be told apart
    // 20 items: an interval
    expect(bootstrapCi(LABELS, recording(new Rng(5), MIN_ITEMS, 0.5)).ci95).not.toBeNull();
    expect(bootstrapCi(LABELS, { gold: [], pred: [], group: [] }).ci95).toBeNull();
  });
});

describe('bootstrap with 10+ dialogues: unchanged', () => {
  it('gives bit for bit the intervals the code gave before blocks existed (12 dialogues of 9 items)', () => {
    const s = synthetic(new Rng(21), 12, 9, 3, 0.6);
    const r = bootstrapCi(LABELS, s, 500, 4);
    // recorded with the previous bootstrap.ts (commit 5b7dced) on this fixture
    expect(r.ci95).toEqual({
      accuracy: [0.5370370370370371, 0.7548611111111109],
      weighted_f1: [0.5373120782867958, 0.7558565008259143],
      macro_f1: [0.5273477974052989, 0.7478991261588347],
      macro_auc: [0.6182519940338159, 0.812868109285252],
      per_class_f1: {
        a: [0.47058823529411764, 0.7619047619047619],
        b: [0.5103368293666801, 0.7466462866390937],
        c: [0.5188119981105338, 0.822908496732026],
      },
    });
    expect(r.bootstrap).toMatchObject({
      resamples: 500,
      seed: 4,
      unit: 'dialogue',
      groups: 12,
      level: 0.95,
      method: 'dialogue',
      units: 12,
    });
    expect(bootstrapWords(r.bootstrap)).toBe('bootstrap over 12 dialogues');
    const other = s.pred.map((p, i) => (i % 4 === 0 ? (p + 1) % 3 : p));
    const d = pairedDifference(3, s.gold, s.pred, other, s.group, 500, 4);
    expect({ accuracy: d.accuracy, weighted_f1: d.weighted_f1, macro_f1: d.macro_f1, within_noise: d.within_noise }).toEqual({
      accuracy: { diff: 0.11111111111111105, ci95: [0.01851851851851849, 0.19444444444444442] },
      weighted_f1: { diff: 0.10958573815934602, ci95: [0.02205590056874576, 0.18632311221674527] },
      macro_f1: { diff: 0.11057588229212945, ci95: [0.019152451795994143, 0.18854545289581767] },
      within_noise: false,
    });
  });
});
