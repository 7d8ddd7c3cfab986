import { describe, expect, it } from 'vitest';
import { trainFusion } from '../../src/main/core/fusion/train';
import { weightedCrossEntropy, balancedWeights, stratifiedSplit, batchInputs } from '../../src/main/core/fusion/train';
import { FusionRunner } from '../../src/main/core/fusion/runner';
import { FusionNet } from '../../src/main/core/fusion/model';
import { tfReady } from '../../src/main/core/fusion/tf';
import { Rng } from '../../src/main/core/fusion/rng';
import type { FusionInputs, FusionOptions } from '../../src/main/core/fusion/types';
import { synthetic } from '../fixtures/fusion/synthetic';

const small = { dA: 8, dT: 16, framesV: 6, dV: 4 };
const base: Omit<FusionOptions, 'kind'> = { seed: 1, hidden: 16, heads: 4, batchSize: 32, lr: 1e-2, valFraction: 0.2 };

function accuracy(logits: Float32Array[], y: number[]): number {
  let ok = 0;
  logits.forEach((l, i) => {
    let best = 0;
    for (let c = 1; c < l.length; c++) if (l[c] > l[best]) best = c;
    if (best === y[i]) ok++;
  });
  return ok / y.length;
}

async function heldOutAccuracy(onnx: Uint8Array, x: FusionInputs, y: number[]): Promise<number> {
  const runner = await FusionRunner.create(onnx);
  try {
    return accuracy(await runner.logits(x), y);
  } finally {
    await runner.release();
  }
}

