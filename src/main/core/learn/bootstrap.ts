// Seeded bootstrap intervals for evaluation figures, and the paired bootstrap difference of two
// models on the same items. With enough dialogues whole dialogues are resampled (the utterances of a
// dialogue are not independent); with few (a long recording is one dialogue) a circular block
// bootstrap over utterances in time order within each dialogue; with too few items, no interval.
// Metrics are recomputed from per-item weights (how often the resample drew the item), with AUC from
// presorted scores: one resample costs O(n K), not a sort.
import { Rng } from '../rng';

export const BOOTSTRAP_RESAMPLES = 1000;
export const BOOTSTRAP_SEED = 1;
/**
 * Fewer dialogues than this: blocks of utterances within each dialogue are resampled instead of whole
 * dialogues. A cluster bootstrap with G clusters has only C(2G-1, G) distinct resamples (126 at G = 5)
 * and, like cluster-robust variances, is known to understate the spread badly with few clusters
 * (Cameron, Gelbach & Miller 2008; Cameron & Miller 2015 put "few" at 20-50 and the failure is severe
 * below ~10). One dialogue gives a zero-width interval. 10 is the rule of thumb used here.
 */
export const MIN_DIALOGUES = 10;
/** Fewer items than this: no interval at all (a handful of blocks gives percentiles of nothing). */
export const MIN_ITEMS = 20;

export type Interval = [number, number];

export interface ScoredItems {
  /** class index per item */
  gold: number[];
  pred: number[];
  /** class probabilities per item (K each), for AUC */
  proba?: ArrayLike<number>[];
  /** the item's dialogue (any key; items without one are their own group) */
  group: (string | number | null)[];
  /** the item's position in time within its dialogue (any comparable number); absent: the item order */
  order?: number[];
}

export interface PointMetrics {
  accuracy: number;
  weighted_f1: number;
  macro_f1: number;
  macro_auc: number | null;
  per_class_f1: number[];
}

export interface BootstrapCi {
  accuracy: Interval;
  weighted_f1: Interval;
  macro_f1: Interval;
  macro_auc: Interval | null;
  per_class_f1: Record<string, Interval>;
}

export interface BootstrapInfo {
  resamples: number;
  seed: number;
  /** what a resample draws: whole dialogues, blocks of consecutive utterances, or nothing (no interval) */
  unit: 'dialogue' | 'block' | 'none';
  /** dialogues in the items (an item without one counts as one) */
  groups: number;
  level: 0.95;
  /** dialogue bootstrap, circular block bootstrap within dialogues (time order), or none (too few items) */
  method: 'dialogue' | 'circular_block' | 'none';
  /** units drawn per resample: the dialogues, or the blocks of all dialogues together; 0 for none */
  units: number;
  /** utterances per block (the last block of a dialogue is cut to its length); null unless blocks */
  block_length: number | null;
  /** items resampled */
  n_items: number;
}

/** How the items are resampled: the dialogue groups (in time order) and the method that applies. */
export interface Scheme {
  groups: number[][];
  info: Omit<BootstrapInfo, 'resamples' | 'seed'>;
}

/** Metrics of items weighted by w (w[i] copies of item i). */
export function weightedMetrics(K: number, gold: number[], pred: number[], w: ArrayLike<number>, auc?: AucIndex): PointMetrics {
  const tp = new Float64Array(K);
  const support = new Float64Array(K);
  const predicted = new Float64Array(K);
  let total = 0;
  let correct = 0;
  for (let i = 0; i < gold.length; i++) {
    const wi = w[i];
    if (!wi) continue;
    total += wi;
    support[gold[i]] += wi;
    predicted[pred[i]] += wi;
    if (gold[i] === pred[i]) {
      tp[gold[i]] += wi;
      correct += wi;
    }
  }
  const f1 = new Array<number>(K);
  let weighted = 0;
  let macro = 0;
  let macroN = 0;
  for (let k = 0; k < K; k++) {
    const denom = support[k] + predicted[k];
    f1[k] = denom > 0 ? (2 * tp[k]) / denom : 0;
    weighted += f1[k] * support[k];
    if (support[k] > 0 || predicted[k] > 0) {
      macro += f1[k];
      macroN++;
    }
  }
  return {
    accuracy: total ? correct / total : 0,
    weighted_f1: total ? weighted / total : 0,
    macro_f1: macroN ? macro / macroN : 0,
    macro_auc: auc ? auc.macro(w) : null,
    per_class_f1: f1,
  };
}

