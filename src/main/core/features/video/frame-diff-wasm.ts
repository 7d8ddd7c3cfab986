// The motion statistic's sum of |Y - Y_prev| over a frame as a small WebAssembly SIMD kernel, the module
// assembled here from its instructions (with ../wasm-asm.ts); the same integer as the JS loop of entropy.ts'
// lumaPass.
/*
 * Why: lumaPass counted the histogram and summed the differences in one JS loop at ~1.0-1.1 ns a pixel;
 * the histogram alone takes ~0.55 and the differences alone ~0.65 (320x240 bench frames, Node 20). Here
 * the differences run 16 bytes at a time (|a - b| = sat(a - b) | sat(b - a), widened by pairwise adds into
 * four 32-bit sums), ~0.05 ns a pixel, and the histogram stays in JS: ~0.56 ns a pixel for both
 * (docs/benchmarks.md, "Whole-clip rows, 2 December 2026, evening"). Integer arithmetic, so the sum is
 * the same integer whatever the order. Without WebAssembly SIMD, `frameDiffPair` gives null and the
 * accumulator keeps its JS loop.
 */

import { I32, ADD as I32_ADD, compile, get, load, moduleBytes, set, simd, V128 } from '../wasm-asm';

const LOAD = load(0, 0); // v128.load align=1 offset=0
const SUB_SAT_U = simd(0x73); // i8x16.sub_sat_u
const OR = simd(0x50); // v128.or
const PAIRS_8 = simd(0x7d); // i16x8.extadd_pairwise_i8x16_u
const PAIRS_16 = simd(0x7f); // i32x4.extadd_pairwise_i16x8_u
const ADD_32X4 = simd(0xae); // i32x4.add
const lane = (i: number): number[] => simd(0x1b, i); // i32x4.extract_lane

// sad(a, b, n): sum over k < n of |mem[a + k] - mem[b + k]|, n a multiple of 16; locals: end (i32), acc (v128)
const [A, B, N, END, ACC] = [0, 1, 2, 3, 4];
const CODE = [
  ...[...get(A), ...get(N), I32_ADD, ...set(END)],
  ...[0x02, 0x40, 0x03, 0x40], // block, loop
  ...[...get(A), ...get(END), 0x4f, 0x0d, 1], // a >= end: out
  ...[...get(A), ...LOAD, ...get(B), ...LOAD, ...SUB_SAT_U],
  ...[...get(B), ...LOAD, ...get(A), ...LOAD, ...SUB_SAT_U],
  ...[...OR, ...PAIRS_8, ...PAIRS_16, ...get(ACC), ...ADD_32X4, ...set(ACC)],
  ...[...get(A), 0x41, 16, I32_ADD, ...set(A)],
  ...[...get(B), 0x41, 16, I32_ADD, ...set(B)],
  ...[0x0c, 0, 0x0b, 0x0b], // br loop, end loop, end block
  ...[...get(ACC), ...lane(0), ...get(ACC), ...lane(1), I32_ADD, ...get(ACC), ...lane(2), I32_ADD, ...get(ACC), ...lane(3), I32_ADD],
];
// (i32, i32, i32) -> i32 over the imported memory m.mem
const MODULE = moduleBytes([
  {
    name: 'sad',
    params: 3,
    results: [I32],
    locals: [
      [1, I32],
      [1, V128],
    ],
    code: CODE,
  },
]);

/** Tests switch the kernel off to check the JS loop against it. */
export const frameDiffKernel = { enabled: true };

let compiled: WebAssembly.Module | null | undefined;
function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) compiled = compile(MODULE);
  return compiled;
}

/**
 * Two frame buffers of `n` bytes in a memory of their own and the kernel over them: `cur` and `prev`
 * swap with {@link FrameDiffPair.swap}; `sad()` is sum |cur - prev| over all n bytes. Null when
 * WebAssembly SIMD is not available (or switched off): the caller keeps its JS loop.
 */
export function frameDiffPair(n: number): FrameDiffPair | null {
  // the four 32-bit lanes and their sum stay below 2^31 up to 255 * n
  if (!frameDiffKernel.enabled || n <= 0 || n > 8_000_000) return null;
  const mod = kernelModule();
  if (!mod) return null;
  try {
    return new FrameDiffPair(mod, n);
  } catch {
    return null;
  }
}

export class FrameDiffPair {
  cur: Uint8Array;
  prev: Uint8Array;
  cur32: Uint32Array;
  prev32: Uint32Array;
  private curAt = 0;
  private prevAt: number;
  private readonly whole: number;
  private readonly sadFn: (a: number, b: number, n: number) => number;

  constructor(
    mod: WebAssembly.Module,
    private readonly n: number,
  ) {
    const stride = (n + 15) & ~15;
    const mem = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil((2 * stride) / 65536)) });
    const inst = new WebAssembly.Instance(mod, { m: { mem } });
    this.sadFn = inst.exports.sad as (a: number, b: number, n: number) => number;
    this.prevAt = stride;
    this.whole = n & ~15;
    this.cur = new Uint8Array(mem.buffer, 0, n);
    this.prev = new Uint8Array(mem.buffer, stride, n);
    this.cur32 = new Uint32Array(mem.buffer, 0, n >> 2);
    this.prev32 = new Uint32Array(mem.buffer, stride, n >> 2);
  }

  /** sum over the frame of |cur - prev| (16 bytes at a time, the tail here) */
  sad(): number {
    let s = this.sadFn(this.curAt, this.prevAt, this.whole) >>> 0;
    const cur = this.cur;
    const prev = this.prev;
    for (let i = this.whole; i < this.n; i++) {
      const d = cur[i] - prev[i];
      s += d < 0 ? -d : d;
    }
    return s;
  }

  /** `cur` becomes `prev` and the other way round */
  swap(): void {
    [this.cur, this.prev] = [this.prev, this.cur];
    [this.cur32, this.prev32] = [this.prev32, this.cur32];
    [this.curAt, this.prevAt] = [this.prevAt, this.curAt];
  }
}
