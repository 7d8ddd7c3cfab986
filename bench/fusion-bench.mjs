#!/usr/bin/env node
// Fusion network speed on synthetic data of MELD's training size (9,989 rows, 7 classes):
// seconds per training epoch (tfjs-core, wasm backend), parameters, an analytic FLOP estimate, and
// ONNX inference rows/s (onnxruntime-node).
//
//   node bench/fusion-bench.mjs [--sizes builtin,pretrained] [--kinds seed,concat] [--epochs 1]
//                               [--rows 9989] [--batch 128] [--hidden 128] [--threads N] [--json]
// builtin:    audio 60 DSP stats, text 4096 hashed TF-IDF, video 10 x 3 per-frame stats
// pretrained: audio 768 wav2vec2 + 60 DSP (828), text 384 MiniLM, video 10 x 2048 ResNet-50
import { build } from 'esbuild';
import { benchArgs } from './args.mjs';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = benchArgs();
const sizes = (args.sizes ?? 'builtin,pretrained').split(',');
const kinds = (args.kinds ?? 'seed,concat').split(',');
const epochs = Number(args.epochs ?? 1);
const rows = Number(args.rows ?? 9989);
const batchSize = Number(args.batch ?? 128);
const threads = args.threads ? Number(args.threads) : undefined;
const hidden = Number(args.hidden ?? 128);

// bundle the TypeScript sources once (native and heavy packages stay in node_modules)
// (inside node_modules/.cache so that the bundle resolves the packages from the project)
fs.mkdirSync(path.join(root, 'node_modules/.cache'), { recursive: true });
const tmp = fs.mkdtempSync(path.join(root, 'node_modules/.cache/fusion-bench-'));
const outfile = path.join(tmp, 'fusion.cjs');
await build({
  stdin: {
    contents: [
      "export * from './src/main/core/fusion/index.ts';",
      "export { forwardMacs } from './src/main/core/fusion/model.ts';",
      "export { synthetic } from './test/fixtures/fusion/synthetic.ts';",
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
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
const require = createRequire(path.join(root, 'package.json'));
const { trainFusion, FusionRunner, forwardMacs, synthetic } = require(outfile);

const configs = {
  builtin: { dA: 60, audioParts: [50, 10], dT: 4096, framesV: 10, dV: 3 },
  pretrained: { dA: 828, audioParts: [768, 50, 10], dT: 384, framesV: 10, dV: 2048 },
};
const nClasses = 7;
const results = [];
const log = (s) => process.stderr.write(s + '\n');

for (const size of sizes) {
  const c = configs[size];
  if (!c) throw new Error(`unknown size ${size}`);
  const t0 = performance.now();
  const { x, y } = synthetic({ n: rows, nClasses, dA: c.dA, dT: c.dT, framesV: c.framesV, dV: c.dV, signal: 'text', strength: 3, seed: 1 });
  log(`[${size}] ${rows} rows generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  for (const kind of kinds) {
    const opts = { kind, seed: 1, epochs, batchSize, hidden, patience: epochs + 1, audioParts: c.audioParts };
    const trained = await trainFusion(x, y, nClasses, {
      ...opts,
      onProgress: (p) =>
        log(
          `[${size}/${kind}] epoch ${p.epoch}/${p.epochs} train ${p.trainLoss.toFixed(4)} val ${p.valLoss.toFixed(4)} acc ${p.valAcc.toFixed(3)}`,
        ),
    });
    const spec = { kind, dims: trained.dims, nClasses, hidden, heads: 8, audioParts: c.audioParts };
    const macs = forwardMacs(spec);
    const trainRows = rows - Math.round(rows * 0.1);
    // training ~ 3 x forward (forward, input gradients, weight gradients) at 2 FLOP per MAC
    const trainGflop = (3 * 2 * macs * trainRows + 2 * macs * (rows - trainRows)) / 1e9;
    const runner = await FusionRunner.create(trained.onnx, threads ? { intraOpNumThreads: threads } : {});
    await runner.outputs({ audio: x.audio.slice(0, 64), text: x.text.slice(0, 64), video: x.video.slice(0, 64), framesV: c.framesV }); // warm-up
    const t1 = performance.now();
    const out = await runner.represent(x);
    const inferS = (performance.now() - t1) / 1000;
    await runner.release();
    const r = {
      size,
      kind,
      rows,
      batchSize,
      hidden,
      epochs: trained.history.length,
      secondsPerEpoch: +trained.secondsPerEpoch.toFixed(2),
      params: trained.params,
      forwardMFlopPerRow: +((2 * macs) / 1e6).toFixed(2),
      estGflopPerEpoch: +trainGflop.toFixed(1),
      achievedGflops: +(trainGflop / trained.secondsPerEpoch).toFixed(2),
      onnxBytes: trained.onnx.length,
      onnxRowsPerSecond: Math.round(out.length / inferS),
      reprDim: out[0].length,
    };
    results.push(r);
    log(
      `[${size}/${kind}] ${r.secondsPerEpoch} s/epoch, ${r.params} params, ~${r.estGflopPerEpoch} GFLOP/epoch (${r.achievedGflops} GFLOP/s), ONNX ${r.onnxRowsPerSecond} rows/s`,
    );
  }
}
if (args.json) console.log(JSON.stringify(results, null, 2));
else console.table(results);
