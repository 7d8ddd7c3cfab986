// CG's three loops over the columns per step (linear-tron-cg.ts: cgCurvature, cgMove, cgNext) as a
// small WebAssembly SIMD module, assembled here from its instructions (with ../features/wasm-asm.ts), over
// TRON's vectors in its memory.
/*
 * Why: with the Hessian products shared by several problems (linear-rows-simd.ts), CG's column loops
 * were ~18% of the first train's CPU (--cpu-prof, 3 December 2026). cgMove over 86,451 columns took
 * 0.44-0.46 ms in JS and 0.08-0.12 ms here (medians of 41, 01:08 UTC, same bits).
 * Same bits: the element-wise operations run two columns per f64x2, each lane rounding as the scalar
 * operation (IEEE binary64, no fused multiply-add, the same operands in the same order), and every
 * sum stays sequential in column order (lane 0, then lane 1, into one scalar accumulator). Two columns
 * a step; an odd last column is left to the JS loop, which continues the sums.
 */
import {
  ADD,
  addTo,
  compile,
  F64,
  get,
  I32,
  i32c,
  load,
  moduleBytes,
  set,
  simd,
  SPLAT,
  store,
  tee,
  V128,
  VADD,
  VDIV,
  VMUL,
  VSUB,
  type WasmFunction,
  whileBelow,
} from '../features/wasm-asm';
import { simdSwitch } from './linear-rows-simd';

// instructions only this kernel uses (the rest: ../features/wasm-asm.ts)
const V_LOAD = load(0, 4);
const V_STORE = store(0, 4);
const lane = (l: number): number[] => simd(0x21, l); // f64x2.extract_lane
const V_ZERO = simd(0x0c, ...new Array<number>(16).fill(0));
/** f64.const 2 */
const TWO = [0x44, 0, 0, 0, 0, 0, 0, 0, 0x40];
const F_ADD = 0xa0;

/** for (k = 0; k < bytes; k += 16) body, k (local K) a byte offset */
const loop = (K: number, BYTES: number, body: number[]): number[] => [
  ...[...i32c(0), ...set(K)],
  ...whileBelow(K, BYTES, [...body, ...addTo(K, i32c(16))]),
];
/** acc = (acc + p[0]) + p[1] */
const sum2 = (acc: number, p: number): number[] => [...get(acc), ...get(p), ...lane(0), F_ADD, ...get(p), ...lane(1), F_ADD, ...set(acc)];

// curv(dv, Hd, bytes) -> dHd: h = dv + 2 Hd, Hd = h, dHd += dv h
const curv = ((): WasmFunction => {
  const [DV, HD, BYTES, K, ACC, H, P] = [0, 1, 2, 3, 4, 5, 6];
  const at = (b: number): number[] => [...get(b), ...get(K), ADD];
  const body = loop(K, BYTES, [
    ...[...at(HD), ...at(DV), ...V_LOAD, ...TWO, ...SPLAT, ...at(HD), ...V_LOAD, ...VMUL],
    ...[...VADD, ...tee(H), ...V_STORE],
    ...[...at(DV), ...V_LOAD, ...get(H), ...VMUL, ...set(P), ...sum2(ACC, P)],
  ]);
  return {
    name: 'curv',
    params: [I32, I32, I32],
    results: [F64],
    locals: [
      [1, I32],
      [1, F64],
      [2, V128],
    ],
    code: [...body, ...get(ACC)],
  };
})();

