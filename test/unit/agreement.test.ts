// Agreement coefficients against published examples and the Python references (scripts/pyref/make_agreement_fixtures.py).
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import {
  alphaBootstrap,
  cohenKappa,
  computeAgreement,
  fleissCategoryKappa,
  fleissKappa,
  itemsFromLong,
  krippendorffAlpha,
} from '../../src/main/core/agreement';
import { Rng } from '../../src/main/core/rng';
import { interval } from '../../src/main/core/learn/bootstrap';

const DIR = path.join(__dirname, '..', 'fixtures', 'agreement');
const REF = JSON.parse(fs.readFileSync(path.join(DIR, 'reference.json'), 'utf8'));

function readLong(name: string) {
  const lines = fs
    .readFileSync(path.join(DIR, `${name}.csv`), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1);
  return lines.map((l) => {
    const [item, rater, , label] = l.split(',');
    return { item, rater, label };
  });
}

describe('published examples', () => {
  it("Fleiss 1971: 30 patients, 6 raters, 5 diagnoses: kappa 0.430 and the paper's per-category kappas", () => {
    const t: number[][] = REF.fleiss1971.table;
    expect(fleissKappa(t)).toBeCloseTo(0.4302445, 6);
    const per = t[0].map((_, j) => fleissCategoryKappa(t, j));
    // Fleiss (1971) table 2: .245 .245 .520 .471 .566
    expect(per.map((k) => Number(k!.toFixed(3)))).toEqual([0.245, 0.245, 0.52, 0.471, 0.566]);
    per.forEach((k, j) => expect(k).toBeCloseTo(REF.fleiss1971.per_category[j], 6));
  });

  it("Krippendorff's worked nominal example with missing values: alpha 0.743", () => {
    const obs: (number | null)[][] = REF.krippendorff_example.observers;
    const units = obs[0].map((_, u) =>
      obs
        .map((o) => o[u])
        .filter((v): v is number => v !== null)
        .map(String),
    );
    const a = krippendorffAlpha(units);
    expect(a.alpha!.toFixed(3)).toBe('0.743');
    expect(a.alpha).toBeCloseTo(REF.krippendorff_example.alpha, 6);
    expect(a.pairable).toBe(40); // Krippendorff: n = 40 pairable values (unit 12 has one value)
    expect(a.units).toBe(11);
  });

  it('Cohen: perfect agreement is 1, chance-level structure 0, a single shared category undefined', () => {
    expect(cohenKappa(['a', 'b', 'a'], ['a', 'b', 'a'])).toBe(1);
    expect(cohenKappa(['a', 'a', 'b', 'b'], ['a', 'b', 'a', 'b'])).toBe(0);
    expect(cohenKappa(['a', 'a'], ['a', 'a'])).toBeNull();
    expect(cohenKappa([], [])).toBeNull();
  });
});

// the bootstrap as its definition says: resample the pairable units, recompute alpha (same generator
// and percentiles: the core's Rng and the evaluation bootstrap's interval)
function naiveBootstrap(units: string[][], draws: number, seed: number): [number, number] {
  const rng = new Rng(seed);
  const p = units.filter((u) => u.length >= 2);
  const vals: number[] = [];
  for (let b = 0; b < draws; b++) {
    const a = krippendorffAlpha(p.map(() => p[rng.int(p.length)])).alpha;
    if (a !== null) vals.push(a);
  }
  return interval(vals);
}

describe.each(Object.keys(REF.cases))('generated long-format data with missing ratings: %s', (name) => {
  const ref = REF.cases[name];
  const { items } = itemsFromLong(readLong(name));
  const r = computeAgreement(items, { draws: 200, seed: 7 });

  it('equals scikit-learn cohen_kappa_score per pair and statsmodels fleiss_kappa', () => {
    expect(r.annotators).toEqual(ref.annotators);
    expect(r.n_items).toBe(ref.n_items);
    expect(r.pairwise.map(({ a, b, n }) => ({ a, b, n }))).toEqual(ref.pairwise.map(({ a, b, n }: any) => ({ a, b, n })));
    r.pairwise.forEach((p, i) => {
      expect(p.cohen_kappa).toBeCloseTo(ref.pairwise[i].cohen_kappa, 6);
      expect(p.percent_agreement).toBeCloseTo(ref.pairwise[i].percent_agreement, 6);
      expect(p.confusion.flat().reduce((s, x) => s + x, 0)).toBe(p.n);
    });
    expect(r.fleiss_n_items).toBe(ref.fleiss_n_items);
    expect(r.fleiss_kappa).toBeCloseTo(ref.fleiss_kappa, 6);
    for (const l of ref.per_label) {
      const mine = r.per_label.find((x) => x.label === l.label)!;
      if (l.kappa === null) expect(mine.kappa).toBeNull();
      else expect(mine.kappa).toBeCloseTo(l.kappa, 6);
    }
  });

  it("Krippendorff's alpha equals the pairwise definition; its bootstrap interval is seeded and holds it", () => {
    expect(r.krippendorff_alpha).toBeCloseTo(ref.krippendorff_alpha, 6);
    const [lo, hi] = r.krippendorff_alpha_ci95!;
    expect(lo).toBeLessThan(r.krippendorff_alpha!);
    expect(hi).toBeGreaterThan(r.krippendorff_alpha!);
    expect(hi - lo).toBeLessThan(0.5);
    const units = items.map((it) => Object.values(it.ratings));
    expect(alphaBootstrap(units, { draws: 200, seed: 7 })).toEqual(alphaBootstrap(units, { draws: 200, seed: 7 }));
    expect(alphaBootstrap(units, { draws: 200, seed: 8 })).not.toEqual(alphaBootstrap(units, { draws: 200, seed: 7 }));
    const fast = alphaBootstrap(units, { draws: 100, seed: 3 })!;
    const naive = naiveBootstrap(units, 100, 3);
    expect(fast[0]).toBeCloseTo(naive[0], 10);
    expect(fast[1]).toBeCloseTo(naive[1], 10);
  });
});
