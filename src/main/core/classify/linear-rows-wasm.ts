// TRON's Hessian product over CSR rows (CsrLinearRows.hessVec) as a small WebAssembly kernel, the
// module assembled here from its instructions (with ../features/wasm-asm.ts); the same arithmetic in the
// same order as the JS loop.
/*
 * Why: on train's 10,000-row media retrain (229 stored values per row, 102,116 columns) the product
 * is ~85% of the fit, and V8 spent ~2.5-3 ns per gathered or scattered value on it; this kernel
 * takes 5.6 ms a product where the JS loop took 8.4 (docs/benchmarks.md, 2 December 2026). It does,
 * per row i = I[t] (block row r = map[i]): z = s[bias] + sum_k s[ind_k] val_k in CSR order, a = Ci[i] z,
 * Hs[ind_k] += a val_k in CSR order, Hs[bias] += a: each float operation as CsrLinearRows.dot / axpy
 * do it (IEEE binary64 in both), so the results are the same bits. Rows are taken one at a time where
 * the JS loop takes two dots then two updates: s and Hs are distinct arrays, so no value changes.
 * TRON's other passes over the rows run here too (dots: every row's margin for f; axpys / sqAxpys:
 * the gradient's and the preconditioner's sums over the active rows), with dot's, axpy's and
 * sqAxpy's float operations in their order: on a fold's 6,666 rows of the media retrain the three
 * passes of one Newton step took 4.7-5.3 ms against 7.3-10.9 in JS (medians of 15, 2 December 2026).
 * Several classes' products at once (hessVecs) run in the SIMD module of linear-rows-simd.ts on the
 * same memory (its interleaved vectors first in it), one product each where SIMD is missing.
 */
import { ADD, compile, countUp, F64, get, I32, i32c, moduleBytes, set, SHL, tee, type WasmFunction } from '../features/wasm-asm';
import { LANE_BYTES, SimdLanes, simdModule } from './linear-rows-simd';
import type { HessVecAsk } from './linear-tron';

// instructions only this kernel uses (the rest: ../features/wasm-asm.ts)
const F_ADD = 0xa0;
const F_MUL = 0xa2;
const LOAD = (offset = 0): number[] => [0x28, 2, offset];
const F_LOAD = [0x2b, 3, 0];
const F_STORE = [0x39, 3, 0];

// params: byte addresses of I (i32), Ci (f64), map (i32), ptr (i32), ind (i32), val (f64), s, Hs (f64); m, bias;
// a second coefficient array (f64, gradpre only)
const [I, M, CI, MAP, PTR, IND, VAL, S, HS, BIAS, B] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
// locals: i32 t i r k e k0 addr, f64 z a c
const [T, ROW, R, K, E, K0, ADDR, Z, A, C2] = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
/** base + (local idx << shift) */
const at = (base: number, idx: number, shift: number): number[] => [...get(base), ...get(idx), ...i32c(shift), SHL, ADD];
/** for (t = 0; t < m; t++) body */
const overRows = (body: number[]): number[] => countUp(T, i32c(0), M, body);
/** for (k = k0; k < e; k++) body */
const overRow = (body: number[]): number[] => countUp(K, get(K0), E, body);
/** the stored values of block row r: k0 = ptr[r], e = ptr[r + 1] */
const span = [...at(PTR, R, 2), ...tee(ADDR), ...LOAD(), ...set(K0), ...get(ADDR), ...LOAD(4), ...set(E)];
/** address of s or Hs at column ind[k] */
const colAddr = (base: number): number[] => [...get(base), ...at(IND, K, 2), ...LOAD(), ...i32c(3), SHL, ADD];
/** v[ind_k] = v[ind_k] + c * val_k (axpy's order) */
const scatter = (v: number, c: number): number[] => [
  ...colAddr(v),
  ...tee(ADDR),
  ...get(ADDR),
  ...F_LOAD,
  ...get(c),
  ...at(VAL, K, 3),
  ...F_LOAD,
  F_MUL,
  F_ADD,
  ...F_STORE,
];
/** v[bias] = v[bias] + c */
const addBias = (v: number, c: number): number[] => [
  ...at(v, BIAS, 3),
  ...tee(ADDR),
  ...get(ADDR),
  ...F_LOAD,
  ...get(c),
  F_ADD,
  ...F_STORE,
];
/** z = s[bias] + sum_k s[ind_k] val_k over the row's span (dot's order) */
const dotRow = [
  ...[...at(S, BIAS, 3), ...F_LOAD, ...set(Z)],
  ...overRow([...get(Z), ...colAddr(S), ...F_LOAD, ...at(VAL, K, 3), ...F_LOAD, F_MUL, F_ADD, ...set(Z)]),
];
/** row = I[t], r = map[row], and its span */
const rowOfI = [...at(I, T, 2), ...LOAD(), ...set(ROW), ...at(MAP, ROW, 2), ...LOAD(), ...set(R), ...span];

