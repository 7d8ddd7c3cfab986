// A one-stream re-extraction (`extract --modalities audio` or `video`) over items whose media stage is
// due replaces only the stream it decodes. The other stream's stored results stay when they are
// current (same media, this build's feature version) and the item is then done for a full run too;
// stale ones go, as in a full re-extraction, and a full run redoes the item. Clips and segments of a
// recording alike; a clip without an audio track keeps its video through an audio-only run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { makeClipSync, clipFfmpeg } from '../helpers/make-clips';
import { makeToneRecording } from '../helpers/make-recording';
import { tmpDir } from '../helpers/tmp';
import { openDb, type Db } from '../../src/main/core/store/db';
import { planImport } from '../../src/main/core/corpus/import-plan';
import { saveImport } from '../../src/main/core/store/corpus-repo';
import { runExtraction } from '../../src/main/core/jobs/extract';
import { MEDIA_STAGE_VERSION, SEGMENT_SUFFIX } from '../../src/main/core/jobs/media-tasks';
import { AUDIO_FEATURE_VERSION } from '../../src/main/core/features/audio';
import { VIDEO_FEATURE_VERSION } from '../../src/main/core/features/video/select-frames';
import { closeLauncher } from '../../src/main/core/media/launcher';

const OLD_AUDIO = 'audio-v0:older';
const OLD_VIDEO = 'video-v0:older';

/** What the video side of the media stage stored, per item. */
function videoRows(db: Db): unknown[] {
  return db
    .prepare(
      `SELECT fe.utterance_id, fe.frame_count, fe.entropy, fe.motion, fe.selected, fe.t0_s, f.version, f.data,
              m.width, m.height, m.fps, m.frame_count m_frames,
              (SELECT group_concat(t.frame || ':' || length(t.png)) FROM thumbnail t WHERE t.utterance_id = fe.utterance_id) thumbs
       FROM frame_entropy fe JOIN feature f ON f.utterance_id = fe.utterance_id AND f.kind = 'video.stats'
       JOIN media m ON m.utterance_id = fe.utterance_id ORDER BY fe.utterance_id`,
    )
    .all();
}

/** What the audio side stored, per item. */
function audioRows(db: Db): unknown[] {
  return db
    .prepare(
      `SELECT a.utterance_id, a.json, f.version, f.data, m.sample_rate FROM audio_summary a
       JOIN feature f ON f.utterance_id = a.utterance_id AND f.kind = 'audio.stats'
       JOIN media m ON m.utterance_id = a.utterance_id ORDER BY a.utterance_id`,
    )
    .all();
}

function stageVersions(db: Db): string[] {
  const rows = db.prepare("SELECT version FROM stage_status WHERE stage = 'media' ORDER BY utterance_id").all() as { version: string }[];
  return rows.map((r) => r.version);
}

/** As a build with another feature version of `stream` left the items: stage and feature versions. */
function ageStream(db: Db, stream: 'audio' | 'video'): void {
  const [cur, old] = stream === 'audio' ? [AUDIO_FEATURE_VERSION, OLD_AUDIO] : [VIDEO_FEATURE_VERSION, OLD_VIDEO];
  db.prepare("UPDATE stage_status SET version = replace(version, ?, ?) WHERE stage = 'media'").run(cur, old);
  db.prepare('UPDATE feature SET version = ? WHERE kind = ?').run(old, `${stream}.stats`);
}

