// Where models, settings and the default database live: --data-dir, else EMOTION_STUDIO_DATA,
// else the OS user data folder (the same one Electron's app.getPath('userData') uses).
import os from 'node:os';
import path from 'node:path';

export const APP_NAME = 'emotion-studio';

export function dataDir(explicit?: string): string {
  if (explicit) return path.resolve(explicit);
  if (process.env.EMOTION_STUDIO_DATA) return path.resolve(process.env.EMOTION_STUDIO_DATA);
  const home = os.homedir();
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_NAME);
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_NAME);
  return path.join(process.env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_NAME);
}

export function defaultDbPath(dir: string): string {
  return path.join(dir, 'emotion-studio.db');
}
