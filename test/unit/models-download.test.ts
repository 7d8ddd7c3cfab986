// download(): size and sha256 checks against a local HTTP server on 127.0.0.1; a rejected file never
// lands at its destination, and a mismatched partial file is not kept for a resume. Resumes: a server
// that honours Range, one that ignores it, one that resumes at the wrong offset, an already complete
// .part. No test depends on timing: a cut transfer's .part holds exactly the bytes reported.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { tmpDir } from '../helpers/tmp';
import { download } from '../../src/main/core/models/download';

const t = tmpDir('es-dl-');
const body = crypto.randomBytes(200_000);
const sha = crypto.createHash('sha256').update(body).digest('hex');
let server: http.Server;
let base = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/redirect') {
      res.writeHead(302, { Location: '/file' }).end();
      return;
    }
    if (req.url === '/short') {
      // claims more bytes than it sends, then ends the connection
      res.writeHead(200, { 'Content-Length': body.length });
      res.write(body.subarray(0, 1000), () => setTimeout(() => res.destroy(), 20));
      return;
    }
    if (req.url === '/burst') {
      // a burst of data, then the connection is cut at once: the client's file must still get every
      // byte it received (it is written out before the error is reported)
      res.writeHead(200, { 'Content-Length': body.length });
      res.write(body.subarray(0, 10_000), () => res.destroy()); // under the write stream's 16 KiB: no back-pressure
      return;
    }
    const range = /^bytes=(\d+)-$/.exec(String(req.headers.range ?? ''));
    if (req.url === '/range' && range) {
      const from = Number(range[1]);
      if (from >= body.length) {
        res.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, { 'Content-Range': `bytes ${from}-${body.length - 1}/${body.length}`, 'Content-Length': body.length - from });
      res.end(body.subarray(from));
      return;
    }
    if (req.url === '/wrong-offset' && range) {
      // answers a resume with the file's start, labelled as such
      res.writeHead(206, { 'Content-Range': `bytes 0-${body.length - 1}/${body.length}`, 'Content-Length': body.length });
      res.end(body);
      return;
    }
    // /file (and /range without a Range header): the whole file; Range is ignored
    res.writeHead(200, { 'Content-Length': body.length });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  t.cleanup();
});

