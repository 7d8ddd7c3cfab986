// Inter-annotator agreement coefficients: pure functions over label arrays (no I/O).
// Cohen's kappa (as scikit-learn's cohen_kappa_score), Fleiss' kappa (as statsmodels' fleiss_kappa,
// Fleiss 1971) with per-category kappas, Krippendorff's alpha (nominal, missing values allowed).
import { Rng } from '../rng';
import { interval } from '../learn/bootstrap';

/** Cohen's kappa of two raters' labels for the same items (same length, no missing values).
 * null when it is undefined (both raters used one and the same category throughout). */
export function cohenKappa(a: readonly string[], b: readonly string[]): number | null {
  if (a.length !== b.length) throw new Error(`cohenKappa: ${a.length} vs ${b.length} labels`);
  const n = a.length;
  if (n === 0) return null;
  const ca = new Map<string, number>();
  const cb = new Map<string, number>();
  let agree = 0;
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) agree++;
    ca.set(a[i], (ca.get(a[i]) ?? 0) + 1);
    cb.set(b[i], (cb.get(b[i]) ?? 0) + 1);
  }
  const po = agree / n;
  let pe = 0;
  for (const [k, v] of ca) pe += (v / n) * ((cb.get(k) ?? 0) / n);
  if (pe >= 1 - 1e-12) return null;
  return (po - pe) / (1 - pe);
}

/** Fleiss' kappa of a subjects x categories count table with the same number of ratings per row.
 * null when undefined (fewer than 2 ratings per subject, no subjects, or a single category used). */
export function fleissKappa(table: readonly (readonly number[])[]): number | null {
  const N = table.length;
  if (N === 0) return null;
  const n = table[0].reduce((s, x) => s + x, 0);
  if (n < 2) return null;
  const k = table[0].length;
  const pj = new Array<number>(k).fill(0);
  let pbar = 0;
  for (const row of table) {
    const m = row.reduce((s, x) => s + x, 0);
    if (m !== n) throw new Error(`fleissKappa: rows have ${n} and ${m} ratings`);
    let sq = 0;
    for (let j = 0; j < k; j++) {
      pj[j] += row[j];
      sq += row[j] * row[j];
    }
    pbar += (sq - n) / (n * (n - 1));
  }
  pbar /= N;
  let pe = 0;
  for (let j = 0; j < k; j++) pe += (pj[j] / (N * n)) ** 2;
  if (pe >= 1 - 1e-12) return null;
  return (pbar - pe) / (1 - pe);
}

/** Fleiss' (1971) kappa of category j against all others: 1 - sum_i n_ij (n - n_ij) / (N n (n-1) p_j q_j),
 * equal to Fleiss' kappa of the table collapsed to [j, not j]. null when category j is never or always used. */
export function fleissCategoryKappa(table: readonly (readonly number[])[], j: number): number | null {
  const N = table.length;
  if (N === 0) return null;
  const n = table[0].reduce((s, x) => s + x, 0);
  if (n < 2) return null;
  let total = 0;
  let dis = 0;
  for (const row of table) {
    total += row[j];
    dis += row[j] * (n - row[j]);
  }
  const p = total / (N * n);
  if (p <= 0 || p >= 1) return null;
  return 1 - dis / (N * n * (n - 1) * p * (1 - p));
}

/** Krippendorff's alpha for nominal data. units: the values each unit got (missing ratings simply left
 * out; units with fewer than 2 values are not pairable and ignored). null when undefined (fewer than 2
 * pairable values, or a single value used throughout). Also returns n, the number of pairable values. */
