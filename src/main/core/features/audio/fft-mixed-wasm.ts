// fft-mixed.ts's radix-4 and radix-5 Stockham stages (MFCC's 400 = 4*4*5*5 points) as a WebAssembly SIMD
// kernel, the module assembled here from its instructions (with ../wasm-asm.ts); the same IEEE operations
// in the same order.
/*
 * Why: with the power-of-two FFTs in WebAssembly (fft-wasm.ts), MixedRadixFFT.forward was the largest
 * JS FFT left in the 200-clip audio extraction (~87-124 ms of the main thread, CPU profile). Here a
 * 400-point transform takes 1.21 us through the kernel's own arrays (as stft.ts runs it; 1.41 with the
 * copies) where `forward` takes 2.79 us; MFCC went from 1.19-1.21 to 0.92-0.96 ms of CPU per 3.6 s clip
 * (docs/benchmarks.md, 3 December 2026).
 *
 * How: as in fft-wasm.ts, one complex value is one f64x2: the butterflies' paired adds, subtracts and
 * products by a real constant are one f64x2 operation each; b*w (br*c - bi*s, br*s + bi*c) is
 * b*(c, c) + swap(b)*(-s, s), lane by lane the same bits (x + (-y) is x - y, products round
 * symmetrically in sign, addition commutes exactly), and b = t + (t3i, -t3r) or t - (t3i, -t3r) is
 * fft-mixed's (t_r + t3i, t_i - t3r) or (t_r - t3i, t_i + t3r). No fused multiply-add. The twiddles and
 * the radix-5 constants are fft-mixed.ts's own. Input and output are interleaved [re, im, ...] (the
 * pow2 transforms' layout); the input is left as it was. Sizes with other radices, or no WebAssembly
 * SIMD, get `MixedRadixFFT` behind the same interface.
 */
import type { ComplexFFT } from './fft-wasm';
import { MixedRadixFFT, RADIX5 } from './fft-mixed';
import {
  ADD,
  addTo,
  compileModule,
  get,
  i32c,
  load,
  MUL,
  set,
  SHL,
  store,
  SWAP,
  tee,
  VADD,
  VMUL,
  VSUB,
  whileBelow,
  XOR,
} from '../wasm-asm';

/** A forward complex FFT over interleaved arrays: fft-wasm.ts's `ComplexFFT` without the inverse. */
export type InterleavedFFT = Omit<ComplexFFT, 'inverseTransform'>;

// memory: the sign mask (0, -0) at 0, splatted k1 k2 q1 q2 at 16..80, twiddles from TW_AT (32 bytes
// per k: (c, c), (-s, s)), then the input and two work buffers
const [K1_AT, K2_AT, Q1_AT, Q2_AT, TW_AT] = [16, 32, 48, 64, 80];
// params: byte addresses of x, y, the twiddles; m, s (fft-mixed's names)
const [X, Y, TW, M, S] = [0, 1, 2, 3, 4];
// locals: i32 p xi oi qe sm s16 tp1..tp4; v128 mask, w1c w1s .. w4c w4s, a0..a4, t0..t4, r1 r2 u1 u2 b
const [P, XI, OI, QE, SM, S16, TP1, TP2, TP3, TP4] = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
const [MASK, W1C, W1S, W2C, W2S, W3C, W3S, W4C, W4S] = [15, 16, 17, 18, 19, 20, 21, 22, 23];
const [A0, A1, A2, A3, A4, T0, T1, T2, T3, T4, R1, R2, U1, U2, B] = [24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38];
const LOCALS: [number, number][] = [
  [10, 0x7f],
  [24, 0x7b],
];
const konst = (at: number): number[] => [...i32c(0), ...load(at)];
/** (x, y) -> (y, -x) by lanes: fft-mixed's (t_i, -t_r) */
const rot = (v: number[]): number[] => [...v, ...tee(B), ...get(B), ...SWAP, ...get(MASK), ...XOR];
/** the value of `b` times the twiddle (wc, ws) */
const twiddled = (b: number[], wc: number, ws: number): number[] => [
  ...b,
  ...tee(B),
  ...get(wc),
  ...VMUL,
  ...[...get(B), ...get(B), ...SWAP, ...get(ws), ...VMUL],
  ...VADD,
];
/** leg j's input address x_i + j * s * m (bytes) */
const leg = (j: number): number[] => (j === 0 ? get(XI) : [...get(XI), ...get(SM), ...i32c(j), MUL, ADD]);
const out = (j: number, value: number[]): number[] => [
  ...get(OI),
  ...(j === 0 ? [] : [...get(S16), ...i32c(j), MUL, ADD]),
  ...value,
  ...store(),
];

