// extract --modalities: audio-only work stores no frame and a later full run adds the video; an
// unknown modality is refused before any work.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import Database from 'better-sqlite3';
import { runCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';
import { makeToneRecording, toneEaf } from '../helpers/make-recording';

describe('extract --modalities', () => {
  const t = tmpDir('es-mod-');
  const db = path.join(t.dir, 'm.db');
  const count = (sql: string) => {
    const d = new Database(db, { readonly: true });
    try {
      return (d.prepare(sql).get() as { n: number }).n;
    } finally {
      d.close();
    }
  };
  beforeAll(() => {
    const rec = makeToneRecording(t.dir, 'talk', { segments: 3, toneS: 1.0, gapS: 0.5 });
    toneEaf(path.join(t.dir, 'talk.eaf'), rec.file, rec.segments);
    expect(runCli(['import', path.join(t.dir, 'talk.eaf'), '--db', db]).code).toBe(0);
  });
  afterAll(() => t.cleanup());

  it('refuses an unknown modality', () => {
    const r = runCli(['extract', '--db', db, '--modalities', 'audio,smell']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/unknown modality 'smell'/);
  });

  it('audio only decodes no frame; a full run then adds the video', () => {
    const a = runCli(['extract', '--db', db, '--modalities', 'audio', '--json']);
    expect(a.code, a.stderr).toBe(0);
    expect(a.json().media).toMatchObject({ processed: 3, failed: 0 });
    expect(count('SELECT COUNT(*) n FROM audio_summary')).toBe(3);
    expect(count('SELECT COUNT(*) n FROM frame_entropy')).toBe(0);
    expect(count("SELECT COUNT(*) n FROM item_error WHERE stage = 'video'")).toBe(0); // not asked for: nothing to say
    // audio again: nothing to do; everything: the video is added
    expect(runCli(['extract', '--db', db, '--modalities', 'audio', '--json']).json().media).toMatchObject({ processed: 0, skipped: 3 });
    const all = runCli(['extract', '--db', db, '--json']);
    expect(all.json().media).toMatchObject({ processed: 3 });
    expect(count('SELECT COUNT(*) n FROM frame_entropy')).toBe(3);
  });
});
