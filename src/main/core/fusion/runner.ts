// Runs an exported fusion graph with onnxruntime-node (CPU by default; pass providers such as
// ['cuda', 'cpu'] where the GPU build is installed).
import type * as ort from 'onnxruntime-node';
import { loadOrt } from '../models/ort-runtime';
import type { FusionInputs } from './types';

export interface FusionRunnerOptions {
  /** execution providers in order of preference, e.g. ['cuda', 'cpu']; default ['cpu'] */
  providers?: string[];
  /** rows per session.run (bounds the memory of one call); default 1024 */
  chunkRows?: number;
  intraOpNumThreads?: number;
}

export interface FusionOutputs {
  repr: Float32Array[];
  logits: Float32Array[];
}

export class FusionRunner {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly chunkRows: number,
  ) {}

  static async create(onnx: Uint8Array, opts: FusionRunnerOptions = {}): Promise<FusionRunner> {
    const session = await loadOrt().InferenceSession.create(onnx, {
      executionProviders: opts.providers ?? ['cpu'],
      ...(opts.intraOpNumThreads ? { intraOpNumThreads: opts.intraOpNumThreads } : {}),
    });
    return new FusionRunner(session, Math.max(1, opts.chunkRows ?? 1024));
  }

  /** the modality inputs the graph takes (absent modalities were left out at training) */
  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  /** the attention output (seed) or hidden layer (concat): the representation the SVM learns from */
  async represent(x: FusionInputs): Promise<Float32Array[]> {
    return (await this.run(x, ['repr'])).repr;
  }

  async logits(x: FusionInputs): Promise<Float32Array[]> {
    return (await this.run(x, ['logits'])).logits;
  }

  /** both outputs in one pass */
  async outputs(x: FusionInputs): Promise<FusionOutputs> {
    return this.run(x, ['repr', 'logits']);
  }

  private async run(x: FusionInputs, names: ('repr' | 'logits')[]): Promise<FusionOutputs> {
    const needed = this.session.inputNames;
    const sources: Record<string, Float32Array[]> = { audio: x.audio, text: x.text, video: x.video };
    let n = -1;
    for (const name of needed) {
      const rows = sources[name];
      if (!rows) throw new Error(`fusion graph input ${name} is unknown`);
      if (n >= 0 && rows.length !== n) throw new Error(`fusion: ${name} has ${rows.length} rows, expected ${n}`);
      n = rows.length;
    }
    const out: FusionOutputs = { repr: [], logits: [] };
    if (n <= 0) return out;
    for (let s = 0; s < n; s += this.chunkRows) {
      const e = Math.min(n, s + this.chunkRows);
      const feeds: Record<string, ort.Tensor> = {};
      for (const name of needed) {
        const rows = sources[name];
        const w = rows[s].length;
        const buf = new Float32Array((e - s) * w);
        for (let i = s; i < e; i++) {
          if (rows[i].length !== w) throw new Error(`fusion: ${name} row ${i} has width ${rows[i].length}, expected ${w}`);
          buf.set(rows[i], (i - s) * w);
        }
        if (name === 'video') {
          if (!(x.framesV >= 1) || w % x.framesV !== 0)
            throw new Error(`fusion: video rows of width ${w} do not split into framesV=${x.framesV} frames`);
          feeds[name] = new (loadOrt().Tensor)('float32', buf, [e - s, x.framesV, w / x.framesV]);
        } else {
          feeds[name] = new (loadOrt().Tensor)('float32', buf, [e - s, w]);
        }
      }
      const res = await this.session.run(feeds, names);
      for (const k of names) {
        const t = res[k];
        const [rows, dim] = t.dims as number[];
        const data = t.data as Float32Array;
        for (let i = 0; i < rows; i++) out[k].push(data.slice(i * dim, (i + 1) * dim));
        t.dispose?.();
      }
    }
    return out;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
