// A media re-extraction with wav2vec2 and ResNet-50 installed (tiny stand-in ONNX models, real
// sessions, real ffmpeg, a SQLite file): after a video-only feature version change the wav2vec2
// rows of every clip and segment stay as they were (not written again, not embedded again: no
// wav2vec2 run, no wav2vec2 progress) while the frame statistics and ResNet-50's embeddings are
// recomputed; after an audio version change, or on the items whose media stage was reset (their file
// or span changed), wav2vec2 runs again, and only there. feature-repo.ts saveMedia and extract.ts openFeeds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { makeClipSync, clipFfmpeg } from '../helpers/make-clips';
import { makeToneRecording } from '../helpers/make-recording';
import { writeTinyModels } from '../helpers/tiny-encoders';
import { tmpDir } from '../helpers/tmp';
import { importModel } from '../../src/main/core/models/install';
import { openDb, type Db } from '../../src/main/core/store/db';
import { planImport } from '../../src/main/core/corpus/import-plan';
import { saveImport } from '../../src/main/core/store/corpus-repo';
import { runExtraction, type ExtractSummary } from '../../src/main/core/jobs/extract';
import { MEDIA_STAGE_VERSION, SEGMENT_SUFFIX } from '../../src/main/core/jobs/media-tasks';
import { VIDEO_FEATURE_VERSION } from '../../src/main/core/features/video/select-frames';
import { AUDIO_FEATURE_VERSION } from '../../src/main/core/features/audio';
import { closeLauncher } from '../../src/main/core/media/launcher';

const OLD_VIDEO = 'video-v1:luma-entropy256;area320;top10-spacing-n/2k;desc8';
const OLD_AUDIO = 'audio-v0:older';
const W2V = 'wav2vec2-base-960h';
/** written over created_at of the rows a run must not write again */
const MARK = '2000-01-01T00:00:00.000Z';

const rows = (db: Db, kind: string) =>
  db
    .prepare(
      'SELECT utterance_id, frame, extractor, version, provider, dim, data, created_at FROM feature WHERE kind = ? ORDER BY utterance_id, frame',
    )
    .all(kind) as { utterance_id: number; data: Buffer; created_at: string }[];
const videoSide = (db: Db) =>
  db
    .prepare(
      `SELECT fe.utterance_id, fe.entropy, fe.motion, fe.selected, f.version, f.data FROM frame_entropy fe
       JOIN feature f ON f.utterance_id = fe.utterance_id AND f.kind = 'video.stats' ORDER BY fe.utterance_id`,
    )
    .all();
const encoded = (s: ExtractSummary, model: string) =>
  (s.encoders ?? []).filter((e) => e.model === model).reduce((a, e) => a + e.encoded, 0);

