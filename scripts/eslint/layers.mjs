// The layer table of Emotion Studio and the ESLint rule that enforces it (`layers/boundaries`):
// which folders each layer may import from and which packages it must not load (docs/architecture.md).
import path from 'node:path';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Repository root (this file lives in scripts/eslint/). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const NODE_BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith('_')).map((m) => m.split('/')[0]));
/** Node built-ins that start processes or threads or open the network: features and encoders use none. */
const PROCESSES_AND_NETWORK = ['child_process', 'worker_threads', 'cluster', 'net', 'http', 'https', 'http2', 'dgram', 'dns', 'tls'];
/** Packages that open native code, files, processes or GPUs: never in a pure or browser layer. */
const NATIVE_PACKAGES = ['better-sqlite3', 'onnxruntime-node', '@ffmpeg-installer/ffmpeg', 'ffmpeg-static', 'playwright-core'];

/**
 * A layer: the files it covers (`dir`, relative to the root, the most specific match wins), the
 * folders under src/ it may import (`mayImport`; imports outside src/, such as package.json or
 * resources/, are not restricted), and the packages it must not load (`forbid`: names, 'node:*' for
 * every Node built-in, or 'packages:*' for every package but those listed in `onlyPackages`).
 */
export const LAYERS = [
  {
    name: 'core',
    dir: 'src/main/core',
    why: 'core runs in the CLI, the server, worker threads and tests: no electron, no CLI, no server',
    mayImport: ['src/main/core', 'src/shared'],
    forbid: ['electron'],
  },
  {
    name: 'cli',
    dir: 'src/main/cli',
    why: 'the command line runs in plain Node: it drives core and starts the server (serve), never the Electron shell, the preload or the renderer',
    mayImport: ['src/main/cli', 'src/main/core', 'src/main/server', 'src/shared'],
    forbid: ['electron'],
  },
  {
    name: 'features',
    dir: 'src/main/core/features',
    why: 'features are pure functions over arrays: no files, processes, threads, ONNX or ffmpeg (encoders/ and media/ feed them)',
    mayImport: ['src/main/core/features', 'src/shared'],
    forbid: ['electron', 'fs', ...PROCESSES_AND_NETWORK, ...NATIVE_PACKAGES],
  },
  {
    name: 'encoders',
    dir: 'src/main/core/encoders',
    why: 'encoders run ONNX on decoded samples, frames and texts: sessions and providers come from models/; no decoding, processes or database',
    mayImport: ['src/main/core/encoders', 'src/main/core/models', 'src/shared'],
    forbid: ['electron', ...PROCESSES_AND_NETWORK, 'better-sqlite3', '@ffmpeg-installer/ffmpeg', 'ffmpeg-static', 'playwright-core'],
  },
  {
    name: 'renderer',
    dir: 'src/renderer',
    why: 'the renderer is a sandboxed web page: it talks to the app through src/shared/api.ts only',
    mayImport: ['src/renderer', 'src/shared'],
    forbid: ['electron', 'node:*', ...NATIVE_PACKAGES],
  },
  {
    name: 'preload',
    dir: 'src/preload',
    why: 'the sandboxed preload exposes functions over IPC: electron and src/shared only',
    mayImport: ['src/preload', 'src/shared'],
    forbid: ['node:*', 'packages:*'],
    onlyPackages: ['electron'],
  },
  {
    name: 'shared',
    dir: 'src/shared',
    why: 'src/shared is loaded by the renderer, the preload and core alike: types, schemas, pure helpers',
    mayImport: ['src/shared'],
    forbid: ['electron', 'node:*', ...NATIVE_PACKAGES],
  },
];

const within = (rel, dir) => rel === dir || rel.startsWith(dir + '/');
const toRel = (abs) => path.relative(ROOT, abs).split(path.sep).join('/');

/** The layer a file belongs to (most specific directory), or null. */
export function layerOf(file, layers = LAYERS) {
  const rel = toRel(path.resolve(file));
  let best = null;
  for (const l of layers) if (within(rel, l.dir) && (!best || l.dir.length > best.dir.length)) best = l;
  return best;
}

/** Package name of a bare specifier ('@scope/name/sub' -> '@scope/name', 'node:fs/promises' -> 'fs'). */
function packageName(spec) {
  const s = spec.startsWith('node:') ? spec.slice(5) : spec;
  const parts = s.split('/');
  return s.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Why `spec` imported from `file` breaks its layer's rules, or null when it is allowed. */
export function violation(file, spec, layers = LAYERS) {
  const layer = layerOf(file, layers);
  if (!layer || typeof spec !== 'string' || spec === '') return null;
  if (spec.startsWith('.') || spec.startsWith('/')) {
    const target = toRel(path.resolve(path.dirname(path.resolve(file)), spec));
    if (!within(target, 'src')) return null; // package.json, resources/...: data, not layers
    if (layer.mayImport.some((d) => within(target, d))) return null;
    return `'${spec}' resolves to ${target}, outside the ${layer.name} layer (may import ${layer.mayImport.join(', ')}): ${layer.why}`;
  }
  const name = packageName(spec);
  const builtin = spec.startsWith('node:') || NODE_BUILTINS.has(name);
  const forbidden =
    layer.forbid.includes(name) ||
    (builtin && layer.forbid.includes('node:*')) ||
    (!builtin && layer.forbid.includes('packages:*') && !(layer.onlyPackages ?? []).includes(name));
  return forbidden ? `'${spec}' must not be imported in the ${layer.name} layer: ${layer.why}` : null;
}

/** @type {import('eslint').Rule.RuleModule} */
const boundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Keep imports inside the layer table of scripts/eslint/layers.mjs (docs/architecture.md)' },
    schema: [],
    messages: { layer: '{{reason}}' },
  },
  create(context) {
    const file = context.filename;
    if (!layerOf(file)) return {};
    const check = (node) => {
      if (!node || node.type !== 'Literal' || typeof node.value !== 'string') return;
      const reason = violation(file, node.value);
      if (reason) context.report({ node, messageId: 'layer', data: { reason } });
    };
    return {
      ImportDeclaration: (n) => check(n.source),
      ExportNamedDeclaration: (n) => check(n.source),
      ExportAllDeclaration: (n) => check(n.source),
      ImportExpression: (n) => check(n.source),
      TSImportEqualsDeclaration: (n) => n.moduleReference?.type === 'TSExternalModuleReference' && check(n.moduleReference.expression),
      TSImportType: (n) => check(n.argument?.type === 'TSLiteralType' ? n.argument.literal : (n.argument ?? n.source)),
      // require('x') loads x; require.resolve('x') only finds a path and is not checked
      CallExpression: (n) => n.callee.type === 'Identifier' && n.callee.name === 'require' && check(n.arguments[0]),
    };
  },
};

export default { meta: { name: 'emotion-studio-layers' }, rules: { boundaries } };
