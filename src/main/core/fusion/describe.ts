// Reads back the description stored in an exported fusion graph's metadata.
import { decodeModel } from './onnx-proto';
import type { FusionKind } from './types';

export interface FusionModelInfo {
  kind: FusionKind;
  dims: { dA: number; dT: number; framesV: number; dV: number };
  nClasses: number;
  hidden: number;
  heads: number;
  audioParts: number[];
  reprDim: number;
  opset: number;
  nodes: number;
}

export function describeFusionModel(onnx: Uint8Array): FusionModelInfo {
  const m = decodeModel(onnx);
  const entry = (m.metadataProps ?? []).find((p: { key: string }) => p.key === 'emotion-studio.fusion');
  if (!entry) throw new Error('not an Emotion Studio fusion graph (no emotion-studio.fusion metadata)');
  const opset = (m.opsetImport ?? []).find((o: { domain?: string }) => !o.domain)?.version ?? 0;
  return { ...JSON.parse(entry.value), opset, nodes: m.graph?.node?.length ?? 0 };
}
