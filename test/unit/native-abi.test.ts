// The desktop prerequisites: an ABI mismatch message from Node's loader becomes advice naming both ABIs
// and the rebuild commands; anything else is not mistaken for one; electronStatus reads the installed
// package (electron 39 pinned, so it installs on Node 20) and tells what better-sqlite3 is built for.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { abiMismatch, abiMismatchAdvice, electronStatus, ELECTRON_REBUILD, NODE_REBUILD } from '../../src/main/core/native-abi';

// what Electron's loader says when better-sqlite3 was built by `npm install` under Node 20
const LOADER =
  "The module '/x/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 115. This version of Node.js requires\nNODE_MODULE_VERSION 140. Please try re-compiling or re-installing\nthe module (for instance, using `npm rebuild` or `npm install`).";

describe('native ABI', () => {
  it('reads both ABIs from the loader message', () => {
    expect(abiMismatch(LOADER)).toEqual({ builtFor: 115, needs: 140 });
    expect(abiMismatch('SQLITE_CANTOPEN: unable to open database file')).toBeNull();
  });

  it('advises the rebuild for Electron, and the way back for the CLI', () => {
    const a = abiMismatchAdvice(LOADER, 115)!;
    expect(a).toMatch(/built for Node \(ABI 115\), but this Electron needs ABI 140/);
    expect(a).toContain(ELECTRON_REBUILD);
    expect(a).toContain(NODE_REBUILD);
    expect(abiMismatchAdvice('disk I/O error')).toBeNull();
  });

  it('electronStatus: the pinned package, and better-sqlite3 built for the Node running the tests', () => {
    const st = electronStatus(path.resolve(__dirname, '../../package.json'));
    expect(st.package).toBe('39.8.9');
    expect(st.abi).toBe(140);
    // this process loads better-sqlite3 (the store tests do), so it is built for this Node
    expect(st.better_sqlite3).toMatchObject({ abi: Number(process.versions.modules), for: 'node' });
    expect(st.notes.join('\n')).toMatch(
      new RegExp(`Electron 39\\.8\\.9 needs ABI 140: the desktop app needs ${ELECTRON_REBUILD.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
    );
    if (!st.binary) expect(st.notes.join('\n')).toMatch(/the Electron binary is absent/);
  });
});
