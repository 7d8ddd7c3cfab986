// Run after `electron-vite build` (npm run build:app): says clearly whether the desktop app can start
// here, i.e. whether the Electron binary is present and better-sqlite3's native module was built for
// Electron's ABI rather than Node's. The bundle itself is fine either way, so this never fails the build.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const req = createRequire(path.resolve('package.json'));
const lines = [];
let electronAbi = null;
let version = null;
try {
  const pj = req.resolve('electron/package.json');
  version = JSON.parse(fs.readFileSync(pj, 'utf8')).version;
  electronAbi = Number(fs.readFileSync(path.join(path.dirname(pj), 'abi_version'), 'utf8').trim()) || null;
  const pathTxt = path.join(path.dirname(pj), 'path.txt');
  const bin = fs.existsSync(pathTxt) ? path.join(path.dirname(pj), 'dist', fs.readFileSync(pathTxt, 'utf8').trim()) : null;
  if (!bin || !fs.existsSync(bin)) {
    lines.push(
      `Electron ${version}: the binary is absent (download skipped: ELECTRON_SKIP_BINARY_DOWNLOAD or no internet); the app is bundled in out/ but cannot start here. With internet: node node_modules/electron/install.js`,
    );
  }
} catch {
  lines.push('the electron package is not installed: run scripts/install.sh');
}
let sqliteAbi = null;
try {
  const file = path.join(path.dirname(req.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
  try {
    req(file);
    sqliteAbi = Number(process.versions.modules);
  } catch (e) {
    const m = /NODE_MODULE_VERSION (\d+)/.exec(String(e?.message));
    sqliteAbi = m ? Number(m[1]) : null;
  }
} catch {
  sqliteAbi = null;
}
if (electronAbi && sqliteAbi && sqliteAbi !== electronAbi) {
  const forNode = sqliteAbi === Number(process.versions.modules);
  lines.push(
    `better-sqlite3 is built for ${forNode ? `Node ${process.version} (ABI ${sqliteAbi})` : `ABI ${sqliteAbi}`}, not for Electron ${version} (ABI ${electronAbi}).`,
    '  The desktop app will not open a database until it is rebuilt for Electron (it says so at start):',
    '    npx @electron/rebuild -f -w better-sqlite3',
    '  The command line tool then needs it back for Node: npm rebuild better-sqlite3 (see docs/desktop.md).',
  );
}
if (lines.length) console.warn(`build:app: the bundle is built; before the app can run here:\n${lines.map((l) => `  ${l}`).join('\n')}`);
else
  console.log(
    `build:app: Electron ${version} binary present, better-sqlite3 built for its ABI ${electronAbi}: npx electron . starts the app`,
  );
