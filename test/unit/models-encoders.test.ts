// The three pretrained-encoder pipelines on tiny ONNX stand-ins (test/helpers/tiny-encoders.ts),
// run by the real onnxruntime-node, against values computed by hand: preprocessing, pooling over
// the mask, normalisation, chunking and batching.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { tmpDir } from '../helpers/tmp';
import {
  TINY_VOCAB,
  W2V,
  minilmWeights,
  resnetWeights,
  tinyMiniLm,
  tinyResNet,
  tinyTokenizerJson,
  tinyWav2Vec2,
  w2vWeights,
  writeTinyModels,
} from '../helpers/tiny-encoders';
import { importModel } from '../../src/main/core/models/install';
import { findInstalled } from '../../src/main/core/models/store';
import { Wav2Vec2Encoder, chunkRanges, normalizeWaveform } from '../../src/main/core/encoders/wav2vec2';
import { ResNetEncoder, toPixelValues, IMAGENET_MEAN, IMAGENET_STD, CROP } from '../../src/main/core/encoders/resnet';
import { MiniLmEncoder, loadTokenizer, tokenize } from '../../src/main/core/encoders/minilm';
import { CUDA_INSTALL, candidates, cudaLibrariesInstalled, gpuDevicePresent, openSession } from '../../src/main/core/models/providers';

const t = tmpDir('es-models-');
const data = path.join(t.dir, 'data');
let files: ReturnType<typeof writeTinyModels>;
const noNotes = () => {};

beforeAll(async () => {
  files = writeTinyModels(path.join(t.dir, 'mirror'));
  await importModel(data, 'wav2vec2-base-960h', files.wav2vec2);
  await importModel(data, 'resnet-50', files.resnet);
  await importModel(data, 'all-MiniLM-L6-v2', files.minilm, files.tokenizer);
});
afterAll(() => t.cleanup());

function l2(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-4) {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  expect(worst).toBeLessThan(tol);
}

describe('MiniLM: tokenizer, mean pooling over the mask, L2 norm, batching', () => {
  it('tokenizes with the tokenizer.json WordPiece (lower case, punctuation, ##pieces, [UNK]) and truncates keeping [SEP]', () => {
    const tok = loadTokenizer(files.tokenizer);
    const ids = (s: string) => tokenize(tok, s, 256).ids.map((i) => TINY_VOCAB[i]);
    expect(ids('Hello, WORLD!')).toEqual(['[CLS]', 'hello', ',', 'world', '!', '[SEP]']);
    expect(ids('playing plays')).toEqual(['[CLS]', 'play', '##ing', 'play', '##s', '[SEP]']);
    expect(ids('xylophone')).toEqual(['[CLS]', '[UNK]', '[SEP]']);
    const cut = tokenize(tok, 'oh my god no yes it is fine', 5);
    expect(cut.ids.map((i) => TINY_VOCAB[i])).toEqual(['[CLS]', 'oh', 'my', 'god', '[SEP]']);
    expect(cut.typeIds).toEqual([0, 0, 0, 0, 0]);
  });

  it("accepts an export that names the output token_embeddings (sentence-transformers' name) and reads it", async () => {
    const d = path.join(t.dir, 'data-st');
    const f = path.join(t.dir, 'st.onnx');
    fs.writeFileSync(f, tinyMiniLm({ outputName: 'token_embeddings' }));
    const r = await importModel(d, 'all-MiniLM-L6-v2', f, files.tokenizer);
    expect(r.model.info.output).toBe('token_embeddings');
    const a = await MiniLmEncoder.open(r.model, 'cpu', noNotes);
    const b = await MiniLmEncoder.open(findInstalled(data, 'all-MiniLM-L6-v2')!, 'cpu', noNotes);
    expectClose((await a.embed(['oh my god']))[0], (await b.embed(['oh my god']))[0], 1e-6);
    await a.release();
    await b.release();
  });

  it('matches the hand computation, and a padded batch gives the same vectors as one text at a time', async () => {
    const model = findInstalled(data, 'all-MiniLM-L6-v2')!;
    const enc = await MiniLmEncoder.open(model, 'cpu', noNotes, { batchSize: 8 });
    const texts = ['hello world', 'oh my god, you are happy!', 'fine', 'what is the good play?'];
    const batched = await enc.embed(texts);
    const { E, T, M } = minilmWeights();
    const tok = loadTokenizer(files.tokenizer);
    for (let k = 0; k < texts.length; k++) {
      const { ids } = tokenize(tok, texts[k], 256);
      const want = new Float64Array(384);
      for (const id of ids) for (let d = 0; d < 384; d++) want[d] += (E[id * 384 + d] + T[d] + M[d]) / ids.length;
      const n = l2(want);
      expectClose(
        batched[k],
        Array.from(want, (x) => x / n),
      );
      expect(l2(batched[k])).toBeCloseTo(1, 5);
      const [alone] = await enc.embed([texts[k]]);
      expectClose(batched[k], alone, 1e-5);
    }
    await enc.release();
  });
});

