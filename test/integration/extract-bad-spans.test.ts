// Spans that cannot be extracted, through the built CLI with a real ffmpeg-decoded recording and a real
// SQLite file: a CSV whose rows cut a 10.4 s recording into a good span, an empty one (4.000-4.000 s),
// a reversed one, one past the end and one with a start only, plus a whole clip with no span. The bad
// spans each get an item error naming the utterance, the span and the file, and no features (never the
// whole recording's, as an empty span once got); the good span and the whole clip are extracted as before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { runCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';
import { makeToneRecording } from '../helpers/make-recording';
import type { UtteranceDetail, UtteranceListing } from '../../src/shared/types';
import { MEDIA_STAGE_VERSION } from '../../src/main/core/jobs/media-tasks';

const t = tmpDir('es-bad-span-');
const db = path.join(t.dir, 'spans.db');
let rows: UtteranceListing[];
const byText = (text: string) => rows.find((r) => r.text === text)!;
const show = (id: number) => runCli(['show', String(id), '--db', db, '--json']).json() as UtteranceDetail;
const features = (id: number) => {
  const d = new Database(db, { readonly: true });
  try {
    return {
      // media features only (the text stage encodes every utterance's text)
      features: (
        d.prepare("SELECT COUNT(*) n FROM feature WHERE utterance_id = ? AND (kind LIKE 'audio.%' OR kind LIKE 'video.%')").get(id) as {
          n: number;
        }
      ).n,
      audio: d.prepare('SELECT 1 FROM audio_summary WHERE utterance_id = ?').get(id) !== undefined,
      frames: d.prepare('SELECT 1 FROM frame_entropy WHERE utterance_id = ?').get(id) !== undefined,
    };
  } finally {
    d.close();
  }
};
let extract: { processed: number; failed: number };

beforeAll(() => {
  makeToneRecording(t.dir, 'talk', { segments: 4 }); // 10.4 s, tones at 0.6-2.6, 3.2-5.2, ...
  makeToneRecording(t.dir, 'clip', { segments: 1, fps: 0 }); // a 2.6 s whole clip (.wav)
  const csv = [
    'file,start,end,text',
    'talk.mp4,0.6,2.6,good span',
    'talk.mp4,4.0,4.0,empty span',
    'talk.mp4,6.0,5.0,reversed span',
    'talk.mp4,20,22,past the end',
    'talk.mp4,8.4,,start only',
    'clip.wav,,,whole clip',
  ];
  fs.writeFileSync(path.join(t.dir, 'spans.csv'), csv.join('\n') + '\n');
  const imp = runCli([
    'import',
    path.join(t.dir, 'spans.csv'),
    '--columns',
    'text=text,file=file,start=start,end=end',
    '--db',
    db,
    '--json',
  ]);
  expect(imp.code, imp.stderr).toBe(0);
  const x = runCli(['extract', '--db', db, '--json', '--workers', '1']);
  expect(x.code, x.stderr).toBe(0);
  extract = x.json().media;
  rows = runCli(['list', '--db', db, '--json']).json();
}, 120_000);
afterAll(() => t.cleanup());

describe('extraction of spans that cannot be extracted', () => {
  it('extracts the good span and the whole clip over their own audio and frames', () => {
    expect(extract).toMatchObject({ processed: 6, failed: 4 });
    const good = show(byText('good span').id);
    expect(good.errors.filter((e) => e.level === 'error')).toEqual([]);
    expect(good.audio!.duration_s).toBeCloseTo(2.0, 1);
    expect(good.video!.frame_count).toBeGreaterThanOrEqual(19);
    expect(good.video!.frame_count).toBeLessThanOrEqual(21);
    const whole = show(byText('whole clip').id);
    expect(whole.start_s).toBeNull();
    expect(whole.errors.filter((e) => e.level === 'error')).toEqual([]);
    expect(whole.audio!.duration_s).toBeCloseTo(2.6, 1);
  });

  it('gives each bad span an item error naming the utterance, the span and the file, and no features', () => {
    const cases: [string, RegExp][] = [
      ['empty span', /span 4\.000-4\.000 s of talk\.mp4 does not end after its start/],
      ['reversed span', /span 6\.000-5\.000 s of talk\.mp4 does not end after its start/],
      ['past the end', /span 20\.000-22\.000 s of talk\.mp4 starts at or after the end of the recording \(10\.4\d\d s\)/],
      ['start only', /span 8\.400-\? s of talk\.mp4 has a start but no end/],
    ];
    for (const [text, message] of cases) {
      const r = byText(text);
      expect(r.status, text).toBe('error');
      const d = show(r.id);
      expect(d.errors, text).toHaveLength(1);
      expect(d.errors[0]).toMatchObject({ stage: 'span', level: 'error', file: path.join(t.dir, 'talk.mp4') });
      // the key where the plan has it; a span past the end is found by the recording's probe (id only)
      expect(d.errors[0].message).toMatch(new RegExp(`^utterance ${r.id}${text === 'past the end' ? ':' : ' \\(talk\\.mp4#'}`));
      expect(d.errors[0].message).toMatch(message);
      expect(d.audio, text).toBeNull();
      expect(features(r.id), text).toEqual({ features: 0, audio: false, frames: false });
    }
  });

  it('drops the whole-recording features an older database stored for a span that does not end after its start', () => {
    // as an older build left it: the span 3.0-3.0 s extracted as a whole clip (plain stage version)
    const id = byText('good span').id;
    const d = new Database(db);
    d.prepare('UPDATE utterance SET start_s = 3, end_s = 3 WHERE id = ?').run(id);
    d.prepare("UPDATE stage_status SET version = ? WHERE utterance_id = ? AND stage = 'media'").run(MEDIA_STAGE_VERSION, id);
    d.close();
    expect(features(id).audio).toBe(true);
    const x = runCli(['extract', '--db', db, '--json', '--workers', '1']);
    expect(x.code, x.stderr).toBe(0);
    expect(x.json().media).toMatchObject({ processed: 1, failed: 1 });
    expect(show(id).errors.map((e) => e.message)).toEqual([expect.stringMatching(/span 3\.000-3\.000 s of talk\.mp4 does not end/)]);
    expect(features(id)).toEqual({ features: 0, audio: false, frames: false });
    // a later run leaves it alone (marked done as a segment), and the whole clip is still done
    const again = runCli(['extract', '--db', db, '--json', '--workers', '1']).json().media;
    expect(again).toMatchObject({ processed: 0, failed: 0 });
    expect(show(byText('whole clip').id).audio).not.toBeNull();
  });
});
