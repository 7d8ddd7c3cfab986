import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { aucMannWhitney, evaluate, rocCurve, trapezoid, weightedF1 } from '../../src/main/core/classify/metrics';
import { fitStandardizer, loadStandardizer, standardize } from '../../src/main/core/classify/standardize';

const FIX = path.join(__dirname, '..', 'fixtures', 'classify');

describe('evaluate: hand-computed case with tied scores', () => {
  // gold a a a b b c ; pred a a b b c c
  const labels = ['a', 'b', 'c'];
  const gold = [0, 0, 0, 1, 1, 2];
  const pred = [0, 0, 1, 1, 2, 2];
  const proba = [
    [0.8, 0.1, 0.1],
    [0.5, 0.3, 0.2],
    [0.5, 0.4, 0.1],
    [0.5, 0.4, 0.1],
    [0.1, 0.4, 0.5],
    [0.2, 0.3, 0.5],
  ];
  // computed inside each test (not while the file is collected), so mutation testing sees which test covers it
  let m: ReturnType<typeof evaluate>;
  beforeEach(() => {
    m = evaluate(labels, gold, pred, proba);
  });

  it('confusion, accuracy', () => {
    expect(m.confusion).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    expect(m.n).toBe(6);
    expect(m.accuracy).toBeCloseTo(4 / 6, 12);
  });

  it('per-class precision / recall / F1 / support', () => {
    // a: tp 2, predicted 2, support 3 -> P 1, R 2/3, F1 = 2*2/(2*2+0+1) = 0.8
    expect(m.per_class.a).toEqual({ precision: 1, recall: 2 / 3, f1: 0.8, support: 3 });
    // b: tp 1, predicted 2, support 2 -> P 1/2, R 1/2, F1 1/2
    expect(m.per_class.b).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    // c: tp 1, predicted 2, support 1 -> P 1/2, R 1, F1 2/3
    expect(m.per_class.c.precision).toBe(0.5);
    expect(m.per_class.c.recall).toBe(1);
    expect(m.per_class.c.f1).toBeCloseTo(2 / 3, 12);
    expect(m.per_class.c.support).toBe(1);
  });

  it('weighted and macro F1', () => {
    expect(m.weighted_f1).toBeCloseTo((3 * 0.8 + 2 * 0.5 + 1 * (2 / 3)) / 6, 12); // 0.677778
    expect(m.macro_f1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 12); // 0.655556
  });

  it('AUC with ties counted 1/2', () => {
    // a: positives 0.8 0.5 0.5 vs negatives 0.5 0.1 0.2 -> (3 + 2.5 + 2.5) / 9
    expect(m.auc.a).toBeCloseTo(8 / 9, 12);
    // b: positives 0.4 0.4 vs negatives 0.1 0.3 0.4 0.3 -> (3.5 + 3.5) / 8
    expect(m.auc.b).toBeCloseTo(7 / 8, 12);
    // c: positive 0.5 vs negatives 0.1 0.2 0.1 0.1 0.5 -> 4.5 / 5
    expect(m.auc.c).toBeCloseTo(0.9, 12);
    expect(m.macro_auc).toBeCloseTo((8 / 9 + 7 / 8 + 0.9) / 3, 12);
  });

  it('ROC: one point per distinct score, ties as one step', () => {
    // a: thresholds 0.8 (tp1 fp0), 0.5 (tp3 fp1), 0.2 (fp2), 0.1 (fp3)
    const roc = m.roc.a!;
    expect(roc.thresholds).toEqual([0.8, 0.5, 0.2, 0.1]);
    expect(roc.fpr).toEqual([0, 0, 1 / 3, 2 / 3, 1]);
    expect(roc.tpr).toEqual([0, 1 / 3, 1, 1, 1]);
    expect(trapezoid(roc.fpr, roc.tpr)).toBeCloseTo(8 / 9, 12);
  });
});

