// Small rgb thumbnails of decoded frames and their PNG encoding.
import { PNG } from 'pngjs';

/** Size of a frame scaled down to at most `maxWidth` pixels wide (even dims, aspect kept, at least 2x2). */
export function fitSize(width: number, height: number, maxWidth: number): { width: number; height: number } {
  if (width <= 0 || height <= 0) return { width: 2, height: 2 };
  const w = Math.max(2, Math.floor(Math.min(maxWidth, width) / 2) * 2);
  const h = Math.max(2, Math.round((height * w) / width / 2) * 2);
  return { width: w, height: h };
}

/**
 * Integer box downscale of packed rgb24 by `factor` in both directions (factor 1 copies).
 * Output is floor(w / factor) x floor(h / factor).
 */
export function downscaleRgb(rgb: Uint8Array, width: number, height: number, factor: number): { data: Uint8Array; width: number; height: number } {
  const f = Math.max(1, Math.floor(factor));
  const ow = Math.floor(width / f);
  const oh = Math.floor(height / f);
  const out = new Uint8Array(ow * oh * 3);
  if (f === 1) {
    out.set(rgb.subarray(0, out.length));
    return { data: out, width: ow, height: oh };
  }
  const area = f * f;
  const half = area >> 1;
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      let r = 0, g = 0, b = 0;
      for (let dy = 0; dy < f; dy++) {
        let p = ((y * f + dy) * width + x * f) * 3;
        for (let dx = 0; dx < f; dx++, p += 3) {
          r += rgb[p];
          g += rgb[p + 1];
          b += rgb[p + 2];
        }
      }
      const o = (y * ow + x) * 3;
      out[o] = ((r + half) / area) | 0;
      out[o + 1] = ((g + half) / area) | 0;
      out[o + 2] = ((b + half) / area) | 0;
    }
  }
  return { data: out, width: ow, height: oh };
}

/** The integer factor that brings `width` to at most `maxWidth` (1 when already small enough). */
export function thumbFactor(width: number, maxWidth: number): number {
  return Math.max(1, Math.ceil(width / maxWidth));
}

/** PNG (truecolour, 8 bit) of packed rgb24, through pngjs. */
export function encodeRgbPng(rgb: Uint8Array, width: number, height: number): Buffer {
  if (rgb.length < width * 3 * height) throw new Error(`rgb data has ${rgb.length} bytes, expected ${width * 3 * height}`);
  return PNG.sync.write({ width, height, data: Buffer.from(rgb.buffer, rgb.byteOffset, width * 3 * height) } as PNG, {
    colorType: 2,
    inputColorType: 2,
    inputHasAlpha: false,
    deflateLevel: 4,
    filterType: 1, // Sub, as frames are smooth: pngjs's adaptive filter search costs more than it saves here
  });
}
