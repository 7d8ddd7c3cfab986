// Finds an ffmpeg binary: explicit setting, ffmpeg-static, @ffmpeg-installer/ffmpeg, then PATH.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import type { FfmpegInfo } from '../../../shared/types';

export type FfmpegSource = FfmpegInfo['source'];

/** The automatic sources, in the order they are tried after an explicit setting. */
export const FFMPEG_AUTO_SOURCES: readonly Exclude<FfmpegSource, 'setting'>[] = ['ffmpeg-static', '@ffmpeg-installer/ffmpeg', 'PATH'];

export interface LocateOptions {
  /** Environment to read EMOTION_STUDIO_FFMPEG and PATH from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Restrict the automatic sources (default all, in FFMPEG_AUTO_SOURCES order). */
  sources?: readonly Exclude<FfmpegSource, 'setting'>[];
}

export const FFMPEG_ENV = 'EMOTION_STUDIO_FFMPEG';

const cache = new Map<string, FfmpegInfo>();

/** Forgets cached results (tests, or after the user changed the setting's target in place). */
export function clearFfmpegCache(): void {
  cache.clear();
}

/**
 * Resolves the ffmpeg to use and reports its path, version and where it came from.
 * Order: `setting` (else env EMOTION_STUDIO_FFMPEG) — which, when given, must work (no silent fall
 * back); then the `ffmpeg-static` binary if present; then `@ffmpeg-installer/ffmpeg`; then `ffmpeg`
 * on PATH. A setting may name the binary or a folder holding it. Throws an Error naming everything
 * tried when nothing works. Results are cached per setting (calls with custom options are not cached).
 */
export function locateFfmpeg(setting?: string, opts: LocateOptions = {}): FfmpegInfo {
  const env = opts.env ?? process.env;
  const explicit = (setting ?? '').trim() || (env[FFMPEG_ENV] ?? '').trim();
  const cacheable = opts.env === undefined && opts.sources === undefined;
  const key = explicit || '\0auto';
  if (cacheable) {
    const hit = cache.get(key);
    if (hit) return hit;
  }
  const info = explicit
    ? fromSetting(explicit, setting?.trim() ? 'setting' : FFMPEG_ENV)
    : fromAuto(env, opts.sources ?? FFMPEG_AUTO_SOURCES);
  if (cacheable) cache.set(key, info);
  return info;
}

function fromSetting(value: string, origin: string): FfmpegInfo {
  let p = path.resolve(value);
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch (e) {
    throw new Error(`ffmpeg from ${origin} (${value}) does not work: ${errno(e) === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  if (st.isDirectory()) {
    const inside = path.join(p, exeName());
    if (!fs.existsSync(inside))
      throw new Error(`ffmpeg from ${origin} (${value}) does not work: it is a folder without ${exeName()} in it`);
    p = inside;
  }
  const v = tryVersion(p);
  if ('error' in v) throw new Error(`ffmpeg from ${origin} (${value}) does not work: ${v.error}`);
  return { path: p, version: v.version, source: 'setting' };
}

function fromAuto(env: Record<string, string | undefined>, sources: readonly Exclude<FfmpegSource, 'setting'>[]): FfmpegInfo {
  const tried: string[] = [];
  for (const source of sources) {
    const found = candidate(source, env);
    if ('error' in found) {
      tried.push(`${source}: ${found.error}`);
      continue;
    }
    const v = tryVersion(found.path);
    if ('error' in v) {
      tried.push(`${source} (${found.path}): ${v.error}`);
      continue;
    }
    return { path: found.path, version: v.version, source };
  }
  throw new Error(
    `no working ffmpeg found. Tried ${tried.join('; ')}. ` +
      `Install ffmpeg or point the ffmpeg setting (or ${FFMPEG_ENV}) at an ffmpeg binary.`,
  );
}

function candidate(
  source: Exclude<FfmpegSource, 'setting'>,
  env: Record<string, string | undefined>,
): { path: string } | { error: string } {
  if (source === 'ffmpeg-static') {
    let p: unknown;
    try {
      p = loadPackage('ffmpeg-static');
    } catch {
      return { error: 'package not installed' };
    }
    if (typeof p !== 'string' || !p) return { error: 'package has no binary for this platform' };
    const real = unpacked(p);
    return fs.existsSync(real) ? { path: real } : { error: `binary missing (${real}; its download probably failed)` };
  }
  if (source === '@ffmpeg-installer/ffmpeg') {
    const pkg = `@ffmpeg-installer/${process.platform}-${process.arch}`;
    // resolve the platform package directly: the wrapper's index.js throws a string when it is absent
    let dir: string;
    try {
      dir = path.dirname(resolvePackage(`${pkg}/package.json`));
    } catch {
      return { error: `package ${pkg} not installed` };
    }
    const p = unpacked(path.join(dir, exeName()));
    return fs.existsSync(p) ? { path: p } : { error: `binary missing (${p})` };
  }
  const dirs = (env.PATH ?? env.Path ?? '').split(path.delimiter).filter(Boolean);
  for (const d of dirs) {
    const p = path.join(d, exeName());
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return { path: p };
    } catch {
      /* next */
    }
  }
  return { error: dirs.length ? `no ${exeName()} in ${dirs.length} PATH folders` : 'PATH is empty' };
}

/** Runs `ffmpeg -version` and parses the first line (`ffmpeg version X ...`). */
function tryVersion(p: string): { version: string } | { error: string } {
  let out: string;
  try {
    out = execFileSync(p, ['-hide_banner', '-version'], {
      encoding: 'utf8',
      timeout: 15_000,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
  } catch (e) {
    const code = errno(e);
    if (code === 'ENOENT') return { error: 'no such file' };
    if (code === 'EACCES') return { error: 'not executable (permission denied)' };
    const stderr = String((e as { stderr?: unknown }).stderr ?? '')
      .trim()
      .split('\n')
      .pop();
    return { error: `\`-version\` failed: ${stderr || (e as Error).message}` };
  }
  return parseVersion(out) ?? { error: `not an ffmpeg binary (\`-version\` printed: ${out.split('\n')[0].slice(0, 120) || 'nothing'})` };
}

/** The version from `ffmpeg -version` output, e.g. "5.1.9-0+deb12u1" or "N-47683-g0e8eb07980-static". */
export function parseVersion(out: string): { version: string } | null {
  const first = out.split(/\r?\n/, 1)[0] ?? '';
  const m = /^ffmpeg version (\S+)/.exec(first);
  return m ? { version: m[1] } : null;
}

function exeName(): string {
  return process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg';
}

/** Inside a packaged Electron app binaries live in app.asar.unpacked, not the archive. */
function unpacked(p: string): string {
  return p.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`);
}

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException)?.code;
}

// `require` exists in the CJS bundle; under ESM-style test runners fall back to createRequire.
function nodeRequire(): NodeJS.Require {
  if (typeof require === 'function') return require;
  const base = typeof __filename === 'string' ? __filename : path.join(process.cwd(), 'index.js');
  return createRequire(base);
}

function resolvePackage(id: string): string {
  const req = nodeRequire();
  try {
    return req.resolve(id);
  } catch (e) {
    // from the source tree or an unusual layout: try the working directory's node_modules too
    try {
      return createRequire(path.join(process.cwd(), 'index.js')).resolve(id);
    } catch {
      throw e;
    }
  }
}

function loadPackage(id: string): unknown {
  return nodeRequire()(resolvePackage(id));
}
