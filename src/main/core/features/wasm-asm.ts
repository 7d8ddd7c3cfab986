// The little WebAssembly assembler every SIMD kernel is written with (audio: fft-wasm.ts, fft-mixed-wasm.ts,
// stft-wasm.ts; video: frame-diff-wasm.ts; classify: linear-rows-wasm.ts, linear-rows-simd.ts,
// linear-tron-cg-wasm.ts): LEB128, vectors, sections and names, the SIMD prefix, the instructions several
// kernels share, and a module of functions over an imported memory, compiled (null without SIMD).
// Instructions only one kernel uses stay in that kernel.

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
/** A vector: its length, then its items. */
export const vec = (items: number[][]): number[] => [...leb(items.length), ...items.flat()];
export const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];
export const name = (s: string): number[] => [...leb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

/** value types */
export const [I32, F64, V128] = [0x7f, 0x7c, 0x7b];

// instructions
export const get = (l: number): number[] => [0x20, l];
export const set = (l: number): number[] => [0x21, l];
export const tee = (l: number): number[] => [0x22, l];
export const i32c = (v: number): number[] => [0x41, ...leb(v, true)];
export const [ADD, MUL, SHL, GE_U] = [0x6a, 0x6c, 0x74, 0x4f];
export const [BLOCK, LOOP] = [
  [0x02, 0x40],
  [0x03, 0x40],
];
export const END = 0x0b;
export const brIf = (d: number): number[] => [0x0d, d];
export const br = (d: number): number[] => [0x0c, d];
/** a SIMD instruction (0xfd prefix, LEB128 opcode) with its immediates */
export const simd = (op: number, ...imm: number[]): number[] => [0xfd, ...leb(op), ...imm];
/** v128.load / v128.store at a constant offset from the address on the stack, aligned to 2^align bytes */
export const load = (offset = 0, align = 3): number[] => simd(0x00, align, ...leb(offset));
export const store = (offset = 0, align = 3): number[] => simd(0x0b, align, ...leb(offset));
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
/** for (l = from; l < lim; l++) { body } (unsigned; `from`: the instructions that push the start) */
export const countUp = (l: number, from: number[], lim: number, body: number[]): number[] => [
  ...from,
  ...set(l),
  ...whileBelow(l, lim, [...body, ...addTo(l, i32c(1))]),
];

export interface WasmFunction {
  name: string;
  /** parameter types, or a number of i32 parameters */
  params: number | number[];
  /** result types (none where absent) */
  results?: number[];
  /** local declarations beyond the parameters: [count, type] */
  locals: [number, number][];
  /** the body without its final `end` */
  code: number[];
}

export interface ModuleShape {
  /** the imported memory (min 1 page): module and field name */
  memory?: [string, string];
  /** one type entry shared by all the functions (same signature) rather than one per function */
  oneType?: boolean;
}

/** A module's bytes: the functions, exported by their names, over an imported memory. */
export function moduleBytes(funcs: WasmFunction[], shape: ModuleShape = {}): Uint8Array<ArrayBuffer> {
  const [mod, field] = shape.memory ?? ['m', 'mem'];
  const type = (f: WasmFunction): number[] => {
    const params = typeof f.params === 'number' ? Array.from({ length: f.params }, () => I32) : f.params;
    return [0x60, ...vec(params.map((t) => [t])), ...vec((f.results ?? []).map((t) => [t]))];
  };
  const types = funcs.map(type);
  if (shape.oneType && types.some((t) => t.join() !== types[0].join())) throw new Error('oneType: signatures differ');
  const body = (f: WasmFunction): number[] => {
    const b = [...vec(f.locals.map(([n, t]) => [...leb(n), t])), ...f.code, END];
    return [...leb(b.length), ...b];
  };
  return new Uint8Array([
    ...[0, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...section(1, vec(shape.oneType ? types.slice(0, 1) : types)),
    ...section(2, vec([[...name(mod), ...name(field), 0x02, 0x00, 0x01]])),
    ...section(3, vec(funcs.map((_, i) => leb(shape.oneType ? 0 : i)))),
    ...section(7, vec(funcs.map((f, i) => [...name(f.name), 0x00, ...leb(i)]))),
    ...section(10, vec(funcs.map(body))),
  ]);
}

/** The bytes compiled, or null where WebAssembly (or an instruction they use, such as SIMD) is missing. */
export function compile(bytes: BufferSource): WebAssembly.Module | null {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch {
    return null;
  }
}

/** A module of the given functions (see {@link moduleBytes}), compiled; null without SIMD. */
export const compileModule = (funcs: WasmFunction[], shape?: ModuleShape): WebAssembly.Module | null => compile(moduleBytes(funcs, shape));
