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
  if (f === 1) {
    data.set(frame.subarray(0, width * height), 0);
  } else if (f === 2) {
    for (let ty = 0; ty < oh; ty++) {
      let r0 = 2 * ty * width;
      let r1 = r0 + width;
      let o = ty * ow;
      for (let tx = 0; tx < ow; tx++, r0 += 2, r1 += 2, o++) {
        data[o] = (frame[r0] + frame[r0 + 1] + frame[r1] + frame[r1 + 1] + 2) >> 2;
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
        data[ty * ow + tx] = Math.round(sum / area);
      }
    }
  }
  const uOff = width * height;
  data.set(frame.subarray(uOff, uOff + 2 * chroma), ow * oh);
  return data;
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
  const ow = Math.floor(width / f);
  const oh = Math.floor(height / f);
  const cw = width >> 1;
  const uOff = ow * oh;
  const vOff = uOff + cw * (height >> 1);
  const data = new Uint8Array(ow * oh * 3);
  // limited-range Y'CbCr to R'G'B', coefficients scaled by 1024 (1192 = 1.164 * 1024)
  const [rv, gu, gv, bu] = matrix === 'bt709' ? [1836, 218, 546, 2163] : [1634, 401, 832, 2066];
  for (let ty = 0; ty < oh; ty++) {
    const cRow = ((ty * f) >> 1) * cw;
    for (let tx = 0; tx < ow; tx++) {
      const c = 1192 * (planes[ty * ow + tx] - 16);
      const ci = cRow + ((tx * f) >> 1);
      const u = planes[uOff + ci] - 128;
      const v = planes[vOff + ci] - 128;
      const o = (ty * ow + tx) * 3;
      data[o] = clamp8((c + rv * v) / 1024);
      data[o + 1] = clamp8((c - gu * u - gv * v) / 1024);
      data[o + 2] = clamp8((c + bu * u) / 1024);
    }
  }
  return { data, width: ow, height: oh };
}

/** An rgb24 thumbnail of a limited-range yuv420p frame downscaled by an integer `factor`. */
export function yuv420ToRgbThumb(
  frame: Uint8Array,
  width: number,
  height: number,
  factor: number,
  matrix: ColorMatrix = 'bt601',
): { data: Uint8Array; width: number; height: number } {
  return thumbPlanesToRgb(yuv420ThumbPlanes(frame, width, height, factor), width, height, factor, matrix);
}

function clamp8(x: number): number {
  return x <= 0 ? 0 : x >= 255 ? 255 : Math.round(x);
}