describe('evaluate: classes absent from gold and / or predictions', () => {
  // gold never c, pred has one c; d appears nowhere
  let m: ReturnType<typeof evaluate>;
  beforeEach(() => {
    m = evaluate(
      ['a', 'b', 'c', 'd'],
      [0, 1, 0, 1],
      [0, 2, 0, 1],
      [
        [0.9, 0.05, 0.05, 0],
        [0.2, 0.3, 0.5, 0],
        [0.6, 0.2, 0.2, 0],
        [0.1, 0.8, 0.1, 0],
      ],
    );
  });
  it('0/0 counts as 0; macro over classes seen in gold or predictions', () => {
    expect(m.per_class.c).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(m.per_class.d).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(m.per_class.b.f1).toBeCloseTo(2 / 3, 12);
    expect(m.macro_f1).toBeCloseTo((1 + 2 / 3 + 0) / 3, 12); // d excluded, c included
    expect(m.weighted_f1).toBeCloseTo((2 * 1 + 2 * (2 / 3)) / 4, 12);
  });
  it('AUC / ROC null where a class has no positive', () => {
    expect(m.auc.c).toBeNull();
    expect(m.roc.c).toBeNull();
    expect(m.auc.d).toBeNull();
    expect(m.auc.a).toBe(1);
  });
  it('without probabilities AUC and ROC are null', () => {
    const n = evaluate(['a', 'b'], [0, 1], [0, 1]);
    expect(n.auc).toEqual({ a: null, b: null });
    expect(n.roc).toEqual({ a: null, b: null });
    expect(n.macro_auc).toBeNull();
  });
  it('rejects bad indices and lengths', () => {
    expect(() => evaluate(['a'], [0, 1], [0, 0])).toThrow(/gold\[1\]/);
    expect(() => evaluate(['a', 'b'], [0], [0, 1])).toThrow(/predictions/);
  });
});

