// Bundles the renderer (React + MUI + plotly.js) for the browser with esbuild into out/renderer:
// index.html + ES modules + CSS, nothing from a CDN, no inline script (it must run under a strict CSP:
// script-src 'self'). plotly.js is split into its own chunk, loaded only when a plot is shown.
import { build } from 'esbuild';
import { STAMP, writeStamp } from './build-stamp.mjs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

// built beside and swapped in at the end, so a running `serve` never finds the folder half-written
const target = 'out/renderer';
const outdir = `out/renderer.build-${process.pid}`;
await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });

const result = await build({
  entryPoints: { main: 'src/renderer/src/main.tsx' },
  outdir: path.join(outdir, 'assets'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome120'],
  jsx: 'automatic',
  minify: true,
  sourcemap: true,
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
  chunkNames: 'chunk-[hash]',
  metafile: true,
});
writeStamp({ inputs: { ...result.metafile.inputs, 'src/renderer/index.html': {} } }, path.join(outdir, STAMP));

// The source page points at the TypeScript entry (as electron-vite expects); the built page at the bundle.
const html = await readFile('src/renderer/index.html', 'utf8');
const built = html.replace(
  /<script type="module" src="\.\/src\/main\.tsx"><\/script>/,
  '<script type="module" src="./assets/main.js"></script>',
);
if (built === html) throw new Error('src/renderer/index.html: the module script ./src/main.tsx was not found');
await writeFile(path.join(outdir, 'index.html'), built);
// another build may swap its own copy in between the two steps: try again then
for (let attempt = 0; ; attempt++) {
  await rm(target, { recursive: true, force: true });
  try {
    await rename(outdir, target);
    break;
  } catch (e) {
    if (attempt >= 3) throw e;
  }
}
