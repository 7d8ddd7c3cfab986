// The three pretrained encoders' manifests (resources/models/*.json): where their ONNX exports are
// published, which files, the inputs and output the graph must have, preprocessing and licence.
import minilm from '../../../../resources/models/all-MiniLM-L6-v2.json';
import wav2vec2 from '../../../../resources/models/wav2vec2-base-960h.json';
import resnet from '../../../../resources/models/resnet-50.json';

export type ModelName = 'wav2vec2-base-960h' | 'resnet-50' | 'all-MiniLM-L6-v2';
export type TensorType = 'float32' | 'int64';
export type Dim = number | string;

export interface IoSpec {
  name: string;
  type: TensorType;
  shape: Dim[];
  /** fed only when the model has it (token_type_ids) */
  optional?: boolean;
  /** another accepted shape (a tapped output whose pooling already flattened it) */
  altShape?: Dim[];
  /** other names the same output has in some exports (sentence-transformers: token_embeddings) */
  altNames?: string[];
}

export interface ModelFile {
  role: 'model' | 'tokenizer';
  /** name in the model's folder */
  file: string;
  url: string;
  /** bytes, where known */
  size?: number;
  sha256?: string;
}

export interface Manifest {
  name: ModelName;
  modality: 'audio' | 'video' | 'text';
  /** the feature kind its vectors are stored as */
  kind: 'audio.embedding' | 'video.embedding' | 'text';
  description: string;
  source: string;
  license: string;
  dim: number;
  files: ModelFile[];
  inputs: IoSpec[];
  output: IoSpec;
  /** the published graph lacks `output`: it is the input of the head that computes `tap.from` */
  tap?: { from: string; note: string };
  preprocessing: Record<string, unknown>;
  pooling: string;
}

export const MANIFESTS: readonly Manifest[] = [wav2vec2 as Manifest, resnet as Manifest, minilm as Manifest];
export const MODEL_NAMES = MANIFESTS.map((m) => m.name);

export function manifestOf(name: string): Manifest {
  const m = MANIFESTS.find((x) => x.name === name);
  if (!m) throw new ModelError(`unknown model '${name}' (known: ${MODEL_NAMES.join(', ')})`);
  return m;
}

/** A model that cannot be installed or run, with the reason (shown as is). */
export class ModelError extends Error {
  override name = 'ModelError';
}