/** One-vs-rest AUCs with item weights, from each class's scores sorted once. */
export class AucIndex {
  private readonly order: Int32Array[];
  constructor(
    private readonly K: number,
    private readonly gold: number[],
    private readonly proba: ArrayLike<number>[],
  ) {
    this.order = [];
    for (let k = 0; k < K; k++) {
      const idx = Int32Array.from(gold.keys());
      idx.sort((a, b) => proba[a][k] - proba[b][k]);
      this.order.push(idx);
    }
  }

  /** Mean of the defined one-vs-rest AUCs (ties count one half), null when none is defined. */
  macro(w: ArrayLike<number>): number | null {
    let sum = 0;
    let n = 0;
    for (let k = 0; k < this.K; k++) {
      const a = this.one(k, w);
      if (a !== null) {
        sum += a;
        n++;
      }
    }
    return n ? sum / n : null;
  }

  one(k: number, w: ArrayLike<number>): number | null {
    const idx = this.order[k];
    let negBelow = 0;
    let pos = 0;
    let neg = 0;
    let area = 0;
    for (let i = 0; i < idx.length;) {
      // a run of equal scores: its positives beat the negatives below and tie with those in the run
      const s = this.proba[idx[i]][k];
      let runPos = 0;
      let runNeg = 0;
      let j = i;
      for (; j < idx.length && this.proba[idx[j]][k] === s; j++) {
        const wi = w[idx[j]];
        if (this.gold[idx[j]] === k) runPos += wi;
        else runNeg += wi;
      }
      area += runPos * (negBelow + runNeg / 2);
      negBelow += runNeg;
      pos += runPos;
      neg += runNeg;
      i = j;
    }
    return pos > 0 && neg > 0 ? area / (pos * neg) : null;
  }
}

function groupsOf(keys: (string | number | null)[], order?: number[]): number[][] {
  const byKey = new Map<string | number, number[]>();
  const out: number[][] = [];
  keys.forEach((k, i) => {
    if (k === null) {
      out.push([i]);
      return;
    }
    let g = byKey.get(k);
    if (!g) byKey.set(k, (g = []));
    g.push(i);
  });
  const all = [...byKey.values(), ...out];
  // time order within each dialogue (blocks are runs of neighbours; ties keep the item order)
  if (order) for (const g of all) g.sort((a, b) => order[a] - order[b] || a - b);
  return all;
}

/**
 * The resampling scheme of n items: whole dialogues with MIN_DIALOGUES or more, else a circular block
 * bootstrap within each dialogue with blocks of round(m^(1/3)) utterances, m the mean dialogue length
 * (the n^(1/3) order of Hall, Horowitz & Jing 1995 for variance and two-sided intervals); none below
 * MIN_ITEMS items.
 */
export function resamplingScheme(group: (string | number | null)[], order?: number[]): Scheme {
  const n = group.length;
  const groups = groupsOf(group, order);
  const G = groups.length;
  const base = { groups: G, level: 0.95 as const, n_items: n };
  if (n < MIN_ITEMS) return { groups, info: { ...base, unit: 'none', method: 'none', units: 0, block_length: null } };
  if (G >= MIN_DIALOGUES) return { groups, info: { ...base, unit: 'dialogue', method: 'dialogue', units: G, block_length: null } };
  const L = Math.max(1, Math.round(Math.cbrt(n / G)));
  const units = groups.reduce((a, g) => a + Math.ceil(g.length / Math.min(L, g.length)), 0);
  return { groups, info: { ...base, unit: 'block', method: 'circular_block', units, block_length: L } };
}

const percentile = (sorted: number[], q: number) => {
  if (!sorted.length) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
};
/** The percentile 95% interval of bootstrap values (linear interpolation between order statistics; also agreement/). */
export const interval = (xs: number[]): Interval => {
  const s = [...xs].sort((a, b) => a - b);
  return [percentile(s, 0.025), percentile(s, 0.975)];
};

/** Draws `resamples` resamples of the scheme (seeded) and calls `each` with the item weights of each. */
function resample(scheme: Scheme, n: number, resamples: number, seed: number, each: (w: Float64Array) => void): void {
  const { groups, info } = scheme;
  if (info.method === 'none') return;
  const rng = new Rng(seed);
  const w = new Float64Array(n);
  const L = info.block_length ?? 0;
  for (let b = 0; b < resamples; b++) {
    w.fill(0);
    if (info.method === 'dialogue') {
      for (let g = 0; g < groups.length; g++) for (const i of groups[rng.int(groups.length)]) w[i]++;
    } else {
      // circular blocks: each dialogue refilled to its length from blocks starting anywhere in it,
      // wrapping at its end, so every utterance has expected weight 1 (Politis & Romano 1992)
      for (const g of groups) {
        const m = g.length;
        for (let filled = 0; filled < m;) {
          const start = rng.int(m);
          for (let t = 0; t < L && filled < m; t++, filled++) w[g[(start + t) % m]]++;
        }
      }
    }
    each(w);
  }
}

