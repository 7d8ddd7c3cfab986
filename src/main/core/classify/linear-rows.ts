// The training rows of the linear SVM solvers (linear-solver.ts, linear-tron.ts) behind one row-access
// interface, dense or sparse (CSR), each row with a trailing bias feature of 1 (LIBLINEAR's -B 1).
import type { DenseRows } from './libsvm-port';
import { CsrKernel } from './linear-rows-wasm';
import { byRows, dotAt, hessVecByRows } from './linear-rows-js';
import type { HessVecAsk } from './linear-tron';

/**
 * What the solvers need of the rows: products with a weight vector of length `dim` (the features and
 * the bias last) and per-row updates of such vectors. Each implementation sums in its own fixed order
 * (the one its solver used before they were merged), so fits are bit-for-bit those of before.
 */
export interface LinearRows {
  /** number of rows */
  readonly n: number;
  /** weight vector length: features + 1 (the bias) */
  readonly dim: number;
  /** x_i . w */
  dot(i: number, w: Float64Array): number;
  /** w += a x_i */
  axpy(i: number, a: number, w: Float64Array): void;
  /** w += a0 x_i0 + a1 x_i1 (one pass over w where the layout allows it: TRON's Hessian product) */
  axpy2(i0: number, a0: number, i1: number, a1: number, w: Float64Array): void;
  /**
   * Hs += sum over t < m of Ci[i] (x_i . s) x_i, i = I[t] (TRON's Hessian product over its active
   * rows; rows in pairs through axpy2): one call per product keeps the per-row calls monomorphic
   */
  hessVec(I: Int32Array, m: number, Ci: Float64Array, s: Float64Array, Hs: Float64Array): void;
  /** hessVec for each ask (their Hs all +0 on entry), the same bits; CSR rows with SIMD: several in one pass */
  hessVecs(asks: readonly HessVecAsk[]): void;
  /** w_k += a x_ik^2 for every k (TRON's diagonal preconditioner) */
  sqAxpy(i: number, a: number, w: Float64Array): void;
  /** z_i = y_i (x_i . w) for every row (TRON's f; one call per pass, as hessVec) */
  dots(w: Float64Array, y: Int8Array, z: Float64Array): void;
  /** v += A[t] x_i for t < m, i = I[t], in order (TRON's gradient): axpy's sums */
  axpys(I: Int32Array, m: number, A: Float64Array, v: Float64Array): void;
  /** axpys(I, m, A, v) and M_k += B[t] x_ik^2 (sqAxpy's sums) in one pass: TRON's gradient and preconditioner */
  axpysSq(I: Int32Array, m: number, A: Float64Array, v: Float64Array, B: Float64Array, M: Float64Array): void;
  /** c + ||x_i||^2 (the dual solver's Q_ii + D_ii) */
  addSqNorm(i: number, c: number): number;
  /** out[m] = decision value of row i against class m of W (m < M rows of `dim`, bias last) */
  score(i: number, W: Float64Array, M: number, out: Float64Array): void;
  /** the rows `rows` of these, as rows 0..rows.length-1 of a new LinearRows */
  subset(rows: ArrayLike<number>): LinearRows;
  /** stored values (dense: n x dim; CSR: the nonzeros of the rows in view): the work of one pass */
  storedValues(): number;
  /** these rows as SharedArrayBuffer-backed arrays (copied once unless they are shared already), for workers */
  toShared(): SharedLinearRows;
}

/** LinearRows as arrays that a worker thread reads without a copy (linearRowsFromShared). */
export type SharedLinearRows =
  | { kind: 'dense'; x: Float64Array; n: number; dim: number }
  | { kind: 'csr'; ptr: Int32Array; ind: Int32Array; val: Float64Array; sq: Float64Array; map: Int32Array; d: number };