describe('a one-stream re-extraction', () => {
  const t = tmpDir('es-onestream-');
  let db: Db;
  const full = [
    MEDIA_STAGE_VERSION,
    MEDIA_STAGE_VERSION,
    MEDIA_STAGE_VERSION,
    MEDIA_STAGE_VERSION + SEGMENT_SUFFIX,
    MEDIA_STAGE_VERSION + SEGMENT_SUFFIX,
  ];
  beforeAll(() => {
    const dir = path.join(t.dir, 'corpus');
    const video = { w: 320, h: 240, fps: 12 };
    makeClipSync(dir, 'a.mp4', { durationS: 1.5, container: 'mp4', video, audio: { kind: 'sine', freq: 330 } });
    makeClipSync(dir, 'b.mp4', {
      durationS: 1.5,
      container: 'mp4',
      video: { ...video, pattern: 'smptebars' },
      audio: { kind: 'sine', freq: 220 },
    });
    makeClipSync(dir, 'silent.mp4', { durationS: 1.5, container: 'mp4', video: { ...video, pattern: 'smptebars' } });
    makeToneRecording(dir, 'talk', { segments: 2, fps: 10 }); // tones at 0.6-2.6 and 3.2-5.2 s
    const csv = ['file,start,end,text,label', 'a.mp4,,,first clip,joy', 'b.mp4,,,second clip,anger', 'silent.mp4,,,no sound,neutral'];
    csv.push('talk.mp4,0.6,2.6,first span,joy', 'talk.mp4,3.2,5.2,second span,neutral');
    fs.writeFileSync(path.join(dir, 'items.csv'), csv.join('\n') + '\n');
    db = openDb(path.join(t.dir, 'one.db'));
    for (const b of planImport([path.join(dir, 'items.csv')], { columns: 'text=text,file=file,start=start,end=end,label=label' })) {
      saveImport(db, b);
    }
  });
  afterAll(async () => {
    db.close();
    await closeLauncher();
    t.cleanup();
  });
  const run = (wants?: { audio: boolean; video: boolean }) => runExtraction(db, { ffmpeg: clipFfmpeg(), workers: 0, wants });

  it('audio only, after an audio version change: the frames and their statistics stay, the item is done', async () => {
    expect((await run()).media).toMatchObject({ processed: 5, failed: 0 });
    const video = videoRows(db);
    const audio = audioRows(db);
    expect(video).toHaveLength(5);
    expect(audio).toHaveLength(4); // the silent clip has none
    expect(stageVersions(db)).toEqual(full);

    ageStream(db, 'audio');
    const again = await run({ audio: true, video: false });
    expect(again.media).toMatchObject({ processed: 5, skipped: 0 });
    expect(videoRows(db)).toEqual(video);
    expect(audioRows(db)).toEqual(audio); // recomputed, the same
    expect(stageVersions(db)).toEqual(full);
    // the silent clip still says why it has no audio, and keeps its video's state
    const silent = db.prepare("SELECT stage, message FROM item_error WHERE utterance_id = 3 AND level = 'error'").all();
    expect(silent).toEqual([{ stage: 'audio', message: 'no audio track' }]);
    expect((await run()).media).toMatchObject({ processed: 0, skipped: 5 });
  });

  it('video only, after a video version change: the audio stays, the item is done', async () => {
    const video = videoRows(db);
    const audio = audioRows(db);
    ageStream(db, 'video');
    db.prepare('UPDATE frame_entropy SET entropy = zeroblob(length(entropy))').run();
    const again = await run({ audio: false, video: true });
    expect(again.media).toMatchObject({ processed: 5, skipped: 0 });
    expect(audioRows(db)).toEqual(audio);
    expect(videoRows(db)).toEqual(video); // recomputed over the zeroed entropy
    expect(stageVersions(db)).toEqual(full);
    expect((await run()).media).toMatchObject({ processed: 0, skipped: 5 });
  });

  it('drops the other stream when it is stale or the media changed, and a full run redoes the item', async () => {
    const video = videoRows(db);
    ageStream(db, 'audio');
    ageStream(db, 'video');
    // clip b as if its file had changed since: the import deletes its stage row
    db.prepare("DELETE FROM stage_status WHERE utterance_id = 2 AND stage = 'media'").run();
    db.prepare("UPDATE feature SET version = ? WHERE utterance_id = 2 AND kind = 'video.stats'").run(VIDEO_FEATURE_VERSION);
    const again = await run({ audio: true, video: false });
    expect(again.media).toMatchObject({ processed: 5 });
    expect(videoRows(db)).toEqual([]);
    expect((db.prepare('SELECT COUNT(*) n FROM thumbnail').get() as { n: number }).n).toBe(0);
    expect(audioRows(db)).toHaveLength(4);
    const one = `${MEDIA_STAGE_VERSION}|audio`;
    // the silent clip: nothing decoded and nothing kept
    expect(stageVersions(db)).toEqual([one, one, one, one + SEGMENT_SUFFIX, one + SEGMENT_SUFFIX]);
    expect((await run()).media).toMatchObject({ processed: 5 });
    expect(videoRows(db)).toEqual(video);
  });
});
