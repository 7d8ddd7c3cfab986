// The RBF C-SVC's kernel cache, after LIBSVM's: Gram rows as 32-bit floats (Qfloat), LRU eviction, one cache
// for all class pairs and CV folds. Hand-written: libsvm-js measured ~7x slower (libsvm-port.ts says more).
export type DenseRows = ReadonlyArray<ArrayLike<number>>;

/**
 * Lazily computed RBF Gram rows over a "universe" of row indices, kept as Float32 rows with LRU
 * eviction beyond a byte budget. Entries of already computed rows are reused by symmetry.
 */
export class GramCache {
  readonly size: number;
  private readonly d: number;
  private readonly data: Float64Array;
  private readonly sq: Float64Array;
  private readonly rows: (Float32Array | null)[];
  private readonly lru = new Map<number, true>();
  private readonly capacity: number;
  private readonly need: Int32Array;
  /** number of kernel rows computed (for diagnostics) */
  computed = 0;

  /**
   * @param X all rows
   * @param universe indices into X that this cache covers (position u = universe[u])
   */
  constructor(
    X: DenseRows,
    universe: ArrayLike<number>,
    private readonly gamma: number,
    budgetBytes: number,
  ) {
    const n = universe.length;
    const d = n > 0 ? X[universe[0]].length : 0;
    this.size = n;
    this.d = d;
    this.data = new Float64Array(n * d);
    this.sq = new Float64Array(n);
    for (let u = 0; u < n; u++) {
      const r = X[universe[u]];
      const off = u * d;
      for (let k = 0; k < d; k++) this.data[off + k] = r[k];
      this.sq[u] = this.dot(u, u);
    }
    this.rows = new Array(n).fill(null);
    this.need = new Int32Array(n);
    this.capacity = Math.max(2, Math.floor(budgetBytes / Math.max(1, 4 * n)));
  }

  /** x_a . x_b summed in feature order (one chain, as LIBSVM's dot), so K is exactly symmetric. */
  private dot(a: number, b: number): number {
    const d = this.d;
    const x = this.data;
    const oa = a * d;
    const ob = b * d;
    let s = 0;
    for (let k = 0; k < d; k++) s += x[oa + k] * x[ob + k];
    return s;
  }

  /** K(u, v) in double precision as LIBSVM's kernel_rbf (used for the diagonal QD). */
  kernel(u: number, v: number): number {
    return Math.exp(-this.gamma * (this.sq[u] + this.sq[v] - 2 * this.dot(u, v)));
  }

  /** Row u of the Gram matrix over the whole universe, as 32-bit floats. */
  row(u: number): Float32Array {
    const cached = this.rows[u];
    if (cached) {
      this.lru.delete(u);
      this.lru.set(u, true);
      return cached;
    }
    const out = this.computeRow(u);
    this.computed++;
    if (this.lru.size >= this.capacity) {
      const oldest = this.lru.keys().next().value as number;
      this.lru.delete(oldest);
      this.rows[oldest] = null;
    }
    this.rows[u] = out;
    this.lru.set(u, true);
    return out;
  }

  private computeRow(u: number): Float32Array {
    const n = this.size;
    const d = this.d;
    const x = this.data;
    const sq = this.sq;
    const g = this.gamma;
    const squ = sq[u];
    const out = new Float32Array(n);
    const rows = this.rows;
    const need = this.need;
    let m = 0;
    // entries already known from cached rows (K is symmetric), the rest computed below
    for (let v = 0; v < n; v++) {
      const rv = rows[v];
      if (rv) out[v] = rv[u];
      else need[m++] = v;
    }
    const ou = u * d;
    let t = 0;
    // four columns at a time: x_u is loaded once for four independent sums
    for (; t + 3 < m; t += 4) {
      const v0 = need[t];
      const v1 = need[t + 1];
      const v2 = need[t + 2];
      const v3 = need[t + 3];
      const o0 = v0 * d;
      const o1 = v1 * d;
      const o2 = v2 * d;
      const o3 = v3 * d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < d; k++) {
        const a = x[ou + k];
        s0 += a * x[o0 + k];
        s1 += a * x[o1 + k];
        s2 += a * x[o2 + k];
        s3 += a * x[o3 + k];
      }
      out[v0] = Math.exp(-g * (squ + sq[v0] - 2 * s0));
      out[v1] = Math.exp(-g * (squ + sq[v1] - 2 * s1));
      out[v2] = Math.exp(-g * (squ + sq[v2] - 2 * s2));
      out[v3] = Math.exp(-g * (squ + sq[v3] - 2 * s3));
    }
    for (; t < m; t++) {
      const v = need[t];
      out[v] = Math.exp(-g * (squ + sq[v] - 2 * this.dot(u, v)));
    }
    return out;
  }
}