/** `a` itself when its buffer is a SharedArrayBuffer, else a copy in one. */
function shared<T extends Float64Array | Int32Array>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const C = a.constructor as { new (b: SharedArrayBuffer): T };
  const out = new C(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

/** The LinearRows of a SharedLinearRows (same arrays, no copy; a CSR block gets its own kernel). */
export function linearRowsFromShared(s: SharedLinearRows): LinearRows {
  return s.kind === 'dense' ? DenseLinearRows.wrap(s.x, s.n, s.dim) : CsrLinearRows.fromShared(s);
}

/** Dense rows packed row-major into one Float64Array, `dim` = d + 1 per row with the bias 1 last. */
export class DenseLinearRows implements LinearRows {
  readonly n: number;
  readonly dim: number;
  private readonly x: Float64Array;

  private constructor(x: Float64Array, n: number, dim: number) {
    this.x = x;
    this.n = n;
    this.dim = dim;
  }

  /** Rows `rows` of X (all of them by default), each of length d. */
  static pack(X: DenseRows, d: number, rows?: ArrayLike<number>): DenseLinearRows {
    const n = rows ? rows.length : X.length;
    const d1 = d + 1;
    const out = new Float64Array(n * d1);
    for (let r = 0; r < n; r++) {
      const x = X[rows ? rows[r] : r];
      if (x.length !== d) throw new Error(`linear SVM: row of length ${x.length}, expected ${d}`);
      const o = r * d1;
      for (let k = 0; k < d; k++) out[o + k] = x[k];
      out[o + d] = 1;
    }
    return new DenseLinearRows(out, n, d1);
  }

  /** Rows already packed as `pack` packs them (n rows of dim values, the bias 1 last). */
  static wrap(x: Float64Array, n: number, dim: number): DenseLinearRows {
    if (x.length !== n * dim) throw new Error(`linear SVM: ${x.length} packed values, expected ${n} x ${dim}`);
    return new DenseLinearRows(x, n, dim);
  }

  storedValues(): number {
    return this.n * this.dim;
  }

  toShared(): SharedLinearRows {
    return { kind: 'dense', x: shared(this.x), n: this.n, dim: this.dim };
  }

  dot(i: number, w: Float64Array): number {
    return dotAt(this.x, i * this.dim, w, this.dim);
  }

  axpy(i: number, a: number, w: Float64Array): void {
    const x = this.x;
    const d1 = this.dim;
    const o = i * d1;
    for (let k = 0; k < d1; k++) w[k] += a * x[o + k];
  }

  axpy2(i0: number, a0: number, i1: number, a1: number, w: Float64Array): void {
    const x = this.x;
    const d1 = this.dim;
    const o0 = i0 * d1;
    const o1 = i1 * d1;
    for (let k = 0; k < d1; k++) w[k] += a0 * x[o0 + k] + a1 * x[o1 + k];
  }

  hessVec(I: Int32Array, m: number, Ci: Float64Array, s: Float64Array, Hs: Float64Array): void {
    hessVecByRows(this, I, m, Ci, s, Hs);
  }

  hessVecs(asks: readonly HessVecAsk[]): void {
    for (const a of asks) this.hessVec(a.I, a.m, a.Ci, a.s, a.Hs);
  }

  dots(w: Float64Array, y: Int8Array, z: Float64Array): void {
    byRows.dots(this, w, y, z);
  }

  axpys(I: Int32Array, m: number, A: Float64Array, v: Float64Array): void {
    byRows.axpys(this, I, m, A, v, false);
  }

  axpysSq(I: Int32Array, m: number, A: Float64Array, v: Float64Array, B: Float64Array, M: Float64Array): void {
    byRows.axpys(this, I, m, A, v, false);
    byRows.axpys(this, I, m, B, M, true);
  }

  sqAxpy(i: number, a: number, w: Float64Array): void {
    const x = this.x;
    const d1 = this.dim;
    const o = i * d1;
    for (let k = 0; k < d1; k++) w[k] += a * x[o + k] * x[o + k];
  }

  addSqNorm(i: number, c: number): number {
    const x = this.x;
    const d1 = this.dim;
    const o = i * d1;
    let s = 0;
    for (let k = 0; k < d1; k++) s += x[o + k] * x[o + k];
    return c + s;
  }

  score(i: number, W: Float64Array, M: number, out: Float64Array): void {
    const x = this.x;
    const d1 = this.dim;
    const d = d1 - 1;
    const xo = i * d1;
    for (let m = 0; m < M; m++) {
      const o = m * d1;
      let s = W[o + d];
      for (let k = 0; k < d; k++) s += W[o + k] * x[xo + k];
      out[m] = s;
    }
  }

  subset(rows: ArrayLike<number>): DenseLinearRows {
    const d1 = this.dim;
    const out = new Float64Array(rows.length * d1);
    for (let r = 0; r < rows.length; r++) out.set(this.x.subarray(rows[r] * d1, rows[r] * d1 + d1), r * d1);
    return new DenseLinearRows(out, rows.length, d1);
  }
}

/** A row of a sparse design matrix: sorted unique column indices < d and their values. */
export interface SparseRow {
  indices: ArrayLike<number>;
  values: ArrayLike<number>;
}

/**
 * Sparse rows in one CSR block (row r: columns ind[ptr[r]..ptr[r+1]) with values val[...]), the bias
 * implicit; row i of this view is row map[i] of the block. Monomorphic typed arrays keep the inner
 * loops fast whatever array types the caller's rows use.
 */
export class CsrLinearRows implements LinearRows {
  readonly n: number;
  readonly dim: number;

  private constructor(
    private readonly ptr: Int32Array,
    private readonly ind: Int32Array,
    private readonly val: Float64Array,
    /** per block row: sum of its squared values */
    private readonly sq: Float64Array,
    private readonly map: Int32Array,
    d: number,
    /** the block's WebAssembly product kernel, made on the first product, shared with subsets */
    private readonly kernel: { k?: CsrKernel | null } = {},
  ) {
    this.n = map.length;
    this.dim = d + 1;
  }

  static of(X: readonly SparseRow[], d: number): CsrLinearRows {
    const ptr = new Int32Array(X.length + 1);
    for (let r = 0; r < X.length; r++) ptr[r + 1] = ptr[r] + X[r].indices.length;
    const ind = new Int32Array(ptr[X.length]);
    const val = new Float64Array(ptr[X.length]);
    const sq = new Float64Array(X.length);
    for (let r = 0; r < X.length; r++) {
      const { indices, values } = X[r];
      let s = 0;
      for (let k = 0, o = ptr[r]; k < indices.length; k++, o++) {
        ind[o] = indices[k];
        val[o] = values[k];
        s += values[k] * values[k];
      }
      sq[r] = s;
    }
    return new CsrLinearRows(
      ptr,
      ind,
      val,
      sq,
      Int32Array.from({ length: X.length }, (_, i) => i),
      d,
    );
  }

  static fromShared(s: Extract<SharedLinearRows, { kind: 'csr' }>): CsrLinearRows {
    return new CsrLinearRows(s.ptr, s.ind, s.val, s.sq, s.map, s.d);
  }

  storedValues(): number {
    let v = 0;
    for (let i = 0; i < this.n; i++) v += this.ptr[this.map[i] + 1] - this.ptr[this.map[i]];
    return v;
  }

  toShared(): SharedLinearRows {
    const { ptr, ind, val, sq, map } = this;
    return { kind: 'csr', ptr: shared(ptr), ind: shared(ind), val: shared(val), sq: shared(sq), map: shared(map), d: this.dim - 1 };
  }

  dot(i: number, w: Float64Array): number {
    const { ptr, ind, val } = this;
    const r = this.map[i];
    let s = w[this.dim - 1];
    for (let k = ptr[r], e = ptr[r + 1]; k < e; k++) s += w[ind[k]] * val[k];
    return s;
  }

  axpy(i: number, a: number, w: Float64Array): void {
    const { ptr, ind, val } = this;
    const r = this.map[i];
    for (let k = ptr[r], e = ptr[r + 1]; k < e; k++) w[ind[k]] += a * val[k];
    w[this.dim - 1] += a;
  }

  axpy2(i0: number, a0: number, i1: number, a1: number, w: Float64Array): void {
    this.axpy(i0, a0, w);
    this.axpy(i1, a1, w);
  }

  hessVec(I: Int32Array, m: number, Ci: Float64Array, s: Float64Array, Hs: Float64Array): void {
    // the same sums as hessVecByRows, in WebAssembly (linear-rows-wasm.ts: same bits, ~1.5x faster)
    const k = this.csrKernel();
    if (k) return k.hessVec(this.map, I, m, Ci, s, Hs);
    hessVecByRows(this, I, m, Ci, s, Hs);
  }

  hessVecs(asks: readonly HessVecAsk[]): void {
    const k = this.csrKernel();
    if (k) k.hessVecs(this.map, asks);
    else for (const a of asks) hessVecByRows(this, a.I, a.m, a.Ci, a.s, a.Hs);
  }

  // TRON's passes over the rows in the kernel too (the same sums as dot / axpy / sqAxpy)
  dots(w: Float64Array, y: Int8Array, z: Float64Array): void {
    const k = this.csrKernel();
    if (k) k.dots(this.map, w, y, z);
    else byRows.dots(this, w, y, z);
  }

  axpys(I: Int32Array, m: number, A: Float64Array, v: Float64Array): void {
    const k = this.csrKernel();
    if (k) k.axpys(this.map, I, m, A, v);
    else byRows.axpys(this, I, m, A, v, false);
  }

  axpysSq(I: Int32Array, m: number, A: Float64Array, v: Float64Array, B: Float64Array, M: Float64Array): void {
    const k = this.csrKernel();
    if (k) return k.axpysSq(this.map, I, m, A, v, B, M);
    byRows.axpys(this, I, m, A, v, false);
    byRows.axpys(this, I, m, B, M, true);
  }

  /** the block's kernel, made on first use (null without WebAssembly) */
  private csrKernel(): CsrKernel | null {
    if (this.kernel.k === undefined) this.kernel.k = CsrKernel.of(this.ptr, this.ind, this.val, this.dim);
    return this.kernel.k;
  }

  sqAxpy(i: number, a: number, w: Float64Array): void {
    const { ptr, ind, val } = this;
    const r = this.map[i];
    for (let k = ptr[r], e = ptr[r + 1]; k < e; k++) w[ind[k]] += a * val[k] * val[k];
    w[this.dim - 1] += a;
  }

  addSqNorm(i: number, c: number): number {
    return c + 1 + this.sq[this.map[i]];
  }

  score(i: number, W: Float64Array, M: number, out: Float64Array): void {
    const { ptr, ind, val } = this;
    const r = this.map[i];
    const d1 = this.dim;
    for (let m = 0; m < M; m++) {
      const o = m * d1;
      let s = W[o + d1 - 1];
      for (let k = ptr[r], e = ptr[r + 1]; k < e; k++) s += W[o + ind[k]] * val[k];
      out[m] = s;
    }
  }

  /**
   * Rows `rows` of these as a block of their own over only the columns they use, renumbered in
   * ascending order (each row's values keep their order, the bias stays last), and `cols`: the column
   * here of each of its columns. TRON on it gives subset(rows)'s weights on those columns bit for bit
   * (a column no row uses keeps +0 there and adds only zeros to TRON's sums, and the others are
   * summed in the same order; pass the full dim as TRON's fullDim) over shorter vectors, and its
   * rows lie contiguous for the Hessian product.
   */
  compact(rows: ArrayLike<number>): { X: CsrLinearRows; cols: Int32Array } {
    const { ptr, ind, val, sq, map } = this;
    const d = this.dim - 1;
    const to = new Int32Array(d).fill(-1);
    let nnz = 0;
    for (let t = 0; t < rows.length; t++) {
      const r = map[rows[t]];
      nnz += ptr[r + 1] - ptr[r];
      for (let k = ptr[r]; k < ptr[r + 1]; k++) to[ind[k]] = 0;
    }
    let used = 0;
    for (let c = 0; c < d; c++) if (to[c] === 0) to[c] = used++;
    const cols = new Int32Array(used);
    for (let c = 0; c < d; c++) if (to[c] >= 0) cols[to[c]] = c;
    const p2 = new Int32Array(rows.length + 1);
    const i2 = new Int32Array(nnz);
    const v2 = new Float64Array(nnz);
    const sq2 = new Float64Array(rows.length);
    for (let t = 0, o = 0; t < rows.length; t++) {
      const r = map[rows[t]];
      for (let k = ptr[r]; k < ptr[r + 1]; k++, o++) {
        i2[o] = to[ind[k]];
        v2[o] = val[k];
      }
      p2[t + 1] = o;
      sq2[t] = sq[r];
    }
    const X = new CsrLinearRows(
      p2,
      i2,
      v2,
      sq2,
      Int32Array.from({ length: rows.length }, (_, i) => i),
      used,
    );
    return { X, cols };
  }

  subset(rows: ArrayLike<number>): CsrLinearRows {
    return new CsrLinearRows(
      this.ptr,
      this.ind,
      this.val,
      this.sq,
      Int32Array.from(rows, (r) => this.map[r]),
      this.dim - 1,
      this.kernel,
    );
  }
}
