// The little WebAssembly assembler the audio kernels (fft-wasm.ts, fft-mixed-wasm.ts) are written with:
// LEB128, sections, the opcodes they use, and a module of i32-parameter functions over an imported memory.

/** LEB128 of an unsigned or a signed integer. */
export function leb(v: number, signed = false): number[] {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v = signed ? v >> 7 : v >>> 7;
    const done = signed ? (v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0) : v === 0;
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}
const vec = (items: number[][]): number[] => [...leb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];
const name = (s: string): number[] => [...leb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

// opcodes
export const get = (l: number): number[] => [0x20, l];
export const set = (l: number): number[] => [0x21, l];
export const tee = (l: number): number[] => [0x22, l];
export const i32c = (v: number): number[] => [0x41, ...leb(v, true)];
export const [ADD, MUL, SHL, SHR_U, DIV_U, EQ, LT_S, GE_U] = [0x6a, 0x6c, 0x74, 0x76, 0x6e, 0x46, 0x48, 0x4f];
export const I32_LOAD = [0x28, 2, 0];
export const F64_FROM_U32 = 0xb8;
export const [BLOCK, LOOP, IF, ELSE] = [[0x02, 0x40], [0x03, 0x40], [0x04, 0x40], [0x05]];
export const END = 0x0b;
export const brIf = (d: number): number[] => [0x0d, d];
export const br = (d: number): number[] => [0x0c, d];
const simd = (op: number, ...imm: number[]): number[] => [0xfd, ...leb(op), ...imm];
/** v128.load / v128.store at a constant offset from the address on the stack */
export const load = (offset = 0): number[] => simd(0x00, 3, ...leb(offset));
export const store = (offset = 0): number[] => simd(0x0b, 3, ...leb(offset));
/** i8x16.shuffle giving (b, a) for the f64x2 (a, b): a complex value's real and imaginary parts swapped */
export const SWAP = simd(0x0d, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
export const XOR = simd(0x51);
export const SPLAT = simd(0x14); // f64x2.splat
export const [VADD, VSUB, VMUL, VDIV] = [simd(0xf0), simd(0xf1), simd(0xf2), simd(0xf3)];

/** l = l + (what) */
export const addTo = (l: number, what: number[]): number[] => [...get(l), ...what, ADD, ...set(l)];
/** while (l < lim) { body } (unsigned) */
export const whileBelow = (l: number, lim: number, body: number[]): number[] => [
  ...BLOCK,
  ...LOOP,
  ...[...get(l), ...get(lim), GE_U, ...brIf(1)],
  ...body,
  ...br(0),
  END,
  END,
];

export interface WasmFunction {
  name: string;
  /** number of i32 parameters (no result) */
  params: number;
  /** local declarations beyond the parameters: [count, type] (0x7f i32, 0x7b v128) */
  locals: [number, number][];
  code: number[];
}

/** A module of the given functions over an imported memory `m.mem`, compiled once; null without SIMD. */
export function compileModule(funcs: WasmFunction[]): WebAssembly.Module | null {
  const body = (f: WasmFunction): number[] => {
    const b = [...vec(f.locals.map(([n, t]) => [...leb(n), t])), ...f.code, END];
    return [...leb(b.length), ...b];
  };
  const bytes = new Uint8Array([
    ...[0, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...section(1, vec(funcs.map((f) => [0x60, ...vec(Array.from({ length: f.params }, () => [0x7f])), 0]))),
    ...section(2, vec([[...name('m'), ...name('mem'), 0x02, 0x00, 0x01]])), // imported memory, min 1 page
    ...section(3, vec(funcs.map((_, i) => leb(i)))),
    ...section(7, vec(funcs.map((f, i) => [...name(f.name), 0x00, ...leb(i)]))),
    ...section(10, vec(funcs.map(body))),
  ]);
  try {
    return WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch {
    return null;
  }
}
