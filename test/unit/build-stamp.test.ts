// The "build first" check of tests that run out/: a build stamp written by scripts/build-stamp.mjs
// matches the sources it was made from, and any change, removal or missing stamp is reported.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { staleBuild } from '../helpers/built';
import { tmpDir } from '../helpers/tmp';

describe('build stamp', () => {
  it('fresh, then stale when a source changes or goes, and missing without a stamp', async () => {
    const t = tmpDir('es-stamp-');
    try {
      const { writeStamp } = (await import(path.resolve(__dirname, '../../scripts/build-stamp.mjs'))) as {
        writeStamp: (m: { inputs: Record<string, unknown> }, file: string) => void;
      };
      expect(staleBuild('node', t.dir)).toMatch(/out\/node is not built/);
      fs.mkdirSync(path.join(t.dir, 'src'), { recursive: true });
      fs.mkdirSync(path.join(t.dir, 'out', 'node'), { recursive: true });
      fs.writeFileSync(path.join(t.dir, 'src', 'a.ts'), 'export const a = 1;\n');
      fs.writeFileSync(path.join(t.dir, 'src', 'b.ts'), 'export const b = 2;\n');
      fs.writeFileSync(path.join(t.dir, 'package-lock.json'), '{}\n');
      const cwd = process.cwd();
      process.chdir(t.dir); // the stamp names inputs relative to the repository root, as esbuild does
      try {
        writeStamp(
          { inputs: { 'src/a.ts': {}, 'src/b.ts': {}, 'node_modules/x/index.js': {} } },
          path.join('out', 'node', 'build-inputs.json'),
        );
      } finally {
        process.chdir(cwd);
      }
      const stamp = JSON.parse(fs.readFileSync(path.join(t.dir, 'out', 'node', 'build-inputs.json'), 'utf8'));
      expect(Object.keys(stamp.inputs)).toEqual(['package-lock.json', 'src/a.ts', 'src/b.ts']);
      expect(staleBuild('node', t.dir)).toBeNull();
      fs.writeFileSync(path.join(t.dir, 'src', 'a.ts'), 'export const a = 3;\n');
      expect(staleBuild('node', t.dir)).toBe('out/node is older than the sources (src/a.ts changed since the build)');
      fs.writeFileSync(path.join(t.dir, 'src', 'a.ts'), 'export const a = 1;\n');
      expect(staleBuild('node', t.dir)).toBeNull();
      fs.rmSync(path.join(t.dir, 'src', 'b.ts'));
      expect(staleBuild('node', t.dir)).toMatch(/src\/b\.ts changed/);
    } finally {
      t.cleanup();
    }
  });
});
