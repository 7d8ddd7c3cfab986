// The layer rule of eslint.config.mjs, run through ESLint's Node API with the repository's own config:
// deliberate violations (electron in core, node:fs in features, core from the renderer...) fail the lint.
import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..');
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT, overrideConfigFile: path.join(ROOT, 'eslint.config.mjs') });
});

/** Lints `code` as if it were the file `rel` (relative to the root); returns the layer messages. */
async function layerErrors(rel: string, code: string): Promise<string[]> {
  const [res] = await eslint.lintText(code, { filePath: path.join(ROOT, rel) });
  const fatal = res.messages.filter((m) => m.fatal);
  expect(fatal, `${rel} did not parse`).toEqual([]);
  return res.messages.filter((m) => m.ruleId === 'layers/boundaries' && m.severity === 2).map((m) => m.message);
}

describe('layer boundaries (eslint.config.mjs)', () => {
  it('SQL outside store/ fails the lint; the same statement inside store/ is fine', async () => {
    const code =
      "import type { Db } from '../store/db';\nexport const n = (db: Db) => db.prepare('SELECT COUNT(*) FROM utterance').get();\n";
    for (const file of ['src/main/core/jobs/lint-probe.ts', 'src/main/core/api/lint-probe.ts', 'src/main/core/learn/lint-probe.ts']) {
      const [res] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
      expect(
        res.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message),
        file,
      ).toEqual([expect.stringContaining('SQL belongs in src/main/core/store/')]);
    }
    const [inStore] = await eslint.lintText(code.replace("'../store/db'", "'./db'"), {
      filePath: path.join(ROOT, 'src/main/core/store/lint-probe.ts'),
    });
    expect(inStore.messages.filter((m) => m.ruleId === 'no-restricted-syntax')).toEqual([]);
  });

  it('an electron import in core fails the lint, in every import form', async () => {
    const file = 'src/main/core/jobs/lint-probe.ts';
    const forms = [
      "import { app } from 'electron';\nexport const x = app;\n",
      "import type { BrowserWindow } from 'electron';\nexport type W = BrowserWindow;\n",
      "export { app } from 'electron';\n",
      "export async function f() { return import('electron'); }\n",
      "export const e = require('electron');\n",
    ];
    for (const code of forms) {
      const errs = await layerErrors(file, code);
      expect(errs, code).toHaveLength(1);
      expect(errs[0]).toContain("'electron' must not be imported in the core layer");
    }
    // the same file without the electron import is clean
    expect(await layerErrors(file, "import fs from 'node:fs';\nimport { z } from 'zod';\nexport const y = [fs, z];\n")).toEqual([]);
  });

  it('core never reaches up into the CLI, the server, the desktop shell or the renderer', async () => {
    const file = 'src/main/core/api/lint-probe.ts';
    for (const spec of [
      '../../cli/main',
      '../../cli/report',
      '../../server/server',
      '../../index',
      '../../../preload/index',
      '../../../renderer/src/App',
    ]) {
      const errs = await layerErrors(file, `import * as m from '${spec}';\nexport const x = m;\n`);
      expect(errs, spec).toHaveLength(1);
      expect(errs[0]).toMatch(/outside the core layer/);
    }
    // inside core, shared, and data outside src/ are fine
    const ok =
      "import { openDb } from '../store/db';\nimport type { ApiResult } from '../../../shared/api';\nimport pkg from '../../../../package.json';\nexport const x = [openDb, pkg];\nexport type R = ApiResult<number>;\n";
    expect(await layerErrors(file, ok)).toEqual([]);
  });

  it('features are pure: no files, processes, threads, ONNX, or other core layers', async () => {
    const file = 'src/main/core/features/audio/lint-probe.ts';
    const bad = [
      'node:fs',
      'fs',
      'fs/promises',
      'node:child_process',
      'worker_threads',
      'onnxruntime-node',
      'better-sqlite3',
      '../../media/probe',
      '../../models/providers',
      '../../encoders/wav2vec2',
    ];
    for (const spec of bad) {
      const errs = await layerErrors(file, `import * as m from '${spec}';\nexport const x = m;\n`);
      expect(errs, spec).toHaveLength(1);
      expect(errs[0]).toMatch(/features layer/);
    }
    // a type-level import of a native package counts too
    expect(
      await layerErrors(file, "type Ort = typeof import('onnxruntime-node');\nexport const o = null as unknown as Ort;\n"),
    ).toHaveLength(1);
    const ok =
      "import FFT from 'fft.js';\nimport zlib from 'node:zlib';\nimport { rms } from './rms';\nimport { entropy } from '../video/entropy';\nimport type { AudioSummary } from '../../../../shared/types';\nexport const x = [FFT, zlib, rms, entropy];\nexport type S = AudioSummary;\n";
    expect(await layerErrors(file, ok)).toEqual([]);
  });

  it('encoders run ONNX on arrays: models/ for sessions, no media decoding, processes, jobs or database', async () => {
    const file = 'src/main/core/encoders/lint-probe.ts';
    const bad = [
      '../media/ffmpeg-read',
      '../media/probe',
      '../jobs/encoder-stage',
      '../store/db',
      'node:child_process',
      'worker_threads',
      'better-sqlite3',
      'ffmpeg-static',
    ];
    for (const spec of bad) {
      const errs = await layerErrors(file, `import * as m from '${spec}';\nexport const x = m;\n`);
      expect(errs, spec).toHaveLength(1);
      expect(errs[0]).toMatch(/encoders layer/);
    }
    const ok =
      "import * as ort from 'onnxruntime-node';\nimport fs from 'node:fs';\nimport { openSession } from '../models/providers';\nimport type { InstalledModel } from '../models/store';\nimport { CROP } from './resnet';\nexport const x = [ort, fs, openSession, CROP];\nexport type M = InstalledModel;\n";
    expect(await layerErrors(file, ok)).toEqual([]);
  });

  it('the renderer imports src/shared and itself only, and no Node or native packages', async () => {
    const file = 'src/renderer/src/views/LintProbe.tsx';
    const bad = [
      '../../../main/core/store/db',
      '../../../preload/index',
      'electron',
      'node:path',
      'path',
      'better-sqlite3',
      'onnxruntime-node',
    ];
    for (const spec of bad) {
      const errs = await layerErrors(file, `import * as m from '${spec}';\nexport const x = m;\n`);
      expect(errs, spec).toHaveLength(1);
      expect(errs[0]).toMatch(/renderer layer/);
    }
    const ok =
      "import { useState } from 'react';\nimport { Box } from '@mui/material';\nimport type { ApiResult } from '../../../shared/api';\nimport { EmptyState } from '../components/EmptyState';\nexport const x = [useState, Box, EmptyState];\nexport type R = ApiResult<number>;\n";
    expect(await layerErrors(file, ok)).toEqual([]);
  });

  it('the preload imports electron and src/shared only', async () => {
    const file = 'src/preload/lint-probe.ts';
    for (const spec of ['zod', 'node:fs', 'path', '../main/core/store/db', '../renderer/src/App']) {
      const errs = await layerErrors(file, `import * as m from '${spec}';\nexport const x = m;\n`);
      expect(errs, spec).toHaveLength(1);
      expect(errs[0]).toMatch(/preload layer/);
    }
    const ok =
      "import { contextBridge } from 'electron';\nimport type { ApiResult } from '../shared/api';\nexport const x = contextBridge;\nexport type R = ApiResult<number>;\n";
    expect(await layerErrors(file, ok)).toEqual([]);
  });

  it('src/shared stays loadable by the renderer: no core, no Node built-ins', async () => {
    const file = 'src/shared/lint-probe.ts';
    for (const spec of ['../main/core/store/db', 'node:fs', 'electron']) {
      expect(await layerErrors(file, `import * as m from '${spec}';\nexport const x = m;\n`), spec).toHaveLength(1);
    }
    expect(
      await layerErrors(
        file,
        "import { z } from 'zod';\nimport type { AppInfo } from './api';\nexport const x = z;\nexport type A = AppInfo;\n",
      ),
    ).toEqual([]);
  });

  it('the CLI may use core, the server and shared, but not electron, the shell or the renderer', async () => {
    const file = 'src/main/cli/lint-probe.ts';
    const ok =
      "import { openDb } from '../core/store/db';\nimport { startServer } from '../server/server';\nimport type { Split } from '../../shared/types';\nimport { termText } from './text';\nimport fs from 'node:fs';\nexport const x = [openDb, startServer, termText, fs];\nexport type S = Split;\n";
    expect(await layerErrors(file, ok)).toEqual([]);
    for (const spec of ['electron', '../index', '../../preload/index', '../../renderer/src/App']) {
      const errs = await layerErrors(file, `import * as m from '${spec}';\nexport const x = m;\n`);
      expect(errs, spec).toHaveLength(1);
      expect(errs[0]).toMatch(/cli layer/);
    }
  });

  it('the server and the shell may use core (the rule does not cover them)', async () => {
    const code = "import { openDb } from '../core/store/db';\nimport fs from 'node:fs';\nexport const x = [openDb, fs];\n";
    expect(await layerErrors('src/main/server/lint-probe.ts', code)).toEqual([]);
  });
});