// move(s, dv, M, r, rNew, zz, Hd, alpha, bytes, out): s += alpha dv, sMs += s M s; rNew = r - alpha Hd,
// zz = rNew / M, znew += zz rNew; out[0] = sMs, out[1] = znew
const move = ((): WasmFunction => {
  const [S, DV, M, R, RN, ZZ, HD, ALPHA, BYTES, OUT] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [K, SMS, ZN, A2, S2, M2, R2, Z2, P] = [10, 11, 12, 13, 14, 15, 16, 17, 18];
  const at = (b: number): number[] => [...get(b), ...get(K), ADD];
  const body = loop(K, BYTES, [
    ...[...at(S), ...at(S), ...V_LOAD, ...get(A2), ...at(DV), ...V_LOAD, ...VMUL, ...VADD, ...tee(S2), ...V_STORE],
    ...[...at(M), ...V_LOAD, ...set(M2)],
    ...[...get(S2), ...get(M2), ...VMUL, ...get(S2), ...VMUL, ...set(P), ...sum2(SMS, P)],
    ...[...at(RN), ...at(R), ...V_LOAD, ...get(A2), ...at(HD), ...V_LOAD, ...VMUL, ...VSUB, ...tee(R2), ...V_STORE],
    ...[...at(ZZ), ...get(R2), ...get(M2), ...VDIV, ...tee(Z2), ...V_STORE],
    ...[...get(Z2), ...get(R2), ...VMUL, ...set(P), ...sum2(ZN, P)],
  ]);
  return {
    name: 'move',
    params: [I32, I32, I32, I32, I32, I32, I32, F64, I32, I32],
    results: [],
    locals: [
      [1, I32],
      [2, F64],
      [6, V128],
    ],
    code: [...get(ALPHA), ...SPLAT, ...set(A2), ...body, ...get(OUT), ...get(SMS), 0x39, 3, 0, ...get(OUT), ...get(ZN), 0x39, 3, 8],
  };
})();

// next(dv, zz, Hd, beta, bytes): dv = beta dv + zz, Hd = 0
const next = ((): WasmFunction => {
  const [DV, ZZ, HD, BETA, BYTES, K, B2] = [0, 1, 2, 3, 4, 5, 6];
  const at = (b: number): number[] => [...get(b), ...get(K), ADD];
  const body = loop(K, BYTES, [
    ...[...at(DV), ...get(B2), ...at(DV), ...V_LOAD, ...VMUL, ...at(ZZ), ...V_LOAD, ...VADD, ...V_STORE],
    ...[...at(HD), ...V_ZERO, ...V_STORE],
  ]);
  return {
    name: 'next',
    params: [I32, I32, I32, F64, I32],
    results: [],
    locals: [
      [1, I32],
      [1, V128],
    ],
    code: [...get(BETA), ...SPLAT, ...set(B2), ...body],
  };
})();

const bytes = moduleBytes([curv, move, next], { memory: ['env', 'memory'] });

let compiled: WebAssembly.Module | null | undefined;
/** The compiled module, or null where WebAssembly SIMD is missing (or switched off for tests). */
function cgModule(): WebAssembly.Module | null {
  if (simdSwitch.off) return null;
  if (compiled === undefined) compiled = compile(bytes);
  return compiled;
}

/** The module's functions over one memory: `count` vectors of d1 columns in it, 16 bytes of scratch after them. */
export class CgKernel {
  readonly vectors: Float64Array[];
  readonly curv: (dv: number, Hd: number, bytes: number) => number;
  readonly move: (
    s: number,
    dv: number,
    M: number,
    r: number,
    rNew: number,
    zz: number,
    Hd: number,
    alpha: number,
    bytes: number,
    out: number,
  ) => void;
  readonly next: (dv: number, zz: number, Hd: number, beta: number, bytes: number) => void;
  /** the scratch: move's two sums */
  readonly out: Float64Array;

  private constructor(mod: WebAssembly.Module, d1: number, count: number) {
    const stride = Math.ceil((8 * d1) / 16) * 16;
    const memory = new WebAssembly.Memory({ initial: Math.ceil((count * stride + 16) / 65536) + 1 });
    const e = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as Pick<CgKernel, 'curv' | 'move' | 'next'>;
    this.curv = e.curv;
    this.move = e.move;
    this.next = e.next;
    this.vectors = Array.from({ length: count }, (_, j) => new Float64Array(memory.buffer, j * stride, d1));
    this.out = new Float64Array(memory.buffer, count * stride, 2);
  }

  /** The kernel with `count` vectors of d1 columns, or null without WebAssembly SIMD. */
  static of(d1: number, count: number): CgKernel | null {
    const mod = cgModule();
    return mod ? new CgKernel(mod, d1, count) : null;
  }
}
