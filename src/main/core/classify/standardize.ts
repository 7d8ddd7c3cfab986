/**
 * Feature standardisation (z-scores) as sklearn's StandardScaler: mean and population standard
 * deviation (ddof 0) fitted on the training rows only, applied to any rows; a constant feature
 * (std 0) keeps scale 1 so it maps to 0. The fitted parameters are plain JSON.
 */

export interface StandardizerParams {
  mean: number[];
  std: number[];
}

export type Rows = ReadonlyArray<ArrayLike<number>>;

/** Fit mean / std per feature on `rows` (the training split only). */
export function fitStandardizer(rows: Rows): StandardizerParams {
  if (rows.length === 0) throw new Error('fitStandardizer: no rows');
  const d = rows[0].length;
  const mean = new Float64Array(d);
  for (const r of rows) {
    if (r.length !== d) throw new Error(`fitStandardizer: row of length ${r.length}, expected ${d}`);
    for (let j = 0; j < d; j++) mean[j] += r[j];
  }
  for (let j = 0; j < d; j++) mean[j] /= rows.length;
  const v = new Float64Array(d);
  for (const r of rows) {
    for (let j = 0; j < d; j++) {
      const t = r[j] - mean[j];
      v[j] += t * t;
    }
  }
  const std = new Array<number>(d);
  for (let j = 0; j < d; j++) {
    const s = Math.sqrt(v[j] / rows.length);
    std[j] = s > 0 && Number.isFinite(s) ? s : 1;
  }
  return { mean: Array.from(mean), std };
}

/** (x - mean) / std for every row; returns new Float32Array rows (the input is not changed). */
export function standardize(params: StandardizerParams, rows: Rows): Float32Array[] {
  const d = params.mean.length;
  const mean = Float64Array.from(params.mean);
  const inv = Float64Array.from(params.std, (s) => 1 / s);
  return rows.map((r) => {
    if (r.length !== d) throw new Error(`standardize: row of length ${r.length}, expected ${d}`);
    const out = new Float32Array(d);
    for (let j = 0; j < d; j++) out[j] = (r[j] - mean[j]) * inv[j];
    return out;
  });
}

/** Parse and validate parameters stored as JSON. */
export function loadStandardizer(json: string | StandardizerParams): StandardizerParams {
  const p = typeof json === 'string' ? (JSON.parse(json) as StandardizerParams) : json;
  if (!p || !Array.isArray(p.mean) || !Array.isArray(p.std) || p.mean.length !== p.std.length) {
    throw new Error('loadStandardizer: expected {mean: number[], std: number[]} of equal length');
  }
  return { mean: p.mean.map(Number), std: p.std.map((s) => (Number(s) > 0 ? Number(s) : 1)) };
}
