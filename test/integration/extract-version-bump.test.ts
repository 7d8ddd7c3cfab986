// A database extracted by an older build whose video features meant something else (an older
// VIDEO_FEATURE_VERSION in its stage and feature versions, e.g. 'area320' before the analysis scale
// became point sampling): the next extraction redoes the media stage of every clip and segment, writes
// the current versions and the frame statistics afresh, and loses nothing else that was stored (the
// utterances, their labels and label history, the audio features and the recording's waveform).
// A run after that has nothing left to do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { makeClipSync, clipFfmpeg } from '../helpers/make-clips';
import { makeToneRecording } from '../helpers/make-recording';
import { tmpDir } from '../helpers/tmp';
import { openDb, type Db } from '../../src/main/core/store/db';
import { planImport } from '../../src/main/core/corpus/import-plan';
import { saveImport } from '../../src/main/core/store/corpus-repo';
import { relabel } from '../../src/main/core/store/labels';
import { runExtraction } from '../../src/main/core/jobs/extract';
import { MEDIA_STAGE_VERSION, SEGMENT_SUFFIX } from '../../src/main/core/jobs/media-tasks';
import { VIDEO_FEATURE_VERSION } from '../../src/main/core/features/video/select-frames';
import { closeLauncher } from '../../src/main/core/media/launcher';

const OLD_VIDEO = 'video-v1:luma-entropy256;area320;top10-spacing-n/2k;desc8';

/** Every row of the tables a media re-extraction must leave as they were. */
function kept(db: Db): Record<string, unknown[]> {
  const all = (sql: string) => db.prepare(sql).all();
  return {
    utterance: all('SELECT * FROM utterance ORDER BY id'),
    label_history: all('SELECT * FROM label_history ORDER BY id'),
    annotator_label: all('SELECT * FROM annotator_label ORDER BY utterance_id, annotator'),
    audio_features: all(
      "SELECT utterance_id, kind, frame, version, data FROM feature WHERE kind LIKE 'audio.%' ORDER BY utterance_id, kind",
    ),
    text_features: all("SELECT utterance_id, kind, version, data FROM feature WHERE kind = 'text' ORDER BY utterance_id"),
    audio_summary: all('SELECT * FROM audio_summary ORDER BY utterance_id'),
    media: all('SELECT * FROM media ORDER BY utterance_id'),
    // the recording is decoded again: its waveform is rewritten (the same), only the time changes
    recording: all('SELECT * FROM recording').map((r) => ({ ...(r as object), updated_at: undefined })),
  };
}

/** What the video side of the media stage stored. */
function videoRows(db: Db): unknown[] {
  return db
    .prepare(
      `SELECT fe.utterance_id, fe.frame_count, fe.entropy, fe.motion, fe.selected, fe.t0_s, f.version, f.data,
              (SELECT COUNT(*) FROM thumbnail t WHERE t.utterance_id = fe.utterance_id) thumbs
       FROM frame_entropy fe JOIN feature f ON f.utterance_id = fe.utterance_id AND f.kind = 'video.stats' ORDER BY fe.utterance_id`,
    )
    .all();
}

describe('extraction after a video feature version change', () => {
  const t = tmpDir('es-vbump-');
  let db: Db;
  beforeAll(() => {
    const clips = path.join(t.dir, 'corpus');
    makeClipSync(clips, 'a.mp4', { durationS: 1.5, container: 'mp4', video: { w: 320, h: 240, fps: 12 }, audio: { kind: 'sine' } });
    makeClipSync(clips, 'b.mp4', {
      durationS: 1.5,
      container: 'mp4',
      video: { w: 320, h: 240, fps: 12, pattern: 'smptebars' },
      audio: { kind: 'sine', freq: 220 },
    });
    makeToneRecording(clips, 'talk', { segments: 2, fps: 10 }); // 5.2 s, tones at 0.6-2.6 and 3.2-5.2
    const csv = ['file,start,end,text,label', 'a.mp4,,,first clip,joy', 'b.mp4,,,second clip,anger'];
    csv.push('talk.mp4,0.6,2.6,first span,joy', 'talk.mp4,3.2,5.2,second span,neutral');
    fs.writeFileSync(path.join(clips, 'items.csv'), csv.join('\n') + '\n');
    db = openDb(path.join(t.dir, 'bump.db'));
    for (const b of planImport([path.join(clips, 'items.csv')], { columns: 'text=text,file=file,start=start,end=end,label=label' })) {
      saveImport(db, b);
    }
  });
  afterAll(async () => {
    db.close();
    await closeLauncher();
    t.cleanup();
  });

  it('redoes the media stage of every item, rewrites the frame statistics and keeps everything else', async () => {
    expect(VIDEO_FEATURE_VERSION).not.toBe(OLD_VIDEO);
    const first = await runExtraction(db, { ffmpeg: clipFfmpeg(), workers: 0 });
    expect(first.media).toMatchObject({ processed: 4, failed: 0 });
    const fresh = videoRows(db);
    expect(fresh).toHaveLength(4);
    relabel(db, 1, 'anger', 'ann', 'relabel');

    // as the older build left it: its versions, and frame statistics that are not today's
    const oldStage = MEDIA_STAGE_VERSION.replace(VIDEO_FEATURE_VERSION, OLD_VIDEO);
    expect(oldStage).not.toBe(MEDIA_STAGE_VERSION);
    db.prepare("UPDATE stage_status SET version = replace(version, ?, ?) WHERE stage = 'media'").run(MEDIA_STAGE_VERSION, oldStage);
    db.prepare("UPDATE feature SET version = ? WHERE kind = 'video.stats'").run(OLD_VIDEO);
    db.prepare('UPDATE frame_entropy SET entropy = zeroblob(length(entropy)), motion = zeroblob(length(motion))').run();
    db.prepare('DELETE FROM thumbnail WHERE frame % 2 = 0').run();
    const before = kept(db);
    expect(before.label_history.length).toBeGreaterThan(4);
    expect(before.audio_features).toHaveLength(4);
    expect(before.recording).toHaveLength(1);

    const again = await runExtraction(db, { ffmpeg: clipFfmpeg(), workers: 0 });
    expect(again.media).toMatchObject({ processed: 4, failed: 0, skipped: 0 });
    expect(videoRows(db)).toEqual(fresh);
    expect(kept(db)).toEqual(before);
    const versions = db
      .prepare("SELECT u.start_s, s.version FROM stage_status s JOIN utterance u ON u.id = s.utterance_id WHERE s.stage = 'media'")
      .all() as {
      start_s: number | null;
      version: string;
    }[];
    expect(versions.map((v) => v.version).sort()).toEqual(
      [MEDIA_STAGE_VERSION, MEDIA_STAGE_VERSION, MEDIA_STAGE_VERSION + SEGMENT_SUFFIX, MEDIA_STAGE_VERSION + SEGMENT_SUFFIX].sort(),
    );
    expect((db.prepare('SELECT COUNT(*) n FROM feature WHERE version = ?').get(OLD_VIDEO) as { n: number }).n).toBe(0);

    const third = await runExtraction(db, { ffmpeg: clipFfmpeg(), workers: 0 });
    expect(third.media).toMatchObject({ processed: 0, skipped: 4 });
  });
});