const code = overRows([
  ...rowOfI,
  ...dotRow,
  ...[...at(CI, ROW, 3), ...F_LOAD, ...get(Z), F_MUL, ...set(A)],
  // Hs[ind_k] = Hs[ind_k] + a * val_k
  ...overRow(scatter(HS, A)),
  ...addBias(HS, A),
]);
// TRON's passes over the rows (CsrLinearRows.dots / axpys), with the same parameter and local layout
// as hv so that the helpers above serve: CI's slot holds z (dots) or the per-row coefficients a_t
// (axpys), S's the weights w, HS's y (dots) or the vector updated (axpys).
/** dots: for i < M (every row of the view): z_i = y_i (w[bias] + sum_k w[ind_k] val_k), dot's order. */
const dots = overRows([
  ...[...at(MAP, T, 2), ...LOAD(), ...set(R)],
  ...span,
  ...dotRow,
  ...[...at(CI, T, 3), ...at(HS, T, 3), ...F_LOAD, ...get(Z), F_MUL, ...F_STORE],
]);
/** axpys: for t < M, row I[t]: v[ind_k] += a_t val_k, v[bias] += a_t. */
const axpys = overRows([...rowOfI, ...[...at(CI, T, 3), ...F_LOAD, ...set(A)], ...overRow(scatter(HS, A)), ...addBias(HS, A)]);
/**
 * gradpre: axpys (coefficients CI into HS) and sqaxpys (coefficients B into S) in one pass over the
 * rows I[t], each vector's sums in its own function's order (TRON's gradient and preconditioner).
 */
const gradpre = overRows([
  ...rowOfI,
  ...[...at(CI, T, 3), ...F_LOAD, ...set(A)],
  ...[...at(B, T, 3), ...F_LOAD, ...set(C2)],
  ...overRow([
    ...scatter(HS, A),
    ...[...colAddr(S), ...tee(ADDR), ...get(ADDR), ...F_LOAD, ...get(C2), ...at(VAL, K, 3), ...F_LOAD, F_MUL],
    ...[...at(VAL, K, 3), ...F_LOAD, F_MUL, F_ADD, ...F_STORE],
  ]),
  ...addBias(HS, A),
  ...addBias(S, C2),
]);
/** one of the module's functions: all take the same 11 i32 parameters and have the same locals */
const fn = (name: string, c: number[]): WasmFunction => ({
  name,
  params: 11,
  locals: [
    [7, I32],
    [3, F64],
  ],
  code: c,
});
const bytes = moduleBytes([fn('hv', code), fn('dots', dots), fn('axpys', axpys), fn('gradpre', gradpre)], {
  memory: ['env', 'memory'],
  oneType: true,
});

let compiled: WebAssembly.Module | null | undefined;
/** The compiled kernel, or null where WebAssembly is missing (the JS loop then). */
function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) compiled = compile(bytes);
  return compiled;
}

type Fn = (
  I: number,
  m: number,
  Ci: number,
  map: number,
  ptr: number,
  ind: number,
  val: number,
  s: number,
  Hs: number,
  bias: number,
  B?: number,
) => void;

/** One CSR block (nb rows, columns + bias = d1) in a kernel's memory, with room for a product's vectors. */
export class CsrKernel {
  private readonly fns: { hv: Fn; dots: Fn; axpys: Fn; gradpre: Fn };
  private readonly mY: Float64Array;
  private readonly mZ: Float64Array;
  private readonly mI: Int32Array;
  private readonly mMap: Int32Array;
  private readonly mCi: Float64Array;
  private readonly mS: Float64Array;
  private readonly mHs: Float64Array;
  /** the SIMD pass over several products (null without WebAssembly SIMD) */
  private readonly lanes: SimdLanes | null;
  private readonly at: {
    S8: number;
    H8: number;
    CI8: number;
    U: number;
    I: number;
    map: number;
    Ci: number;
    ptr: number;
    ind: number;
    val: number;
    s: number;
    Hs: number;
    y: number;
    z: number;
  };

