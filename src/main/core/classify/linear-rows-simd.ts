// Several binary problems' TRON Hessian products in one pass over the CSR rows (CsrKernel.hessVecs): a
// small WebAssembly SIMD module, assembled here from its instructions (with ../features/wasm-asm.ts),
// two problems per f64x2.
/*
 * Why: in the C search's binary problems (7 classes x 2 weightings per fold) the Hessian products
 * took ~52% of the CPU, each problem's product a separate pass over the same ~6,000 rows with their
 * 229 stored values (linear-rows-wasm.ts). Here up to 8 problems' vectors are interleaved, column k's
 * 8 lanes in one 64-byte line, so one pass reads each stored value and its column index once for all
 * of them. Micro-benchmark (3 December 2026, 00:28 UTC, /tmp/h40's mb8 on the 10,000-row media rows,
 * 2/3 of them, 7 classes with 80% active rows): 7 single-class products 19.1-23.6 ms, this pass
 * 9.2-12.3 ms with its copies in and out (the kernel alone 8.7 ms). A 16-lane pass (128 bytes a
 * column) took 2.1x the 8-lane one, so lanes are 8. End to end: docs/benchmarks.md, 3 December 2026
 * (the first 10,000-row train 29.7-33.6 -> 21.2-22.5 s CPU with linear-lockstep.ts).
 * Same bits: lane p does class p's float operations in the single-class kernel's order (z = s[bias],
 * then z + s[ind_k] val_k in CSR order; a = Ci z; Hs[ind_k] + a val_k in CSR order; Hs[bias] + a),
 * each f64x2 add and mul rounding per lane as the scalar one (IEEE binary64, no fused multiply-add).
 * The pass runs over the union of the classes' active rows in ascending order (each class's own
 * order); a row inactive in lane p has coefficient +0 there, so it adds a ±0 to the lane's Hs, which
 * leaves every value but -0 as it is, and Hs starts at +0 and a sum of two values is -0 only when
 * both are: the lane's Hs are the single product's bits.
 */

import {
  ADD,
  compile,
  countUp,
  get,
  I32,
  i32c,
  leb,
  load,
  moduleBytes,
  set,
  SHL,
  SPLAT,
  store,
  tee,
  V128,
  VADD,
  VMUL,
  type WasmFunction,
} from '../features/wasm-asm';
import type { HessVecAsk } from './linear-tron';

/** Lanes per column (8 x f64 = one 64-byte line); bytes per column. */
export const LANES = 8;
export const LANE_BYTES = 64;

// instructions only this kernel uses (the rest: ../features/wasm-asm.ts)
const LOAD = (offset = 0): number[] => [0x28, 2, ...leb(offset)];
const F_LOAD = [0x2b, 3, 0];
const V_LOAD = (offset: number): number[] => load(offset, 4);
const V_STORE = (offset: number): number[] => store(offset, 4);

// params: byte addresses of U (block rows, i32), CI8 (8 lanes per row of U), ptr, ind, val, S8, H8; m, bias
const [U, M, CI8, PTR, IND, VAL, S8, H8, BIAS] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
// locals: i32 t r k e k0 addr; v128 z0..z3 v
const [T, R, K, E, K0, ADDR] = [9, 10, 11, 12, 13, 14];
const Z = [15, 16, 17, 18];
const V = 19;
const at = (base: number, idx: number, shift: number): number[] => [...get(base), ...get(idx), ...i32c(shift), SHL, ADD];
/** for (k = k0; k < e; k++) body */
const overRow = (body: number[]): number[] => countUp(K, get(K0), E, body);
/** addr = base + ind[k] * 64; v = splat(val[k]) */
const colAndVal = (base: number): number[] => [
  ...get(base),
  ...at(IND, K, 2),
  ...LOAD(),
  ...i32c(6),
  SHL,
  ADD,
  ...set(ADDR),
  ...at(VAL, K, 3),
  ...F_LOAD,
  ...SPLAT,
  ...set(V),
];

