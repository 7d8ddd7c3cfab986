// Agreement report of several raters over the same items (the `agreement` command, the API, the
// Agreement view, the report section): pairwise Cohen, Fleiss, Krippendorff with a bootstrap interval.
import { alphaBootstrap, cohenKappa, fleissCategoryKappa, fleissKappa, krippendorffAlpha } from './coefficients';
import type { AgreementReport, PairAgreement } from '../../../shared/api-annotation';

export * from './coefficients';

/** One item and the label each rater gave it (raters who did not rate it are absent). */
export interface RatedItem {
  id: number;
  ratings: Record<string, string>;
}

export type { AgreementReport, LabelAgreement, PairAgreement } from '../../../shared/api-annotation';

const round = (x: number | null) => (x === null ? null : Math.round(x * 1e6) / 1e6);

export function computeAgreement(
  items: readonly RatedItem[],
  opts: { labels?: string[]; draws?: number; seed?: number } = {},
): AgreementReport {
  const raterSet = new Set<string>();
  const labels = [...(opts.labels ?? [])];
  const perRater: Record<string, number> = {};
  for (const it of items) {
    for (const [r, l] of Object.entries(it.ratings)) {
      raterSet.add(r);
      perRater[r] = (perRater[r] ?? 0) + 1;
      if (!labels.includes(l)) labels.push(l);
    }
  }
  const raters = [...raterSet].sort();
  const li = new Map(labels.map((l, i) => [l, i]));
  const rated = items.filter((it) => Object.keys(it.ratings).length > 0);

  const pairwise: PairAgreement[] = [];
  for (let i = 0; i < raters.length; i++) {
    for (let j = i + 1; j < raters.length; j++) {
      const a: string[] = [];
      const b: string[] = [];
      const confusion = labels.map(() => new Array<number>(labels.length).fill(0));
      for (const it of rated) {
        const x = it.ratings[raters[i]];
        const y = it.ratings[raters[j]];
        if (x === undefined || y === undefined) continue;
        a.push(x);
        b.push(y);
        confusion[li.get(x)!][li.get(y)!]++;
      }
      const same = a.reduce((s, x, k) => s + (x === b[k] ? 1 : 0), 0);
      pairwise.push({
        a: raters[i],
        b: raters[j],
        n: a.length,
        percent_agreement: a.length ? round((100 * same) / a.length) : null,
        cohen_kappa: round(cohenKappa(a, b)),
        confusion,
      });
    }
  }

  const complete = raters.length >= 2 ? rated.filter((it) => raters.every((r) => it.ratings[r] !== undefined)) : [];
  const table = complete.map((it) => {
    const row = new Array<number>(labels.length).fill(0);
    for (const r of raters) row[li.get(it.ratings[r])!]++;
    return row;
  });
  const units = rated.map((it) => Object.values(it.ratings));
  const ka = krippendorffAlpha(units);
  const draws = opts.draws ?? 1000;
  const seed = opts.seed ?? 1;
  const ci = alphaBootstrap(units, { draws, seed });
  return {
    annotators: raters,
    ratings_per_annotator: perRater,
    n_items: rated.length,
    labels,
    pairwise,
    fleiss_kappa: round(fleissKappa(table)),
    fleiss_n_items: table.length,
    krippendorff_alpha: round(ka.alpha),
    krippendorff_alpha_ci95: ci ? [round(ci[0])!, round(ci[1])!] : null,
    krippendorff_n_items: ka.units,
    per_label: labels.map((label, j) => ({
      label,
      kappa: round(fleissCategoryKappa(table, j)),
      n_items: table.length,
      ratings_complete: table.reduce((s, row) => s + row[j], 0),
      ratings: units.reduce((s, u) => s + u.filter((v) => v === label).length, 0),
    })),
    bootstrap: { draws, seed },
  };
}

/** Reads long-format rows (item, rater, label) into rated items, in first-seen item order. */
export function itemsFromLong(rows: readonly { item: string; rater: string; label: string }[]): { items: RatedItem[]; keys: string[] } {
  const byKey = new Map<string, RatedItem>();
  for (const r of rows) {
    let it = byKey.get(r.item);
    if (!it) byKey.set(r.item, (it = { id: byKey.size + 1, ratings: {} }));
    it.ratings[r.rater] = r.label;
  }
  return { items: [...byKey.values()], keys: [...byKey.keys()] };
}
