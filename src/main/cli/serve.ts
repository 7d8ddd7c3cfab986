// `emotion-studio serve`: browser mode (src/main/server). Registered on the main program by main.ts.
import fs from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import type { CliContext } from './learn';
import { SERVE_HOST, ServeError } from '../server/serve-host';

export interface ServeCliContext extends CliContext {
  globals(): { dbPath: string; dir: string; ffmpeg?: string; json?: boolean };
}

/** The built renderer: beside the bundled CLI (out/node -> out/renderer), or the repository's out/renderer. */
function rendererDir(explicit?: string): string | null {
  const candidates = explicit
    ? [path.resolve(explicit)]
    : [path.resolve(__dirname, '../renderer'), path.resolve(__dirname, '../../../out/renderer')];
  return candidates.find((d) => fs.existsSync(path.join(d, 'index.html'))) ?? null;
}

export function registerServeCommands(program: Command, ctx: ServeCliContext): void {
  program
    .command('serve')
    .description(
      `browser mode: the app's UI and API on http://${SERVE_HOST}:PORT/ with a random token in the printed URL (requests without it are refused); Ctrl-C stops`,
    )
    .option('--port <n>', 'port (0: any free port)', '0')
    .option('--host <host>', `only ${SERVE_HOST} is accepted`, SERVE_HOST)
    .option('--workers <n>', 'extraction workers for jobs started from the UI (default: the number of cores)')
    .option('--renderer-dir <dir>', 'the built renderer to serve (default: out/renderer)')
    .addOption(
      new Option(
        '--root <dir>',
        "a folder the app's file browser may show and import from (repeatable); nothing outside is ever listed or read",
      )
        .argParser((v: string, acc: string[]) => [...acc, v])
        .default([] as string[], 'your home folder'),
    )
    .action(async (o: { port: string; host: string; workers?: string; rendererDir?: string; root: string[] }) => {
      const port = Number(o.port);
      if (!/^\d+$/.test(o.port) || port > 65535) throw new ServeError(`--port must be a number from 0 to 65535 (got ${o.port})`);
      if (o.host !== SERVE_HOST)
        throw new ServeError(
          `serve binds ${SERVE_HOST} only (got --host ${o.host}): the API reads and changes your corpus, so it is never exposed to a network`,
        );
      const workers = o.workers !== undefined ? Number(o.workers) : undefined;
      if (workers !== undefined && !(Number.isInteger(workers) && workers >= 0))
        throw new ServeError(`--workers must be a whole number (got ${o.workers})`);
      const g = ctx.globals();
      for (const r of o.root) {
        if (!fs.existsSync(r) || !fs.statSync(r).isDirectory()) throw new ServeError(`--root ${r}: not a folder`);
      }
      await ctx.withDb(async (db) => {
        const renderer = rendererDir(o.rendererDir);
        // loaded here, not at start-up: the server pulls ws, zod and the whole API (~60 ms of every command)
        const { startServer } = await import('../server/server');
        const s = await startServer({
          db,
          dbPath: g.dbPath,
          dataDir: g.dir,
          port,
          host: o.host,
          rendererDir: renderer,
          ffmpeg: g.ffmpeg,
          workers,
          roots: o.root.length ? o.root : undefined,
          log: ctx.progress,
        });
        // one line either way, so a script can read it as soon as the server listens
        process.stdout.write(g.json ? JSON.stringify({ url: s.url, port: s.port, token: s.token }) + '\n' : `Emotion Studio: ${s.url}\n`);
        ctx.progress(
          `database: ${g.dbPath}${renderer ? '' : '; the renderer is not built (node scripts/build-renderer.mjs): only the API is served'}; Ctrl-C stops`,
        );
        await new Promise<void>((resolve) => {
          const stop = () => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            ctx.progress('stopping: cancelling running jobs and closing connections');
            void s.close().then(resolve, resolve);
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
      });
    });
}
