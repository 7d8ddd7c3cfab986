// The desktop shell's and browser mode's security settings, checked as values (no Electron needed):
// webPreferences, the CSP (and the renderer page's own copy), navigation/new-window/permission
// policies, es-media:// URLs, the media root check, the token, Range parsing and static files.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage } from 'node:http';
import {
  MEDIA_SCHEME,
  MEDIA_SCHEME_PRIVILEGES,
  WEB_PREFERENCES,
  browserCsp,
  contentSecurityPolicy,
  electronCsp,
  isAllowedNavigation,
  isAllowedPermission,
  mediaUrlFor,
  parseMediaUrl,
  thumbUrlFor,
  webPreferences,
  windowOpenPolicy,
} from '../../src/main/security';
import { mediaFileOf, parseRange } from '../../src/main/core/api/media-lookup';
import { openDb } from '../../src/main/core/store/db';
import { cookieName, newToken, presentedToken, tokenMatches } from '../../src/main/server/token';
import { resolveStatic } from '../../src/main/server/static-files';
import { tmpDir } from '../helpers/tmp';

const directives = (csp: string) =>
  Object.fromEntries(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([k, ...v]) => [k, v]),
  );

describe('BrowserWindow webPreferences', () => {
  it('isolate and sandbox the renderer, without Node and with web security', () => {
    const p = webPreferences('/app/out/preload/index.js');
    expect(p).toMatchObject({
      preload: '/app/out/preload/index.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
    });
    expect(WEB_PREFERENCES).not.toHaveProperty('preload');
  });
});

describe('Content-Security-Policy', () => {
  for (const [name, csp] of [
    ['electron', electronCsp()],
    ['browser', browserCsp(4321)],
    ['default', contentSecurityPolicy()],
  ] as const) {
    it(`${name}: only the app itself, no eval, no inline script, no remote host, no plugins, no framing`, () => {
      const d = directives(csp);
      expect(d['default-src']).toEqual(["'self'"]);
      expect(d['script-src']).toEqual(["'self'"]);
      expect(d['object-src']).toEqual(["'none'"]);
      expect(d['frame-ancestors']).toEqual(["'none'"]);
      expect(d['base-uri']).toEqual(["'none'"]);
      expect(d['form-action']).toEqual(["'none'"]);
      expect(csp).not.toMatch(/unsafe-eval|\*|https?:/);
      // remote schemes nowhere; the only non-self sources are data:/blob: and this app's own ws/es-media
      for (const [k, v] of Object.entries(d))
        for (const src of v)
          expect(src, `${k} ${src}`).toMatch(
            /^'self'$|^'none'$|^'unsafe-inline'$|^data:$|^blob:$|^es-media:$|^ws:\/\/(127\.0\.0\.1|localhost):4321$/,
          );
      expect(d['style-src']).toEqual(["'self'", "'unsafe-inline'"]); // MUI and plotly write styles
    });
  }
  it('Electron reads clips and thumbnails through es-media: only; browser mode connects to its own WebSocket only', () => {
    expect(directives(electronCsp())['media-src']).toContain('es-media:');
    expect(directives(electronCsp())['img-src']).toContain('es-media:');
    expect(directives(electronCsp())['connect-src']).toEqual(["'self'"]);
    expect(directives(browserCsp(4321))['connect-src']).toEqual(["'self'", 'ws://127.0.0.1:4321', 'ws://localhost:4321']);
    expect(directives(browserCsp(4321))['media-src']).not.toContain('es-media:');
  });
  it("the renderer page's own <meta> policy (the only one on file:// in Electron) is the same policy", () => {
    const html = fs.readFileSync(path.resolve(__dirname, '../../src/renderer/index.html'), 'utf8');
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html);
    expect(meta, 'src/renderer/index.html has a CSP <meta>').not.toBeNull();
    const page = directives(meta![1]);
    const app = directives(electronCsp());
    for (const [k, v] of Object.entries(page)) expect(v, k).toEqual(app[k]);
    // a <meta> cannot carry frame-ancestors; a missing frame-src falls back to default-src 'self'
    const missing = Object.keys(app).filter((k) => !(k in page));
    expect(missing.filter((k) => k !== 'frame-ancestors' && k !== 'frame-src')).toEqual([]);
  });
  it('a development server gets inline scripts (Vite preamble) and HMR, never the built app', () => {
    expect(directives(electronCsp(true))['script-src']).toContain("'unsafe-inline'");
    expect(directives(electronCsp(false))['script-src']).toEqual(["'self'"]);
    expect(directives(electronCsp(true))['connect-src']).toEqual(expect.arrayContaining(['ws://localhost:*']));
  });
});

