// Training and evaluation from the database (train split only for fitting; dev for C; test never used to choose).
export { trainModel, loadModelData, TrainError } from './train';
export type { TrainOptions, TrainResult, TrainProgress, FusionChoice, ClassifierChoice, ModelData } from './train';
export { evaluateSplit, latestModelVersion, EvaluateError } from './evaluate';
export type { EvaluateResult } from './evaluate';
export {
  loadItems,
  chooseVocabulary,
  denseText,
  videoVector,
  buildBlocks,
  labelSet,
  availableModalities,
  nothingToTrainOn,
  encodersUsed,
  ALL_MODALITIES,
  DEFAULT_VOCAB,
  FRAMES,
  FRAME_DIM,
  AUDIO_DIM,
} from './dataset';
export type { Item, Modality, Blocks } from './dataset';