describe('evaluate: input checks, no rows, weightedF1', () => {
  it('names the bad row and value, for gold and predictions, and the length that differs', () => {
    const L = ['a', 'b'];
    expect(() => evaluate(L, [0, 1], [0])).toThrow('evaluate: 2 gold but 1 predictions');
    expect(() => evaluate(L, [0, 1], [0, 1], [[1, 0]])).toThrow('evaluate: 2 gold but 1 probability rows');
    expect(() =>
      evaluate(
        L,
        [0, 1],
        [0, 1],
        [
          [1, 0],
          [0, 1],
        ],
      ),
    ).not.toThrow();
    for (const bad of [-1, 2, 0.5, Number.NaN]) {
      expect(() => evaluate(L, [0, bad], [0, 1])).toThrow(`evaluate: gold[1]=${bad} is not a class index`);
      expect(() => evaluate(L, [0, 1], [bad, 1])).toThrow(`evaluate: pred[0]=${bad} is not a class index`);
    }
    // the last class index is a class
    expect(evaluate(L, [1], [1]).accuracy).toBe(1);
  });

  it('no rows: zero scores, no AUC', () => {
    const m = evaluate(['a', 'b'], [], [], []);
    expect(m).toMatchObject({
      n: 0,
      accuracy: 0,
      weighted_f1: 0,
      macro_f1: 0,
      macro_auc: null,
      confusion: [
        [0, 0],
        [0, 0],
      ],
    });
    expect(m.per_class.a).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
  });

  it('F1 counts false positives and false negatives alike; the confusion matrix is gold by predicted', () => {
    // class a: tp 1, fp 2, fn 0 -> 2/(2+2) ; class b: tp 0, fp 0, fn 2 -> 0
    const m = evaluate(['a', 'b'], [0, 1, 1], [0, 0, 0]);
    expect(m.confusion).toEqual([
      [1, 0],
      [2, 0],
    ]);
    expect(m.per_class.a).toEqual({ precision: 1 / 3, recall: 1, f1: 0.5, support: 1 });
    expect(m.per_class.b).toEqual({ precision: 0, recall: 0, f1: 0, support: 2 });
    expect(m.weighted_f1).toBeCloseTo(0.5 / 3, 12);
    expect(m.macro_f1).toBeCloseTo(0.25, 12);
    expect(m.accuracy).toBeCloseTo(1 / 3, 12);
  });

  it('weightedF1 is evaluate(...).weighted_f1 over class indices', () => {
    const gold = [0, 0, 1, 2, 2, 2];
    const pred = [0, 1, 1, 2, 0, 2];
    expect(weightedF1(3, gold, pred)).toBe(evaluate(['0', '1', '2'], gold, pred).weighted_f1);
    expect(weightedF1(3, gold, pred)).toBeCloseTo((2 * 0.5 + 1 * (2 / 3) + 3 * 0.8) / 6, 12);
    expect(() => weightedF1(2, gold, pred)).toThrow(/not a class index/);
  });

  it('ROC and Mann-Whitney AUC over scores in any order, with a tie group in the middle', () => {
    const scores = [0.1, 0.9, 0.4, 0.4, 0.7, 0.2];
    const pos = [0, 1, 1, 0, 0, 1];
    const r = rocCurve(scores, pos)!;
    expect(r.thresholds).toEqual([0.9, 0.7, 0.4, 0.2, 0.1]);
    expect(r.tpr).toEqual([0, 1 / 3, 1 / 3, 2 / 3, 1, 1]);
    expect(r.fpr).toEqual([0, 0, 1 / 3, 2 / 3, 2 / 3, 1]);
    // positives 0.9 0.4 0.2 vs negatives 0.1 0.4 0.7: (3 + 1.5 + 1) / 9
    expect(aucMannWhitney(scores, pos)).toBeCloseTo(5.5 / 9, 12);
    expect(trapezoid(r.fpr, r.tpr)).toBeCloseTo(5.5 / 9, 12);
    expect(aucMannWhitney([0.5, 0.5, 0.1], [1, 1, 0])).toBe(1);
    expect(aucMannWhitney([0.1, 0.5, 0.5], [1, 0, 0])).toBe(0);
  });
});

describe('evaluate against sklearn fixtures', () => {
  const fx = JSON.parse(fs.readFileSync(path.join(FIX, 'metrics.json'), 'utf8'));
  for (const c of fx.cases) {
    it(c.name, () => {
      const m = evaluate(c.labels, c.gold, c.pred, c.proba);
      const e = c.expected;
      expect(m.accuracy).toBeCloseTo(e.accuracy, 12);
      expect(m.weighted_f1).toBeCloseTo(e.weighted_f1, 12);
      expect(m.macro_f1).toBeCloseTo(e.macro_f1, 12);
      expect(m.confusion).toEqual(e.confusion);
      c.labels.forEach((l: string, k: number) => {
        expect(m.per_class[l].precision).toBeCloseTo(e.precision[k], 12);
        expect(m.per_class[l].recall).toBeCloseTo(e.recall[k], 12);
        expect(m.per_class[l].f1).toBeCloseTo(e.f1[k], 12);
        expect(m.per_class[l].support).toBe(e.support[k]);
        if (e.auc[l] === null) {
          expect(m.auc[l]).toBeNull();
          expect(m.roc[l]).toBeNull();
        } else {
          expect(m.auc[l]).toBeCloseTo(e.auc[l], 12);
          const roc = m.roc[l]!;
          expect(roc.fpr.length).toBe(e.roc[l].fpr.length);
          roc.fpr.forEach((v, i) => expect(v).toBeCloseTo(e.roc[l].fpr[i], 10));
          roc.tpr.forEach((v, i) => expect(v).toBeCloseTo(e.roc[l].tpr[i], 10));
          // trapezoid area = Mann-Whitney with ties 1/2
          const pos = c.gold.map((g: number) => (g === k ? 1 : 0));
          expect(
            aucMannWhitney(
              c.proba.map((r: number[]) => r[k]),
              pos,
            ),
          ).toBeCloseTo(e.auc[l], 12);
        }
      });
    });
  }
});