describe('media re-extraction and the audio encoder', () => {
  const t = tmpDir('es-w2vkeep-');
  const data = path.join(t.dir, 'data');
  let db: Db;
  /** one extraction, with what it reported */
  const extract = async () => {
    const jobs: string[] = [];
    const notes: string[] = [];
    const s = await runExtraction(db, {
      ffmpeg: clipFfmpeg(),
      workers: 0,
      dataDir: data,
      device: 'cpu',
      onProgress: (e) => jobs.push(e.job),
      onNote: (l) => notes.push(l),
    });
    return { s, w2vProgress: jobs.filter((j) => j.includes(W2V)).length, w2vNotes: notes.filter((l) => l.includes(W2V)) };
  };

  beforeAll(async () => {
    const clips = path.join(t.dir, 'corpus');
    makeClipSync(clips, 'a.mp4', { durationS: 1.5, container: 'mp4', video: { w: 160, h: 120, fps: 12 }, audio: { kind: 'sine' } });
    makeClipSync(clips, 'b.mp4', {
      durationS: 1.5,
      container: 'mp4',
      video: { w: 160, h: 120, fps: 12, pattern: 'smptebars' },
      audio: { kind: 'noise' },
    });
    makeToneRecording(clips, 'talk', { segments: 2, fps: 10 });
    const csv = ['file,start,end,text,label', 'a.mp4,,,first clip,joy', 'b.mp4,,,second clip,anger'];
    csv.push('talk.mp4,0.6,2.6,first span,joy', 'talk.mp4,3.2,5.2,second span,neutral');
    fs.writeFileSync(path.join(clips, 'items.csv'), csv.join('\n') + '\n');
    db = openDb(path.join(t.dir, 'keep.db'));
    for (const b of planImport([path.join(clips, 'items.csv')], { columns: 'text=text,file=file,start=start,end=end,label=label' })) {
      saveImport(db, b);
    }
    const files = writeTinyModels(path.join(t.dir, 'mirror'));
    await importModel(data, W2V, files.wav2vec2);
    await importModel(data, 'resnet-50', files.resnet);
  }, 120_000);
  afterAll(async () => {
    db.close();
    await closeLauncher();
    t.cleanup();
  });

  it('keeps the wav2vec2 rows over a video version change and recomputes the video side', async () => {
    const first = await extract();
    expect(first.s.media).toMatchObject({ processed: 4, failed: 0 });
    expect(encoded(first.s, W2V)).toBe(4);
    expect(encoded(first.s, 'resnet-50')).toBe(4);
    expect(first.w2vProgress).toBeGreaterThan(0); // the count below can see wav2vec2 runs
    const freshVideo = videoSide(db);
    const freshResnet = rows(db, 'video.embedding').map((r) => ({ ...r, created_at: undefined }));
    expect(freshVideo).toHaveLength(4);

    // an older build's video version; rows a rewrite would change
    db.prepare("UPDATE feature SET created_at = ? WHERE kind IN ('audio.embedding', 'video.embedding')").run(MARK);
    db.prepare("UPDATE stage_status SET version = replace(version, ?, ?) WHERE stage = 'media'").run(VIDEO_FEATURE_VERSION, OLD_VIDEO);
    db.prepare("UPDATE feature SET version = ? WHERE kind = 'video.stats'").run(OLD_VIDEO);
    db.prepare('UPDATE frame_entropy SET entropy = zeroblob(length(entropy)), motion = zeroblob(length(motion))').run();
    db.prepare("UPDATE feature SET data = zeroblob(length(data)) WHERE kind = 'video.embedding'").run();
    const w2vBefore = rows(db, 'audio.embedding');
    expect(w2vBefore).toHaveLength(4);

    const again = await extract();
    expect(again.s.media).toMatchObject({ processed: 4, failed: 0, skipped: 0 });
    // wav2vec2: not fed, not decoded again, its rows byte for byte as they were (created_at too)
    expect(encoded(again.s, W2V)).toBe(0);
    expect(again.w2vProgress).toBe(0);
    expect(again.w2vNotes).toEqual([]);
    expect(rows(db, 'audio.embedding')).toEqual(w2vBefore);
    // the video side: frame statistics and ResNet-50 recomputed
    expect(encoded(again.s, 'resnet-50')).toBe(4);
    expect(videoSide(db)).toEqual(freshVideo);
    const resnet = rows(db, 'video.embedding');
    expect(resnet.every((r) => r.created_at !== MARK)).toBe(true);
    expect(resnet.map((r) => ({ ...r, created_at: undefined }))).toEqual(freshResnet);
    expect(db.prepare("SELECT DISTINCT version FROM stage_status WHERE stage = 'media'").pluck().all()).toEqual(
      expect.arrayContaining([MEDIA_STAGE_VERSION]),
    );
    expect((await extract()).s.media).toMatchObject({ processed: 0, skipped: 4 });
  }, 180_000);

  it('recomputes wav2vec2 after an audio version change, and for an item whose media stage was reset', async () => {
    const w2vBefore = rows(db, 'audio.embedding').map((r) => ({ ...r, created_at: undefined }));
    db.prepare("UPDATE feature SET created_at = ? WHERE kind = 'audio.embedding'").run(MARK);
    db.prepare("UPDATE stage_status SET version = replace(version, ?, ?) WHERE stage = 'media'").run(AUDIO_FEATURE_VERSION, OLD_AUDIO);
    db.prepare("UPDATE feature SET version = ? WHERE kind = 'audio.stats'").run(OLD_AUDIO);
    const again = await extract();
    expect(again.s.media).toMatchObject({ processed: 4, failed: 0, skipped: 0 });
    expect(encoded(again.s, W2V)).toBe(4);
    expect(again.w2vProgress).toBeGreaterThan(0);
    const after = rows(db, 'audio.embedding');
    expect(after.every((r) => r.created_at !== MARK)).toBe(true);
    expect(after.map((r) => ({ ...r, created_at: undefined }))).toEqual(w2vBefore); // same audio, same model: same vectors

    // as an import does when a file or a span changed: the item's media stage row goes, its audio
    // embedding is redone; so is a segment's extracted before segments had their own (its whole
    // recording's features, no SEGMENT_SUFFIX); with a video version change as well, the other items
    // keep theirs (the recording's first segment too, although its decode hands back PCM for the second)
    db.prepare("UPDATE feature SET created_at = ? WHERE kind = 'audio.embedding'").run(MARK);
    db.prepare("UPDATE stage_status SET version = replace(version, ?, ?) WHERE stage = 'media'").run(VIDEO_FEATURE_VERSION, OLD_VIDEO);
    db.prepare("DELETE FROM stage_status WHERE stage = 'media' AND utterance_id = 2").run();
    db.prepare("UPDATE stage_status SET version = replace(version, ?, '') WHERE stage = 'media' AND utterance_id = 4").run(SEGMENT_SUFFIX);
    const reset = await extract();
    expect(reset.s.media).toMatchObject({ processed: 4, failed: 0, skipped: 0 });
    expect(encoded(reset.s, W2V)).toBe(2);
    expect(encoded(reset.s, 'resnet-50')).toBe(4);
    const last = rows(db, 'audio.embedding');
    expect(last.map((r) => [r.utterance_id, r.created_at === MARK])).toEqual([
      [1, true],
      [2, false],
      [3, true],
      [4, false],
    ]);
    expect(last.map((r) => ({ ...r, created_at: undefined }))).toEqual(w2vBefore);
  }, 180_000);
});