/** The pass over lanes 0..2J-1 (J f64x2 vectors per column). */
function pass(J: number): number[] {
  const js = Array.from({ length: J }, (_, j) => j);
  return countUp(T, i32c(0), M, [
    ...[...at(U, T, 2), ...LOAD(), ...set(R)],
    ...[...at(PTR, R, 2), ...tee(ADDR), ...LOAD(), ...set(K0), ...get(ADDR), ...LOAD(4), ...set(E)],
    // z_j = S8[bias], then z_j + S8[ind_k] * val_k
    ...js.flatMap((j) => [...at(S8, BIAS, 6), ...V_LOAD(16 * j), ...set(Z[j])]),
    ...overRow([
      ...colAndVal(S8),
      ...js.flatMap((j) => [...get(Z[j]), ...get(ADDR), ...V_LOAD(16 * j), ...get(V), ...VMUL, ...VADD, ...set(Z[j])]),
    ]),
    // a_j = CI8[t] * z_j (in z_j)
    ...js.flatMap((j) => [...at(CI8, T, 6), ...V_LOAD(16 * j), ...get(Z[j]), ...VMUL, ...set(Z[j])]),
    // H8[ind_k] = H8[ind_k] + a_j * val_k
    ...overRow([
      ...colAndVal(H8),
      ...js.flatMap((j) => [...get(ADDR), ...get(ADDR), ...V_LOAD(16 * j), ...get(Z[j]), ...get(V), ...VMUL, ...VADD, ...V_STORE(16 * j)]),
    ]),
    // H8[bias] = H8[bias] + a_j
    ...[...at(H8, BIAS, 6), ...set(ADDR)],
    ...js.flatMap((j) => [...get(ADDR), ...get(ADDR), ...V_LOAD(16 * j), ...get(Z[j]), ...VADD, ...V_STORE(16 * j)]),
  ]);
}

const bytes = moduleBytes(
  [1, 2, 3, 4].map((J): WasmFunction => ({
    name: `hv${2 * J}`,
    params: 9,
    locals: [
      [6, I32],
      [5, V128],
    ],
    code: pass(J),
  })),
  { memory: ['env', 'memory'], oneType: true },
);

/** hv2 .. hv8: the pass over lanes 0..1, 0..3, 0..5, 0..7 (U, m, CI8, ptr, ind, val, S8, H8, bias). */
export type SimdPass = (
  U: number,
  m: number,
  CI8: number,
  ptr: number,
  ind: number,
  val: number,
  S8: number,
  H8: number,
  bias: number,
) => void;

/** S8[8k + p] = v[p][k] for the 8 lanes p and k < d1 (copy 2 December: 1.4 ms for 86,000 columns against 2.6 lane by lane). */
export function interleave(S8: Float64Array, v: readonly Float64Array[], d1: number): void {
  const [v0, v1, v2, v3, v4, v5, v6, v7] = v;
  for (let k = 0, o = 0; k < d1; k++, o += 8) {
    S8[o] = v0[k];
    S8[o + 1] = v1[k];
    S8[o + 2] = v2[k];
    S8[o + 3] = v3[k];
    S8[o + 4] = v4[k];
    S8[o + 5] = v5[k];
    S8[o + 6] = v6[k];
    S8[o + 7] = v7[k];
  }
}

/** v[p][k] = H8[8k + p] for the 8 lanes p and k < d1. */
export function deinterleave(H8: Float64Array, v: readonly Float64Array[], d1: number): void {
  const [v0, v1, v2, v3, v4, v5, v6, v7] = v;
  for (let k = 0, o = 0; k < d1; k++, o += 8) {
    v0[k] = H8[o];
    v1[k] = H8[o + 1];
    v2[k] = H8[o + 2];
    v3[k] = H8[o + 3];
    v4[k] = H8[o + 4];
    v5[k] = H8[o + 5];
    v6[k] = H8[o + 6];
    v7[k] = H8[o + 7];
  }
}

