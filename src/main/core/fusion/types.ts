// Public types of the fusion network (array level: no database here).

/**
 * One row per utterance in every modality. A modality is absent when its array is empty or its rows
 * have width 0; the network (and its ONNX graph) is then built without it.
 */
export interface FusionInputs {
  /** n rows of dA voice features (e.g. 60 DSP stats, or 768 wav2vec2 + 60 DSP stats) */
  audio: Float32Array[];
  /** n rows of dT dense text features (e.g. 4096 folded hashed TF-IDF, or 384 MiniLM) */
  text: Float32Array[];
  /** n rows of framesV * dV: the selected frames' features, frame after frame */
  video: Float32Array[];
  /** frames per row in `video` (10) */
  framesV: number;
}

export type FusionKind = 'seed' | 'concat';

/** Fewest held-out items that early stopping may follow (trainFusion); fewer: nothing is held out. */
export const MIN_HELD_OUT = 10;

export interface FusionProgress {
  epoch: number;
  epochs: number;
  trainLoss: number;
  valLoss: number;
  valAcc: number;
  /** labelled items in the held-out part and the classes among them (absent from older callers) */
  valN?: number;
  valClasses?: number;
  /** the held-out part's size when it was too small to stop on (under MIN_HELD_OUT): nothing was held out */
  tooFew?: number;
}

export interface FusionOptions {
  kind: FusionKind;
  /** seed: common projection size H (LSTM hidden H/2 per direction, tokens and representation H); concat: hidden layer width. Default 128. */
  hidden?: number;
  /** attention heads (seed only); must divide `hidden`. Default 8. */
  heads?: number;
  /** maximum epochs. Default 30. */
  epochs?: number;
  /** Default 128. */
  batchSize?: number;
  /** epochs without a validation-loss improvement before stopping. Default 5. */
  patience?: number;
  /** Adam learning rate. Default 1e-3. */
  lr?: number;
  /** seeds weight initialisation, the validation split, shuffling and dropout */
  seed: number;
  /** per-class loss weights; default 'balanced' (n / (nClasses * count) over the training part) */
  classWeights?: number[];
  /** stratified held-out fraction of the given (training) rows for early stopping. Default 0.1; 0 trains all epochs without validation. */
  valFraction?: number;
  /** dropout on the representation before the classifier (training only). Default 0.1. */
  dropout?: number;
  signal?: AbortSignal;
  onProgress?: (p: FusionProgress) => void;
  /** sizes of the voice sub-blocks (seed), e.g. [768, 50, 10] for embedding, MFCC, prosody. Default [dA]. */
  audioParts?: number[];
}

export interface FusionEpoch extends FusionProgress {
  seconds: number;
}

export interface TrainedFusion {
  kind: FusionKind;
  /** the exported inference graph: inputs audio [N,dA], text [N,dT], video [N,framesV,dV] (present modalities only); outputs repr [N,reprDim], logits [N,C] */
  onnx: Uint8Array;
  reprDim: number;
  nClasses: number;
  history: FusionEpoch[];
  /** labelled items held out of the given rows for early stopping (0: none, every epoch kept to the last) */
  heldOut: number;
  /** 1-based epoch whose weights were kept (lowest validation loss; the last epoch without validation) */
  bestEpoch: number;
  /** true when early stopping ended training before `epochs` */
  stoppedEarly: boolean;
  /** trainable parameters */
  params: number;
  secondsPerEpoch: number;
  /** the class weights the loss used */
  classWeights: number[];
  /** input widths the graph expects (0: modality absent) */
  dims: { dA: number; dT: number; framesV: number; dV: number };
}
