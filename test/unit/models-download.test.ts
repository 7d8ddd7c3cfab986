// download(): size and sha256 checks against a local HTTP server on 127.0.0.1; a rejected file never
// lands at its destination, and a mismatched partial file is not kept for a resume.
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
    await expect(download(`${base}/file`, dest, { sha256: '0'.repeat(64) })).rejects.toThrow(/sha256 [0-9a-f]{64} does not match the expected 0{64} \(the download was removed\)/);
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
});
