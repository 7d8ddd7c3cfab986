// Text features with all-MiniLM-L6-v2 when it is installed (instead of the built-in hashed TF-IDF):
// one 384-d unit vector per utterance, stored dense with the model's version and provider.
// The stage version is the model's, so installing another file re-encodes every text. A model that
// does not load (damaged file) is reported in one line and the built-in encoder is used instead.
import type { Db } from '../store/db';
import { textTodo } from '../store/extract-queries';
import type { ProgressEvent } from '../../../shared/types';
import type { InstalledModel } from '../models/store';
import type { Device } from '../models/providers';
import { MiniLmEncoder, MINILM_PREP } from '../encoders/minilm';
import { EmbeddingWriter } from '../store/embedding-writer';
import { ProgressMeter } from './progress';
import { newRun, openFailed, type EncoderRun } from './encoder-stage';

export async function runNeuralTextStage(
  db: Db,
  model: InstalledModel,
  o: {
    device: Device;
    only?: Set<number>;
    signal?: AbortSignal;
    onProgress?: (e: ProgressEvent) => void;
    onNote?: (l: string) => void;
    batchSize?: number;
  },
): Promise<{ encoded: number; failed: number; run: EncoderRun | null } | null> {
  const version = `${model.version}-${MINILM_PREP}`;
  const todo = textTodo(db, version).filter((r) => !o.only || o.only.has(r.id));
  if (todo.length === 0) return { encoded: 0, failed: 0, run: null };
  const note = o.onNote ?? (() => {});
  // a model that does not load: null, and the caller uses the built-in text encoder instead
  const enc = await MiniLmEncoder.open(model, o.device, note, { batchSize: o.batchSize }).catch((e: Error) => openFailed(model, e, note));
  if (!enc) return null;
  note(`${model.manifest.name}: ${todo.length} texts on ${enc.provider} (${enc.threads} threads)`);
  const run: EncoderRun = newRun(model.manifest.name, version, enc);
  const writer = new EmbeddingWriter(db);
  const meter = new ProgressMeter(`extract ${model.manifest.name}`, todo.length);
  const meta = { extractor: model.manifest.name, version, provider: enc.provider };
  try {
    // 256 texts per step: each step is one transaction, and the encoder sorts them into length-similar batches
    for (let s = 0; s < todo.length && !o.signal?.aborted; s += 256) {
      const rows = todo.slice(s, s + 256);
      let vecs: Float32Array[] | null = null;
      let err = '';
      try {
        vecs = await enc.embed(rows.map((r) => r.text));
      } catch (e) {
        err = (e as Error).message;
      }
      db.transaction(() => {
        rows.forEach((r, k) => {
          if (vecs && writer.save(r.id, 'text', [{ frame: -1, vector: vecs[k] }], meta)) run.encoded++;
          else {
            writer.fail(r.id, 'text', null, err || 'the embedding has a NaN or infinite value', version);
            run.failed++;
            meter.errors++;
          }
        });
      })();
      meter.done = Math.min(todo.length, s + rows.length);
      o.onProgress?.(meter.event());
    }
  } finally {
    await enc.release();
  }
  return { encoded: run.encoded, failed: run.failed, run };
}
