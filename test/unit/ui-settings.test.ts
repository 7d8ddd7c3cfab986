// App preferences in the data folder (theme, window bounds): defaults for a missing or broken file,
// atomic writes, and saved window bounds restored only where they land on a display.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { readUiSettings, restorableBounds, writeUiSettings, UI_SETTINGS_FILE } from '../../src/main/core/api/ui-settings';
import { tmpDir } from '../helpers/tmp';

describe('ui settings file', () => {
  it('defaults when missing or broken, keeps what was written, drops nonsense bounds', () => {
    const t = tmpDir('es-ui-');
    try {
      const dir = path.join(t.dir, 'data');
      expect(readUiSettings(dir)).toEqual({ theme: 'system' });
      writeUiSettings(dir, { theme: 'dark' });
      writeUiSettings(dir, { window: { x: 10, y: 20, width: 900, height: 700 } });
      expect(readUiSettings(dir)).toEqual({ theme: 'dark', window: { x: 10, y: 20, width: 900, height: 700 } });
      expect(fs.readdirSync(dir)).toEqual([UI_SETTINGS_FILE]); // no temporary file left behind
      fs.writeFileSync(path.join(dir, UI_SETTINGS_FILE), '{"theme": "dark", "window": {"width": 5');
      expect(readUiSettings(dir)).toEqual({ theme: 'system' });
      fs.writeFileSync(path.join(dir, UI_SETTINGS_FILE), JSON.stringify({ theme: 'neon', window: { width: 10, height: 'x' } }));
      expect(readUiSettings(dir)).toEqual({ theme: 'system' });
    } finally {
      t.cleanup();
    }
  });
});

describe('restorableBounds', () => {
  const laptop = { x: 0, y: 0, width: 1440, height: 900 };
  const right = { x: 1440, y: 0, width: 1920, height: 1080 };
  it('keeps the position on a display, the size clamped to the largest display', () => {
    expect(restorableBounds(undefined, [laptop])).toBeUndefined();
    expect(restorableBounds({ x: 1500, y: 50, width: 1200, height: 800, maximized: true }, [laptop, right])).toEqual({
      x: 1500,
      y: 50,
      width: 1200,
      height: 800,
      maximized: true,
    });
    expect(restorableBounds({ x: 0, y: 0, width: 4000, height: 3000 }, [laptop, right])).toEqual({ x: 0, y: 0, width: 1920, height: 1080 });
  });
  it('drops the position when the window would land off every display (a monitor unplugged)', () => {
    expect(restorableBounds({ x: 1500, y: 50, width: 1200, height: 800 }, [laptop])).toEqual({ width: 1200, height: 800 });
    expect(restorableBounds({ x: 1400, y: 50, width: 1200, height: 800 }, [laptop])).toEqual({ width: 1200, height: 800 }); // 40 px showing
    expect(restorableBounds({ x: -5000, y: -5000, width: 800, height: 600 }, [laptop, right])).toEqual({ width: 800, height: 600 });
    expect(restorableBounds({ width: 800, height: 600 }, [laptop])).toEqual({ width: 800, height: 600 });
  });
});
