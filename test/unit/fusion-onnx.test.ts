import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { tfReady } from '../../src/main/core/fusion/tf';
import { Rng } from '../../src/main/core/fusion/rng';
import { FusionNet, type NetSpec, type Norms } from '../../src/main/core/fusion/model';
import { exportOnnx } from '../../src/main/core/fusion/export';
import { batchInputs } from '../../src/main/core/fusion/train';
import { FusionRunner } from '../../src/main/core/fusion/runner';
import { describeFusionModel } from '../../src/main/core/fusion/describe';
import { decodeModel } from '../../src/main/core/fusion/onnx-proto';
import type { FusionInputs } from '../../src/main/core/fusion/types';
import { gauss, randomRows } from '../fixtures/fusion/synthetic';

function randomNorm(rng: Rng, d: number) {
  const mean = new Float32Array(d);
  const scale = new Float32Array(d);
  for (let j = 0; j < d; j++) {
    mean[j] = 0.3 * gauss(rng);
    scale[j] = 0.5 + rng.next();
  }
  return { mean, scale };
}

/** A net whose every weight (biases, alphas, norms included) is random, so misplaced parameters show. */
async function randomNet(spec: NetSpec, seed: number) {
  const tf = await tfReady();
  const rng = new Rng(seed);
  const { dA, dT, dV } = spec.dims;
  const norms: Norms = {};
  if (dA) norms.audio = randomNorm(rng, dA);
  if (dT) norms.text = randomNorm(rng, dT);
  if (dV) norms.video = randomNorm(rng, dV);
  const net = new FusionNet(spec, norms, rng);
  for (const v of net.vars.values()) {
    const data = new Float32Array(v.size);
    const s = 1 / Math.sqrt(Math.max(1, v.shape[0]));
    for (let i = 0; i < data.length; i++) data[i] = gauss(rng) * (v.shape.length === 1 ? 0.5 : 1.5 * s);
    tf.tidy(() => v.assign(tf.tensor(data, v.shape)));
  }
  return net;
}

function inputs(rng: Rng, n: number, spec: NetSpec): FusionInputs {
  const { dA, dT, dV, framesV } = spec.dims;
  return {
    audio: dA ? randomRows(rng, n, dA, 1.3, 0.2) : [],
    text: dT ? randomRows(rng, n, dT, 1.1, -0.1) : [],
    video: dV ? randomRows(rng, n, framesV * dV, 1.2, 0.1) : [],
    framesV,
  };
}

async function tfForward(net: FusionNet, x: FusionInputs, n: number) {
  const tf = await tfReady();
  const idx = Array.from({ length: n }, (_, i) => i);
  return tf.tidy(() => {
    const { repr, logits } = net.forward(batchInputs(tf, x, net.spec, idx));
    return { repr: repr.dataSync() as Float32Array, logits: logits.dataSync() as Float32Array, reprDim: repr.shape[1], C: logits.shape[1] };
  });
}

function maxAbsDiff(rows: Float32Array[], flat: Float32Array): number {
  const dim = rows[0].length;
  let m = 0;
  rows.forEach((r, i) => r.forEach((v, j) => (m = Math.max(m, Math.abs(v - flat[i * dim + j])))));
  return m;
}

const base = { nClasses: 5, hidden: 16, heads: 4 };
const cases: [string, NetSpec][] = [
  [
    'seed, three modalities, voice in 3 parts, frames fed directly',
    { kind: 'seed', ...base, dims: { dA: 14, dT: 20, framesV: 6, dV: 5 }, audioParts: [8, 4, 2] },
  ],
  [
    'seed, frames projected (dV > hidden), one voice part',
    { kind: 'seed', ...base, dims: { dA: 9, dT: 11, framesV: 4, dV: 24 }, audioParts: [9] },
  ],
  [
    'seed, 8 heads, no audio',
    { kind: 'seed', nClasses: 3, hidden: 32, heads: 8, dims: { dA: 0, dT: 13, framesV: 10, dV: 3 }, audioParts: [] },
  ],
  ['seed, video only', { kind: 'seed', ...base, dims: { dA: 0, dT: 0, framesV: 3, dV: 7 }, audioParts: [] }],
  ['concat, three modalities', { kind: 'concat', ...base, dims: { dA: 14, dT: 20, framesV: 6, dV: 5 }, audioParts: [14] }],
  ['concat, text only', { kind: 'concat', ...base, dims: { dA: 0, dT: 20, framesV: 10, dV: 0 }, audioParts: [] }],
];

describe('fusion ONNX export equals the tfjs forward pass', () => {
  for (const [name, spec] of cases) {
    it(name, async () => {
      const net = await randomNet(spec, 7);
      try {
        const onnx = exportOnnx(net);
        const runner = await FusionRunner.create(onnx);
        const expected = ['audio', 'text', 'video'].filter((k, i) => [spec.dims.dA, spec.dims.dT, spec.dims.dV][i] > 0);
        expect([...runner.inputNames].sort()).toEqual(expected.sort());
        const rng = new Rng(99);
        for (const n of [1, 7]) {
          const x = inputs(rng, n, spec);
          const ref = await tfForward(net, x, n);
          const out = await runner.outputs(x);
          expect(out.repr.length).toBe(n);
          expect(out.repr[0].length).toBe(ref.reprDim);
          expect(out.logits[0].length).toBe(spec.nClasses);
          const dRepr = maxAbsDiff(out.repr, ref.repr);
          const dLogits = maxAbsDiff(out.logits, ref.logits);
          expect(dRepr).toBeLessThan(1e-4);
          expect(dLogits).toBeLessThan(1e-4);
          // and the outputs are not degenerate
          expect(Math.max(...ref.logits.map(Math.abs))).toBeGreaterThan(1e-2);
        }
        await runner.release();
      } finally {
        net.dispose();
      }
    });
  }

  it('declares a dynamic batch axis, opset 17 and the LSTM as bidirectional; metadata reads back', async () => {
    const spec = cases[0][1];
    const net = await randomNet(spec, 3);
    const onnx = exportOnnx(net);
    net.dispose();
    const m = decodeModel(onnx);
    expect(m.opsetImport[0].version).toBe(17);
    const video = m.graph.input.find((i: any) => i.name === 'video');
    expect(video.type.tensorType.shape.dim.map((d: any) => d.dimParam ?? d.dimValue)).toEqual(['N', 6, 5]);
    const lstms = m.graph.node.filter((n: any) => n.opType === 'LSTM');
    expect(lstms).toHaveLength(3);
    for (const l of lstms) expect(new TextDecoder().decode(l.attribute.find((a: any) => a.name === 'direction').s)).toBe('bidirectional');
    const info = describeFusionModel(onnx);
    expect(info).toMatchObject({ kind: 'seed', dims: spec.dims, nClasses: 5, hidden: 16, heads: 4, reprDim: 16, opset: 17 });
    // onnxruntime sees the same signature
    const s = await ort.InferenceSession.create(onnx);
    expect([...s.outputNames]).toEqual(['repr', 'logits']);
    await s.release();
  });
});