describe('wav2vec2: normalisation, chunks, mean over time', () => {
  function handEmbedding(x: Float32Array, ranges: [number, number][]): Float64Array {
    const { W, B } = w2vWeights();
    const D = W2V.dim,
      K = W2V.kernel,
      S = W2V.stride;
    const sum = new Float64Array(D);
    let frames = 0;
    for (const [s, e] of ranges) {
      const T = Math.floor((e - s - K) / S) + 1;
      for (let f = 0; f < T; f++) {
        for (let d = 0; d < D; d++) {
          let acc = B[d];
          const base = s + f * S;
          for (let k = 0; k < K; k++) acc += W[d * K + k] * x[base + k];
          sum[d] += acc;
        }
      }
      frames += T;
    }
    return sum.map((v) => v / frames);
  }

  const pcm = new Float32Array(16000 * 2.3);
  for (let i = 0; i < pcm.length; i++) pcm[i] = 0.3 * Math.sin((2 * Math.PI * 220 * i) / 16000) + 0.05 + 0.01 * Math.sin(i * 0.37);

  it('normalises to zero mean and unit variance', () => {
    const x = normalizeWaveform(pcm);
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    const v = x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length;
    expect(Math.abs(mean)).toBeLessThan(1e-5);
    expect(v).toBeCloseTo(1, 4);
  });

  it('one chunk and several chunks both match the hand computation (frame-weighted mean)', async () => {
    const model = findInstalled(data, 'wav2vec2-base-960h')!;
    const x = normalizeWaveform(pcm);
    const whole = await Wav2Vec2Encoder.open(model, 'cpu', noNotes, { chunkSeconds: 20 });
    expectClose(await whole.embed(pcm), handEmbedding(x, [[0, x.length]]));
    const chunked = await Wav2Vec2Encoder.open(model, 'cpu', noNotes, { chunkSeconds: 0.5 });
    const ranges = chunkRanges(x.length, 8000);
    expect(ranges).toEqual([
      [0, 8000],
      [8000, 16000],
      [16000, 24000],
      [24000, 32000],
      [32000, 36800],
    ]);
    // a tail shorter than 0.2 s joins the chunk before it
    expect(chunkRanges(33600, 8000)).toEqual([
      [0, 8000],
      [8000, 16000],
      [16000, 24000],
      [24000, 33600],
    ]);
    expectClose(await chunked.embed(pcm), handEmbedding(x, ranges));
    await expect(whole.embed(new Float32Array(100))).rejects.toThrow(/too short/);
    await whole.release();
    await chunked.release();
  });
});

describe('ResNet-50: ImageNet normalisation, pooled 2048-d per frame, batches across frames', () => {
  it('matches the hand computation for flat-colour frames, in batches of 16', async () => {
    const model = findInstalled(data, 'resnet-50')!;
    const enc = await ResNetEncoder.open(model, 'cpu', noNotes, { batchSize: 16 });
    const n = 20; // two runs: 16 + 4
    const rgb = new Uint8Array(n * CROP * CROP * 3);
    const colour = (f: number) => [(f * 37) % 256, (f * 91 + 20) % 256, (255 - f * 13) % 256];
    for (let f = 0; f < n; f++) for (let p = 0; p < CROP * CROP; p++) rgb.set(colour(f), (f * CROP * CROP + p) * 3);
    const px = toPixelValues(rgb, n);
    expect(px[0]).toBeCloseTo((colour(0)[0] / 255 - IMAGENET_MEAN[0]) / IMAGENET_STD[0], 5);
    expect(px[CROP * CROP]).toBeCloseTo((colour(0)[1] / 255 - IMAGENET_MEAN[1]) / IMAGENET_STD[1], 5); // NCHW: channel 1 after the whole channel 0
    const out = await enc.embed(px, n);
    expect(out).toHaveLength(n);
    const { W, B } = resnetWeights();
    for (let f = 0; f < n; f++) {
      const norm = colour(f).map((c, ch) => (c / 255 - IMAGENET_MEAN[ch]) / IMAGENET_STD[ch]);
      const want = Array.from({ length: 2048 }, (_, c) => B[c] + W[c * 3] * norm[0] + W[c * 3 + 1] * norm[1] + W[c * 3 + 2] * norm[2]);
      expectClose(out[f], want);
    }
    await enc.release();
  });
});