describe('house conventions (eslint.config.mjs)', () => {
  const headerErrors = async (rel: string, code: string) => {
    const [res] = await eslint.lintText(code, { filePath: path.join(ROOT, rel) });
    return res.messages.filter((m) => m.ruleId === 'house/file-header');
  };

  it('a source file without a header comment fails; with one, or after a #! line, it passes', async () => {
    expect(await headerErrors('src/main/core/store/lint-probe.ts', "import fs from 'node:fs';\nexport const x = fs;\n")).toHaveLength(1);
    // a doc comment further down does not count: the header comes first
    expect(
      await headerErrors('src/main/core/store/lint-probe.ts', "import fs from 'node:fs';\n/** fs */\nexport const x = fs;\n"),
    ).toHaveLength(1);
    expect(
      await headerErrors(
        'src/main/core/store/lint-probe.ts',
        "// What this file is for.\nimport fs from 'node:fs';\nexport const x = fs;\n",
      ),
    ).toEqual([]);
    expect(await headerErrors('scripts/lint-probe.mjs', '#!/usr/bin/env node\n/* What this script does. */\nconsole.log(1);\n')).toEqual(
      [],
    );
    expect(await headerErrors('scripts/lint-probe.mjs', '#!/usr/bin/env node\nconsole.log(1);\n')).toHaveLength(1);
  });
});
