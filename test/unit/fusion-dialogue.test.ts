// --fusion dialogue: the BiLSTM over each dialogue's utterances. The exported ONNX graph run by
// onnxruntime-node gives the training-time (tfjs) representation; masking lets dialogues of
// different lengths share a batch without changing any of them; context is actually used.
import { describe, expect, it } from 'vitest';
import { trainDialogueFusion, DialogueRunner } from '../../src/main/core/fusion';
import { Rng } from '../../src/main/core/rng';

/**
 * Dialogues whose label depends on the PREVIOUS utterance's cue (class = cue of t-1, the first
 * utterance class 0): a per-utterance model cannot beat chance on t >= 1, a dialogue model can.
 */
function corpus(nDialogues: number, seed: number, d = 6) {
  const rng = new Rng(seed);
  const x: Float32Array[] = [];
  const y: number[] = [];
  const dialogues: number[][] = [];
  for (let k = 0; k < nDialogues; k++) {
    const len = 1 + Math.floor(rng.next() * 7);
    const rows: number[] = [];
    let prevCue = 0;
    for (let t = 0; t < len; t++) {
      const cue = Math.floor(rng.next() * 3);
      const v = new Float32Array(d + 1);
      v[cue] = 1;
      for (let j = 3; j < d; j++) v[j] = rng.next() - 0.5;
      v[d] = t > 0 && rng.next() < 0.5 ? 1 : 0; // speaker change
      rows.push(x.length);
      x.push(v);
      y.push(t === 0 ? 0 : prevCue);
      prevCue = cue;
    }
    dialogues.push(rows);
  }
  return { x, y, dialogues };
}

describe('dialogue fusion', () => {
  it('ONNX round trip: the exported graph gives the training-time representation, every dialogue length', async () => {
    const c = corpus(60, 1);
    const probe = [
      c.dialogues[0],
      c.dialogues[1],
      c.dialogues.find((r) => r.length === 1)!,
      [...c.dialogues].sort((a, b) => b.length - a.length)[0],
    ];
    const tr = await trainDialogueFusion({ x: c.x, dialogues: c.dialogues }, c.y, 3, { seed: 3, hidden: 16, epochs: 3, probe });
    expect(tr.reprDim).toBe(32);
    const runner = await DialogueRunner.create(tr.onnx);
    try {
      const repr = await runner.represent(c.x, probe);
      probe.forEach((rows, k) =>
        rows.forEach((r, t) => {
          const a = tr.probeRepr![k][t];
          const b = repr[r];
          expect(b.length).toBe(32);
          let maxDiff = 0;
          for (let j = 0; j < a.length; j++) maxDiff = Math.max(maxDiff, Math.abs(a[j] - b[j]));
          expect(maxDiff, `dialogue ${k} step ${t}`).toBeLessThan(1e-4);
        }),
      );
      // the representation of an utterance depends on its neighbours (the backward direction too)
      const d0 = probe[3];
      const alone = await runner.represent(c.x, [d0.slice(0, 1)]);
      expect(Math.max(...Array.from(alone[d0[0]], (v, j) => Math.abs(v - repr[d0[0]][j])))).toBeGreaterThan(1e-3);
    } finally {
      await runner.release();
    }
  }, 120_000);

  it('learns from the previous utterance (context a per-utterance model lacks); holds out whole dialogues; repeats bit for bit', async () => {
    const c = corpus(400, 2);
    const test = corpus(100, 9);
    const tr = await trainDialogueFusion({ x: c.x, dialogues: c.dialogues }, c.y, 3, { seed: 1, hidden: 32, epochs: 25, lr: 3e-3 });
    expect(tr.heldOut.length).toBe(40);
    expect(new Set(tr.heldOut).size).toBe(40);
    const runner = await DialogueRunner.create(tr.onnx);
    try {
      // unseen dialogues: a nearest-class-mean reading of the representation recovers the label of
      // utterances t >= 1, which only the previous utterance carries (chance 1/3)
      const repr = await runner.represent(test.x, test.dialogues);
      const means = [0, 1, 2].map(() => new Float64Array(tr.reprDim));
      const counts = [0, 0, 0];
      test.dialogues.forEach((rows) =>
        rows.slice(1).forEach((r) => {
          counts[test.y[r]]++;
          repr[r].forEach((v, j) => (means[test.y[r]][j] += v));
        }),
      );
      means.forEach((m, k) => m.forEach((_, j) => (m[j] /= counts[k])));
      let correct = 0;
      let n = 0;
      test.dialogues.forEach((rows) =>
        rows.slice(1).forEach((r) => {
          const dist = means.map((m) => m.reduce((s, v, j) => s + (v - repr[r][j]) ** 2, 0));
          if (dist.indexOf(Math.min(...dist)) === test.y[r]) correct++;
          n++;
        }),
      );
      expect(correct / n).toBeGreaterThan(0.8);
    } finally {
      await runner.release();
    }
    const again = await trainDialogueFusion({ x: c.x, dialogues: c.dialogues }, c.y, 3, { seed: 1, hidden: 32, epochs: 1, lr: 3e-3 });
    const again2 = await trainDialogueFusion({ x: c.x, dialogues: c.dialogues }, c.y, 3, { seed: 1, hidden: 32, epochs: 1, lr: 3e-3 });
    expect(Buffer.from(again.onnx).equals(Buffer.from(again2.onnx))).toBe(true);
  }, 300_000);
});
