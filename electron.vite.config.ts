import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

// main and preload are bundled for Electron; the core they import stays plain Node (no electron).
export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        // the extraction worker sits beside index.js (worker-pool.ts looks there first); playwright-core
        // is only the CLI's PDF printer (the app prints with webContents.printToPDF), never bundled
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          'extract-worker': resolve(__dirname, 'src/main/core/jobs/extract-worker.ts'),
          'train-worker': resolve(__dirname, 'src/main/core/learn/train-worker.ts'),
          'linear-worker': resolve(__dirname, 'src/main/core/classify/linear-worker.ts'),
        },
        external: ['better-sqlite3', 'onnxruntime-node', 'playwright-core'],
      },
    },
  },
  preload: {},
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: {
      // not out/renderer: that is the browser-mode build (`npm run build`, with its build stamp) that
      // `serve` and the tests use; the two builds never overwrite each other
      outDir: resolve(__dirname, 'out/app-renderer'),
      rollupOptions: {
        input: resolve(__dirname, 'src/renderer/index.html'),
        // MUI's 'use client' directives mean nothing here (no server components): not worth a warning each
        onwarn(w, warn) {
          if (w.code !== 'MODULE_LEVEL_DIRECTIVE') warn(w);
        },
      },
    },
  },
});
