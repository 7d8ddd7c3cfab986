// Browser mode: the renderer, the API (POST /api/<method>), job events (WebSocket /events), clips
// (/media/ID, with Range) and thumbnails (/thumb/ID/FRAME) on 127.0.0.1 only. Every request must
// show the token (see token.ts); requests naming another Host or a foreign Origin are refused too
// (DNS rebinding, cross-site pages). No CORS headers are ever sent.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Db } from '../core/store/db';
import { createApi, type AppApi } from '../core/api';
import { mediaAnswer, thumbnailOf } from '../core/api/media-lookup';
import { browserCsp } from '../security';
import { newToken, presentedToken, tokenCookie, tokenMatches } from './token';
import { NOT_BUILT_PAGE, resolveStatic, sendStatic } from './static-files';
import { resolveRoots } from '../core/api/files';
import { zipFolderTo } from '../core/api/report-files';

import { SERVE_HOST, ServeError } from './serve-host';
export { SERVE_HOST, ServeError };
const MAX_BODY = 1 << 20;
/** a body past MAX_BODY is read (and dropped) up to this size, then the connection is cut */
const DRAIN_LIMIT = 64 << 20;

export interface ServeOptions {
  db: Db;
  dbPath: string;
  dataDir: string;
  /** 0 (default): a free port chosen by the system */
  port?: number;
  host?: string;
  /** the built renderer (index.html and assets) */
  rendererDir?: string | null;
  ffmpeg?: string;
  workers?: number;
  /** folders the app's file browser may show and import from (default: the home folder) */
  roots?: string[];
  /** fixed token (tests); default: 32 random bytes */
  token?: string;
  log?: (line: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  api: AppApi;
  close(): Promise<void>;
}

export async function startServer(o: ServeOptions): Promise<RunningServer> {
  const host = o.host ?? SERVE_HOST;
  if (host !== SERVE_HOST)
    throw new ServeError(
      `serve binds ${SERVE_HOST} only (got --host ${host}): the API can read and change your corpus, so it is never exposed to a network`,
    );
  const token = o.token ?? newToken();
  let port = 0;
  const enc = encodeURIComponent(token);
  // reports this server wrote, by name: /report/NAME serves these and nothing else
  const reports = new Map<string, string>();
  const api = createApi({
    db: o.db,
    dbPath: o.dbPath,
    dataDir: o.dataDir,
    mode: 'browser',
    ffmpeg: o.ffmpeg,
    workers: o.workers,
    browseRoots: resolveRoots(o.roots ?? [os.homedir()]),
    urls: {
      media: (id) => `/media/${id}?token=${enc}`,
      thumbnail: (id, frame) => `/thumb/${id}/${frame}?token=${enc}`,
      report: (file) => {
        // a folder (eaf, textgrid, meld exports) is downloaded as NAME.zip, zipped as it is sent
        const name = path.basename(file) + (isDir(file) ? '.zip' : '');
        reports.set(name, file);
        return `/report/${encodeURIComponent(name)}?token=${enc}`;
      },
    },
  });
  const rendererDir = o.rendererDir && fs.existsSync(`${o.rendererDir}/index.html`) ? o.rendererDir : null;

  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  /** 0: allowed; else the HTTP status of the refusal and why */
  const gate = (req: http.IncomingMessage, url: URL): { status: 0 | 401 | 403; reason: string; viaQuery: boolean } => {
    if (!allowedHosts().has(req.headers.host ?? '')) return { status: 403, reason: 'unexpected Host header', viaQuery: false };
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin))
      return { status: 403, reason: 'cross-origin request refused', viaQuery: false };
    const t = presentedToken(req, url, port);
    if (!t || t.token === '')
      return { status: 401, reason: 'missing token: open the URL that `emotion-studio serve` printed', viaQuery: false };
    if (!tokenMatches(t.token, token)) return { status: 403, reason: 'wrong token', viaQuery: false };
    return { status: 0, reason: '', viaQuery: t.source === 'query' };
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      o.log?.(`serve: ${req.method} ${withoutToken(req.url ?? '')}: ${(e as Error).message}`);
      if (!res.headersSent) sendText(res, 500, 'internal error');
      else res.destroy();
    });
  });

  const commonHeaders = (res: http.ServerResponse) => {
    res.setHeader('Content-Security-Policy', browserCsp(port));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    commonHeaders(res);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const g = gate(req, url);
    if (g.status !== 0) return sendText(res, g.status, g.reason);
    if (g.viaQuery) res.setHeader('Set-Cookie', tokenCookie(port, token));
    const method = req.method ?? 'GET';
    const p = url.pathname;

    if (p.startsWith('/api/')) {
      if (method !== 'POST') return sendText(res, 405, 'use POST with a JSON body', { Allow: 'POST' });
      let name: string;
      try {
        name = decodeURIComponent(p.slice('/api/'.length));
      } catch {
        req.resume();
        return sendJson(
          res,
          { ok: false, error: { code: 'invalid_input', message: 'the API method name has a malformed percent-encoding' } },
          400,
        );
      }
      let body: unknown;
      try {
        const raw = await readBody(req);
        if (raw === 'too large') {
          return sendJson(
            res,
            { ok: false, error: { code: 'invalid_input', message: `request body larger than ${MAX_BODY} bytes (1 MiB)` } },
            413,
          );
        }
        body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
      } catch (e) {
        return sendJson(res, { ok: false, error: { code: 'invalid_input', message: `request body: ${(e as Error).message}` } });
      }
      return sendJson(res, await api.call(name, body));
    }
    if (method !== 'GET' && method !== 'HEAD') return sendText(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
    const head = method === 'HEAD';

    let m = /^\/media\/(\d{1,12})$/.exec(p);
    if (m) return sendMedia(req, res, Number(m[1]), head);
    m = /^\/thumb\/(\d{1,12})\/(\d{1,9})$/.exec(p);
    if (m) {
      const png = thumbnailOf(o.db, Number(m[1]), Number(m[2]));
      if (!png) return sendText(res, 404, 'no such thumbnail');
      res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': png.length, 'Cache-Control': 'private, max-age=3600' });
      res.end(head ? undefined : png);
      return;
    }
    m = /^\/report\/([\w.-]{1,200})$/.exec(p);
    if (m) {
      const file = reports.get(m[1]);
      if (!file || !fs.existsSync(file)) return sendText(res, 404, 'no such report (export it again)');
      res.setHeader('Content-Disposition', `attachment; filename="${m[1]}"`);
      if (isDir(file)) {
        res.writeHead(200, { 'Content-Type': 'application/zip', 'Cache-Control': 'no-store' });
        if (head) return void res.end();
        return zipFolderTo(file, res);
      }
      return sendStatic(res, file, head);
    }
    if (p === '/events') return sendText(res, 426, 'WebSocket only', { Upgrade: 'websocket' });
    if (!rendererDir) {
      if (p === '/' || p === '/index.html') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' });
        res.end(head ? undefined : NOT_BUILT_PAGE);
        return;
      }
      return sendText(res, 404, 'not found');
    }
    const file = resolveStatic(rendererDir, p);
    if (!file) return sendText(res, 404, 'not found');
    sendStatic(res, file, head);
  }

  function sendMedia(req: http.IncomingMessage, res: http.ServerResponse, id: number, head: boolean): void {
    const a = mediaAnswer(o.db, id, req.headers.range);
    if (a.body && 'text' in a.body) return sendText(res, a.status, a.body.text, a.headers);
    res.writeHead(a.status, a.headers);
    if (head || !a.body) res.end();
    else
      fs.createReadStream(a.body.file, { start: a.body.start, end: a.body.end })
        .on('error', () => res.destroy())
        .pipe(res);
  }

  // job events over WebSocket /events (same token, Host and Origin rules as every request)
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const sockets = new Set<WebSocket>();
  const unsubscribe = api.onJob((e) => {
    const msg = JSON.stringify(e);
    for (const s of sockets) if (s.readyState === s.OPEN) s.send(msg);
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, headPart: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const g = gate(req, url);
    const refuse = (status: number, reason: string) => {
      socket.end(
        `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
      );
    };
    if (g.status !== 0) return refuse(g.status, g.reason);
    if (url.pathname !== '/events') return refuse(404, 'not found');
    wss.handleUpgrade(req, socket, headPart, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('error', () => sockets.delete(ws));
      ws.on('message', () => undefined); // the channel is one-way: server to page
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new ServeError(
          e.code === 'EADDRINUSE'
            ? `port ${o.port} is in use on ${host} (choose another with --port, or 0 for any free port)`
            : `cannot listen on ${host}:${o.port ?? 0}: ${e.message}`,
        ),
      ),
    );
    server.listen(o.port ?? 0, host, () => resolve());
  });
  port = (server.address() as { port: number }).port;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${host}:${port}/?token=${token}`,
    port,
    token,
    api,
    close: () =>
      (closing ??= (async () => {
        unsubscribe();
        for (const s of sockets) s.terminate();
        wss.close();
        await api.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })()),
  };
}

function sendText(res: http.ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(text + '\n');
}

/** Every API answer is an ApiResult with status 200 (the result says ok or not), except requests
 * refused before the API saw them: 400 (a malformed method name), 413 (a body over the limit). */
function sendJson(res: http.ServerResponse, value: unknown, status = 200): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** The body, or 'too large' once it passes MAX_BODY: the rest is read and dropped (so that the client,
 * still sending, gets the 413 rather than a reset connection), up to DRAIN_LIMIT, past which the
 * connection is cut. */
function readBody(req: http.IncomingMessage): Promise<Buffer | 'too large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n > DRAIN_LIMIT) {
        reject(new Error(`request body larger than ${DRAIN_LIMIT} bytes`));
        req.destroy();
        return;
      }
      if (n <= MAX_BODY) chunks.push(c);
      else chunks.length = 0;
    });
    req.on('end', () => resolve(n > MAX_BODY ? 'too large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A request URL fit for a log line: the token's value replaced (it is the key to the whole API). */
export function withoutToken(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/gi, '$1[redacted]');
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
