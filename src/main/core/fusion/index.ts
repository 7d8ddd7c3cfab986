// Fusion network: training (tfjs-core on the wasm backend), ONNX export, inference (onnxruntime-node).
export type { FusionInputs, FusionOptions, FusionProgress, FusionEpoch, FusionKind, TrainedFusion } from './types';
export { trainFusion } from './train';
export { FusionRunner, type FusionRunnerOptions, type FusionOutputs } from './runner';
export { describeFusionModel } from './describe';
export { trainDialogueFusion, type DialogueInputs, type DialogueOptions, type TrainedDialogue } from './dialogue';
export { DialogueRunner, exportDialogueOnnx, type DialogueWeights } from './dialogue-export';
