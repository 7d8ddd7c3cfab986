// all-MiniLM-L6-v2 sentence embeddings: the model's own WordPiece tokenizer (tokenizer.json read by
// @huggingface/tokenizers), truncation at the model's limit, mean pooling of the last hidden state
// over the attention mask, L2 normalisation: what sentence-transformers computes.
import fs from 'node:fs';
import type * as ort from 'onnxruntime-node';
import { loadOrt } from '../models/ort-runtime';
import type { Tokenizer } from '@huggingface/tokenizers';
import type { InstalledModel } from '../models/store';
import { openSession, type Device, type Provider } from '../models/providers';

export const MINILM_PREP = 'p1';

export interface Tokens {
  ids: number[];
  typeIds: number[];
}

export function loadTokenizer(file: string): Tokenizer {
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  // loaded here, not at start: only an installed all-MiniLM-L6-v2 needs it
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Tokenizer: Tok } = require('@huggingface/tokenizers') as typeof import('@huggingface/tokenizers');
  return new Tok(json, { model_max_length: 512 });
}

/** [CLS] text [SEP] ids; past maxTokens the first maxTokens - 1 are kept and the closing special token. */
export function tokenize(tok: Tokenizer, text: string, maxTokens: number): Tokens {
  const e = tok.encode(text, { add_special_tokens: true, return_token_type_ids: true });
  let ids = e.ids.map(Number);
  let typeIds = (e.token_type_ids ?? ids.map(() => 0)).map(Number);
  if (ids.length > maxTokens) {
    ids = [...ids.slice(0, maxTokens - 1), ids[ids.length - 1]];
    typeIds = [...typeIds.slice(0, maxTokens - 1), typeIds[typeIds.length - 1]];
  }
  return { ids, typeIds };
}

/** Mean over positions whose mask is 1 of hidden [B, S, D], then L2-normalised. */
export function meanPoolNormalize(hidden: Float32Array, dims: number[], mask: ArrayLike<number | bigint>): Float32Array[] {
  const [B, S, D] = dims;
  const out: Float32Array[] = [];
  for (let b = 0; b < B; b++) {
    const acc = new Float64Array(D);
    let n = 0;
    for (let s = 0; s < S; s++) {
      if (Number(mask[b * S + s]) === 0) continue;
      n++;
      const o = (b * S + s) * D;
      for (let d = 0; d < D; d++) acc[d] += hidden[o + d];
    }
    const v = new Float32Array(D);
    let norm = 0;
    for (let d = 0; d < D; d++) {
      v[d] = acc[d] / Math.max(n, 1e-9);
      norm += v[d] * v[d];
    }
    const inv = 1 / Math.max(Math.sqrt(norm), 1e-12);
    for (let d = 0; d < D; d++) v[d] *= inv;
    out.push(v);
  }
  return out;
}

export class MiniLmEncoder {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly tokenizer: Tokenizer,
    readonly provider: Provider,
    readonly threads: number,
    readonly model: InstalledModel,
    readonly batchSize: number,
    readonly maxTokens: number,
  ) {}

  static async open(
    model: InstalledModel,
    device: Device,
    notes: (l: string) => void,
    opts: { batchSize?: number; threads?: number } = {},
  ): Promise<MiniLmEncoder> {
    if (!model.tokenizerPath) throw new Error(`${model.manifest.name}: no tokenizer file`);
    const tokenizer = loadTokenizer(model.tokenizerPath);
    const s = await openSession(model.modelPath, device, notes, opts.threads);
    const maxTokens = Number(model.manifest.preprocessing.maxTokens ?? 256);
    return new MiniLmEncoder(s.session, tokenizer, s.provider, s.threads, model, opts.batchSize ?? 32, maxTokens);
  }

  get version(): string {
    return `${this.model.version}-${MINILM_PREP}`;
  }

  tokenize(text: string): Tokens {
    return tokenize(this.tokenizer, text, this.maxTokens);
  }

  /** Unit-length embeddings of the texts, in batches (texts of similar length share a batch). */
  async embed(texts: string[]): Promise<Float32Array[]> {
    const toks = texts.map((t) => this.tokenize(t));
    const order = toks.map((_, i) => i).sort((a, b) => toks[a].ids.length - toks[b].ids.length);
    const out: Float32Array[] = new Array(texts.length);
    const wantsTypes = this.session.inputNames.includes('token_type_ids');
    for (let s = 0; s < order.length; s += this.batchSize) {
      const rows = order.slice(s, s + this.batchSize);
      const S = Math.max(...rows.map((r) => toks[r].ids.length));
      const B = rows.length;
      const ids = new BigInt64Array(B * S);
      const mask = new BigInt64Array(B * S);
      const types = new BigInt64Array(B * S);
      rows.forEach((r, b) => {
        const t = toks[r];
        for (let k = 0; k < t.ids.length; k++) {
          ids[b * S + k] = BigInt(t.ids[k]);
          mask[b * S + k] = 1n;
          types[b * S + k] = BigInt(t.typeIds[k]);
        }
      });
      const feeds: Record<string, ort.Tensor> = {
        input_ids: new (loadOrt().Tensor)('int64', ids, [B, S]),
        attention_mask: new (loadOrt().Tensor)('int64', mask, [B, S]),
      };
      if (wantsTypes) feeds.token_type_ids = new (loadOrt().Tensor)('int64', types, [B, S]);
      const outName = this.model.info.output;
      const res = await this.session.run(feeds, [outName]);
      const t = res[outName];
      const vecs = meanPoolNormalize(t.data as Float32Array, t.dims as number[], mask);
      rows.forEach((r, b) => (out[r] = vecs[b]));
      t.dispose?.();
    }
    return out;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
