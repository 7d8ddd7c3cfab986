// Security settings of the desktop shell and of browser mode, kept free of any electron import so
// that unit tests can check them: BrowserWindow webPreferences, the Content-Security-Policy, the
// navigation/new-window policy and the es-media:// URLs (the only way the page reaches local files).

/** The custom scheme that serves an utterance's clip and its stored thumbnails, and nothing else. */
export const MEDIA_SCHEME = 'es-media';

/** Privileges for protocol.registerSchemesAsPrivileged: a secure standard scheme that can stream
 * (the <video> element needs Range requests); it does not bypass the CSP and has no CORS. */
export const MEDIA_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  stream: true,
  supportFetchAPI: true,
  bypassCSP: false,
  corsEnabled: false,
  allowServiceWorkers: false,
} as const;

/** BrowserWindow webPreferences (besides the preload path): the renderer is an untrusted page. */
export const WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  safeDialogs: true,
} as const;

export function webPreferences(preload: string) {
  return { ...WEB_PREFERENCES, preload };
}

export interface CspOptions {
  /** extra connect-src sources (browser mode: the WebSocket origin) */
  connect?: string[];
  /** extra img-src / media-src sources (Electron: es-media:) */
  media?: string[];
  /** a development server (Vite's React preamble is an inline script, HMR a WebSocket) */
  dev?: boolean;
}

/**
 * One policy for both modes: everything from the app itself, nothing remote, no eval, no plugins,
 * no framing, no forms posting anywhere. Inline styles stay allowed: MUI (emotion) and plotly.js
 * write <style> elements and style attributes at run time.
 */
export function contentSecurityPolicy(o: CspOptions = {}): string {
  const media = ["'self'", 'data:', 'blob:', ...(o.media ?? [])];
  const directives: [string, string[]][] = [
    ['default-src', ["'self'"]],
    ['script-src', ["'self'", ...(o.dev ? ["'unsafe-inline'"] : [])]],
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['img-src', media],
    ['media-src', media],
    ['font-src', ["'self'", 'data:']],
    ['connect-src', ["'self'", ...(o.connect ?? []), ...(o.dev ? ['ws://localhost:*', 'ws://127.0.0.1:*'] : [])]],
    ['worker-src', ["'self'", 'blob:']],
    ['object-src', ["'none'"]],
    ['frame-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
  ];
  return directives.map(([k, v]) => `${k} ${v.join(' ')}`).join('; ');
}

/** The Electron window's policy: media and thumbnails come through es-media:// only. */
export function electronCsp(dev = false): string {
  return contentSecurityPolicy({ media: [`${MEDIA_SCHEME}:`], dev });
}

/** Browser mode (`serve`): same origin only, plus the /events WebSocket of this very server. */
export function browserCsp(port: number): string {
  return contentSecurityPolicy({ connect: [`ws://127.0.0.1:${port}`, `ws://localhost:${port}`] });
}

/**
 * Navigation policy: the window shows the app page and nothing else. A navigation is allowed only
 * to the very page that was loaded (a reload; a hash change never asks); links to anything else are
 * blocked, never opened in the window.
 */
export function isAllowedNavigation(target: string, appUrl: string): boolean {
  let t: URL;
  let a: URL;
  try {
    t = new URL(target);
    a = new URL(appUrl);
  } catch {
    return false;
  }
  return t.protocol === a.protocol && t.host === a.host && t.pathname === a.pathname;
}

/** window.open and target=_blank: always denied (no second window, no external browser). */
export function windowOpenPolicy(): { action: 'deny' } {
  return { action: 'deny' };
}

/** Permission requests (camera, microphone, notifications, ...): all refused. */
export function isAllowedPermission(_permission: string): boolean {
  return false;
}

export type MediaRequest = { kind: 'media'; id: number } | { kind: 'thumb'; id: number; frame: number };

export function mediaUrlFor(id: number): string {
  return `${MEDIA_SCHEME}://media/${id}`;
}

export function thumbUrlFor(id: number, frame: number): string {
  return `${MEDIA_SCHEME}://thumb/${id}/${frame}`;
}

/** Parses es-media://media/ID and es-media://thumb/ID/FRAME; anything else (paths, queries) is null. */
export function parseMediaUrl(url: string): MediaRequest | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${MEDIA_SCHEME}:` || u.search || u.username || u.password || u.port) return null;
  const parts = u.pathname.split('/').filter(Boolean);
  const num = (s: string | undefined) => (s !== undefined && /^\d{1,12}$/.test(s) ? Number(s) : null);
  if (u.hostname === 'media' && parts.length === 1) {
    const id = num(parts[0]);
    return id ? { kind: 'media', id } : null;
  }
  if (u.hostname === 'thumb' && parts.length === 2) {
    const id = num(parts[0]);
    const frame = num(parts[1]);
    return id && frame !== null ? { kind: 'thumb', id, frame } : null;
  }
  return null;
}