  private constructor(mod: WebAssembly.Module, ptr: Int32Array, ind: Int32Array, val: Float64Array, d1: number) {
    const nb = ptr.length - 1;
    const nnz = ind.length;
    const up8 = (b: number): number => Math.ceil(b / 8) * 8;
    let off = 0;
    const take = (bytes: number): number => {
      const o = off;
      off = up8(off + bytes);
      return o;
    };
    const simdMod = simdModule();
    // the SIMD pass's interleaved vectors first, each column's lanes in one 64-byte line (pages that
    // are never written take no memory)
    const lanes = simdMod ? d1 * LANE_BYTES : 0;
    const at = {
      S8: take(lanes),
      H8: take(lanes),
      CI8: take(simdMod ? nb * LANE_BYTES : 0),
      U: take(simdMod ? 4 * nb : 0),
      val: take(8 * nnz),
      Ci: take(8 * nb),
      s: take(8 * d1),
      Hs: take(8 * d1),
      ind: take(4 * nnz),
      ptr: take(4 * (nb + 1)),
      I: take(4 * nb),
      map: take(4 * nb),
      y: take(8 * nb),
      z: take(8 * nb),
    };
    const memory = new WebAssembly.Memory({ initial: Math.ceil(off / 65536) + 1 });
    const inst = new WebAssembly.Instance(mod, { env: { memory } });
    this.fns = inst.exports as unknown as CsrKernel['fns'];
    const buf = memory.buffer;
    new Float64Array(buf, at.val, nnz).set(val);
    new Int32Array(buf, at.ind, nnz).set(ind);
    new Int32Array(buf, at.ptr, nb + 1).set(ptr);
    this.mI = new Int32Array(buf, at.I, nb);
    this.mMap = new Int32Array(buf, at.map, nb);
    this.mCi = new Float64Array(buf, at.Ci, nb);
    this.mS = new Float64Array(buf, at.s, d1);
    this.mHs = new Float64Array(buf, at.Hs, d1);
    this.mY = new Float64Array(buf, at.y, nb);
    this.mZ = new Float64Array(buf, at.z, nb);
    this.at = at;
    this.lanes = simdMod ? new SimdLanes(simdMod, memory, at, d1, nb) : null;
  }

  /** Whether hessVecs runs one pass for several products (WebAssembly SIMD), not one per product. */
  get batched(): boolean {
    return this.lanes !== null;
  }

  /** The kernel of this block, or null without WebAssembly. */
  static of(ptr: Int32Array, ind: Int32Array, val: Float64Array, d1: number): CsrKernel | null {
    const mod = kernelModule();
    return mod ? new CsrKernel(mod, ptr, ind, val, d1) : null;
  }

  /** Hs += sum over t < m of Ci[i] (x_i . s) x_i for rows i = I[t] of the view `map` (CsrLinearRows.hessVec). */
  hessVec(map: Int32Array, I: Int32Array, m: number, Ci: Float64Array, s: Float64Array, Hs: Float64Array): void {
    const n = map.length;
    this.mMap.set(map);
    this.mI.set(I.subarray(0, m));
    this.mCi.set(Ci.subarray(0, n));
    this.mS.set(s);
    this.mHs.set(Hs);
    const a = this.at;
    this.fns.hv(a.I, m, a.Ci, a.map, a.ptr, a.ind, a.val, a.s, a.Hs, s.length - 1);
    Hs.set(this.mHs);
  }

  /**
   * Each ask's product over rows of the view `map` (CsrLinearRows.hessVecs): with SIMD, up to 8 in one
   * pass over the union of their rows (linear-rows-simd.ts), each ask's Hs (all +0 on entry) getting
   * the bits of hessVec; else one hessVec each.
   */
  hessVecs(map: Int32Array, asks: readonly HessVecAsk[]): void {
    if (!this.lanes || asks.length < 2) for (const a of asks) this.hessVec(map, a.I, a.m, a.Ci, a.s, a.Hs);
    else this.lanes.hessVecs(map, asks);
  }

  /** z_i = y_i (x_i . w) for every row i of the view `map` (CsrLinearRows.dots). */
  dots(map: Int32Array, w: Float64Array, y: Int8Array, z: Float64Array): void {
    const n = map.length;
    this.mMap.set(map);
    this.mS.set(w);
    this.mY.set(y);
    const a = this.at;
    this.fns.dots(0, n, a.z, a.map, a.ptr, a.ind, a.val, a.s, a.y, w.length - 1);
    z.set(this.mZ.subarray(0, n));
  }

  /** v += sum over t < m of A[t] x_i, i = I[t] (CsrLinearRows.axpys). */
  axpys(map: Int32Array, I: Int32Array, m: number, A: Float64Array, v: Float64Array): void {
    this.mMap.set(map);
    this.mI.set(I.subarray(0, m));
    this.mCi.set(A.subarray(0, m));
    this.mHs.set(v);
    const a = this.at;
    this.fns.axpys(a.I, m, a.Ci, a.map, a.ptr, a.ind, a.val, 0, a.Hs, v.length - 1);
    v.set(this.mHs);
  }

  /** axpys(map, I, m, A, v) and M += sum over t < m of B[t] x_ik^2 per column in one pass over the rows (CsrLinearRows.axpysSq). */
  axpysSq(map: Int32Array, I: Int32Array, m: number, A: Float64Array, v: Float64Array, B: Float64Array, Mv: Float64Array): void {
    this.mMap.set(map);
    this.mI.set(I.subarray(0, m));
    this.mCi.set(A.subarray(0, m));
    this.mY.set(B.subarray(0, m));
    this.mHs.set(v);
    this.mS.set(Mv);
    const a = this.at;
    this.fns.gradpre(a.I, m, a.Ci, a.map, a.ptr, a.ind, a.val, a.s, a.Hs, v.length - 1, a.y);
    v.set(this.mHs);
    Mv.set(this.mS);
  }
}
