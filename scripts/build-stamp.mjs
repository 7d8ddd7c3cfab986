// Records what a build was made from: the SHA-256 of each source file esbuild read (node_modules
// stand for themselves through package-lock.json), so tests can refuse a stale out/ (test/helpers/built.ts).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

export const STAMP = 'build-inputs.json';

export function stampInputs(metafile) {
  const files = Object.keys(metafile.inputs).filter((f) => !f.includes('node_modules/') && !f.startsWith('<'));
  files.push('package-lock.json');
  return Object.fromEntries(files.sort().map((f) => [f, createHash('sha256').update(readFileSync(f)).digest('hex')]));
}

export function writeStamp(metafile, file) {
  writeFileSync(file, JSON.stringify({ inputs: stampInputs(metafile) }, null, 1) + '\n');
}
