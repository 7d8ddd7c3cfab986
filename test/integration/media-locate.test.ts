import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { FFMPEG_ENV, clearFfmpegCache, locateFfmpeg } from '../../src/main/core/media/locate-ffmpeg';
import { tmpDir } from '../helpers/tmp';

const installerDir = path.resolve(__dirname, '../../node_modules/@ffmpeg-installer', `${process.platform}-${process.arch}`);
const installerBin = path.join(installerDir, process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg');
const hasInstaller = fs.existsSync(installerBin);
const ffmpegStaticPresent = (() => {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const p = require('ffmpeg-static') as string | null;
    return !!p && fs.existsSync(p);
  } catch {
    return false;
  }
})();

const { dir, cleanup } = tmpDir('es-locate-');
afterAll(cleanup);

describe('locateFfmpeg', () => {
  beforeEach(() => clearFfmpegCache());

  it.skipIf(!hasInstaller)('without a setting takes ffmpeg-static if present, else @ffmpeg-installer/ffmpeg', () => {
    const info = locateFfmpeg(undefined, { env: { PATH: process.env.PATH } });
    expect(info.source).toBe(ffmpegStaticPresent ? 'ffmpeg-static' : '@ffmpeg-installer/ffmpeg');
    if (!ffmpegStaticPresent) expect(info.path).toBe(installerBin);
    expect(info.version).toMatch(/\S/);
  });

  it.skipIf(!hasInstaller)('an explicit setting wins over the environment variable and packages', () => {
    const info = locateFfmpeg(installerBin, { env: { [FFMPEG_ENV]: '/nowhere/ffmpeg', PATH: '' } });
    expect(info).toMatchObject({ path: installerBin, source: 'setting' });
    // the environment variable counts as the setting when no argument is given
    const fromEnv = locateFfmpeg(undefined, { env: { [FFMPEG_ENV]: installerBin } });
    expect(fromEnv).toMatchObject({ path: installerBin, source: 'setting' });
    // a folder holding ffmpeg is accepted
    expect(locateFfmpeg(installerDir).path).toBe(installerBin);
  });

  it('a bad setting is a clear error, with no silent fall back', () => {
    const missing = path.join(dir, 'no such', 'ffmpeg');
    expect(() => locateFfmpeg(missing)).toThrow(`ffmpeg from setting (${missing}) does not work: no such file`);
    expect(() => locateFfmpeg(undefined, { env: { [FFMPEG_ENV]: missing } })).toThrow(
      `ffmpeg from ${FFMPEG_ENV} (${missing}) does not work`,
    );
    const notExec = path.join(dir, 'not-exec');
    fs.writeFileSync(notExec, 'x', { mode: 0o644 });
    expect(() => locateFfmpeg(notExec)).toThrow(/does not work: not executable \(permission denied\)/);
    const impostor = path.join(dir, 'impostor');
    fs.writeFileSync(impostor, '#!/bin/sh\necho "hello from a script"\n', { mode: 0o755 });
    expect(() => locateFfmpeg(impostor)).toThrow(/does not work: not an ffmpeg binary \(`-version` printed: hello from a script\)/);
    const emptyDir = path.join(dir, 'empty dir');
    fs.mkdirSync(emptyDir);
    expect(() => locateFfmpeg(emptyDir)).toThrow(/it is a folder without ffmpeg in it/);
  });

  it.skipIf(!hasInstaller)('falls back to PATH, and reports it', () => {
    const info = locateFfmpeg(undefined, {
      env: { PATH: `/nonexistent${path.delimiter}${installerDir}` },
      sources: ['ffmpeg-static', 'PATH'],
    });
    expect(info).toMatchObject({ path: installerBin, source: 'PATH' });
  });

  it('names every source tried when none works', () => {
    let err: Error | null = null;
    try {
      locateFfmpeg(undefined, { env: { PATH: path.join(dir, 'nothing-here') }, sources: ['ffmpeg-static', 'PATH'] });
    } catch (e) {
      err = e as Error;
    }
    expect(err).not.toBeNull();
    expect(err!.message).toMatch(/^no working ffmpeg found\. Tried ffmpeg-static: .+; PATH: no ffmpeg in 1 PATH folders\./);
    expect(err!.message).toContain(FFMPEG_ENV);
  });

  it('caches the result per setting', () => {
    const saved = process.env[FFMPEG_ENV];
    delete process.env[FFMPEG_ENV];
    try {
      const a = locateFfmpeg();
      expect(locateFfmpeg()).toBe(a);
      const b = locateFfmpeg(a.path);
      expect(b.source).toBe('setting');
      expect(locateFfmpeg(a.path)).toBe(b);
      expect(locateFfmpeg()).toBe(a);
    } finally {
      if (saved !== undefined) process.env[FFMPEG_ENV] = saved;
    }
  });

  it('reports a parsed version', () => {
    const info = locateFfmpeg();
    expect(info.version).not.toMatch(/^ffmpeg/);
    expect(info.version.length).toBeGreaterThan(0);
  });
});
