// Text features with the built-in encoder. The IDF table is fit on the training split's texts only
// (all texts when a corpus has no training split; it uses no labels). When those texts change, the
// table is refit and every text vector is recomputed, so vectors of different fits never mix.
import crypto from 'node:crypto';
import type { Db } from '../store/db';
import { f32ToBlob, blobToF32 } from '../store/db';
import { FeatureWriter } from '../store/feature-repo';
import { encoderState, fitTexts, hasTrainTexts, saveEncoderState } from '../store/encoder-state';
import { textTodo } from '../store/extract-queries';
import { ProgressMeter } from './progress';
import type { ProgressEvent } from '../../../shared/types';
import { TFIDF_DIM, TFIDF_ENCODER, TFIDF_VERSION, encodeText, fitIdf, sparseToBlob } from '../features/text/hashed-tfidf';

export interface TextStageSummary {
  encoded: number;
  failed: number;
  refit: boolean;
  fittedOn: string | null;
}

/** `only`: encode just these utterances (a shard); the IDF fit still uses the whole training split. */
export function runTextStage(db: Db, onProgress?: (e: ProgressEvent) => void, only?: Set<number>): TextStageSummary {
  const steps = textStageSteps(db, onProgress, only);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * The same, giving the event loop a turn after each committed batch of 500 so that a cancel (the
 * app's Cancel, Ctrl-C) gets through: on `signal` it stops there, every batch before it kept.
 */
export async function runTextStageAsync(
  db: Db,
  onProgress?: (e: ProgressEvent) => void,
  only?: Set<number>,
  signal?: AbortSignal,
): Promise<TextStageSummary & { cancelled: boolean }> {
  const steps = textStageSteps(db, onProgress, only);
  for (;;) {
    const r = steps.next();
    if (r.done) return { ...r.value, cancelled: false };
    await new Promise((res) => setImmediate(res));
    if (signal?.aborted) return { ...r.value, cancelled: true };
  }
}

/** The stage as steps: yields its running summary after the fit and after each committed batch. */
function* textStageSteps(
  db: Db,
  onProgress?: (e: ProgressEvent) => void,
  only?: Set<number>,
): Generator<TextStageSummary, TextStageSummary> {
  const hasTrain = hasTrainTexts(db);
  const fitRows = fitTexts(db, hasTrain);
  const out = { encoded: 0, failed: 0, refit: false, fittedOn: null as string | null };
  if (fitRows.length === 0) return out;

  const hash = crypto.createHash('sha256');
  for (const r of fitRows) hash.update(r.key).update('\0').update(r.text).update('\0');
  const fittedOn = `${hasTrain ? 'train' : 'all'}:${fitRows.length}:${hash.digest('hex').slice(0, 16)}`;
  out.fittedOn = fittedOn;
  const version = `${TFIDF_VERSION}-${fittedOn}`;

  let idf: Float32Array;
  const state = encoderState(db, TFIDF_ENCODER);
  if (state && state.fitted_on === fittedOn && state.version === TFIDF_VERSION) {
    idf = blobToF32(state.data);
  } else {
    idf = fitIdf(fitRows.map((r) => r.text));
    saveEncoderState(db, TFIDF_ENCODER, { version: TFIDF_VERSION, fitted_on: fittedOn, data: f32ToBlob(idf) });
    out.refit = true;
  }
  yield out;

  const todo = textTodo(db, version).filter((r) => !only || only.has(r.id));
  const writer = new FeatureWriter(db);
  const meter = new ProgressMeter('extract text', todo.length);
  const save = db.transaction((rows: { id: number; text: string }[]) => {
    for (const r of rows) {
      const v = encodeText(r.text, idf);
      if (v.indices.length === 0) {
        writer.saveText(r.id, null, 'text has no word to encode');
        out.failed++;
      } else {
        writer.saveText(r.id, { extractor: TFIDF_ENCODER, version, dim: TFIDF_DIM, layout: 'sparse', data: sparseToBlob(v) }, null);
        out.encoded++;
      }
    }
  });
  for (let i = 0; i < todo.length; i += 500) {
    save(todo.slice(i, i + 500));
    meter.done = Math.min(todo.length, i + 500);
    onProgress?.(meter.event());
    if (i + 500 < todo.length) yield out;
  }
  return out;
}
