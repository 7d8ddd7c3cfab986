// The app's import with automatic segmentation (jobs.import with segment: 'vad') on a real SQLite
// file: a folder with a recording of 12 espeak-ng sentences and a damaged one becomes one dialogue
// of 12 segments (Silero VAD), the damaged file a warning naming it, with progress in seconds of audio.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { openDb, type Db } from '../../src/main/core/store/db';
import { createApi, type AppApi } from '../../src/main/core/api';
import type { CorpusSummary, JobEvent, JobInfo } from '../../src/shared/api';
import { tmpDir } from '../helpers/tmp';
import { clipFfmpeg, hasEspeak } from '../helpers/make-clips';
import { speechRecording, type SpeechRecording } from '../helpers/espeak-speech';

const t = tmpDir('es-api-vad-');
const root = path.join(t.dir, 'root');
let db: Db;
let api: AppApi;
let rec: SpeechRecording;
const events: JobEvent[] = [];

beforeAll(() => {
  if (!hasEspeak()) throw new Error('espeak-ng is needed for the VAD tests (scripts/install.sh installs it)');
  fs.mkdirSync(path.join(root, 'sessions'), { recursive: true });
  rec = speechRecording(clipFfmpeg(), path.join(root, 'sessions', 'talk.wav'));
  fs.writeFileSync(path.join(root, 'sessions', 'damaged.mp4'), 'not a video');
  db = openDb(path.join(t.dir, 'app.db'));
  api = createApi({
    db,
    dbPath: path.join(t.dir, 'app.db'),
    dataDir: path.join(t.dir, 'data'),
    mode: 'browser',
    ffmpeg: clipFfmpeg(),
    urls: { media: () => '', thumbnail: () => '' },
    browseRoots: [fs.realpathSync(root)],
  });
  api.onJob((e) => events.push(e));
}, 60_000);
afterAll(async () => {
  await api.close();
  db.close();
  t.cleanup();
});

function finished(jobId: number): Promise<JobInfo> {
  return new Promise((resolve) => {
    const off = api.onJob((e: JobEvent) => {
      if (e.type === 'finished' && e.job.id === jobId) {
        off();
        resolve(e.job);
      }
    });
  });
}

describe('jobs.import with segment: vad', () => {
  it('cuts each recording into speech segments; a damaged file is named in the warnings', async () => {
    const r = await api.call('jobs.import', { paths: [path.join(fs.realpathSync(root), 'sessions')], segment: 'vad', extract: false });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    const done = await finished((r as { value: JobInfo }).value.id);
    expect(done.status, done.error ?? '').toBe('done');
    const res = done.result as { summaries: { kind: string; added: number }[]; warnings: string[] };
    expect(res.summaries).toMatchObject([{ kind: 'vad-segments', added: 12 }]);
    expect(res.warnings).toEqual([expect.stringMatching(/damaged\.mp4: cannot segment it: /)]);
    const rows = db.prepare('SELECT start_s, end_s, text, speaker FROM utterance ORDER BY start_s').all() as {
      start_s: number;
      end_s: number;
      text: null;
      speaker: null;
    }[];
    expect(rows).toHaveLength(12);
    rows.forEach((u, i) => {
      expect(Math.abs(u.start_s - rec.truth[i].startS)).toBeLessThan(0.25);
      expect(Math.abs(u.end_s - rec.truth[i].endS)).toBeLessThan(0.25);
      expect([u.text, u.speaker]).toEqual([null, null]);
    });
    const progress = events.filter((e) => e.type === 'progress' && e.job.progress?.job.startsWith('segment vad'));
    expect(progress.length).toBeGreaterThan(0);
  }, 120_000);

  it('gives every segment the split and the label set the import names (both were ignored: unsplit, no labels)', async () => {
    fs.mkdirSync(path.join(root, 'other'), { recursive: true });
    fs.copyFileSync(path.join(root, 'sessions', 'talk.wav'), path.join(root, 'other', 'talk-b.wav'));
    const r = await api.call('jobs.import', {
      paths: [path.join(fs.realpathSync(root), 'other')],
      segment: 'vad',
      split: 'train',
      labels: ['joy', 'anger'],
      extract: false,
    });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    const done = await finished((r as { value: JobInfo }).value.id);
    expect(done.status, done.error ?? '').toBe('done');
    const rows = db.prepare("SELECT split, COUNT(*) AS n FROM utterance WHERE key LIKE 'talk-b.wav#vad@%' GROUP BY split").all();
    expect(rows).toEqual([{ split: 'train', n: 12 }]);
    // and the label set the form names: Annotate shows its keys
    const sum = await api.call('corpus.summary', {});
    expect(sum.ok && (sum.value as CorpusSummary).labels).toEqual(['joy', 'anger']);
  }, 120_000);
});