describe('published exports with a task head', () => {
  it('import exposes the head input (CTC lm_head, ImageNet classifier) and it equals the plain model output', async () => {
    const d2 = path.join(t.dir, 'data-heads');
    const heads = writeTinyModels(path.join(t.dir, 'mirror-heads'), { publishedHeads: true });
    const w = await importModel(d2, 'wav2vec2-base-960h', heads.wav2vec2);
    expect(w.tapped).toBe('encoder_out');
    const r = await importModel(d2, 'resnet-50', heads.resnet);
    expect(r.tapped).toBe('pooler_output'); // an inner tensor that kept the name is declared an output as it is
    const pcm = new Float32Array(16000).map((_, i) => Math.sin(i / 7));
    const a = await Wav2Vec2Encoder.open(findInstalled(d2, 'wav2vec2-base-960h')!, 'cpu', noNotes);
    const b = await Wav2Vec2Encoder.open(findInstalled(data, 'wav2vec2-base-960h')!, 'cpu', noNotes);
    expectClose(await a.embed(pcm), await b.embed(pcm), 1e-5);
    const px = new Float32Array(3 * CROP * CROP).map((_, i) => Math.cos(i / 1000));
    const ra = await ResNetEncoder.open(findInstalled(d2, 'resnet-50')!, 'cpu', noNotes);
    const rb = await ResNetEncoder.open(findInstalled(data, 'resnet-50')!, 'cpu', noNotes);
    expectClose((await ra.embed(px, 1))[0], (await rb.embed(px, 1))[0], 1e-4);
    // the original head output is still there, and the installed version is the published file's hash
    expect(findInstalled(d2, 'resnet-50')!.info.sha256).toMatch(/^[0-9a-f]{64}$/);
    for (const e of [a, b, ra, rb]) await e.release();
  });

  it('import refuses a model with the wrong inputs, naming the mismatch, and installs nothing', async () => {
    const d3 = path.join(t.dir, 'data-wrong');
    const f = path.join(t.dir, 'wrong.onnx');
    fs.writeFileSync(f, tinyResNet({ inputName: 'image' }));
    await expect(importModel(d3, 'resnet-50', f)).rejects.toThrow(
      /input 'pixel_values' \(float32 \[batch_size, 3, 224, 224\]\) is missing; input 'image' .* is not one of the model's inputs/,
    );
    fs.writeFileSync(f, tinyWav2Vec2());
    await expect(importModel(d3, 'resnet-50', f)).rejects.toThrow(/input 'pixel_values'.*is missing.*output 'pooler_output' is missing/);
    fs.writeFileSync(f, tinyMiniLm());
    await expect(importModel(d3, 'all-MiniLM-L6-v2', f)).rejects.toThrow(/needs its tokenizer/);
    fs.writeFileSync(f, 'not a model');
    await expect(importModel(d3, 'wav2vec2-base-960h', f)).rejects.toThrow(/is not a loadable ONNX model/);
    // weights in a sibling .data file (external data): refused with the reason, even with the file beside it
    const ext = path.join(t.dir, 'ext', 'model.onnx');
    fs.mkdirSync(path.dirname(ext), { recursive: true });
    fs.writeFileSync(ext, tinyResNet({ externalWeights: true }));
    fs.writeFileSync(`${ext}.data`, Buffer.from(resnetWeights().W.buffer));
    await expect(importModel(d3, 'resnet-50', ext)).rejects.toThrow(
      `${ext} keeps its weights in a separate external-data file; only single-file ONNX models can be installed`,
    );
    const tokBad = path.join(t.dir, 'tok.json');
    fs.writeFileSync(tokBad, '{"model": {}}');
    await expect(importModel(d3, 'all-MiniLM-L6-v2', f.replace('wrong', 'wrong2'), tokBad)).rejects.toThrow(/cannot read/);
    expect(findInstalled(d3, 'resnet-50')).toBeNull();
    expect(findInstalled(d3, 'wav2vec2-base-960h')).toBeNull();
    expect(tinyTokenizerJson()).toContain('WordPiece');
  });
});

describe('execution provider choice', () => {
  it('cpu is only cpu; an explicit GPU provider falls back to cpu', () => {
    expect(candidates('cpu')).toEqual(['cpu']);
    expect(candidates('cuda')).toEqual(['cuda', 'cpu']);
    expect(candidates('webgpu')).toEqual(['webgpu', 'cpu']);
    expect(candidates('auto').at(-1)).toBe('cpu');
  });

  it.skipIf(cudaLibrariesInstalled())('--device cuda without its libraries: cpu, with one line naming the install command', async () => {
    const lines: string[] = [];
    const s = await openSession(files.resnet, 'cuda', (l) => lines.push(l), 1);
    expect(s.provider).toBe('cpu');
    expect(lines).toEqual([`cuda execution provider unavailable (its provider libraries are not installed: ${CUDA_INSTALL}); using cpu`]);
    await s.session.release();
  });

  it.skipIf(gpuDevicePresent())('--device webgpu without a GPU device: cpu, with one line (once per process) saying so', async () => {
    const lines: string[] = [];
    for (let k = 0; k < 2; k++) {
      const s = await openSession(files.resnet, 'webgpu', (l) => lines.push(l), 1);
      expect(s.provider).toBe('cpu');
      await s.session.release();
    }
    expect(lines).toEqual(['webgpu execution provider unavailable (no GPU device found (/dev/dri/renderD*, /dev/nvidia0)); using cpu']);
  });

  it.skipIf(cudaLibrariesInstalled() || gpuDevicePresent())(
    'auto on a machine without a GPU: cpu, and one line (once per process) saying why',
    async () => {
      const lines: string[] = [];
      for (let k = 0; k < 2; k++) {
        const s = await openSession(files.resnet, 'auto', (l) => lines.push(l), 1);
        expect(s.provider).toBe('cpu');
        await s.session.release();
      }
      expect(lines).toEqual([`device auto: using cpu (CUDA provider libraries not installed (${CUDA_INSTALL}); no GPU device for WebGPU)`]);
    },
  );
});
