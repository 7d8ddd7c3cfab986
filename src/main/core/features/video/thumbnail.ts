// Small rgb thumbnails of decoded frames and their PNG encoding.
import zlib from 'node:zlib';

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

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

function crc32(b: Uint8Array): number {
  let c = -1;
  for (let i = 0; i < b.length; i++) c = CRC_TABLE[(c ^ b[i]) & 255] ^ (c >>> 8);
  return c ^ -1;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

const PNG_SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

/**
 * PNG (8-bit truecolour, no alpha) of a packed rgb24 image. Every row uses the Sub filter and
 * zlib level 4: about 1 ms and ~15 KB for a 160x90 thumbnail.
 */
export function encodeRgbPng(rgb: Uint8Array, width: number, height: number): Buffer {
  const stride = width * 3;
  if (rgb.length < stride * height) throw new Error(`rgb data has ${rgb.length} bytes, expected ${stride * height}`);
  const raw = Buffer.allocUnsafe((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const o = y * (stride + 1);
    const r = y * stride;
    raw[o] = 1; // Sub
    for (let x = 0; x < 3 && x < stride; x++) raw[o + 1 + x] = rgb[r + x];
    for (let x = 3; x < stride; x++) raw[o + 1 + x] = (rgb[r + x] - rgb[r + x - 3]) & 255;
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', zlib.deflateSync(raw, { level: 4 })), pngChunk('IEND', new Uint8Array(0))]);
}
