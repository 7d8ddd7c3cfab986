// Which paths the page may name (import, preview, file browser): in browser mode only what lies under
// the `serve --root` folders, symlinks resolved first so no link leads outside; in the desktop app only
// what the user picked in the native open dialog during this session (and what lies under it).
import fs from 'node:fs';
import path from 'node:path';
import { ApiError, type FileListing } from '../../../shared/api';
import type { ApiContext } from './context';
import { isMediaFile } from '../corpus/media-index';
import { isBelow } from '../path-inside';

/** True when `file` is `root` or lies below it (both already resolved). */
export function isWithin(file: string, root: string): boolean {
  return file === root || isBelow(file, root);
}

/** The roots as realpaths, dropping the ones that do not exist. */
export function resolveRoots(roots: string[]): string[] {
  const out: string[] = [];
  for (const r of roots) {
    try {
      const real = fs.realpathSync(path.resolve(r));
      if (fs.statSync(real).isDirectory() && !out.includes(real)) out.push(real);
    } catch {
      // a root that is not there is not offered
    }
  }
  return out;
}

export class PathPolicy {
  /** desktop: what the user picked in a native dialog (realpaths) */
  private readonly granted: string[] = [];

  constructor(private readonly ctx: Pick<ApiContext, 'browseRoots' | 'desktop'>) {}

  grant(paths: string[]): void {
    for (const p of paths) {
      try {
        this.granted.push(fs.realpathSync(p));
      } catch {
        // a vanished pick is simply not granted
      }
    }
  }

  private allowedRoots(): string[] {
    return this.ctx.desktop ? this.granted : (this.ctx.browseRoots ?? []);
  }

  /**
   * The real path of `p` when the page may use it; ApiError otherwise. The error names the path as
   * given and never says what is there (so the page cannot probe outside the roots).
   */
  check(p: string): string {
    if (!path.isAbsolute(p)) throw new ApiError('invalid_input', `not an absolute path: ${p}`);
    let real: string;
    try {
      real = fs.realpathSync(p);
    } catch {
      // do not tell "missing" from "outside" for paths outside the roots
      const lexical = path.resolve(p);
      if (!this.allowedRoots().some((r) => isWithin(lexical, r))) throw this.outside(p);
      throw new ApiError('not_found', `${p}: no such file or folder`);
    }
    if (!this.allowedRoots().some((r) => isWithin(real, r))) throw this.outside(p);
    return real;
  }

  /**
   * Browser mode: false when `p` (a file an import read or points at) resolves outside every root,
   * e.g. through a symlink inside an imported folder. The desktop app trusts what the user picked.
   */
  confines(p: string): boolean {
    if (this.ctx.desktop) return true;
    let real: string;
    try {
      real = fs.realpathSync(p);
    } catch {
      real = path.resolve(p);
    }
    return this.allowedRoots().some((r) => isWithin(real, r));
  }

  private outside(p: string): ApiError {
    return this.ctx.desktop
      ? new ApiError('invalid_input', `${p}: choose files through the Open dialog (File menu or the Import button)`)
      : new ApiError('invalid_input', `${p} is outside the folders this server may read (serve --root)`);
  }

  /** The file browser (browser mode): the roots, or one folder's entries that stay inside them. */
  list(p: string | undefined): FileListing {
    if (this.ctx.desktop) throw new ApiError('unavailable', 'the desktop app uses the native Open dialog (files.pick)');
    const roots = this.allowedRoots();
    if (!roots.length) throw new ApiError('unavailable', 'this server was started without a folder to browse (serve --root DIR)');
    if (p === undefined) {
      return {
        path: null,
        parent: null,
        entries: roots.map((r) => ({ name: r, path: r, dir: true, size: null, kind: 'folder' as const })),
      };
    }
    const dir = this.check(p);
    let st: fs.Stats;
    try {
      st = fs.statSync(dir);
    } catch (e) {
      throw new ApiError('not_found', `${p}: ${(e as NodeJS.ErrnoException).code ?? 'cannot read it'}`);
    }
    if (!st.isDirectory()) throw new ApiError('invalid_input', `${p} is not a folder`);
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch (e) {
      throw new ApiError('invalid_input', `${p}: cannot read the folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const entries: FileListing['entries'] = [];
    for (const name of names.sort((a, b) => a.localeCompare(b, 'en'))) {
      if (name.startsWith('.')) continue;
      const full = path.join(dir, name);
      let real: string;
      let est: fs.Stats;
      try {
        real = fs.realpathSync(full);
        est = fs.statSync(real);
      } catch {
        continue; // dangling link
      }
      // a link that leads outside every root is not shown (nor could it be opened)
      if (!roots.some((r) => isWithin(real, r))) continue;
      const dirEntry = est.isDirectory();
      entries.push({ name, path: full, dir: dirEntry, size: dirEntry ? null : est.size, kind: dirEntry ? 'folder' : kindOf(name) });
    }
    // folders first, as file managers do
    entries.sort((a, b) => Number(b.dir) - Number(a.dir));
    const up = path.dirname(dir);
    const atRoot = roots.includes(dir);
    return { path: dir, parent: atRoot || !roots.some((r) => isWithin(up, r)) ? null : up, entries };
  }

  /** Desktop: the native open dialog; what the user picks is granted for import. */
  async pick(kind: 'folder' | 'files'): Promise<string[]> {
    if (!this.ctx.desktop) throw new ApiError('unavailable', 'no native dialog in browser mode: use the file browser (files.list)');
    const paths = await this.ctx.desktop.pickPaths(kind);
    this.grant(paths);
    return paths;
  }
}

export function kindOf(name: string): FileListing['entries'][number]['kind'] {
  if (/\.(csv|tsv)$/i.test(name)) return 'csv';
  if (/\.(eaf|textgrid|srt|vtt)$/i.test(name)) return 'transcript';
  if (isMediaFile(name)) return 'media';
  return 'other';
}
