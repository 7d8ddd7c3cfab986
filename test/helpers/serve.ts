// Starts `emotion-studio serve --port 0 [--json]` on a database and waits for the URL (with its
// token) it prints, as JSON or as the human line; stop() ends that child process only.
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import { startCli } from './cli';

export interface Served {
  url: string;
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  stop: () => Promise<void>;
}

export function startServe(args: string[], timeoutMs = 60_000, o: { json?: boolean } = {}): Promise<Served> {
  const child = startCli(['serve', '--port', '0', ...(o.json === false ? [] : ['--json']), ...args]);
  let out = '';
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`serve printed no URL within ${timeoutMs} ms; stdout: ${out}\nstderr: ${err}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before printing its URL; stdout: ${out}\nstderr: ${err}`));
    });
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      // the JSON's "url" field, or the human line `Emotion Studio: URL`
      const m = o.json === false ? /^Emotion Studio: (http:\S+)\n/.exec(out) : /"url"\s*:\s*"(http:[^"]+)"/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve({ url: m[1], child, stdout: () => out, stderr: () => err, stop });
      }
    });
  });
}

/**
 * POST /api/METHOD to a served app with its token, the answer's JSON; a fresh connection each call
 * (agent: false). With `timeoutMs` it rejects when no answer came in time (a frozen server).
 */
export function postApi(base: string, token: string, method: string, input: unknown = {}, timeoutMs?: number): Promise<any> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: `/api/${method}`,
        method: 'POST',
        agent: false,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      },
    );
    if (timeoutMs !== undefined) req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(JSON.stringify(input));
  });
}