/** for p < m: the twiddles w^(j p s), then for q < s the butterfly `body` (x_i, o_i advance by one value) */
const stage = (r: number, body: number[]): number[] => [
  ...[...konst(0), ...set(MASK)],
  ...[...get(S), ...get(M), MUL, ...i32c(4), SHL, ...set(SM), ...get(S), ...i32c(4), SHL, ...set(S16)],
  ...[...i32c(0), ...set(P), ...get(TW), ...tee(TP1), ...tee(TP2), ...tee(TP3), ...set(TP4)],
  ...whileBelow(P, M, [
    ...[TP1, TP2, TP3, TP4].slice(0, r - 1).flatMap((tp, j) => [
      ...[...get(tp), ...load(0), ...set(W1C + 2 * j), ...get(tp), ...load(16), ...set(W1S + 2 * j)],
      ...addTo(tp, [...get(S16), ...i32c(2 * (j + 1)), MUL]), // w index (j+1) p s, 32 bytes each
    ]),
    // x_i = x + 16 s p, o_i = y + 16 s r p
    ...[...get(X), ...get(S16), ...get(P), MUL, ADD, ...tee(XI), ...get(S16), ADD, ...set(QE)],
    ...[...get(Y), ...get(S16), ...get(P), MUL, ...i32c(r), MUL, ADD, ...set(OI)],
    ...whileBelow(XI, QE, [...body, ...addTo(XI, i32c(16)), ...addTo(OI, i32c(16))]),
    ...addTo(P, i32c(1)),
  ]),
];

const RADIX4 = stage(4, [
  ...[0, 1, 2, 3].flatMap((j) => [...leg(j), ...load(), ...set(A0 + j)]),
  ...[...get(A0), ...get(A2), ...VADD, ...set(T0), ...get(A0), ...get(A2), ...VSUB, ...set(T1)],
  ...[...get(A1), ...get(A3), ...VADD, ...set(T2)],
  ...[...rot([...get(A1), ...get(A3), ...VSUB]), ...set(T3)], // (t3i, -t3r)
  ...out(0, [...get(T0), ...get(T2), ...VADD]),
  ...out(1, twiddled([...get(T1), ...get(T3), ...VADD], W1C, W1S)),
  ...out(2, twiddled([...get(T0), ...get(T2), ...VSUB], W2C, W2S)),
  ...out(3, twiddled([...get(T1), ...get(T3), ...VSUB], W3C, W3S)),
]);

const RADIX5_CODE = stage(5, [
  ...[0, 1, 2, 3, 4].flatMap((j) => [...leg(j), ...load(), ...set(A0 + j)]),
  ...[...get(A1), ...get(A4), ...VADD, ...set(T1), ...get(A1), ...get(A4), ...VSUB, ...set(T3)],
  ...[...get(A2), ...get(A3), ...VADD, ...set(T2), ...get(A2), ...get(A3), ...VSUB, ...set(T4)],
  // r1 = a0 + k1 t1 + k2 t2, r2 = a0 + k2 t1 + k1 t2, u1 = q1 t3 + q2 t4, u2 = q2 t3 - q1 t4
  ...[...get(A0), ...konst(K1_AT), ...get(T1), ...VMUL, ...VADD, ...konst(K2_AT), ...get(T2), ...VMUL, ...VADD, ...set(R1)],
  ...[...get(A0), ...konst(K2_AT), ...get(T1), ...VMUL, ...VADD, ...konst(K1_AT), ...get(T2), ...VMUL, ...VADD, ...set(R2)],
  ...[...rot([...konst(Q1_AT), ...get(T3), ...VMUL, ...konst(Q2_AT), ...get(T4), ...VMUL, ...VADD]), ...set(U1)],
  ...[...rot([...konst(Q2_AT), ...get(T3), ...VMUL, ...konst(Q1_AT), ...get(T4), ...VMUL, ...VSUB]), ...set(U2)],
  ...out(0, [...get(A0), ...get(T1), ...VADD, ...get(T2), ...VADD]),
  ...out(1, twiddled([...get(R1), ...get(U1), ...VADD], W1C, W1S)),
  ...out(2, twiddled([...get(R2), ...get(U2), ...VADD], W2C, W2S)),
  ...out(3, twiddled([...get(R2), ...get(U2), ...VSUB], W3C, W3S)),
  ...out(4, twiddled([...get(R1), ...get(U1), ...VSUB], W4C, W4S)),
]);