describe('rocCurve / aucMannWhitney edge cases', () => {
  it('all scores tied gives the diagonal and AUC 1/2', () => {
    const r = rocCurve([0.3, 0.3, 0.3, 0.3], [1, 0, 1, 0])!;
    expect(r.fpr).toEqual([0, 1]);
    expect(r.tpr).toEqual([0, 1]);
    expect(aucMannWhitney([0.3, 0.3, 0.3, 0.3], [1, 0, 1, 0])).toBe(0.5);
  });
  it('null for one-class gold or NaN scores', () => {
    expect(rocCurve([0.1, 0.2], [1, 1])).toBeNull();
    expect(aucMannWhitney([0.1, 0.2], [0, 0])).toBeNull();
    expect(aucMannWhitney([0.1, 0.2], [1, 1])).toBeNull();
    expect(rocCurve([0.1, 0.2], [0, 0])).toBeNull();
    expect(rocCurve([0.1, Number.NaN], [1, 0])).toBeNull();
  });
});

describe('standardize', () => {
  const train = [
    [1, 10, 5],
    [3, 10, 7],
    [5, 10, 9],
  ];
  let p: ReturnType<typeof fitStandardizer>;
  beforeEach(() => {
    p = fitStandardizer(train);
  });
  it('fits mean and population std on training rows; std 0 becomes 1', () => {
    expect(p.mean).toEqual([3, 10, 7]);
    expect(p.std[0]).toBeCloseTo(Math.sqrt(8 / 3), 12);
    expect(p.std[1]).toBe(1);
  });
  it('applies to other rows and round-trips through JSON', () => {
    const q = loadStandardizer(JSON.stringify(p));
    const out = standardize(q, [[3, 12, 7 + Math.sqrt(8 / 3)]]);
    expect(out[0]).toBeInstanceOf(Float32Array);
    expect(out[0][0]).toBeCloseTo(0, 6);
    expect(out[0][1]).toBeCloseTo(2, 6);
    expect(out[0][2]).toBeCloseTo(1, 6);
    const z = standardize(p, train);
    for (let j = 0; j < 3; j++) {
      const col = z.map((r) => r[j]);
      expect(col.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 6);
    }
  });
  it('rejects bad input, saying what is wrong', () => {
    expect(() => fitStandardizer([])).toThrow('fitStandardizer: no rows');
    expect(() => fitStandardizer([[1, 2, 3], [4]])).toThrow('fitStandardizer: row of length 1, expected 3');
    expect(() => standardize(p, [[1, 2]])).toThrow('standardize: row of length 2, expected 3');
    const shape = 'loadStandardizer: expected {mean: number[], std: number[]} of equal length';
    for (const bad of ['{"mean":[1]}', '{"std":[1]}', '{"mean":[1],"std":[1,2]}', '{"mean":1,"std":[1]}', 'null'])
      expect(() => loadStandardizer(bad), bad).toThrow(shape);
  });

  it('a stored std of 0, negative or not a number reads as 1; a constant or infinite column gets std 1', () => {
    expect(loadStandardizer({ mean: [1, '2' as unknown as number, 3, 4], std: [0, -2, 'x' as unknown as number, 2] })).toEqual({
      mean: [1, 2, 3, 4],
      std: [1, 1, 1, 2],
    });
    const q = fitStandardizer([
      [1, Number.POSITIVE_INFINITY, 5],
      [5, 0, 5],
    ]);
    expect(q.std).toEqual([2, 1, 1]);
    expect(q.mean[0]).toBe(3);
    expect(q.mean).toHaveLength(3);
    expect(fitStandardizer([Float32Array.from([2, 4])])).toEqual({ mean: [2, 4], std: [1, 1] });
  });
});