/** The SIMD pass's vectors in a CsrKernel's memory (laid out there) and its functions. */
export class SimdLanes {
  private readonly pass: SimdPass[];
  private readonly S8: Float64Array;
  private readonly H8: Float64Array;
  private readonly CI8: Float64Array;
  private readonly U: Int32Array;
  private readonly pos: Int32Array;
  private readonly mark: Uint8Array;
  private readonly zero: Float64Array;
  private readonly sink: Float64Array;

  constructor(
    mod: WebAssembly.Module,
    memory: WebAssembly.Memory,
    /** byte addresses in memory: the interleaved vectors and the CSR block */
    private readonly at: { S8: number; H8: number; CI8: number; U: number; ptr: number; ind: number; val: number },
    d1: number,
    nb: number,
  ) {
    const e = new WebAssembly.Instance(mod, { env: { memory } }).exports;
    this.pass = ['hv2', 'hv4', 'hv6', 'hv8'].map((k) => e[k] as SimdPass);
    const buf = memory.buffer;
    this.S8 = new Float64Array(buf, at.S8, d1 * LANES);
    this.H8 = new Float64Array(buf, at.H8, d1 * LANES);
    this.CI8 = new Float64Array(buf, at.CI8, nb * LANES);
    this.U = new Int32Array(buf, at.U, nb);
    this.pos = new Int32Array(nb);
    this.mark = new Uint8Array(nb);
    this.zero = new Float64Array(d1);
    this.sink = new Float64Array(d1);
  }

  /** Each ask's product over rows of the view `map` (block rows), up to 8 per pass; each Hs all +0 on entry. */
  hessVecs(map: Int32Array, asks: readonly HessVecAsk[]): void {
    for (let first = 0; first < asks.length; first += LANES) this.lanePass(map, asks.slice(first, first + LANES));
  }

  private lanePass(map: Int32Array, asks: readonly HessVecAsk[]): void {
    const q = asks.length;
    const J = (q + 1) >> 1;
    const n = map.length;
    const { S8, H8, CI8, U, pos, mark } = this;
    // the union of the asks' rows in ascending order (each ask's I is ascending: TRON's active set)
    for (const a of asks) for (let t = 0; t < a.m; t++) mark[a.I[t]] = 1;
    let u = 0;
    for (let i = 0; i < n; i++) {
      if (mark[i]) {
        mark[i] = 0;
        pos[i] = u;
        U[u++] = map[i];
      }
    }
    CI8.fill(0, 0, u * LANES);
    for (let p = 0; p < q; p++) {
      const { I, m, Ci } = asks[p];
      for (let t = 0; t < m; t++) CI8[pos[I[t]] * LANES + p] = Ci[I[t]];
    }
    const d1 = asks[0].s.length;
    // column by column, all 8 lanes (unused ones from zeros / into a sink): a third faster than lane by lane
    interleave(
      S8,
      Array.from({ length: LANES }, (_, p) => (p < q ? asks[p].s : this.zero)),
      d1,
    );
    const a = this.at;
    this.pass[J - 1](a.U, u, a.CI8, a.ptr, a.ind, a.val, a.S8, a.H8, d1 - 1);
    deinterleave(
      H8,
      Array.from({ length: LANES }, (_, p) => (p < q ? asks[p].Hs : this.sink)),
      d1,
    );
    H8.fill(0, 0, d1 * LANES);
  }
}

let compiled: WebAssembly.Module | null | undefined;
/** Off switch for tests of the fallback (one product per class through the scalar kernel). */
export const simdSwitch = { off: false };

/** The compiled SIMD module, or null where WebAssembly SIMD is missing (or switched off). */
export function simdModule(): WebAssembly.Module | null {
  if (simdSwitch.off) return null;
  if (compiled === undefined) compiled = compile(bytes);
  return compiled;
}