export function krippendorffAlpha(units: readonly (readonly string[])[]): { alpha: number | null; pairable: number; units: number } {
  const index = new Map<string, number>();
  for (const u of units) if (u.length >= 2) for (const v of u) if (!index.has(v)) index.set(v, index.size);
  const k = index.size;
  const o = new Float64Array(k * k); // coincidence matrix
  let used = 0;
  for (const u of units) {
    const m = u.length;
    if (m < 2) continue;
    used++;
    const counts = new Map<number, number>();
    for (const v of u) counts.set(index.get(v)!, (counts.get(index.get(v)!) ?? 0) + 1);
    for (const [c, nc] of counts) {
      for (const [d, nd] of counts) o[c * k + d] += (c === d ? nc * (nc - 1) : nc * nd) / (m - 1);
    }
  }
  const nc = new Float64Array(k);
  let n = 0;
  for (let c = 0; c < k; c++) {
    for (let d = 0; d < k; d++) nc[c] += o[c * k + d];
    n += nc[c];
  }
  if (n < 2) return { alpha: null, pairable: Math.round(n), units: used };
  let dObs = 0;
  let dExp = 0;
  for (let c = 0; c < k; c++) {
    for (let d = 0; d < k; d++) {
      if (c === d) continue;
      dObs += o[c * k + d];
      dExp += nc[c] * nc[d];
    }
  }
  if (dExp === 0) return { alpha: null, pairable: Math.round(n), units: used };
  return { alpha: 1 - ((n - 1) * dObs) / dExp, pairable: Math.round(n), units: used };
}

/** A 95% interval for Krippendorff's alpha: percentile bootstrap over the pairable units (units drawn
 * with replacement), `draws` resamples from the core's seeded generator (rng.ts), the percentiles as
 * the evaluation's bootstrap takes them (learn/bootstrap.ts). null when alpha is undefined.
 * Each unit's coincidences are computed once; a resample only sums them (fast on 10,000s of units). */
export function alphaBootstrap(
  units: readonly (readonly string[])[],
  opts: { draws?: number; seed?: number } = {},
): [number, number] | null {
  const pairable = units.filter((u) => u.length >= 2);
  if (krippendorffAlpha(pairable).alpha === null) return null;
  const index = new Map<string, number>();
  for (const u of pairable) for (const v of u) if (!index.has(v)) index.set(v, index.size);
  const k = index.size;
  // every unit's coincidence contribution as (cell, value) pairs in two flat arrays; unit j owns
  // entries off[j] .. off[j + 1]
  const cellList: number[] = [];
  const valList: number[] = [];
  const off = new Int32Array(pairable.length + 1);
  pairable.forEach((u, j) => {
    const counts = new Map<number, number>();
    for (const v of u) counts.set(index.get(v)!, (counts.get(index.get(v)!) ?? 0) + 1);
    for (const [a, na] of counts) {
      for (const [b, nb] of counts) {
        const x = (a === b ? na * (na - 1) : na * nb) / (u.length - 1);
        if (x !== 0) {
          cellList.push(a * k + b);
          valList.push(x);
        }
      }
    }
    off[j + 1] = cellList.length;
  });
  const cells = Int32Array.from(cellList);
  const vals = Float64Array.from(valList);
  const draws = opts.draws ?? 1000;
  const rng = new Rng(opts.seed ?? 1);
  const o = new Float64Array(k * k);
  const nc = new Float64Array(k);
  const values: number[] = [];
  for (let b = 0; b < draws; b++) {
    o.fill(0);
    const m = pairable.length;
    for (let i = 0; i < m; i++) {
      const j = rng.int(m);
      for (let t = off[j], e = off[j + 1]; t < e; t++) o[cells[t]] += vals[t];
    }
    nc.fill(0);
    let n = 0;
    let dObs = 0;
    for (let a = 0; a < k; a++) {
      for (let d = 0; d < k; d++) {
        nc[a] += o[a * k + d];
        if (a !== d) dObs += o[a * k + d];
      }
      n += nc[a];
    }
    let dExp = 0;
    for (let a = 0; a < k; a++) for (let d = 0; d < k; d++) if (a !== d) dExp += nc[a] * nc[d];
    if (n >= 2 && dExp > 0) values.push(1 - ((n - 1) * dObs) / dExp);
  }
  if (values.length === 0) return null;
  return interval(values);
}
