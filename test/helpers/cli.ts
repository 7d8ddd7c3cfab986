import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';

export const CLI = path.resolve(__dirname, '../../bin/emotion-studio.js');

/** Runs the built CLI to completion. */
export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...opts.env }, maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}

/** Starts the built CLI in the background. */
export function startCli(args: string[]) {
  return spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}
