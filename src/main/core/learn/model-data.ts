// The stored model blob (model.data): what it holds, and its packing (gzip JSON + the serialised SVM).
import zlib from 'node:zlib';
import type { Db } from '../store/db';
import { modelDataBlob } from '../store/model-versions';
import { loadSvm, type StandardizerParams, type SvmModel } from '../classify';
import { FRAMES, type Modality } from './dataset';
import { TrainError, type FusionChoice, type TrainOptions } from './train-types';

/**
 * What model.data holds: gzip of this JSON without `svm`, a newline, then the serialised SVM (kept
 * out of the JSON so that a large RBF model, hundreds of MB, is not escaped into a second string).
 */
export interface ModelData {
  format: 'emotion-studio-model';
  formatVersion: 1;
  labels: string[];
  modalities: Modality[];
  context: boolean;
  fusion: FusionChoice;
  vocabulary: number[];
  /** 'none': standardiser of the dense [audio, video, context flag] block; else of the fusion representation */
  standardizer: StandardizerParams | null;
  fusionOnnx: string | null;
  framesV: number;
  /**
   * 'sparse' (fusion 'none' + linear): rows as learn/sparse-rows.ts builds them (whole vocabulary,
   * decayed context of `contextTurns` previous utterances); absent: the dense blocks of dataset.ts
   */
  layout?: {
    kind: 'sparse';
    denseWidth: number;
    contextTurns: number;
    contextDecay: number;
    contextWeight: number;
    /** --lexicon: the lexicon columns (after the context, before the dense block) and their scale */
    lexicon?: { version: string; width: number; weight: number };
  };
  /** --fusion dialogue: prediction = argmax(SVM decision + dialogueBeta * log(dialogue-model probability)) */
  dialogueBeta?: number;
  svm: string;
}

/** Reads a stored model's data back (for inspection or reuse). */
export function loadModelData(db: Db, version: number): { data: ModelData; svm: SvmModel } {
  const blob = modelDataBlob(db, version);
  if (!blob) throw new TrainError(`no stored model version ${version}`);
  const data = unpackModelData(blob);
  return { data, svm: loadSvm(data.svm) };
}

/** A training path's model data: the fields every path fills alike, then its own (`own`: the sparse
 * layout, the dialogue weight), then the serialised SVM. */
export function modelDataOf(
  opts: Pick<TrainOptions, 'modalities' | 'context' | 'fusion'>,
  fit: { labels: string[]; vocabulary: number[]; standardizer: StandardizerParams | null; onnx: Uint8Array | null; svm: string },
  own: Pick<ModelData, 'layout' | 'dialogueBeta'> = {},
): ModelData {
  return {
    format: 'emotion-studio-model',
    formatVersion: 1,
    labels: fit.labels,
    modalities: [...opts.modalities],
    context: opts.context,
    fusion: opts.fusion,
    vocabulary: fit.vocabulary,
    standardizer: fit.standardizer,
    fusionOnnx: fit.onnx ? Buffer.from(fit.onnx).toString('base64') : null,
    framesV: FRAMES,
    ...own,
    svm: fit.svm,
  };
}

export function packModelData(data: ModelData): Buffer {
  const { svm, ...meta } = data;
  return zlib.gzipSync(Buffer.concat([Buffer.from(JSON.stringify(meta), 'utf8'), Buffer.from('\n'), Buffer.from(svm, 'utf8')]));
}

export function unpackModelData(blob: Buffer): ModelData {
  const raw = zlib.gunzipSync(blob);
  const nl = raw.indexOf(10);
  if (nl < 0) throw new TrainError('stored model data is damaged');
  const meta = JSON.parse(raw.subarray(0, nl).toString('utf8')) as Omit<ModelData, 'svm'>;
  if (meta.format !== 'emotion-studio-model') throw new TrainError('stored model data is not an emotion-studio model');
  return { ...meta, svm: raw.subarray(nl + 1).toString('utf8') };
}
