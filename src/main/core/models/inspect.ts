// Reads a model's inputs and outputs through ONNX Runtime (which also proves the file loads) and
// compares them with the manifest, naming every mismatch.
import type * as ort from 'onnxruntime-node';
import { loadOrt } from './ort-runtime';
import type { Dim, IoSpec, Manifest } from './manifest';

export interface IoInfo {
  name: string;
  type: string;
  /** [] when the graph does not say */
  shape: Dim[];
}

export interface ModelIo {
  inputs: IoInfo[];
  outputs: IoInfo[];
}

export async function inspectModel(model: Uint8Array): Promise<ModelIo> {
  const session = await loadOrt().InferenceSession.create(model, { executionProviders: ['cpu'], graphOptimizationLevel: 'disabled' });
  try {
    const conv = (m: ort.InferenceSession.ValueMetadata): IoInfo =>
      m.isTensor ? { name: m.name, type: m.type, shape: [...m.shape] as Dim[] } : { name: m.name, type: 'non-tensor', shape: [] };
    return { inputs: session.inputMetadata.map(conv), outputs: session.outputMetadata.map(conv) };
  } finally {
    await session.release();
  }
}

const fmt = (s: Dim[]) => `[${s.join(', ')}]`;

function shapeProblem(want: Dim[], got: Dim[]): string | null {
  if (got.length === 0) return null; // not declared in the graph: checked on the first run
  if (want.length !== got.length) return `rank ${got.length} ${fmt(got)}, expected rank ${want.length} ${fmt(want)}`;
  for (let i = 0; i < want.length; i++) {
    // a symbolic (or -1) axis of the graph accepts any size: only two fixed sizes can disagree
    const g = got[i];
    if (typeof want[i] === 'number' && typeof g === 'number' && g >= 0 && want[i] !== g)
      return `shape ${fmt(got)}, expected ${fmt(want)} (axis ${i})`;
  }
  return null;
}

/** Every way the model's inputs and output differ from the manifest (empty: it matches). */
export function compareIo(m: Manifest, io: ModelIo): string[] {
  const problems: string[] = [];
  for (const want of m.inputs) {
    const got = io.inputs.find((i) => i.name === want.name);
    if (!got) {
      if (!want.optional) problems.push(`input '${want.name}' (${want.type} ${fmt(want.shape)}) is missing`);
      continue;
    }
    if (got.type !== want.type) problems.push(`input '${want.name}' is ${got.type}, expected ${want.type}`);
    const s = shapeProblem(want.shape, got.shape);
    if (s) problems.push(`input '${want.name}' has ${s}`);
  }
  for (const got of io.inputs) {
    if (!m.inputs.some((w) => w.name === got.name))
      problems.push(
        `input '${got.name}' (${got.type} ${fmt(got.shape)}) is not one of the model's inputs (${m.inputs.map((i) => i.name).join(', ')})`,
      );
  }
  const want: IoSpec = m.output;
  const name = outputName(m, io);
  const got = io.outputs.find((o) => o.name === name);
  if (!got) problems.push(`output '${want.name}' is missing (outputs: ${io.outputs.map((o) => o.name).join(', ') || 'none'})`);
  else {
    if (got.type !== want.type) problems.push(`output '${got.name}' is ${got.type}, expected ${want.type}`);
    const s = shapeProblem(want.shape, got.shape);
    const alt = want.altShape ? shapeProblem(want.altShape, got.shape) : s;
    if (s && alt) problems.push(`output '${got.name}' has ${s}`);
  }
  return problems;
}

/** The graph output the encoder reads: the manifest's name, else one of its other names. */
export function outputName(m: Manifest, io: ModelIo): string {
  const names = [m.output.name, ...(m.output.altNames ?? [])];
  return names.find((n) => io.outputs.some((o) => o.name === n)) ?? m.output.name;
}
