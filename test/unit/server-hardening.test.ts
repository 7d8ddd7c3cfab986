// Browser-mode server against malformed requests (issue 14 item 4): a bad percent-encoding in an API
// path is a 400 ApiResult, not a 500, and no log line carries the token; a body over the 1 MiB limit
// is answered 413 with an ApiResult instead of a reset connection. A real server on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import path from 'node:path';
import { openDb, type Db } from '../../src/main/core/store/db';
import { startServer, withoutToken, type RunningServer } from '../../src/main/server/server';
import { tmpDir } from '../helpers/tmp';

const TOKEN = 'tok-' + 'x'.repeat(40);

function post(port: number, p: string, body: Buffer | string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: p,
        method: 'POST',
        headers: { Host: `127.0.0.1:${port}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('serve: malformed requests', () => {
  const t = tmpDir('es-serve-hard-');
  const logs: string[] = [];
  let db: Db;
  let s: RunningServer;
  beforeAll(async () => {
    const file = path.join(t.dir, 'x.db');
    db = openDb(file);
    s = await startServer({ db, dbPath: file, dataDir: t.dir, token: TOKEN, rendererDir: null, log: (l) => logs.push(l) });
  });
  afterAll(async () => {
    await s?.close();
    db?.close();
    t.cleanup();
  });

  it('a malformed percent-encoding in an API path: 400 invalid_input, the token in no log line', async () => {
    const r = await post(s.port, `/api/%E0%A4%A?token=${TOKEN}`, '{}');
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toEqual({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/percent-encoding/) } });
    expect(logs.join('\n')).not.toContain(TOKEN);
    // the server still answers
    const ok = await post(s.port, `/api/app.info?token=${TOKEN}`, '{}');
    expect(ok.status).toBe(200);
  });

  it('a body over 1 MiB: 413 with an ApiResult error, then the next request works', async () => {
    const big = JSON.stringify({ q: 'a'.repeat(3 << 20) });
    const r = await post(s.port, `/api/list?token=${TOKEN}`, big);
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toEqual({
      ok: false,
      error: { code: 'invalid_input', message: 'request body larger than 1048576 bytes (1 MiB)' },
    });
    const ok = await post(s.port, `/api/app.info?token=${TOKEN}`, '{}');
    expect(ok.status).toBe(200);
  });

  it('a NUL in the search text is refused (SQLite LIKE would cut the pattern there and match more)', async () => {
    const r = await post(s.port, `/api/utterances.list?token=${TOKEN}`, JSON.stringify({ q: 'ab\u0000cd' }));
    const j = JSON.parse(r.body);
    expect(j.ok).toBe(false);
    expect(j.error.code).toBe('invalid_input');
    expect(j.error.message).toContain('the search text contains a NUL character');
    expect(JSON.parse((await post(s.port, `/api/utterances.list?token=${TOKEN}`, JSON.stringify({ q: 'abcd' }))).body).ok).toBe(true);
  });

  it('log lines name the request without its token', () => {
    expect(withoutToken(`/api/%E0%A4%A?token=${TOKEN}`)).toBe('/api/%E0%A4%A?token=[redacted]');
    expect(withoutToken(`/media/3?x=1&token=${TOKEN}&y=2`)).toBe('/media/3?x=1&token=[redacted]&y=2');
  });
});
