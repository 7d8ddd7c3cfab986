// fft.js's complex radix-4 FFT (`transform`, `inverseTransform`) as a WebAssembly SIMD kernel, the module
// assembled here from its instructions (with ../wasm-asm.ts); the same IEEE operations in the same order,
// so the same bits.
/*
 * Why: in the 200-clip audio-only extraction (issue 15) the main thread is the bottleneck and fft.js's
 * _transform4 was ~380 ms of its ~1500 ms busy (CPU profile). At the sizes the features use (2048:
 * stft.ts; 512: yin-correlation.ts, tempo.ts) this kernel takes 1.36 us a 512-point transform where
 * fft.js takes 3.59, and 6.6 us at 2048 where fft.js takes 17.6 (copies in and out included; 1.20 and
 * 5.95 without, as stft.ts runs it through the kernel's own arrays); the audio summary of a 3.6 s clip
 * went from 5.0-5.2 to 3.7-3.9 ms of CPU (docs/benchmarks.md, 3 December 2026).
 *
 * How: one complex value (re, im) is one f64x2, so fft.js's paired real / imaginary adds and subtracts
 * are one f64x2.add / f64x2.sub each. Its twiddle product MBr = Br*tr - Bi*ti, MBi = Br*ti + Bi*tr is
 * B*(tr, tr) + swap(B)*(-ti, ti): lane 0 is Br*tr + (-(Bi*ti)), the same bits as Br*tr - Bi*ti (a
 * product's rounding is symmetric in sign; a - b is a + (-b)); lane 1 is Bi*tr + Br*ti, the same bits
 * as Br*ti + Bi*tr (addition commutes exactly). No fused multiply-add. fft.js's T3 = inv*(MB - MD)
 * enters FB = (T1r + T3i, T1i - T3r) and FD = (T1r - T3i, T1i + T3r); with S = swap(MB - MD) with one
 * lane's sign flipped (lane 1 forward, lane 0 inverse), FB = T1 + S and FD = T1 - S, the same bits
 * again (x - (-y) is x + y). The twiddles are fft.js's own table (read from an fft.js instance), the
 * bit-reversal pattern its integer recipe. Where WebAssembly SIMD is missing (or the kernel is switched
 * off), `complexFFT` returns the fft.js instance itself.
 */
import FFT from 'fft.js';
import {
  ADD,
  addTo,
  BLOCK,
  br,
  brIf,
  compileModule,
  END,
  get,
  i32c,
  load,
  LOOP,
  MUL,
  set,
  SHL,
  SPLAT,
  store,
  SWAP,
  tee,
  VADD,
  VDIV,
  VMUL,
  VSUB,
  whileBelow,
  XOR,
} from '../wasm-asm';

// i32 instructions only this kernel uses (the rest: ../wasm-asm.ts)
const [SHR_U, DIV_U, EQ, LT_S] = [0x76, 0x6e, 0x46, 0x48];
const I32_LOAD = [0x28, 2, 0];
const F64_FROM_U32 = 0xb8;
const [IF, ELSE] = [[0x04, 0x40], [0x05]];

/** The part of fft.js's interface the audio features use (interleaved [re, im, re, im, ...]). */
export interface ComplexFFT {
  readonly size: number;
  /** the kernel's own input and output arrays, where it has them: passing these saves the copies */
  readonly input?: Float64Array;
  readonly output?: Float64Array;
  /** the kernel's memory and a region of `extra` bytes in it that is the caller's (stft-wasm.ts) */
  readonly memory?: WebAssembly.Memory;
  readonly extraAt?: number;
  transform(out: Float64Array, data: Float64Array): void;
  inverseTransform(out: Float64Array, data: Float64Array): void;
}

