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
export function downscaleRgb(
  rgb: Uint8Array,
  width: number,
  height: number,
  factor: number,
): { data: Uint8Array; width: number; height: number } {
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
      let r = 0,
        g = 0,
        b = 0;
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

/**
 * PNG (truecolour, 8 bit) of packed rgb24: the first row unfiltered, every other row Up-filtered (each
 * byte minus the byte above it), deflated by Node's zlib with the run-length strategy (Z_RLE: matches
 * only at distance 1, so no hash chains to search; memLevel 9: fewer, larger blocks), in one IDAT
 * chunk. On the thumbnails of decoded clips that takes about half the time of level 3 with Sub
 * filtering, for files 7-9% smaller at 160x120 (Up leaves long runs where rows repeat; noisy frames
 * gain nothing from longer matches anyway). PNG is lossless: any PNG reader decodes the same pixels
 * (tests use pngjs). Written directly rather than through pngjs, whose JavaScript filter and stream
 * plumbing cost ~3x the compression itself.
 */
export function encodeRgbPng(rgb: Uint8Array, width: number, height: number): Buffer {
  const stride = width * 3;
  if (rgb.length < stride * height) throw new Error(`rgb data has ${rgb.length} bytes, expected ${stride * height}`);
  const rawBuf = Buffer.allocUnsafe((stride + 1) * height);
  // a plain Uint8Array view: indexing into a Buffer (a subclass) takes a slower path
  const raw = new Uint8Array(rawBuf.buffer, rawBuf.byteOffset, rawBuf.length);
  if (height > 0) {
    raw[0] = 0; // filter type None
    raw.set(rgb.subarray(0, stride), 1);
  }
  const words = stride >> 2;
  if ((stride & 3) === 0 && (rgb.byteOffset & 3) === 0) {
    // four bytes at a time: a 32-bit subtraction per byte lane (the top bit of each lane handled apart,
    // so no borrow crosses lanes), each row built in an aligned scratch row and copied in after its
    // filter byte; ~4x faster than the byte loop below, same bytes
    const px = new Uint32Array(rgb.buffer, rgb.byteOffset, words * height);
    if (upRow.length < words) upRow = new Uint32Array(words);
    const row = upRow;
    const rowBytes = new Uint8Array(row.buffer, 0, stride);
    for (let y = 1; y < height; y++) {
      const o = y * (stride + 1);
      raw[o] = 2; // filter type Up
      for (let j = 0, r = y * words; j < words; j++, r++) {
        const a = px[r];
        const b = px[r - words];
        row[j] = ((a | 0x80808080) - (b & 0x7f7f7f7f)) ^ ((a ^ ~b) & 0x80808080);
      }
      raw.set(rowBytes, o + 1);
    }
  } else {
    for (let y = 1; y < height; y++) {
      const o = y * (stride + 1) + 1;
      const r = y * stride;
      raw[o - 1] = 2; // filter type Up
      for (let x = 0; x < stride; x++) raw[o + x] = (rgb[r + x] - rgb[r - stride + x]) & 255;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour (compression, filter method, interlace: 0)
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', zlib.deflateSync(rawBuf, { level: 3, memLevel: 9, strategy: zlib.constants.Z_RLE })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** encodeRgbPng's scratch row (reused from call to call) */
let upRow = new Uint32Array(0);

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** length, type, data, CRC-32 of type + data */
function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(data, zlib.crc32(head.subarray(4))) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}
