// HTTP(S) download of one model file: progress, resume of an interrupted transfer (HTTP Range on the
// FILE.part left behind), size and sha256 checks, an idle timeout for a server that stops sending,
// and an atomic rename: FILE only ever appears complete and checked. A broken transfer is reported only
// once every byte received is written to FILE.part, so a resume always starts from what was reported.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { ModelError } from './manifest';

export interface DownloadOptions {
  /** bytes, where known (else the server's length is checked) */
  size?: number;
  sha256?: string;
  /** no byte for this long: give up (default 60 s) */
  idleTimeoutMs?: number;
  onProgress?: (done: number, total: number | null) => void;
  signal?: AbortSignal;
}

export interface Downloaded {
  size: number;
  sha256: string;
  resumedFrom: number;
}

export async function download(url: string, dest: string, o: DownloadOptions = {}): Promise<Downloaded> {
  const part = `${dest}.part`;
  let have = fs.existsSync(part) ? fs.statSync(part).size : 0;
  if (o.size !== undefined && have > o.size) {
    fs.rmSync(part);
    have = 0;
  }
  const res = await get(url, have > 0 ? { Range: `bytes=${have}-` } : {}, o);
  let resumedFrom = 0;
  let total: number | null = null;
  let append = false;
  if (res.statusCode === 206 && have > 0) {
    const m = /bytes (\d+)-\d+\/(\d+|\*)/.exec(String(res.headers['content-range'] ?? ''));
    if (!m || Number(m[1]) !== have) {
      res.destroy();
      fs.rmSync(part, { force: true });
      throw new ModelError(
        `${url}: the server resumed at the wrong offset (${res.headers['content-range'] ?? 'no Content-Range'}); the partial file was removed, run the pull again`,
      );
    }
    total = m[2] === '*' ? null : Number(m[2]);
    append = true;
    resumedFrom = have;
  } else if (res.statusCode === 416 && have > 0 && (o.size === have || String(res.headers['content-range'] ?? '') === `bytes */${have}`)) {
    res.resume(); // already complete (the size we expect, or the server's own length): only the checks are left
    total = have;
    append = true;
    resumedFrom = have;
  } else if (res.statusCode === 200) {
    // the whole file (a server that ignores Range too): written from the start, over any .part
    const len = Number(res.headers['content-length']);
    total = Number.isFinite(len) && res.headers['content-length'] !== undefined ? len : null;
    have = 0;
  } else {
    res.resume();
    throw new ModelError(`${url}: HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trim());
  }
  if (o.size !== undefined && total !== null && total !== o.size) {
    res.destroy();
    throw new ModelError(`${url}: the server has ${total} bytes, expected ${o.size} (a different file?)`);
  }
  if (res.statusCode !== 416) {
    await new Promise<void>((resolve, reject) => {
      const out = fs.createWriteStream(part, { flags: append ? 'a' : 'w' });
      let done = have;
      const idleMs = o.idleTimeoutMs ?? 60_000;
      let timer: NodeJS.Timeout | undefined;
      let failed = false;
      let closed = false;
      out.on('close', () => (closed = true));
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(
          () =>
            fail(
              new ModelError(
                `${url}: no data from the server for ${Math.round(idleMs / 1000)} s after ${done} bytes (timed out); run the pull again to resume`,
              ),
            ),
          idleMs,
        );
      };
      // the transfer is over: the bytes already received are written out (the file opened first, if it
      // is still opening) before the error is reported; only a write error itself rejects at once
      const fail = (e: Error, writeError = false) => {
        if (failed) return;
        failed = true;
        clearTimeout(timer);
        res.unpipe(out);
        res.destroy();
        if (writeError || closed) {
          out.destroy();
          reject(e);
          return;
        }
        out.once('close', () => reject(e));
        out.end();
      };
      arm();
      res.on('data', (chunk: Buffer) => {
        done += chunk.length;
        arm();
        o.onProgress?.(done, total);
      });
      res.on('error', (e) =>
        fail(new ModelError(`${url}: transfer broken after ${done} bytes (${e.message}); run the pull again to resume`)),
      );
      res.on('close', () => {
        if (!res.complete) fail(new ModelError(`${url}: transfer broken after ${done} bytes; run the pull again to resume`));
      });
      out.on('finish', () => clearTimeout(timer));
      out.on('error', (e) => {
        if (failed)
          reject(new ModelError(`cannot write ${part}: ${e.message}`)); // while flushing after a failure
        else fail(new ModelError(`cannot write ${part}: ${e.message}`), true);
      });
      out.on('finish', () => {
        if (!failed) resolve();
      });
      res.pipe(out);
    });
  }
  const size = fs.statSync(part).size;
  const expected = o.size ?? total;
  if (expected !== null && expected !== undefined && size !== expected) {
    if (size > expected) fs.rmSync(part, { force: true });
    throw new ModelError(
      `${url}: got ${size} bytes, expected ${expected}${size < expected ? '; run the pull again to resume' : ' (the partial file was removed)'}`,
    );
  }
  const sha256 = await sha256File(part);
  if (o.sha256 && sha256 !== o.sha256.toLowerCase()) {
    fs.rmSync(part, { force: true });
    throw new ModelError(`${url}: sha256 ${sha256} does not match the expected ${o.sha256} (the download was removed)`);
  }
  fs.renameSync(part, dest);
  return { size, sha256, resumedFrom };
}

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = crypto.createHash('sha256');
    fs.createReadStream(file)
      .on('data', (c) => h.update(c))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

/** GET following up to 5 redirects (the hub answers with one to its file store). */
function get(url: string, headers: Record<string, string>, o: DownloadOptions, hops = 0): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      reject(new ModelError(`not a URL: ${url}`));
      return;
    }
    const mod = u.protocol === 'https:' ? https : u.protocol === 'http:' ? http : null;
    if (!mod) {
      reject(new ModelError(`${url}: only http and https URLs can be pulled`));
      return;
    }
    const idle = o.idleTimeoutMs ?? 60_000;
    const req = mod.get(u, { headers: { 'User-Agent': 'emotion-studio', ...headers }, signal: o.signal }, (res) => {
      req.setTimeout(0); // from here the body's own idle timer (in download) takes over
      const loc = res.headers.location;
      if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && loc) {
        res.resume();
        if (hops >= 5) reject(new ModelError(`${url}: too many redirects`));
        else get(new URL(loc, u).toString(), headers, o, hops + 1).then(resolve, reject);
        return;
      }
      resolve(res);
    });
    // idle timeout: no byte (headers or body) for `idle` ms
    req.setTimeout(idle, () => req.destroy(new ModelError(`${url}: no data from the server for ${Math.round(idle / 1000)} s (timed out)`)));
    req.on('error', (e) => reject(e instanceof ModelError ? e : new ModelError(`${url}: ${e.message}`)));
  });
}
