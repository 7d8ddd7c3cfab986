// Bundles the headless core (CLI + extraction worker) to out/node with esbuild.
// Native and heavy packages stay external and are loaded from node_modules at run time.
import { build } from 'esbuild';
import { STAMP, writeStamp } from './build-stamp.mjs';

const result = await build({
  entryPoints: {
    cli: 'src/main/cli/main.ts',
    'extract-worker': 'src/main/core/jobs/extract-worker.ts',
    'train-worker': 'src/main/core/learn/train-worker.ts',
    'linear-worker': 'src/main/core/classify/linear-worker.ts',
  },
  outdir: 'out/node',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  packages: 'external',
  logLevel: 'warning',
  metafile: true,
});
writeStamp(result.metafile, `out/node/${STAMP}`);
