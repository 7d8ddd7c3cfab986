#!/usr/bin/env node
// npm run bench: bundles bench/features-bench.ts with esbuild and runs it. The classifier and fusion
// benchmarks are separate (npm run bench:classify, npm run bench:fusion): they take minutes.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outfile = path.join(root, 'out', 'bench', 'features-bench.js');
await build({ entryPoints: [path.join(root, 'bench/features-bench.ts')], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', logLevel: 'warning' });
const r = spawnSync(process.execPath, [outfile, ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