/** Percentile 95% intervals of every figure (null with too few items), resampled as resamplingScheme says. */
export function bootstrapCi(
  labels: string[],
  items: ScoredItems,
  resamples = BOOTSTRAP_RESAMPLES,
  seed = BOOTSTRAP_SEED,
): { ci95: BootstrapCi | null; bootstrap: BootstrapInfo } {
  const K = labels.length;
  const n = items.gold.length;
  const scheme = resamplingScheme(items.group, items.order);
  const bootstrap: BootstrapInfo = { resamples, seed, ...scheme.info };
  if (scheme.info.method === 'none') return { ci95: null, bootstrap };
  const auc = items.proba ? new AucIndex(K, items.gold, items.proba) : null;
  const acc: number[] = [];
  const wf1: number[] = [];
  const mf1: number[] = [];
  const mauc: number[] = [];
  const perClass = labels.map(() => [] as number[]);
  resample(scheme, n, resamples, seed, (w) => {
    const m = weightedMetrics(K, items.gold, items.pred, w, auc ?? undefined);
    acc.push(m.accuracy);
    wf1.push(m.weighted_f1);
    mf1.push(m.macro_f1);
    if (m.macro_auc !== null) mauc.push(m.macro_auc);
    m.per_class_f1.forEach((f, k) => perClass[k].push(f));
  });
  return {
    ci95: {
      accuracy: interval(acc),
      weighted_f1: interval(wf1),
      macro_f1: interval(mf1),
      macro_auc: mauc.length ? interval(mauc) : null,
      per_class_f1: Object.fromEntries(labels.map((l, k) => [l, interval(perClass[k])])),
    },
    bootstrap,
  };
}

export interface PairedDifference {
  /** figure of A minus figure of B on the same items; ci95 null with too few items */
  accuracy: { diff: number; ci95: Interval | null };
  weighted_f1: { diff: number; ci95: Interval | null };
  macro_f1: { diff: number; ci95: Interval | null };
  /** true when the weighted F1 difference's interval holds 0, or there is no interval: on this split
   * the two cannot be told apart */
  within_noise: boolean;
  n: number;
  bootstrap: BootstrapInfo;
}

/** Paired bootstrap of A - B: the same resamples (dialogues or blocks, as bootstrapCi) scored for both models. */
export function pairedDifference(
  K: number,
  gold: number[],
  predA: number[],
  predB: number[],
  group: (string | number | null)[],
  resamples = BOOTSTRAP_RESAMPLES,
  seed = BOOTSTRAP_SEED,
  order?: number[],
): PairedDifference {
  const n = gold.length;
  const scheme = resamplingScheme(group, order);
  const ones = new Float64Array(n).fill(1);
  const [a0, b0] = [weightedMetrics(K, gold, predA, ones), weightedMetrics(K, gold, predB, ones)];
  const d = { accuracy: [] as number[], weighted_f1: [] as number[], macro_f1: [] as number[] };
  resample(scheme, n, resamples, seed, (w) => {
    const a = weightedMetrics(K, gold, predA, w);
    const b = weightedMetrics(K, gold, predB, w);
    d.accuracy.push(a.accuracy - b.accuracy);
    d.weighted_f1.push(a.weighted_f1 - b.weighted_f1);
    d.macro_f1.push(a.macro_f1 - b.macro_f1);
  });
  const none = scheme.info.method === 'none';
  const fig = (k: 'accuracy' | 'weighted_f1' | 'macro_f1') => ({ diff: a0[k] - b0[k], ci95: none ? null : interval(d[k]) });
  const out = { accuracy: fig('accuracy'), weighted_f1: fig('weighted_f1'), macro_f1: fig('macro_f1') };
  const holds0 = (i: Interval | null) => !i || (i[0] <= 1e-12 && i[1] >= -1e-12);
  return {
    ...out,
    within_noise: holds0(out.weighted_f1.ci95),
    n,
    bootstrap: { resamples, seed, ...scheme.info },
  };
}
