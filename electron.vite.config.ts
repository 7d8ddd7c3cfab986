import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

// main and preload are bundled for Electron; the core they import stays plain Node (no electron).
export default defineConfig({
  main: {
    build: { rollupOptions: { external: ['better-sqlite3', 'onnxruntime-node'] } },
  },
  preload: {},
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: { rollupOptions: { input: resolve(__dirname, 'src/renderer/index.html') } },
  },
});