/** Tests switch the kernel off to check the fallback. */
export const mixedWasmKernel = { enabled: true };

let compiled: WebAssembly.Module | null | undefined;
function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined)
    compiled = compileModule([
      { name: 'r4', params: 5, locals: LOCALS, code: RADIX4 },
      { name: 'r5', params: 5, locals: LOCALS, code: RADIX5_CODE },
    ]);
  return compiled;
}

/** fft-mixed.ts's transform of `n` points, interleaved: the WebAssembly kernel where it applies. */
export function mixedFFT(n: number, extra = 0): InterleavedFFT {
  const ref = new MixedRadixFFT(n);
  if (mixedWasmKernel.enabled && ref.radices.length > 0 && ref.radices.every((r) => r === 4 || r === 5)) {
    const mod = kernelModule();
    if (mod)
      try {
        return new WasmMixedFFT(mod, ref, extra);
      } catch {
        // fall through to the JS transform
      }
  }
  return new SplitMixedFFT(ref);
}

/** MixedRadixFFT behind the interleaved interface (split, transform, interleave). */
export class SplitMixedFFT implements InterleavedFFT {
  readonly size: number;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  constructor(private readonly fft: MixedRadixFFT) {
    this.size = fft.n;
    this.re = new Float64Array(fft.n);
    this.im = new Float64Array(fft.n);
  }
  transform(out: Float64Array, data: Float64Array): void {
    const { re, im, size } = this;
    for (let i = 0; i < size; i++) {
      re[i] = data[2 * i];
      im[i] = data[2 * i + 1];
    }
    this.fft.forward(re, im);
    for (let i = 0; i < size; i++) {
      out[2 * i] = re[i];
      out[2 * i + 1] = im[i];
    }
  }
}

/** The radix-4 / radix-5 stages in WebAssembly over a memory of their own. */
export class WasmMixedFFT implements InterleavedFFT {
  readonly size: number;
  readonly input: Float64Array;
  readonly output: Float64Array;
  readonly memory: WebAssembly.Memory;
  readonly extraAt: number;
  private readonly stages: (() => void)[] = [];

  constructor(mod: WebAssembly.Module, ref: MixedRadixFFT, extra = 0) {
    const n = ref.n;
    const x = TW_AT + 32 * n;
    const work = [x + 16 * n, x + 32 * n];
    const mem = new WebAssembly.Memory({ initial: Math.ceil((x + 48 * n + extra) / 65536) });
    this.memory = mem;
    this.extraAt = x + 48 * n;
    const inst = new WebAssembly.Instance(mod, { m: { mem } });
    const f = new Float64Array(mem.buffer);
    const { k1, k2, q1, q2 } = RADIX5;
    f.set([0, -0, k1, k1, k2, k2, q1, q1, q2, q2], 0);
    for (let k = 0; k < n; k++) f.set([ref.wr[k], ref.wr[k], -ref.wi[k], ref.wi[k]], TW_AT / 8 + 4 * k);
    // Stockham: x -> work[0] -> work[1] -> work[0] ...; the input is never written
    let len = n;
    let s = 1;
    let from = x;
    ref.radices.forEach((r, i) => {
      const fn = inst.exports[r === 4 ? 'r4' : 'r5'] as (...a: number[]) => void;
      const [a, b, m, stride] = [from, work[i & 1], len / r, s];
      this.stages.push(() => fn(a, b, TW_AT, m, stride));
      from = b;
      len /= r;
      s *= r;
    });
    this.size = n;
    this.input = new Float64Array(mem.buffer, x, 2 * n);
    this.output = new Float64Array(mem.buffer, from, 2 * n);
  }

  transform(out: Float64Array, data: Float64Array): void {
    if (out === data) throw new Error('Input and output buffers must be different');
    if (data !== this.input) this.input.set(data.subarray(0, 2 * this.size));
    for (const run of this.stages) run();
    if (out !== this.output) out.set(this.output);
  }
}
