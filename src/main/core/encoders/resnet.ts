// ResNet-50 features of the selected frames: ImageNet preprocessing (shorter side resized to 256 and
// centre crop 224, done by ffmpeg in the media stage's decode, media/crop-frames.ts; then mean/std per
// channel, NCHW) and the pooled 2048-d vector per frame. Frames of several clips share a batch.
import type * as ort from 'onnxruntime-node';
import { loadOrt } from '../models/ort-runtime';
import type { InstalledModel } from '../models/store';
import { openSession, type Device, type Provider } from '../models/providers';

/** ImageNet preprocessing: shorter side resized to RESIZE, centre crop CROP x CROP (done by the decoder) */
export const CROP = 224;
export const RESIZE = 256;
export const IMAGENET_MEAN = [0.485, 0.456, 0.406];
export const IMAGENET_STD = [0.229, 0.224, 0.225];
export const RESNET_PREP = 'p1';
const FRAME_BYTES = CROP * CROP * 3;

/** rgb24 frames (HWC, 0..255) to normalised NCHW float32. */
export function toPixelValues(rgb: Uint8Array, n: number): Float32Array {
  const hw = CROP * CROP;
  const out = new Float32Array(n * 3 * hw);
  for (let f = 0; f < n; f++) {
    const src = f * FRAME_BYTES;
    const dst = f * 3 * hw;
    for (let c = 0; c < 3; c++) {
      const m = IMAGENET_MEAN[c];
      const inv = 1 / IMAGENET_STD[c];
      const o = dst + c * hw;
      for (let p = 0; p < hw; p++) out[o + p] = (rgb[src + p * 3 + c] / 255 - m) * inv;
    }
  }
  return out;
}

export class ResNetEncoder {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly provider: Provider,
    readonly threads: number,
    readonly model: InstalledModel,
    readonly batchSize: number,
  ) {}

  static async open(
    model: InstalledModel,
    device: Device,
    notes: (l: string) => void,
    opts: { batchSize?: number; threads?: number } = {},
  ): Promise<ResNetEncoder> {
    const s = await openSession(model.modelPath, device, notes, opts.threads);
    return new ResNetEncoder(s.session, s.provider, s.threads, model, opts.batchSize ?? 16);
  }

  get version(): string {
    return `${this.model.version}-${RESNET_PREP}`;
  }

  /** 2048-d features of `n` preprocessed frames (NCHW), in batches of batchSize. */
  async embed(pixels: Float32Array, n: number): Promise<Float32Array[]> {
    const per = 3 * CROP * CROP;
    const outName = this.model.info.output;
    const out: Float32Array[] = [];
    for (let s = 0; s < n; s += this.batchSize) {
      const e = Math.min(n, s + this.batchSize);
      const res = await this.session.run(
        { pixel_values: new (loadOrt().Tensor)('float32', pixels.subarray(s * per, e * per), [e - s, 3, CROP, CROP]) },
        [outName],
      );
      const t = res[outName];
      out.push(...poolImageOutput(t.data as Float32Array, t.dims as number[]));
      t.dispose?.();
    }
    return out;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** [B, C], [B, C, 1, 1] or [B, C, H, W] (averaged over H x W) to B vectors of C. */
export function poolImageOutput(data: Float32Array, dims: number[]): Float32Array[] {
  const [B, C] = dims;
  const hw = dims.slice(2).reduce((a, b) => a * b, 1);
  const out: Float32Array[] = [];
  for (let b = 0; b < B; b++) {
    const v = new Float32Array(C);
    for (let c = 0; c < C; c++) {
      let s = 0;
      const o = (b * C + c) * hw;
      for (let p = 0; p < hw; p++) s += data[o + p];
      v[c] = s / hw;
    }
    out.push(v);
  }
  return out;
}
