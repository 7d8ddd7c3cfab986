// powerFrames' per-pair loops (stft.ts) as a WebAssembly SIMD kernel in the FFT kernel's own memory: the
// windowed pair of frames packed as one complex input, and the two frames' power spectra from its FFT; the
// module assembled with ../wasm-asm.ts.
/*
 * Why: with the FFTs in WebAssembly (fft-wasm.ts, fft-mixed-wasm.ts), powerFrames' own loops were its
 * larger part: per 3.6 s clip 0.31 ms packing (2048 and 400 points) and 0.20 ms of power spectra
 * against 0.64 ms of FFTs. With this kernel powerFrames takes 0.49 ms (2048 / 512) and 0.25 ms (400 /
 * 200) per clip where it took 0.87 and 0.37, and the audio summary 3.2-3.3 ms where it took 3.5-3.6
 * (docs/benchmarks.md, 3 December 2026). Hops over nFft and edge frames keep the JS packing.
 *
 * The same IEEE operations as the JS loops: pack z[i] = (f64(a[i]) * w[i], f64(b[i]) * w[i]) (the
 * float32 samples promoted exactly, then one product each, commuted); power with X = Z[k], W = Z[N-k]:
 * (ar, ai) = X + (wr, -wi) (xi + (-wi) is xi - wi), (br, bi) = swap(X) + (wi, -wr), then
 * 0.25 * (ar*ar + ai*ai) and 0.25 * (br*br + bi*bi) with the squares added in that order.
 */
import {
  ADD,
  addTo,
  compileModule,
  get,
  i32c,
  load,
  SHL,
  set,
  simd,
  SPLAT,
  store,
  SWAP,
  tee,
  VADD,
  VMUL,
  whileBelow,
  XOR,
} from '../wasm-asm';

const LOAD32_ZERO = simd(0x5c, 2, 0);
const LOAD32_LANE1 = simd(0x56, 2, 0, 1);
const LOAD64_SPLAT = simd(0x0a, 3, 0);
const PROMOTE = simd(0x5f); // f64x2.promote_low_f32x4
const storeLane = (lane: number): number[] => simd(0x5b, 3, 0, lane); // v128.store64_lane
const shuffle = (...lanes: number[]): number[] => simd(0x0d, ...lanes);
const v128c = (bytes: number[]): number[] => simd(0x0c, ...bytes);
const SIGN1 = v128c([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80]); // (0, -0)
const f64c = (v: number): number[] => [0x44, ...new Uint8Array(Float64Array.of(v).buffer)];
const [SUB, EQZ, SELECT] = [0x6b, 0x45, 0x1b];

// pack(src, win, z, n, hopBytes): z[i] = (src_f32[i], src_f32[i + hop]) * win[i], i < n
const [SRC, WIN, Z, N, HB] = [0, 1, 2, 3, 4];
const END = 5;
const PACK = [
  ...[...get(SRC), ...get(N), ...i32c(2), SHL, ADD, ...set(END)],
  ...whileBelow(SRC, END, [
    ...get(Z),
    ...[...get(SRC), ...get(HB), ADD, ...get(SRC), ...LOAD32_ZERO, ...LOAD32_LANE1, ...PROMOTE],
    ...[...get(WIN), ...LOAD64_SPLAT, ...VMUL, ...store()],
    ...addTo(SRC, i32c(4)),
    ...addTo(WIN, i32c(8)),
    ...addTo(Z, i32c(16)),
  ]),
];

// power(out, pwA, pwB, n, bins): pwA[k], pwB[k] for k < bins from out = FFT(z)
const [OUT, PA, PB, NN, BINS] = [0, 1, 2, 3, 4];
const [K, XP, KEND, X, W, Q, S1] = [5, 6, 7, 8, 9, 10, 11];
const POWER = [
  ...[...f64c(0.25), ...SPLAT, ...set(Q), ...i32c(0), ...set(K), ...get(OUT), ...set(XP)],
  ...[...get(BINS), ...set(KEND)],
  ...whileBelow(K, KEND, [
    ...[...get(XP), ...load(), ...set(X)],
    // Z[N - k] (Z[0] for k = 0)
    ...[...get(OUT), ...get(OUT), ...get(NN), ...get(K), SUB, ...i32c(4), SHL, ADD, ...get(K), EQZ, SELECT, ...load(), ...set(W)],
    ...[...get(X), ...get(W), ...SIGN1, ...XOR, ...VADD, ...tee(S1), ...get(S1), ...VMUL, ...set(S1)],
    ...[...get(X), ...get(X), ...SWAP, ...get(W), ...get(W), ...SWAP, ...SIGN1, ...XOR, ...VADD, ...tee(W), ...get(W), ...VMUL, ...set(W)],
    // (ar² + ai², br² + bi²) * 0.25
    ...[...get(S1), ...get(W), ...shuffle(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23)],
    ...[...get(S1), ...get(W), ...shuffle(8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31)],
    ...[...VADD, ...get(Q), ...VMUL, ...set(X)],
    ...[...get(PA), ...get(K), ...i32c(3), SHL, ADD, ...get(X), ...storeLane(0)],
    ...[...get(PB), ...get(K), ...i32c(3), SHL, ADD, ...get(X), ...storeLane(1)],
    ...addTo(XP, i32c(16)),
    ...addTo(K, i32c(1)),
  ]),
];

