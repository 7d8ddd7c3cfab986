#!/usr/bin/env node
// Pretrained-encoder speed on this machine's CPU, with the real architectures (random weights):
// ResNet-50 frames/s, wav2vec2 real-time factor and all-MiniLM-L6-v2 sentences/s, through the
// tool's own encoder code (preprocessing, batching, pooling) and onnxruntime-node.
// The models are exported once by bench/python/export_encoders.py with the Python reference venv
// (.venv-pyref, torch) and cached in ~/.cache/emotion-studio-bench/encoders (never in the repo).
//
//   npm run bench:encoders -- [--python PATH] [--device cpu|auto|cuda|webgpu] [--threads N] [--frames 96]
//                             [--clips 8] [--clip-seconds 3.6] [--sentences 1000] [--json]
import { build } from 'esbuild';
import { benchArgs } from './args.mjs';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = benchArgs();
const device = args.device ?? 'cpu';
const threads = args.threads ? Number(args.threads) : os.availableParallelism();
const nFrames = Number(args.frames ?? 96);
const nClips = Number(args.clips ?? 8);
const clipSeconds = Number(args['clip-seconds'] ?? 3.6);
const nSentences = Number(args.sentences ?? 1000);
const log = (s) => process.stderr.write(s + '\n');

// 1. the models (exported once, cached)
const cache = path.join(os.homedir(), '.cache', 'emotion-studio-bench', 'encoders');
const names = ['resnet-50', 'wav2vec2-base-960h', 'all-MiniLM-L6-v2'];
if (names.some((n) => !fs.existsSync(path.join(cache, n, 'model.onnx')))) {
  // any python with torch + onnx (+ onnxscript for torch's exporter): --python, $BENCH_PYTHON, or the reference venv
  const py = args.python ?? process.env.BENCH_PYTHON ?? path.join(root, '.venv-pyref', 'bin', 'python');
  if (!fs.existsSync(py)) {
    log(
      `bench:encoders needs a python with torch and onnx to export the models once: bash scripts/pyref/setup.sh, or --python PATH / BENCH_PYTHON (looked for ${py})`,
    );
    process.exit(2);
  }
  log(`exporting the three architectures (random weights) to ${cache} with ${py} ...`);
  const r = spawnSync(py, [path.join(root, 'bench/python/export_encoders.py'), cache], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// 2. MELD sentences (or generated ones) and a WordPiece tokenizer.json whose vocabulary has the real
//    size (30522): words of those sentences, then unused slots
function meldSentences() {
  const candidates = [path.resolve(root, '../shared/data/meld/train_sent_emo.csv'), '/work/shared/data/meld/train_sent_emo.csv'];
  const f = candidates.find((p) => fs.existsSync(p));
  if (!f) return null;
  const req = createRequire(path.join(root, 'package.json'));
  const { parse } = req('csv-parse/sync');
  const rows = parse(fs.readFileSync(f, 'latin1'), { columns: true, relax_column_count: true });
  return rows.map((r) => r.Utterance).filter(Boolean);
}
const words = 'so what are you doing tonight i don t know maybe we could go see a movie oh my god that is amazing no way really yeah'.split(
  ' ',
);
const sentences = (
  meldSentences() ??
  Array.from({ length: nSentences }, (_, i) =>
    Array.from({ length: 4 + (i % 17) }, (_, k) => words[(i * 7 + k * 3) % words.length]).join(' '),
  )
).slice(0, nSentences);
const tokFile = path.join(cache, 'all-MiniLM-L6-v2', 'tokenizer.json');
if (!fs.existsSync(tokFile)) {
  const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
  const seen = new Set(vocab);
  for (const s of sentences)
    for (const w of s.toLowerCase().match(/[a-z0-9]+|[^\sa-z0-9]/g) ?? [])
      if (!seen.has(w)) {
        seen.add(w);
        vocab.push(w);
      }
  for (let i = 0; vocab.length < 30522; i++) vocab.push(`[unused${i}]`);
  const tok = (t) => ({ id: t, ids: [vocab.indexOf(t)], tokens: [t] });
  fs.writeFileSync(
    tokFile,
    JSON.stringify({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: vocab
        .slice(0, 5)
        .map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
      normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
      pre_tokenizer: { type: 'BertPreTokenizer' },
      post_processor: {
        type: 'TemplateProcessing',
        single: [
          { SpecialToken: { id: '[CLS]', type_id: 0 } },
          { Sequence: { id: 'A', type_id: 0 } },
          { SpecialToken: { id: '[SEP]', type_id: 0 } },
        ],
        pair: [],
        special_tokens: { '[CLS]': tok('[CLS]'), '[SEP]': tok('[SEP]') },
      },
      decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
      model: {
        type: 'WordPiece',
        unk_token: '[UNK]',
        continuing_subword_prefix: '##',
        max_input_chars_per_word: 100,
        vocab: Object.fromEntries(vocab.map((t, i) => [t, i])),
      },
    }),
  );
}

// 3. the tool's encoder code, bundled from the TypeScript sources
fs.mkdirSync(path.join(root, 'node_modules/.cache'), { recursive: true });
const tmp = fs.mkdtempSync(path.join(root, 'node_modules/.cache/encoders-bench-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
const outfile = path.join(tmp, 'encoders.cjs');
await build({
  stdin: {
    contents: [
      "export { importModel } from './src/main/core/models/install.ts';",
      "export { findInstalled } from './src/main/core/models/store.ts';",
      "export { Wav2Vec2Encoder } from './src/main/core/encoders/wav2vec2.ts';",
      "export { ResNetEncoder, toPixelValues } from './src/main/core/encoders/resnet.ts';",
      "export { MiniLmEncoder } from './src/main/core/encoders/minilm.ts';",
    ].join('\n'),
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  outfile,
  logLevel: 'warning',
});
const require = createRequire(path.join(root, 'package.json'));
const { importModel, findInstalled, Wav2Vec2Encoder, ResNetEncoder, toPixelValues, MiniLmEncoder } = require(outfile);

// the models go through the same import check as a user's (a data folder of the bench's own)
const data = path.join(tmp, 'data');
await importModel(data, 'resnet-50', path.join(cache, 'resnet-50', 'model.onnx'));
await importModel(data, 'wav2vec2-base-960h', path.join(cache, 'wav2vec2-base-960h', 'model.onnx'));
await importModel(data, 'all-MiniLM-L6-v2', path.join(cache, 'all-MiniLM-L6-v2', 'model.onnx'), tokFile);
const notes = (l) => log(`note: ${l}`);
const results = [];
const now = () => performance.now() / 1000;

// ResNet-50: rgb frames -> ImageNet normalisation -> batches of 16 -> 2048-d per frame
{
  const enc = await ResNetEncoder.open(findInstalled(data, 'resnet-50'), device, notes, { threads, batchSize: 16 });
  const rgb = new Uint8Array(nFrames * 224 * 224 * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 2654435761) >>> 24;
  await enc.embed(toPixelValues(rgb.subarray(0, 16 * 224 * 224 * 3), 16), 16); // warm-up
  const t0 = now();
  const out = await enc.embed(toPixelValues(rgb, nFrames), nFrames);
  const s = now() - t0;
  if (out.length !== nFrames || out[0].length !== 2048) throw new Error('resnet-50: unexpected output');
  results.push({
    model: 'resnet-50',
    metric: 'frames/s',
    value: nFrames / s,
    target: '>= 15',
    ok: nFrames / s >= 15,
    provider: enc.provider,
    threads: enc.threads,
    work: `${nFrames} frames 224x224, batch 16`,
    seconds: s,
  });
  await enc.release();
}

// wav2vec2: MELD-length utterances, one per run (no attention mask), RTF = compute / audio time
{
  const enc = await Wav2Vec2Encoder.open(findInstalled(data, 'wav2vec2-base-960h'), device, notes, { threads });
  const n = Math.round(clipSeconds * 16000);
  const clip = (k) =>
    Float32Array.from(
      { length: n },
      (_, i) => 0.3 * Math.sin((2 * Math.PI * (120 + 20 * k) * i) / 16000) + 0.05 * Math.sin(i * 0.731 * (k + 1)),
    );
  await enc.embed(clip(99)); // warm-up
  const clips = Array.from({ length: nClips }, (_, k) => clip(k));
  const t0 = now();
  for (const c of clips) await enc.embed(c);
  const s = now() - t0;
  const rtf = s / (nClips * clipSeconds);
  results.push({
    model: 'wav2vec2-base-960h',
    metric: 'real-time factor',
    value: rtf,
    target: '<= 0.1',
    ok: rtf <= 0.1,
    provider: enc.provider,
    threads: enc.threads,
    work: `${nClips} clips of ${clipSeconds} s`,
    seconds: s,
  });
  await enc.release();
}

// MiniLM: tokenizer + batches of 32 (length-sorted) + masked mean + L2
{
  const enc = await MiniLmEncoder.open(findInstalled(data, 'all-MiniLM-L6-v2'), device, notes, { threads, batchSize: 32 });
  await enc.embed(sentences.slice(0, 64)); // warm-up
  const t0 = now();
  const out = await enc.embed(sentences);
  const s = now() - t0;
  if (out.length !== sentences.length || out[0].length !== 384) throw new Error('all-MiniLM-L6-v2: unexpected output');
  const avgTokens = sentences.reduce((a, x) => a + enc.tokenize(x).ids.length, 0) / sentences.length;
  results.push({
    model: 'all-MiniLM-L6-v2',
    metric: 'sentences/s',
    value: sentences.length / s,
    target: '>= 200',
    ok: sentences.length / s >= 200,
    provider: enc.provider,
    threads: enc.threads,
    work: `${sentences.length} MELD sentences (mean ${avgTokens.toFixed(1)} tokens), batch 32`,
    seconds: s,
  });
  await enc.release();
}

const machine = `${os.cpus()[0]?.model ?? 'cpu'} x${os.availableParallelism()}, load ${os.loadavg()[0].toFixed(2)}`;
if (args.json) process.stdout.write(JSON.stringify({ machine, device, results }, null, 2) + '\n');
else {
  console.log(`pretrained encoders, random weights, ${machine}`);
  console.log(
    `${'model'.padEnd(20)} ${'metric'.padEnd(17)} ${'value'.padStart(8)}  ${'target'.padEnd(7)} ${'met'.padEnd(4)} provider threads  work`,
  );
  for (const r of results) {
    console.log(
      `${r.model.padEnd(20)} ${r.metric.padEnd(17)} ${r.value.toFixed(r.value < 1 ? 3 : 1).padStart(8)}  ${r.target.padEnd(7)} ${(r.ok ? 'yes' : 'NO').padEnd(4)} ${r.provider.padEnd(8)} ${String(r.threads).padStart(7)}  ${r.work} in ${r.seconds.toFixed(1)} s`,
    );
  }
}
fs.mkdirSync(path.join(root, 'bench/results'), { recursive: true });
fs.writeFileSync(
  path.join(root, 'bench/results/encoders.json'),
  JSON.stringify({ date: new Date().toISOString(), machine, device, results }, null, 2) + '\n',
);