describe('navigation, new windows, permissions', () => {
  const app = 'file:///opt/emotion-studio/out/renderer/index.html';
  it('only the app page itself may be (re)loaded', () => {
    expect(isAllowedNavigation(app, app)).toBe(true);
    expect(isAllowedNavigation(`${app}#/evaluation`, app)).toBe(true);
    expect(isAllowedNavigation('file:///etc/passwd', app)).toBe(false);
    expect(isAllowedNavigation('https://example.com/', app)).toBe(false);
    expect(isAllowedNavigation('http://localhost:5173/', 'http://localhost:5173/')).toBe(true);
    expect(isAllowedNavigation('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
    expect(isAllowedNavigation('not a url', app)).toBe(false);
    expect(isAllowedNavigation('es-media://media/1', app)).toBe(false);
  });
  it('window.open is denied and every permission refused', () => {
    expect(windowOpenPolicy()).toEqual({ action: 'deny' });
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen'])
      expect(isAllowedPermission(p)).toBe(false);
  });
});

describe('es-media:// URLs', () => {
  it('is a secure streaming scheme that neither bypasses the CSP nor allows CORS', () => {
    expect(MEDIA_SCHEME).toBe('es-media');
    expect(MEDIA_SCHEME_PRIVILEGES).toMatchObject({ standard: true, secure: true, stream: true, bypassCSP: false, corsEnabled: false });
  });
  it('round-trips ids and refuses anything that is not a numeric id', () => {
    expect(parseMediaUrl(mediaUrlFor(42))).toEqual({ kind: 'media', id: 42 });
    expect(parseMediaUrl(thumbUrlFor(42, 0))).toEqual({ kind: 'thumb', id: 42, frame: 0 });
    for (const bad of [
      'es-media://media/../../etc/passwd',
      'es-media://media/%2e%2e%2fetc',
      'es-media://media/1/2',
      'es-media://media/0',
      'es-media://media/-1',
      'es-media://media/1?path=/etc/passwd',
      'es-media://file/etc/passwd',
      'es-media://thumb/1',
      'es-media://media/abc',
      'file:///etc/passwd',
      'http://media/1',
      'es-media://user@media/1',
      'es-media://media:80/1',
    ])
      expect(parseMediaUrl(bad), bad).toBeNull();
  });
});

describe('media lookup (behind /media and es-media://media/ID)', () => {
  it("serves an utterance's own clip under its corpus root, never a symlink or a path leading out", () => {
    const t = tmpDir('es-media-');
    try {
      const root = path.join(t.dir, 'corpus');
      fs.mkdirSync(root);
      fs.writeFileSync(path.join(root, 'a.mp4'), 'clip');
      fs.writeFileSync(path.join(t.dir, 'secret.mp4'), 'secret');
      fs.symlinkSync(path.join(t.dir, 'secret.mp4'), path.join(root, 'link.mp4'));
      const db = openDb(path.join(t.dir, 'm.db'));
      try {
        db.prepare("INSERT INTO corpus (id, root, kind) VALUES (1, ?, 'folder')").run(root);
        const clips = [
          path.join(root, 'a.mp4'),
          path.join(root, 'link.mp4'),
          path.join(root, '..', 'secret.mp4'),
          path.join(root, 'gone.mp4'),
          null,
        ];
        clips.forEach((file, k) => {
          db.prepare("INSERT INTO utterance (id, corpus_id, key, split) VALUES (?, 1, ?, 'train')").run(k + 1, `u${k}`);
          db.prepare('INSERT INTO media (utterance_id, path) VALUES (?, ?)').run(k + 1, file);
        });
        expect(mediaFileOf(db, 1)).toEqual({ ok: true, file: fs.realpathSync(path.join(root, 'a.mp4')), size: 4, type: 'video/mp4' });
        expect(mediaFileOf(db, 2)).toMatchObject({ ok: false, status: 403 });
        expect(mediaFileOf(db, 3)).toMatchObject({ ok: false, status: 403 });
        expect(mediaFileOf(db, 4)).toMatchObject({ ok: false, status: 404, reason: expect.stringContaining('gone.mp4') });
        expect(mediaFileOf(db, 5)).toMatchObject({ ok: false, status: 404 });
        expect(mediaFileOf(db, 99)).toMatchObject({ ok: false, status: 404 });
      } finally {
        db.close();
      }
    } finally {
      t.cleanup();
    }
  });
});

describe('Range header', () => {
  it('single ranges, open and suffix forms; the rest is a full response or 416', () => {
    expect(parseRange(undefined, 1000)).toBeNull();
    expect(parseRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=500-', 1000)).toEqual({ start: 500, end: 999 });
    expect(parseRange('bytes=-100', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=-5000', 1000)).toEqual({ start: 0, end: 999 });
    expect(parseRange('bytes=990-5000', 1000)).toEqual({ start: 990, end: 999 });
    expect(parseRange('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-', 0)).toBe('unsatisfiable');
    expect(parseRange('bytes=5-2', 1000)).toBeNull();
    expect(parseRange('bytes=0-1,5-9', 1000)).toBeNull();
    expect(parseRange('items=0-5', 1000)).toBeNull();
  });
});

describe('browser-mode token', () => {
  const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
  it('is 32 random bytes, different each time', () => {
    const a = newToken();
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(newToken()).not.toBe(a);
  });
  it('compares exactly', () => {
    const a = newToken();
    expect(tokenMatches(a, a)).toBe(true);
    expect(tokenMatches(a.slice(0, -1), a)).toBe(false);
    expect(tokenMatches('', a)).toBe(false);
    expect(tokenMatches(a.toUpperCase(), a)).toBe(false);
  });
  it("is read from the query, a bearer header or this port's cookie (not another port's)", () => {
    const u = (q = '') => new URL(`http://127.0.0.1:9/${q}`);
    expect(presentedToken(req({}), u('?token=abc'), 9)).toEqual({ token: 'abc', source: 'query' });
    expect(presentedToken(req({ authorization: 'Bearer xyz' }), u(), 9)).toEqual({ token: 'xyz', source: 'header' });
    expect(presentedToken(req({ cookie: `a=1; ${cookieName(9)}=c0; b=2` }), u(), 9)).toEqual({ token: 'c0', source: 'cookie' });
    expect(presentedToken(req({ cookie: `${cookieName(10)}=c0` }), u(), 9)).toBeNull();
    expect(presentedToken(req({}), u(), 9)).toBeNull();
  });
});

describe('static files of the renderer', () => {
  it('never resolve outside the renderer folder', () => {
    const t = tmpDir();
    try {
      fs.mkdirSync(path.join(t.dir, 'assets'));
      fs.writeFileSync(path.join(t.dir, 'index.html'), '<!doctype html>');
      fs.writeFileSync(path.join(t.dir, 'assets', 'main.js'), '');
      fs.writeFileSync(path.join(path.dirname(t.dir), 'secret.txt-es-test'), 'x');
      expect(resolveStatic(t.dir, '/')).toBe(path.join(t.dir, 'index.html'));
      expect(resolveStatic(t.dir, '/assets/main.js')).toBe(path.join(t.dir, 'assets', 'main.js'));
      expect(resolveStatic(t.dir, '/evaluation')).toBe(path.join(t.dir, 'index.html')); // a client route
      for (const bad of [
        '/../secret.txt-es-test',
        '/..%2fsecret.txt-es-test',
        '/assets/../../secret.txt-es-test',
        '/%00',
        '/%E0%A4%A',
        '/assets/nope.js',
      ]) {
        expect(resolveStatic(t.dir, bad), bad).toBeNull();
      }
    } finally {
      fs.rmSync(path.join(path.dirname(t.dir), 'secret.txt-es-test'), { force: true });
      t.cleanup();
    }
  });
});