let compiled: WebAssembly.Module | null | undefined;
function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined)
    compiled = compileModule([
      { name: 'pack', params: 5, locals: [[1, 0x7f]], code: PACK },
      {
        name: 'power',
        params: 5,
        locals: [
          [3, 0x7f],
          [4, 0x7b],
        ],
        code: POWER,
      },
    ]);
  return compiled;
}

/** Bytes a {@link FrameKernel} of `n` points needs in the FFT's memory. */
export function frameKernelBytes(n: number): number {
  return 16 * n + 2 * ((8 * ((n >> 1) + 1) + 15) & ~15);
}

/** An FFT kernel's memory and its input / output arrays, as fft-wasm.ts and fft-mixed-wasm.ts give them. */
export interface KernelFFT {
  readonly size: number;
  readonly input?: Float64Array;
  readonly output?: Float64Array;
  readonly memory?: WebAssembly.Memory;
  readonly extraAt?: number;
}

/**
 * powerFrames' pack and power loops over an FFT kernel's memory (its extra region: window, the pair's
 * samples, the two power spectra). Null when the FFT is not a WebAssembly kernel.
 */
export function frameKernel(fft: KernelFFT, win: Float64Array): FrameKernel | null {
  const mod = kernelModule();
  if (!mod || !fft.memory || fft.extraAt === undefined || !fft.input || !fft.output) return null;
  return new FrameKernel(mod, fft as Required<KernelFFT>, win);
}

export class FrameKernel {
  /** the pair's samples: frame a at 0, frame b at `hop` (at most n) */
  readonly samples: Float32Array;
  /** |X[k]|^2 of the two frames, k <= n/2, after {@link FrameKernel.power} */
  readonly pwA: Float64Array;
  readonly pwB: Float64Array;
  private readonly packFn: (...a: number[]) => void;
  private readonly powerFn: (...a: number[]) => void;
  private readonly at: { win: number; samples: number; pwA: number; pwB: number; z: number; out: number };
  private readonly n: number;

  constructor(mod: WebAssembly.Module, fft: Required<KernelFFT>, win: Float64Array) {
    const n = fft.size;
    const bins = (n >> 1) + 1;
    const buf = fft.memory.buffer;
    const w = fft.extraAt;
    const samples = w + 8 * n;
    const pwA = samples + 8 * n;
    const pwB = pwA + ((8 * bins + 15) & ~15);
    if (pwB + 8 * bins > buf.byteLength) throw new RangeError('FFT memory without room for the frame kernel');
    new Float64Array(buf, w, n).set(win);
    this.samples = new Float32Array(buf, samples, 2 * n);
    this.pwA = new Float64Array(buf, pwA, bins);
    this.pwB = new Float64Array(buf, pwB, bins);
    const inst = new WebAssembly.Instance(mod, { m: { mem: fft.memory } });
    this.packFn = inst.exports.pack as (...a: number[]) => void;
    this.powerFn = inst.exports.power as (...a: number[]) => void;
    this.at = { win: w, samples, pwA, pwB, z: fft.input.byteOffset, out: fft.output.byteOffset };
    this.n = n;
  }

  /** the FFT's input from `samples`: frame a at 0, frame b at hop, windowed */
  pack(hop: number): void {
    const a = this.at;
    this.packFn(a.samples, a.win, a.z, this.n, 4 * hop);
  }

  /** pwA, pwB from the FFT's output */
  power(): void {
    const a = this.at;
    this.powerFn(a.out, a.pwA, a.pwB, this.n, (this.n >> 1) + 1);
  }
}
