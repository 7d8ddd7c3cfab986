// Domain types shared by the core, the CLI, the Electron main/preload and the renderer.
// The JSON shapes here are the DESIGN.md command-line contract: extend, never rename.

/** The corpus splits, in the order the views offer them. */
export const SPLITS = ['train', 'dev', 'test', 'unsplit'] as const;
export type Split = (typeof SPLITS)[number];

export const MELD_LABELS = ['anger', 'disgust', 'sadness', 'joy', 'neutral', 'surprise', 'fear'] as const;

export type ItemStatus = 'pending' | 'done' | 'partial' | 'error' | 'missing_media';

export interface ItemError {
  stage: string; // import | probe | decode | audio | video | text
  file: string | null;
  message: string;
  level: 'error' | 'warning';
}

/** What `list --json` prints per utterance. */
export interface UtteranceListing {
  id: number;
  split: Split;
  dialogue: string | null;
  speaker: string | null;
  text: string | null;
  label: string | null;
  media: string | null;
  /** the utterance's span in its media file, seconds; null for a whole clip */
  start_s: number | null;
  end_s: number | null;
  status: ItemStatus;
  errors: number;
}

/** Per-clip audio summary (the seed's V3 + V4, done properly). */
export interface AudioSummary {
  duration_s: number;
  sample_rate: number;
  /** mean F0 over voiced frames, null when no frame is voiced */
  pitch_hz: number | null;
  pitch_std_hz: number | null;
  voiced_ratio: number;
  rms: number;
  rms_std: number;
  zcr: number;
  zcr_std: number;
  spectral_centroid_hz: number;
  spectral_centroid_std_hz: number;
  tempo_bpm: number;
  mfcc_mean: number[]; // 25
  mfcc_std: number[]; // 25
}

export interface VideoSummary {
  fps: number;
  frame_count: number;
  width: number;
  height: number;
  frame_entropy: number[];
  selected_frames: number[];
}

export interface EmbeddingRef {
  model: string;
  dim: number;
  /** the model file's version (pretrained encoders) */
  version?: string;
  /** the ONNX Runtime execution provider that ran it (pretrained encoders) */
  provider?: string;
}

/** What `show ID --json` prints. */
export interface UtteranceDetail {
  id: number;
  key: string;
  split: Split;
  dialogue: string | null;
  speaker: string | null;
  text: string | null;
  label: string | null;
  label_history: LabelChange[];
  media: string | null;
  /** the utterance's span in its media file, seconds; null for a whole clip */
  start_s: number | null;
  end_s: number | null;
  status: ItemStatus;
  prediction: { label: string; probabilities: Record<string, number>; model_version?: number } | null;
  audio: (AudioSummary & { embedding: EmbeddingRef | null }) | null;
  video: (Omit<VideoSummary, 'width' | 'height'> & { width: number; height: number; embedding: EmbeddingRef | null }) | null;
  text_features: { encoder: string; dim: number; version?: string; provider?: string } | null;
  errors: ItemError[];
}

export interface LabelChange {
  at: string;
  who: string;
  old: string | null;
  new: string | null;
  source: string;
  /** whose label this is; null: a change of the gold label itself (import, adjudication, gold rule) */
  annotator?: string | null;
}

export interface FfmpegInfo {
  path: string;
  version: string;
  source: 'setting' | 'ffmpeg-static' | '@ffmpeg-installer/ffmpeg' | 'PATH';
}

export interface ProgressEvent {
  job: string;
  done: number;
  total: number;
  errors: number;
  rate: number; // items per second
  eta_s: number | null;
}

// Classifier metrics (core/classify computes them; views and reports show them).
export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  /** number of gold rows of this class */
  support: number;
}

export interface RocCurve {
  /** false positive rate at each threshold, starting at 0 */
  fpr: number[];
  /** true positive rate at each threshold, starting at 0 */
  tpr: number[];
  /** score thresholds, descending; thresholds[k] gives point k+1 (point 0 is "nothing positive") */
  thresholds: number[];
}

export interface Metrics {
  n: number;
  accuracy: number;
  weighted_f1: number;
  macro_f1: number;
  per_class: Record<string, ClassMetrics>;
  /** confusion[g][p]: rows gold class, columns predicted class, in `labels` order */
  confusion: number[][];
  /** one-vs-rest AUC per label; null without probabilities or where undefined */
  auc: Record<string, number | null>;
  /** mean of the non-null per-class AUCs; null if none */
  macro_auc: number | null;
  /** one-vs-rest ROC per label; null without probabilities or where undefined */
  roc: Record<string, RocCurve | null>;
}

/** The classifier metrics (incl. one-vs-rest ROC curves) plus what was measured: split, model, encoders. */
export interface EvaluateResult extends Metrics {
  split: string;
  labels: string[];
  model_version: number;
  encoders: Record<string, string[]>;
  fusion: string;
  classifier: string;
  modalities: string[];
  context: boolean;
  C: number | null;
  /** labelled items of the split that have no stored prediction of this version (should be 0) */
  missing_predictions: number;
  evaluated_at: string;
  /** the gold labels scored against: the gold rule and how many gold labels each source made (issue 13) */
  gold?: GoldSummary;
  /** seeded bootstrap 95% intervals over the split's dialogues, or blocks of utterances within them
   * with fewer than 10 dialogues (learn/bootstrap.ts); null: too few items for an interval */
  ci95?: {
    accuracy: [number, number];
    weighted_f1: [number, number];
    macro_f1: [number, number];
    macro_auc: [number, number] | null;
    per_class_f1: Record<string, [number, number]>;
  } | null;
  bootstrap?: {
    resamples: number;
    seed: number;
    unit: 'dialogue' | 'block' | 'none';
    /** dialogues in the split */
    groups: number;
    level: number;
    /** absent in results stored before blocks: a dialogue bootstrap */
    method?: 'dialogue' | 'circular_block' | 'none';
    /** units drawn per resample: dialogues or blocks */
    units?: number;
    block_length?: number | null;
    n_items?: number;
  };
  /** the same split scored by trivial models: read every figure against these */
  baselines?: {
    majority: BaselineScore & { label: string };
    linear: (BaselineScore & { text_encoder: string; C: number; class_weight: string; n_train: number }) | null;
  };
  /** `evaluate --compare V`: this model minus version V, paired on the same items */
  compare?: PairedComparison & { version: number };
}

export interface PairedComparison {
  /** ci95 null: too few items for an interval */
  accuracy: { diff: number; ci95: [number, number] | null };
  weighted_f1: { diff: number; ci95: [number, number] | null };
  macro_f1: { diff: number; ci95: [number, number] | null };
  /** the weighted F1 difference's interval holds 0, or there is none */
  within_noise: boolean;
  n: number;
}

export interface BaselineScore {
  n: number;
  accuracy: number;
  weighted_f1: number;
  macro_f1: number;
  ci95: { accuracy: [number, number]; weighted_f1: [number, number]; macro_f1: [number, number] } | null;
  model_minus_baseline: PairedComparison;
}

/** Which rule made the gold labels (store/labels.ts goldSummary). */
export interface GoldSummary {
  rule: string;
  by_source: Record<string, number>;
  /** items with annotator labels whose gold a tie left open */
  open: number;
}