describe('download', () => {
  it('follows a redirect, reports progress, checks size and sha256 and renames into place', async () => {
    const dest = path.join(t.dir, 'ok.bin');
    const seen: number[] = [];
    const r = await download(`${base}/redirect`, dest, { size: body.length, sha256: sha, onProgress: (d) => seen.push(d) });
    expect(r).toEqual({ size: body.length, sha256: sha, resumedFrom: 0 });
    expect(fs.readFileSync(dest)).toEqual(body);
    expect(seen[seen.length - 1]).toBe(body.length);
    expect(fs.existsSync(`${dest}.part`)).toBe(false);
  });

  it('rejects a checksum mismatch and removes the download', async () => {
    const dest = path.join(t.dir, 'badsha.bin');
    await expect(download(`${base}/file`, dest, { sha256: '0'.repeat(64) })).rejects.toThrow(
      /sha256 [0-9a-f]{64} does not match the expected 0{64} \(the download was removed\)/,
    );
    expect(fs.existsSync(dest)).toBe(false);
    expect(fs.existsSync(`${dest}.part`)).toBe(false);
  });

  it('rejects a size mismatch before transferring', async () => {
    const dest = path.join(t.dir, 'badsize.bin');
    await expect(download(`${base}/file`, dest, { size: 1234 })).rejects.toThrow(`the server has ${body.length} bytes, expected 1234`);
    expect(fs.existsSync(dest)).toBe(false);
  });

  it('a transfer that ends early keeps the partial file for a resume and names the URL', async () => {
    const dest = path.join(t.dir, 'short.bin');
    await expect(download(`${base}/short`, dest)).rejects.toThrow(new RegExp(`${base}/short: transfer broken after \\d+ bytes`));
    expect(fs.existsSync(dest)).toBe(false);
    expect(fs.statSync(`${dest}.part`).size).toBe(1000);
    await expect(download('ftp://example.invalid/x', dest)).rejects.toThrow(/only http and https/);
  });

  it('a connection cut right after a burst: every received byte is on disk before the error', async () => {
    const dest = path.join(t.dir, 'burst.bin');
    // keep libuv's thread pool (4 threads: file opens and writes run there) busy meanwhile, as a loaded
    // machine does: the cut arrives over the network before the .part file is even open; the code
    // must not report the error before the file has every byte
    const busy = Array.from({ length: 4 }, () => new Promise((r) => crypto.pbkdf2('x', 'y', 200_000, 64, 'sha512', r)));
    const err = await download(`${base}/burst`, dest).then(
      () => null,
      (e: Error) => e,
    );
    const part = fs.existsSync(`${dest}.part`) ? fs.readFileSync(`${dest}.part`) : null; // read at once, before the pool frees up
    await Promise.all(busy);
    expect(err?.message).toMatch(
      new RegExp(`${base}/burst: transfer broken after \\d+ bytes( \\(aborted\\))?; run the pull again to resume`),
    );
    const got = Number(/after (\d+) bytes/.exec(err!.message)![1]);
    expect(got).toBeGreaterThan(0);
    expect(part?.length).toBe(got);
    expect(part).toEqual(body.subarray(0, got));
    expect(fs.existsSync(dest)).toBe(false);
    // and the resume takes it from there
    const r = await download(`${base}/range`, dest, { size: body.length, sha256: sha });
    expect(r).toEqual({ size: body.length, sha256: sha, resumedFrom: got });
    expect(fs.readFileSync(dest)).toEqual(body);
  });

  it('resumes a partial file with Range', async () => {
    const dest = path.join(t.dir, 'resume.bin');
    fs.writeFileSync(`${dest}.part`, body.subarray(0, 70_000));
    const r = await download(`${base}/range`, dest, { sha256: sha });
    expect(r).toEqual({ size: body.length, sha256: sha, resumedFrom: 70_000 });
    expect(fs.readFileSync(dest)).toEqual(body);
  });

  it('a complete .part file: only the checks are left (with or without a known size)', async () => {
    for (const size of [body.length, undefined]) {
      const dest = path.join(t.dir, `complete-${size ?? 'unknown'}.bin`);
      fs.writeFileSync(`${dest}.part`, body);
      const r = await download(`${base}/range`, dest, { size, sha256: sha });
      expect(r).toEqual({ size: body.length, sha256: sha, resumedFrom: body.length });
      expect(fs.readFileSync(dest)).toEqual(body);
      expect(fs.existsSync(`${dest}.part`)).toBe(false);
    }
  });

  it('a server that ignores Range: the file is fetched from the start, resumedFrom 0', async () => {
    const dest = path.join(t.dir, 'norange.bin');
    fs.writeFileSync(`${dest}.part`, Buffer.alloc(50_000, 7)); // wrong bytes: appending to them would fail the sha256
    const r = await download(`${base}/file`, dest, { size: body.length, sha256: sha });
    expect(r).toEqual({ size: body.length, sha256: sha, resumedFrom: 0 });
    expect(fs.readFileSync(dest)).toEqual(body);
  });

  it('a resume at the wrong offset is refused and the partial file removed', async () => {
    const dest = path.join(t.dir, 'offset.bin');
    fs.writeFileSync(`${dest}.part`, body.subarray(0, 1000));
    await expect(download(`${base}/wrong-offset`, dest)).rejects.toThrow(
      `${base}/wrong-offset: the server resumed at the wrong offset (bytes 0-${body.length - 1}/${body.length}); the partial file was removed, run the pull again`,
    );
    expect(fs.existsSync(`${dest}.part`)).toBe(false);
    expect(fs.existsSync(dest)).toBe(false);
  });
});
