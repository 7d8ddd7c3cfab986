// Tests that run the built out/ refuse a missing or stale build instead of testing old code: the
// build records the SHA-256 of every source it read (scripts/build-stamp.mjs), checked here.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const HOW = { node: 'node scripts/build-cli.mjs', renderer: 'node scripts/build-renderer.mjs' } as const;

/** Why out/<part> cannot be tested as the current sources, or null when it is up to date. */
export function staleBuild(part: 'node' | 'renderer', root = ROOT): string | null {
  const stamp = path.join(root, 'out', part, 'build-inputs.json');
  if (!fs.existsSync(stamp)) return `out/${part} is not built (or built without its input stamp)`;
  const { inputs } = JSON.parse(fs.readFileSync(stamp, 'utf8')) as { inputs: Record<string, string> };
  const changed: string[] = [];
  for (const [file, sha] of Object.entries(inputs)) {
    const abs = path.join(root, file);
    const now = fs.existsSync(abs) ? createHash('sha256').update(fs.readFileSync(abs)).digest('hex') : 'gone';
    if (now !== sha) changed.push(file);
  }
  if (changed.length === 0) return null;
  return `out/${part} is older than the sources (${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ` and ${changed.length - 3} more` : ''} changed since the build)`;
}

/** Throws "build first" when out/<part> is missing or stale (ES_TEST_ALLOW_STALE_BUILD=1 skips the check). */
export function requireBuilt(part: 'node' | 'renderer'): void {
  if (process.env.ES_TEST_ALLOW_STALE_BUILD === '1') return;
  const why = staleBuild(part);
  if (why) throw new Error(`${why}: build first (${HOW[part]}, or npm run build)`);
}
