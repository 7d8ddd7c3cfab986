// The built renderer (out/renderer) as static files; a tiny page says so when it is not built.
import fs from 'node:fs';
import path from 'node:path';
import type { ServerResponse } from 'node:http';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.pdf': 'application/pdf',
  '.csv': 'text/csv; charset=utf-8',
};

export const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Emotion Studio</title></head>
<body><h1>Emotion Studio</h1>
<p>The renderer is not built, so there is no user interface to serve yet. Build it (<code>node scripts/build-renderer.mjs</code>,
which writes <code>out/renderer/</code>) and start <code>emotion-studio serve</code> again. The API at <code>/api/</code> works meanwhile.</p>
</body></html>
`;

/** A file of `dir` for a URL path, never outside `dir`; paths without an extension get index.html. */
export function resolveStatic(dir: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const rel = path.normalize(decoded).replace(/^([/\\])+/, '');
  const file = path.resolve(dir, rel || 'index.html');
  if (file !== dir && !file.startsWith(dir + path.sep)) return null;
  if (fs.existsSync(file) && fs.statSync(file).isFile()) return file;
  if (!path.extname(file)) return path.join(dir, 'index.html'); // client-side routes
  return null;
}

export function sendStatic(res: ServerResponse, file: string, head: boolean): void {
  const st = fs.statSync(file);
  res.writeHead(200, {
    'Content-Type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': st.size,
    'Cache-Control': 'no-cache',
  });
  if (head) res.end();
  else fs.createReadStream(file).pipe(res);
}
