// The desktop app's prerequisites as the tool sees them: is the Electron package and its binary there,
// and which runtime better-sqlite3's native add-on was built for (Node's ABI or Electron's). Used by
// `doctor`, by scripts/check-electron-abi.mjs after `npm run build:app`, and by the app's start.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

export const ELECTRON_REBUILD = 'npx @electron/rebuild -f -w better-sqlite3';
export const NODE_REBUILD = 'npm rebuild better-sqlite3';

/** 'was compiled against ... NODE_MODULE_VERSION 115. This version ... requires NODE_MODULE_VERSION 140' */
export function abiMismatch(message: string): { builtFor: number; needs: number } | null {
  const m = /NODE_MODULE_VERSION (\d+)[\s\S]*?NODE_MODULE_VERSION (\d+)/.exec(message);
  return m ? { builtFor: Number(m[1]), needs: Number(m[2]) } : null;
}

/**
 * What to tell the user when a native module fails to load in the app: null when the error is not an
 * ABI mismatch. `node` is Node's ABI (process.versions.modules of a plain Node), if known.
 */
export function abiMismatchAdvice(message: string, node?: number): string | null {
  const m = abiMismatch(message);
  if (!m) return null;
  const forNode = node !== undefined && m.builtFor === node;
  return [
    `better-sqlite3's native module was built for ${forNode ? `Node (ABI ${m.builtFor})` : `ABI ${m.builtFor} (a plain Node's, as npm install builds it)`}, but this Electron needs ABI ${m.needs}.`,
    `Rebuild it for Electron in the tool's folder: ${ELECTRON_REBUILD}`,
    `(the command line tool then needs it back for Node: ${NODE_REBUILD}; see docs/desktop.md)`,
  ].join('\n');
}

export interface ElectronStatus {
  /** version of the installed electron package, null when it is not installed */
  package: string | null;
  /** the Electron executable, when it is on disk */
  binary: string | null;
  /** the ABI that Electron's Node needs (the package's abi_version file) */
  abi: number | null;
  /** runtime better-sqlite3 was built for, as far as this process can tell */
  better_sqlite3: { abi: number | null; for: 'node' | 'electron' | 'other' | 'unknown'; error?: string };
  /** what is missing for `npm run build:app` / the app to start, in words; empty when nothing */
  notes: string[];
}

export function electronStatus(from: string = __filename): ElectronStatus {
  const req = createRequire(from);
  const notes: string[] = [];
  let pkgDir: string | null = null;
  let version: string | null = null;
  try {
    const pj = req.resolve(['electron', 'package.json'].join('/'));
    pkgDir = path.dirname(pj);
    version = (JSON.parse(fs.readFileSync(pj, 'utf8')) as { version: string }).version;
  } catch {
    notes.push('the electron package is not installed (run scripts/install.sh, or npm install): npm run build:app cannot bundle the app');
  }
  let binary: string | null = null;
  let abi: number | null = null;
  if (pkgDir) {
    try {
      abi = Number(fs.readFileSync(path.join(pkgDir, 'abi_version'), 'utf8').trim()) || null;
    } catch {
      abi = null;
    }
    const pathTxt = path.join(pkgDir, 'path.txt');
    const rel = fs.existsSync(pathTxt) ? fs.readFileSync(pathTxt, 'utf8').trim() : null;
    const bin = rel ? path.join(pkgDir, 'dist', rel) : null;
    if (bin && fs.existsSync(bin)) binary = bin;
    else {
      notes.push(
        'the Electron binary is absent (its download was skipped: ELECTRON_SKIP_BINARY_DOWNLOAD, or no internet); the app bundles but cannot start here. ' +
          'With internet: node node_modules/electron/install.js',
      );
    }
  }
  const sqlite = sqliteAbi(req);
  if (abi !== null && sqlite.abi !== null && sqlite.abi !== abi) {
    notes.push(
      `better-sqlite3 is built for ${sqlite.abi === Number(process.versions.modules) ? 'Node' : `ABI ${sqlite.abi}`}, Electron ${version} needs ABI ${abi}: the desktop app needs ${ELECTRON_REBUILD} (and the CLI then ${NODE_REBUILD})`,
    );
  }
  return {
    package: version,
    binary,
    abi,
    better_sqlite3: {
      ...sqlite,
      for:
        sqlite.abi === null
          ? 'unknown'
          : sqlite.abi === Number(process.versions.modules)
            ? 'node'
            : sqlite.abi === abi
              ? 'electron'
              : 'other',
    },
    notes,
  };
}

function sqliteAbi(req: NodeRequire): { abi: number | null; error?: string } {
  let file: string;
  try {
    file = path.join(path.dirname(req.resolve(['better-sqlite3', 'package.json'].join('/'))), 'build', 'Release', 'better_sqlite3.node');
  } catch (e) {
    return { abi: null, error: (e as Error).message };
  }
  if (!fs.existsSync(file)) return { abi: null, error: `${file} is not built` };
  try {
    req(file);
    // it loads in this process: built for this runtime's ABI
    return { abi: Number(process.versions.modules) };
  } catch (e) {
    const m = abiMismatch((e as Error).message);
    return m ? { abi: m.builtFor } : { abi: null, error: (e as Error).message.split('\n')[0] };
  }
}