// params: byte addresses of data, out, twiddles (per complex table entry: (tr, tr), (-ti, ti)),
// bit-reversal (i32) and the lane sign mask; csize = 2 * size, width as fft.js; inv 0 or 1
const [DATA, OUT, TW, BR, MASKP, CSIZE, WIDTH, INV] = [0, 1, 2, 3, 4, 5, 6, 7];
// locals: i32 step sb lenB op lim ap end qb bp cp dp tb tc td db; v128 mask a b c d t0 t1 t2 t3
const [STEP, SB, LENB, OP, LIM, AP, END_, QB, BP, CP, DP, TB, TC, TD, DB] = [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22];
const [MASK, VA, VB, VC, VD, T0, T1, T2, T3] = [23, 24, 25, 26, 27, 28, 29, 30, 31];
/** load the complex value at data[bitrev[t] + j * step] (bytes: DATA + bitrev*8 + j*sb) */
const srcAt = (j: number): number[] => [
  ...get(BR),
  ...I32_LOAD,
  ...i32c(3),
  SHL,
  ...get(DATA),
  ADD,
  ...(j === 0 ? [] : [...get(SB), ...(j === 1 ? [] : [...i32c(j), MUL]), ADD]),
  ...load(),
];
/** v = v*(tr, tr) + swap(v)*(-ti, ti), twiddles at local tw */
const twiddle = (v: number, tw: number): number[] => [
  ...[...get(v), ...get(tw), ...load(), ...VMUL],
  ...[...get(v), ...get(v), ...SWAP, ...get(tw), ...load(16), ...VMUL],
  ...[...VADD, ...set(v)],
];
/** the radix-4 butterfly's outputs from A, B, C, D (B, C, D already twiddled), stored at [local, offset] */
const butterfly = (at: [number, number][]): number[] => [
  ...[...get(VA), ...get(VC), ...VADD, ...set(T0), ...get(VA), ...get(VC), ...VSUB, ...set(T1)],
  ...[...get(VB), ...get(VD), ...VADD, ...set(T2)],
  ...[...get(VB), ...get(VD), ...VSUB, ...tee(T3), ...get(T3), ...SWAP, ...get(MASK), ...XOR, ...set(T3)],
  ...[...get(at[0][0]), ...get(T0), ...get(T2), ...VADD, ...store(at[0][1])],
  ...[...get(at[1][0]), ...get(T1), ...get(T3), ...VADD, ...store(at[1][1])],
  ...[...get(at[2][0]), ...get(T0), ...get(T2), ...VSUB, ...store(at[2][1])],
  ...[...get(at[3][0]), ...get(T1), ...get(T3), ...VSUB, ...store(at[3][1])],
];

const CODE = [
  ...[...get(MASKP), ...load(), ...set(MASK)],
  // initial step (permute and transform): step = 1 << width doubles, len = (csize >> width) * 2
  ...[...i32c(1), ...get(WIDTH), SHL, ...tee(STEP), ...i32c(3), SHL, ...set(SB)],
  ...[...get(CSIZE), ...get(WIDTH), SHR_U, ...i32c(4), SHL, ...set(LENB)],
  ...[...get(OUT), ...set(OP), ...get(OUT), ...get(CSIZE), ...i32c(3), SHL, ADD, ...set(LIM)],
  ...[...get(LENB), ...i32c(32), EQ, ...IF],
  // len 4: _singleTransform2 (even + odd, even - odd)
  ...whileBelow(OP, LIM, [
    ...[...srcAt(0), ...set(VA), ...srcAt(1), ...set(VB)],
    ...[...get(OP), ...get(VA), ...get(VB), ...VADD, ...store(0)],
    ...[...get(OP), ...get(VA), ...get(VB), ...VSUB, ...store(16)],
    ...addTo(OP, i32c(32)),
    ...addTo(BR, i32c(4)),
  ]),
  ...ELSE,
  // len 8: _singleTransform4
  ...whileBelow(OP, LIM, [
    ...[...srcAt(0), ...set(VA), ...srcAt(1), ...set(VB), ...srcAt(2), ...set(VC), ...srcAt(3), ...set(VD)],
    ...butterfly([
      [OP, 0],
      [OP, 16],
      [OP, 32],
      [OP, 48],
    ]),
    ...addTo(OP, i32c(64)),
    ...addTo(BR, i32c(4)),
  ]),
  END,
  // for (step >>= 2; step >= 2; step >>= 2): len = (csize / step) * 2, quarter len qb (bytes)
  ...BLOCK,
  ...LOOP,
  ...[...get(STEP), ...i32c(2), SHR_U, ...tee(STEP), ...i32c(2), LT_S, ...brIf(1)],
  ...[...get(CSIZE), ...get(STEP), DIV_U, ...i32c(4), SHL, ...tee(LENB), ...i32c(2), SHR_U, ...set(QB)],
  ...[...get(STEP), ...i32c(4), SHL, ...set(DB)], // k += step: table entry k / 2, 32 bytes each
  ...[...get(OUT), ...set(OP)],
  ...whileBelow(OP, LIM, [
    ...[...get(OP), ...tee(AP), ...get(QB), ADD, ...set(END_)],
    ...[...get(TW), ...tee(TB), ...tee(TC), ...set(TD)],
    ...whileBelow(AP, END_, [
      ...[...get(AP), ...load(), ...set(VA)],
      ...[...get(AP), ...get(QB), ADD, ...tee(BP), ...load(), ...set(VB)],
      ...[...get(BP), ...get(QB), ADD, ...tee(CP), ...load(), ...set(VC)],
      ...[...get(CP), ...get(QB), ADD, ...tee(DP), ...load(), ...set(VD)],
      ...[...twiddle(VB, TB), ...twiddle(VC, TC), ...twiddle(VD, TD)],
      ...butterfly([
        [AP, 0],
        [BP, 0],
        [CP, 0],
        [DP, 0],
      ]),
      ...addTo(AP, i32c(16)),
      ...addTo(TB, get(DB)),
      ...addTo(TC, [...get(DB), ...i32c(1), SHL]),
      ...addTo(TD, [...get(DB), ...get(DB), ...i32c(1), SHL, ADD]),
    ]),
    ...addTo(OP, get(LENB)),
  ]),
  ...br(0),
  END,
  END,
  // inverse: out[i] /= size
  ...[...get(INV), ...IF],
  ...[...get(CSIZE), ...i32c(1), SHR_U, F64_FROM_U32, ...SPLAT, ...set(T0), ...get(OUT), ...set(OP)],
  ...whileBelow(OP, LIM, [...get(OP), ...get(OP), ...load(), ...get(T0), ...VDIV, ...store(), ...addTo(OP, i32c(16))]),
  END,
];