describe('fusion training', () => {
  it('repeats exactly with the same seed and differs with another', async () => {
    const { x, y } = synthetic({ n: 160, nClasses: 3, ...small, signal: 'text', seed: 5 });
    const opts: FusionOptions = { ...base, kind: 'seed', epochs: 2, audioParts: [5, 3] };
    const a = await trainFusion(x, y, 3, opts);
    const b = await trainFusion(x, y, 3, opts);
    const c = await trainFusion(x, y, 3, { ...opts, seed: 2 });
    expect(Buffer.from(a.onnx).equals(Buffer.from(b.onnx))).toBe(true);
    expect(a.history.map((h) => [h.trainLoss, h.valLoss, h.valAcc])).toEqual(b.history.map((h) => [h.trainLoss, h.valLoss, h.valAcc]));
    expect(Buffer.from(a.onnx).equals(Buffer.from(c.onnx))).toBe(false);
    expect(a.params).toBeGreaterThan(0);
    expect(a.reprDim).toBe(16);
    expect(a.dims).toEqual(small);
  });

  for (const [kind, signal] of [
    ['seed', 'text'],
    ['seed', 'audio'],
    ['seed', 'video'],
    ['concat', 'audio'],
  ] as const) {
    it(`${kind}: learns classes separable through the ${signal} only`, async () => {
      const { x, y } = synthetic({ n: 500, nClasses: 4, ...small, signal, strength: 4, seed: 3 });
      const r = await trainFusion(x, y, 4, { ...base, kind, epochs: 6, patience: 6 });
      expect(Math.max(...r.history.map((h) => h.valAcc))).toBeGreaterThan(0.9);
      const test = synthetic({ n: 200, nClasses: 4, ...small, signal, strength: 4, seed: 4 });
      expect(await heldOutAccuracy(r.onnx, test.x, test.y)).toBeGreaterThan(0.85);
    });
  }

  it('seed: learns a class written only in the ORDER of the video frames (a pulse at frame c)', async () => {
    const dims = { dA: 8, dT: 16, framesV: 4, dV: 4 };
    const { x, y } = synthetic({ n: 400, nClasses: 4, ...dims, signal: 'video', strength: 4, seed: 3 }, true);
    const r = await trainFusion(x, y, 4, { ...base, kind: 'seed', epochs: 10, patience: 10 });
    expect(Math.max(...r.history.map((h) => h.valAcc))).toBeGreaterThan(0.85);
  });

  it('stops early when the validation loss stops improving, keeping the best epoch', async () => {
    const { x, y } = synthetic({ n: 240, nClasses: 3, ...small, signal: 'none', seed: 6 });
    const r = await trainFusion(x, y, 3, { ...base, kind: 'concat', epochs: 40, patience: 2 });
    expect(r.stoppedEarly).toBe(true);
    expect(r.history.length).toBeLessThan(40);
    expect(r.history.length - r.bestEpoch).toBe(2);
    const best = r.history[r.bestEpoch - 1].valLoss;
    for (const h of r.history) expect(h.valLoss).toBeGreaterThanOrEqual(best);
  });

  it('holds nothing out when the held-out part would be under 10 items (it would stop on noise) and runs every epoch', async () => {
    const { x, y } = synthetic({ n: 24, nClasses: 3, ...small, signal: 'none', seed: 6 });
    const seen: (number | undefined)[] = [];
    const r = await trainFusion(x, y, 3, {
      ...base,
      kind: 'concat',
      epochs: 6,
      patience: 1,
      valFraction: 0.1,
      onProgress: (p) => seen.push(p.tooFew),
    });
    expect(r.heldOut).toBe(0);
    expect(r.stoppedEarly).toBe(false);
    expect(r.history).toHaveLength(6);
    expect(r.bestEpoch).toBe(6);
    expect(seen).toEqual([3, 3, 3, 3, 3, 3]); // round(10%) of each class's 8 items
    // 10 or more held out: early stopping as before
    const big = synthetic({ n: 240, nClasses: 3, ...small, signal: 'none', seed: 6 });
    expect((await trainFusion(big.x, big.y, 3, { ...base, kind: 'concat', epochs: 2, valFraction: 0.1 })).heldOut).toBe(24);
  });

  it('cancels promptly through an AbortSignal', async () => {
    const { x, y } = synthetic({ n: 2000, nClasses: 3, ...small, signal: 'text', seed: 7 });
    const ac = new AbortController();
    let abortedAt = 0;
    let epochs = 0;
    const run = trainFusion(x, y, 3, {
      ...base,
      kind: 'seed',
      epochs: 50,
      batchSize: 16,
      signal: ac.signal,
      onProgress: () => epochs++,
    });
    setTimeout(() => {
      abortedAt = performance.now();
      ac.abort();
    }, 150);
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - abortedAt).toBeLessThan(500);
    expect(epochs).toBeLessThan(50);
    // an already aborted signal refuses to start
    await expect(trainFusion(x, y, 3, { ...base, kind: 'seed', signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('leaves no tensors behind, trained or cancelled', async () => {
    const tf = await tfReady();
    const { x, y } = synthetic({ n: 200, nClasses: 3, ...small, signal: 'text', seed: 7 });
    const before = tf.memory().numTensors;
    for (const kind of ['seed', 'concat'] as const) {
      await trainFusion(x, y, 3, { ...base, kind, epochs: 2 });
      expect(tf.memory().numTensors).toBe(before);
      const ac = new AbortController();
      const run = trainFusion(x, y, 3, { ...base, kind, epochs: 50, batchSize: 8, signal: ac.signal, onProgress: () => ac.abort() });
      await expect(run).rejects.toMatchObject({ name: 'AbortError' });
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('computes the class-weighted cross-entropy as sum(w_y * nll) / sum(w_y)', async () => {
    const tf = await tfReady();
    const logits = [
      [2, 0, -1],
      [0.5, 0.2, 0.1],
      [-1, 3, 0],
      [0, 0, 0],
    ];
    const y = [0, 2, 1, 2];
    const w = [0.5, 2, 3];
    let num = 0;
    let den = 0;
    logits.forEach((l, i) => {
      const lse = Math.log(l.reduce((a, v) => a + Math.exp(v), 0));
      num += w[y[i]] * (lse - l[y[i]]);
      den += w[y[i]];
    });
    const { loss, weightSum } = weightedCrossEntropy(tf, tf.tensor2d(logits), y, w);
    expect(weightSum).toBe(8.5);
    expect(loss.dataSync()[0]).toBeCloseTo(num / den, 5);
  });

  it('honours class weights: a zero-weight class is never predicted, a heavily weighted rare class always is', async () => {
    const { x, y } = synthetic({ n: 300, nClasses: 2, ...small, signal: 'none', seed: 8, priors: [0.9, 0.1] });
    expect(
      balancedWeights(
        y,
        y.map((_, i) => i),
        2,
      )[1],
    ).toBeGreaterThan(3);
    const opts: FusionOptions = { ...base, kind: 'concat', epochs: 3, valFraction: 0 };
    const onlyMajor = await trainFusion(x, y, 2, { ...opts, classWeights: [1, 0] });
    const onlyRare = await trainFusion(x, y, 2, { ...opts, classWeights: [0, 1] });
    expect(onlyMajor.classWeights).toEqual([1, 0]);
    const r1 = await FusionRunner.create(onlyMajor.onnx);
    const r2 = await FusionRunner.create(onlyRare.onnx);
    const p1 = (await r1.logits(x)).map((l) => (l[1] > l[0] ? 1 : 0));
    const p2 = (await r2.logits(x)).map((l) => (l[1] > l[0] ? 1 : 0));
    await r1.release();
    await r2.release();
    expect(p1.every((p) => p === 0)).toBe(true);
    expect(p2.every((p) => p === 1)).toBe(true);
    // default: balanced weights from the training part
    const bal = await trainFusion(x, y, 2, { ...opts, epochs: 1 });
    expect(bal.classWeights[1] / bal.classWeights[0]).toBeCloseTo(y.filter((c) => c === 0).length / y.filter((c) => c === 1).length, 5);
  });

  it('splits stratified and seeded', () => {
    const y = [...Array(100).fill(0), ...Array(30).fill(1), ...Array(10).fill(2)];
    const a = stratifiedSplit(y, 3, 0.1, new Rng(1));
    const b = stratifiedSplit(y, 3, 0.1, new Rng(1));
    expect(a).toEqual(b);
    expect(a.val.map((i) => y[i]).sort()).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 2]);
    expect(new Set([...a.train, ...a.val]).size).toBe(140);
  });

  it('gradients (with the fast matmul gradient and tanh via sigmoid) agree with finite differences', async () => {
    const tf = await tfReady();
    const dims = { dA: 6, dT: 7, framesV: 3, dV: 20 }; // dV > hidden: the frame projection is used
    const spec = { kind: 'seed' as const, dims, nClasses: 3, hidden: 8, heads: 2, audioParts: [4, 2] };
    const { x, y } = synthetic({ n: 5, nClasses: 3, ...dims, signal: 'text', seed: 9 });
    const net = new FusionNet(spec, {}, new Rng(2));
    const idx = [0, 1, 2, 3, 4];
    const f = () => weightedCrossEntropy(tf, net.forward(batchInputs(tf, x, spec, idx)).logits, y, [1, 2, 0.5]).loss;
    const { grads } = tf.variableGrads(f);
    let worst = 0;
    for (const v of net.vars.values()) {
      const g = grads[v.name].dataSync();
      const data = v.dataSync().slice() as Float32Array;
      for (const j of [0, Math.floor(data.length / 2), data.length - 1]) {
        const eps = 1e-2;
        const probe = (d: number) => {
          const d2 = data.slice();
          d2[j] += d;
          v.assign(tf.tensor(d2, v.shape));
          return f().dataSync()[0];
        };
        const fd = (probe(eps) - probe(-eps)) / (2 * eps);
        v.assign(tf.tensor(data, v.shape));
        worst = Math.max(worst, Math.abs(fd - g[j]) / Math.max(1e-3, Math.abs(fd) + Math.abs(g[j])));
      }
    }
    net.dispose();
    expect(worst).toBeLessThan(0.03);
  });

  it('rejects inconsistent inputs', async () => {
    const { x, y } = synthetic({ n: 20, nClasses: 2, ...small, signal: 'text', seed: 1 });
    await expect(trainFusion({ ...x, text: x.text.slice(1) }, y, 2, { ...base, kind: 'seed' })).rejects.toThrow(/text has 19 rows/);
    await expect(trainFusion({ ...x, framesV: 5 }, y, 2, { ...base, kind: 'seed' })).rejects.toThrow(/framesV=5/);
    await expect(trainFusion(x, y, 2, { ...base, kind: 'seed', audioParts: [3, 3] })).rejects.toThrow(/audioParts/);
    await expect(trainFusion(x, y, 2, { ...base, kind: 'seed', heads: 3 })).rejects.toThrow(/heads/);
    await expect(trainFusion(x, [...y.slice(1), 5], 2, { ...base, kind: 'seed' })).rejects.toThrow(/label 5/);
  });
});
