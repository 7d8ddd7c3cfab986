// App preferences in the data folder (theme, Electron window bounds): one small JSON file written
// atomically, so a crash never leaves half a file. A missing or unreadable file means defaults.
import fs from 'node:fs';
import path from 'node:path';

export interface WindowBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized?: boolean;
}

export interface UiSettings {
  theme: 'light' | 'dark' | 'system';
  window?: WindowBounds;
  /** the annotator name label changes carry (issue 13); unset: the OS user */
  annotator?: string;
  /** annotation shortcuts: key (as KeyboardEvent.key) -> label */
  keymap?: Record<string, string>;
  /** the annotator the last import from the app was made under (the Import view's default) */
  importAnnotator?: string;
}

export const UI_SETTINGS_FILE = 'ui-settings.json';

export function readUiSettings(dataDir: string): UiSettings {
  try {
    const raw = JSON.parse(fs.readFileSync(path.join(dataDir, UI_SETTINGS_FILE), 'utf8')) as Partial<UiSettings>;
    const theme = raw.theme === 'light' || raw.theme === 'dark' || raw.theme === 'system' ? raw.theme : 'system';
    const w = raw.window;
    const okWindow = w && Number.isFinite(w.width) && Number.isFinite(w.height) && w.width >= 200 && w.height >= 150;
    const name = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, 100) : undefined);
    const annotator = name(raw.annotator);
    const importAnnotator = name(raw.importAnnotator);
    const km =
      raw.keymap && typeof raw.keymap === 'object'
        ? Object.entries(raw.keymap).filter(([k, v]) => typeof v === 'string' && k.length >= 1 && k.length <= 12)
        : [];
    return {
      theme,
      ...(okWindow ? { window: w } : {}),
      ...(annotator ? { annotator } : {}),
      ...(importAnnotator ? { importAnnotator } : {}),
      ...(km.length ? { keymap: Object.fromEntries(km) as Record<string, string> } : {}),
    };
  } catch {
    return { theme: 'system' };
  }
}

export function writeUiSettings(dataDir: string, patch: Partial<UiSettings>): UiSettings {
  const next = { ...readUiSettings(dataDir), ...patch };
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, UI_SETTINGS_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(next, null, 2) + '\n');
  fs.renameSync(tmp, file);
  return next;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The saved window bounds to restore on these displays' work areas: the position only when enough
 * of the window (a title bar's worth) lands on a display (a monitor may have been unplugged since),
 * and the size no larger than the largest display.
 */
export function restorableBounds(saved: WindowBounds | undefined, workAreas: Rect[]): WindowBounds | undefined {
  if (!saved) return undefined;
  const maxW = Math.max(0, ...workAreas.map((a) => a.width));
  const maxH = Math.max(0, ...workAreas.map((a) => a.height));
  const width = maxW ? Math.min(saved.width, maxW) : saved.width;
  const height = maxH ? Math.min(saved.height, maxH) : saved.height;
  const { x, y } = saved;
  const visible =
    x !== undefined &&
    y !== undefined &&
    workAreas.some((a) => {
      const w = Math.min(x + width, a.x + a.width) - Math.max(x, a.x);
      const h = Math.min(y + height, a.y + a.height) - Math.max(y, a.y);
      return w >= 100 && h >= 40;
    });
  return { ...(visible ? { x, y } : {}), width, height, ...(saved.maximized ? { maximized: true } : {}) };
}