/** Tests switch the kernel off to check the fallback. */
export const fftWasmKernel = { enabled: true };

let compiled: WebAssembly.Module | null | undefined;
function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined)
    compiled = compileModule([
      {
        name: 'fft',
        params: 8,
        locals: [
          [15, 0x7f],
          [9, 0x7b],
        ],
        code: CODE,
      },
    ]);
  return compiled;
}

/**
 * A complex FFT of `size` points (a power of two, at least 4) with fft.js's results bit for bit: the
 * WebAssembly kernel (with `extra` bytes for the caller in its memory), or an fft.js instance where
 * WebAssembly SIMD is missing or the kernel is off.
 */
export function complexFFT(size: number, extra = 0): ComplexFFT {
  const ref = new FFT(size);
  if (fftWasmKernel.enabled && size >= 4) {
    const mod = kernelModule();
    if (mod)
      try {
        return new WasmFFT(mod, ref, extra);
      } catch {
        // fall through to fft.js
      }
  }
  return ref as ComplexFFT;
}

/** fft.js's radix-4 transform in WebAssembly, its input and output in a memory of its own. */
export class WasmFFT implements ComplexFFT {
  readonly size: number;
  /** the kernel's input and output (2 * size values each), valid as long as the instance */
  readonly input: Float64Array;
  readonly output: Float64Array;
  readonly memory: WebAssembly.Memory;
  readonly extraAt: number;
  private readonly run: (...a: number[]) => void;
  private readonly at: { data: number; out: number; tw: number; br: number; width: number };

  constructor(mod: WebAssembly.Module, ref: FFT, extra = 0) {
    const n = ref.size;
    const csize = 2 * n;
    let power = 0;
    while (n > 1 << power) power++;
    const width = power % 2 === 0 ? power - 1 : power;
    // layout: masks (32 bytes), forward and inverse twiddles (32 bytes per entry), bit-reversal, data, out
    const tw = 32;
    const br = tw + 2 * 32 * n;
    const nbr = 1 << width;
    const data = br + 4 * nbr + (-(4 * nbr) & 15);
    const out = data + 8 * csize;
    const bytes = out + 8 * csize + extra;
    const mem = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
    this.memory = mem;
    this.extraAt = out + 8 * csize;
    const inst = new WebAssembly.Instance(mod, { m: { mem } });
    this.run = inst.exports.fft as (...a: number[]) => void;
    const f = new Float64Array(mem.buffer);
    f.set([0, -0, -0, 0], 0); // sign masks: lane 1 (forward), lane 0 (inverse)
    const table = ref.table as number[];
    for (let e = 0; e < n; e++) {
      const tr = table[2 * e];
      const ti = table[2 * e + 1];
      const ii = -1 * ti; // fft.js: inv * table[k + 1]
      f.set([tr, tr, -ti, ti], (tw >> 3) + 4 * e);
      f.set([tr, tr, -ii, ii], (tw >> 3) + 4 * (n + e));
    }
    const bitrev = new Int32Array(mem.buffer, br, nbr);
    for (let j = 0; j < nbr; j++) {
      let r = 0;
      for (let shift = 0; shift < width; shift += 2) r |= ((j >>> shift) & 3) << (width - shift - 2);
      bitrev[j] = r;
    }
    this.size = n;
    this.input = new Float64Array(mem.buffer, data, csize);
    this.output = new Float64Array(mem.buffer, out, csize);
    this.at = { data, out, tw, br, width };
  }

  /** the transform of `input` into `output` (no copies) */
  runInPlace(inv: 0 | 1): void {
    const a = this.at;
    this.run(a.data, a.out, a.tw + inv * 32 * this.size, a.br, inv * 16, 2 * this.size, a.width, inv);
  }

  transform(out: Float64Array, data: Float64Array): void {
    this.exec(out, data, 0);
  }

  inverseTransform(out: Float64Array, data: Float64Array): void {
    this.exec(out, data, 1);
  }

  private exec(out: Float64Array, data: Float64Array, inv: 0 | 1): void {
    if (out === data) throw new Error('Input and output buffers must be different');
    const c = 2 * this.size;
    if (data !== this.input) this.input.set(data.length === c ? data : data.subarray(0, c));
    this.runInPlace(inv);
    if (out !== this.output) out.set(out.length >= c ? this.output : this.output.subarray(0, out.length));
  }
}
