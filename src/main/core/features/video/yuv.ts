// Planar yuv420p frames (what the decoder produces) to gray levels and small rgb thumbnails.
// Decoding straight to yuv420p halves the bytes piped from ffmpeg compared with rgb24 and skips a
// colour conversion per pixel; the luma plane is the BT.601 / BT.709 Y' the encoder stored.

export type ColorMatrix = 'bt601' | 'bt709';

export { LIMITED_TO_FULL_LUMA } from './entropy';

/** Byte size of one yuv420p frame (even width and height). */
export function yuv420FrameBytes(width: number, height: number): number {
  return width * height + 2 * (width >> 1) * (height >> 1);
}

/**
 * The planes a thumbnail is later made from, cheap enough to keep for every frame: luma averaged
 * over `factor` x `factor` blocks (floor(width / factor) x floor(height / factor)) followed by the
 * frame's two chroma planes as they are ((width / 2) x (height / 2) each). `out` is reused when
 * big enough. Convert with {@link thumbPlanesToRgb}.
 */
export function yuv420ThumbPlanes(frame: Uint8Array, width: number, height: number, factor: number, out?: Uint8Array): Uint8Array {
  const f = Math.max(1, Math.floor(factor));
  const ow = Math.floor(width / f);
  const oh = Math.floor(height / f);
  const chroma = (width >> 1) * (height >> 1);
  const size = ow * oh + 2 * chroma;
  const data = out && out.length >= size ? out : new Uint8Array(size);
  downscaleLuma(frame, width, height, f, data);
  const uOff = width * height;
  data.set(frame.subarray(uOff, uOff + 2 * chroma), ow * oh);
  return data;
}

/** The luma plane averaged over f x f blocks into out[0 .. floor(width / f) * floor(height / f)). */
function downscaleLuma(frame: Uint8Array, width: number, height: number, f: number, out: Uint8Array): void {
  const ow = Math.floor(width / f);
  const oh = Math.floor(height / f);
  if (f === 1) {
    out.set(frame.subarray(0, width * height), 0);
  } else if (f === 2) {
    for (let ty = 0; ty < oh; ty++) {
      let r0 = 2 * ty * width;
      let r1 = r0 + width;
      let o = ty * ow;
      for (let tx = 0; tx < ow; tx++, r0 += 2, r1 += 2, o++) {
        out[o] = (frame[r0] + frame[r0 + 1] + frame[r1] + frame[r1 + 1] + 2) >> 2;
      }
    }
  } else {
    const area = f * f;
    for (let ty = 0; ty < oh; ty++) {
      for (let tx = 0; tx < ow; tx++) {
        let sum = 0;
        for (let dy = 0; dy < f; dy++) {
          const row = (ty * f + dy) * width + tx * f;
          for (let dx = 0; dx < f; dx++) sum += frame[row + dx];
        }
        out[ty * ow + tx] = Math.round(sum / area);
      }
    }
  }
}

/** rgb24 thumbnail from {@link yuv420ThumbPlanes}' output (same width, height and factor). */
export function thumbPlanesToRgb(
  planes: Uint8Array,
  width: number,
  height: number,
  factor: number,
  matrix: ColorMatrix = 'bt601',
): { data: Uint8Array; width: number; height: number } {
  const f = Math.max(1, Math.floor(factor));
  const uOff = Math.floor(width / f) * Math.floor(height / f);
  return toRgb(planes, planes, uOff, uOff + (width >> 1) * (height >> 1), width, height, f, matrix);
}

/**
 * rgb24 of the f x f-downscaled luma in luma[0..) (floor(width / f) x floor(height / f)) and the
 * frame's chroma planes (chroma[uOff..), chroma[vOff..), (width / 2) x (height / 2) each).
 */
function toRgb(
  luma: Uint8Array,
  chroma: Uint8Array,
  uOff: number,
  vOff: number,
  width: number,
  height: number,
  f: number,
  matrix: ColorMatrix,
): { data: Uint8Array; width: number; height: number } {
  const ow = Math.floor(width / f);
  const oh = Math.floor(height / f);
  const cw = width >> 1;
  const data = new Uint8Array(ow * oh * 3);
  // limited-range Y'CbCr to R'G'B', coefficients scaled by 1024 (1192 = 1.164 * 1024), in integers:
  // (x + 512) >> 10 is Math.round(x / 1024) for every integer x, and clamping the rounded value to
  // 0..255 (CLAMP8, indexed CLAMP_OFFSET higher) gives what clamping x / 1024 first and then rounding
  // gave, so the bytes equal the floating-point form's (checked on all 2^24 inputs), ~6x faster
  const bt709 = matrix === 'bt709';
  const rv = bt709 ? 1836 : 1634;
  const gu = bt709 ? 218 : 401;
  const gv = bt709 ? 546 : 832;
  const bu = bt709 ? 2163 : 2066;
  const bias = 512 + (CLAMP_OFFSET << 10);
  for (let ty = 0; ty < oh; ty++) {
    const cRow = ((ty * f) >> 1) * cw;
    let yi = ty * ow;
    let o = yi * 3;
    for (let tx = 0; tx < ow; tx++, yi++, o += 3) {
      const c = 1192 * (luma[yi] - 16) + bias;
      const ci = cRow + ((tx * f) >> 1);
      const u = chroma[uOff + ci] - 128;
      const v = chroma[vOff + ci] - 128;
      data[o] = CLAMP8[(c + rv * v) >> 10];
      data[o + 1] = CLAMP8[(c - gu * u - gv * v) >> 10];
      data[o + 2] = CLAMP8[(c + bu * u) >> 10];
    }
  }
  return { data, width: ow, height: oh };
}

/**
 * CLAMP8[x + CLAMP_OFFSET] = min(255, max(0, x)). The rounded values above lie in -290..550 (Y' 0..255,
 * Cb and Cr -128..127, the largest coefficients), well inside the table.
 */
const CLAMP_OFFSET = 1024;
const CLAMP8: Uint8Array = (() => {
  const t = new Uint8Array(2 * CLAMP_OFFSET);
  for (let i = 0; i < t.length; i++) t[i] = Math.max(0, Math.min(255, i - CLAMP_OFFSET));
  return t;
})();

/**
 * An rgb24 thumbnail of a limited-range yuv420p frame downscaled by an integer `factor`: the same bytes
 * as thumbPlanesToRgb(yuv420ThumbPlanes(...)), with the chroma read in place and the downscaled luma in
 * a buffer reused from call to call.
 */
export function yuv420ToRgbThumb(
  frame: Uint8Array,
  width: number,
  height: number,
  factor: number,
  matrix: ColorMatrix = 'bt601',
): { data: Uint8Array; width: number; height: number } {
  const f = Math.max(1, Math.floor(factor));
  const uOff = width * height;
  const vOff = uOff + (width >> 1) * (height >> 1);
  if (f === 1) return toRgb(frame, frame, uOff, vOff, width, height, 1, matrix);
  const size = Math.floor(width / f) * Math.floor(height / f);
  if (lumaScratch.length < size) lumaScratch = new Uint8Array(size);
  downscaleLuma(frame, width, height, f, lumaScratch);
  return toRgb(lumaScratch, frame, uOff, vOff, width, height, f, matrix);
}

let lumaScratch = new Uint8Array(0);
