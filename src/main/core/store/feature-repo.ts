// Write side of extraction results. Callers wrap a batch of these in one transaction.
// A media re-extraction drops every audio and video feature of the item, except the audio encoder's
// (wav2vec2) when the audio is known to be the same: the item's media stage was done (an import that
// sees the file or the span change deletes that row) as a segment if it is one now (before segment
// extraction a segment got its whole recording's features), its stored audio.stats are of the current
// audio version, the new decode's audio is stored again, and its embedding is of the installed model's
// version. A video-only version change then re-runs the frame statistics and ResNet-50, not wav2vec2
// (hours on CPU for long recordings over audio that did not change).
// A one-stream run (`extract --modalities audio|video`) replaces only the stream it decoded: the other
// stream's stored results stay when they are current (the same media, of this build's feature version),
// and the item is then marked done for a full run too; otherwise they go, as in a full re-extraction.
import type { Db } from './db';
import { f32ToBlob } from './db';
import type { MediaResult, RecordingOutcome } from '../jobs/process-media';
import type { ItemError } from '../../../shared/types';

/** 'span': an utterance whose span cannot be extracted (jobs/span-check.ts) */
export const MEDIA_STAGES = ['probe', 'decode', 'audio', 'video', 'span'];

/** The audio encoder whose embeddings survive a media re-extraction over the same audio. */
export interface KeptAudioEncoder {
  extractor: string;
  version: string;
  /** what ends a segment's media stage version (jobs/media-tasks.ts SEGMENT_SUFFIX) */
  segmentSuffix: string;
}

/** The feature versions of a media run and the stage version it writes. */
export interface MediaVersions {
  audio: string;
  video: string;
  stage: string;
  /**
   * A one-stream run: the stream it did not decode, and the stage version of a full run, written when
   * that stream's stored results are kept (current: see the file header).
   */
  undecoded?: { stream: 'audio' | 'video'; fullStage: string; segmentSuffix: string };
}

export class FeatureWriter {
  private readonly stmts;

  /** `keepAudio`: the installed wav2vec2 (name and version), whose embeddings of unchanged audio are kept */
  constructor(
    private readonly db: Db,
    private readonly keepAudio: KeptAudioEncoder | null = null,
  ) {
    this.stmts = {
      clearErrors: db.prepare(`DELETE FROM item_error WHERE utterance_id = ? AND stage IN (${MEDIA_STAGES.map(() => '?').join(',')})`),
      clearTextErrors: db.prepare("DELETE FROM item_error WHERE utterance_id = ? AND stage = 'text'"),
      addError: db.prepare('INSERT INTO item_error (utterance_id, stage, file, message, level) VALUES (?, ?, ?, ?, ?)'),
      media: db.prepare(
        `UPDATE media SET duration_s=@duration, has_audio=@hasAudio, has_video=@hasVideo, fps=@fps, width=@width,
           height=@height, sample_rate=@sr, frame_count=@frames WHERE utterance_id=@id`,
      ),
      // a one-stream run that keeps the other stream's results leaves that stream's columns
      mediaAudio: db.prepare('UPDATE media SET duration_s=@duration, has_audio=@hasAudio, sample_rate=@sr WHERE utterance_id=@id'),
      mediaVideo: db.prepare(
        `UPDATE media SET duration_s=@duration, has_video=@hasVideo, fps=@fps, width=@width, height=@height,
           frame_count=@frames WHERE utterance_id=@id`,
      ),
      feature: db.prepare(
        `INSERT OR REPLACE INTO feature (utterance_id, kind, frame, extractor, version, provider, dim, layout, data)
         VALUES (@id, @kind, @frame, @extractor, @version, @provider, @dim, @layout, @data)`,
      ),
      dropMediaFeatures: db.prepare("DELETE FROM feature WHERE utterance_id = ? AND (kind LIKE 'audio.%' OR kind LIKE 'video.%')"),
      dropMediaButAudioEmbedding: db.prepare(
        "DELETE FROM feature WHERE utterance_id = ? AND (kind LIKE 'audio.%' OR kind LIKE 'video.%') AND kind <> 'audio.embedding'",
      ),
      dropAudioFeatures: db.prepare("DELETE FROM feature WHERE utterance_id = ? AND kind LIKE 'audio.%'"),
      dropAudioButEmbedding: db.prepare("DELETE FROM feature WHERE utterance_id = ? AND kind LIKE 'audio.%' AND kind <> 'audio.embedding'"),
      dropVideoFeatures: db.prepare("DELETE FROM feature WHERE utterance_id = ? AND kind LIKE 'video.%'"),
      keepsStream: keptStreamCheck(db),
      keepsAudioEmbedding: audioEmbeddingKeptCheck(db),
      audio: db.prepare('INSERT OR REPLACE INTO audio_summary (utterance_id, json) VALUES (?, ?)'),
      dropAudio: db.prepare('DELETE FROM audio_summary WHERE utterance_id = ?'),
      entropy: db.prepare(
        'INSERT OR REPLACE INTO frame_entropy (utterance_id, fps, frame_count, entropy, motion, selected, t0_s) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      dropEntropy: db.prepare('DELETE FROM frame_entropy WHERE utterance_id = ?'),
      dropThumbs: db.prepare('DELETE FROM thumbnail WHERE utterance_id = ?'),
      thumb: db.prepare('INSERT INTO thumbnail (utterance_id, frame, png) VALUES (?, ?, ?)'),
      recording: db.prepare(
        // a resumed run decodes from its first remaining segment: its peaks never replace fuller ones
        `INSERT INTO recording (path, duration_s, has_video, fps, peaks_per_s, peaks_offset_s, peaks, updated_at)
         VALUES (@path, @duration, @hasVideo, @fps, @pps, @offset, @peaks, strftime('%Y-%m-%dT%H:%M:%fZ','now'))
         ON CONFLICT (path) DO UPDATE SET duration_s = excluded.duration_s, has_video = excluded.has_video, fps = excluded.fps,
           updated_at = excluded.updated_at,
           peaks_per_s = CASE WHEN recording.peaks IS NULL OR excluded.peaks_offset_s <= recording.peaks_offset_s THEN excluded.peaks_per_s ELSE recording.peaks_per_s END,
           peaks = CASE WHEN recording.peaks IS NULL OR excluded.peaks_offset_s <= recording.peaks_offset_s THEN excluded.peaks ELSE recording.peaks END,
           peaks_offset_s = CASE WHEN recording.peaks IS NULL OR excluded.peaks_offset_s <= recording.peaks_offset_s THEN excluded.peaks_offset_s ELSE recording.peaks_offset_s END`,
      ),
      stage: db.prepare(
        `INSERT OR REPLACE INTO stage_status (utterance_id, stage, status, version, updated_at)
         VALUES (?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))`,
      ),
    };
  }

  /**
   * Replaces what the media stage stored for this utterance (a one-stream run: that stream's, when the
   * other's is current; see the header); true when its audio embedding was kept (the same audio): the
   * caller does not feed it to the audio encoder again.
   */
  saveMedia(r: MediaResult, versions: MediaVersions): boolean {
    const s = this.stmts;
    const id = r.utteranceId;
    const segment = (suffix: string) => (versions.stage.endsWith(suffix) ? 1 : 0);
    const keep =
      this.keepAudio !== null &&
      !r.failed &&
      !!r.audio &&
      !!r.audioVector &&
      allFinite(r.audioVector) &&
      s.keepsAudioEmbedding.get({ id, audio: versions.audio, ...this.keepAudio, segment: segment(this.keepAudio.segmentSuffix) }) !==
        undefined;
    // the stream a one-stream run did not decode, when its stored results stay (checked before anything
    // is dropped; the file was read: a clip without the decoded stream keeps the other, as a full run would)
    const u = versions.undecoded;
    const other =
      u &&
      r.probe &&
      s.keepsStream.get({
        id,
        stream: u.stream,
        version: versions[u.stream],
        segment: segment(u.segmentSuffix),
        suffix: u.segmentSuffix,
      }) !== undefined
        ? u.stream
        : null;
    // done for a full run too: the other stream is kept, or the file has none
    const complete = !!u && !!r.probe && (other !== null || !r.probe[u.stream]);
    s.clearErrors.run(id, ...MEDIA_STAGES.map((st) => (st === other ? '' : st))); // a kept stream keeps its errors
    this.addErrors(id, r.errors);
    if (other === 'video') (keep ? s.dropAudioButEmbedding : s.dropAudioFeatures).run(id);
    else if (other === 'audio') s.dropVideoFeatures.run(id);
    else (keep ? s.dropMediaButAudioEmbedding : s.dropMediaFeatures).run(id);
    if (other !== 'audio') s.dropAudio.run(id);
    if (other !== 'video') {
      s.dropEntropy.run(id);
      s.dropThumbs.run(id);
    }
    if (r.probe) {
      const row = {
        id,
        duration: r.probe.durationS,
        hasAudio: r.probe.audio ? 1 : 0,
        hasVideo: r.probe.video ? 1 : 0,
        fps: r.video?.fps ?? r.probe.video?.fps ?? null,
        width: r.video?.width ?? r.probe.video?.width ?? null,
        height: r.video?.height ?? r.probe.video?.height ?? null,
        sr: r.probe.audio?.sampleRate ?? null,
        frames: r.video?.frameCount ?? null,
      };
      if (other === 'video') s.mediaAudio.run({ id, duration: row.duration, hasAudio: row.hasAudio, sr: row.sr });
      else if (other === 'audio') {
        const { id: i, duration, hasVideo, fps, width, height, frames } = row;
        s.mediaVideo.run({ id: i, duration, hasVideo, fps, width, height, frames });
      } else s.media.run(row);
    }
    if (r.audio && r.audioVector && allFinite(r.audioVector)) {
      s.audio.run(id, JSON.stringify(r.audio));
      s.feature.run({
        id,
        kind: 'audio.stats',
        frame: -1,
        extractor: 'builtin-audio-dsp',
        version: versions.audio,
        provider: null,
        dim: r.audioVector.length,
        layout: 'dense',
        data: f32ToBlob(r.audioVector),
      });
    }
    if (r.video && allFinite(r.video.entropy) && allFinite(r.video.vector)) {
      const v = r.video;
      s.entropy.run(id, v.fps, v.frameCount, f32ToBlob(v.entropy), f32ToBlob(v.motion), JSON.stringify(v.selected), v.t0S ?? null);
      for (const t of v.thumbnails) s.thumb.run(id, t.frame, Buffer.from(t.png));
      s.feature.run({
        id,
        kind: 'video.stats',
        frame: -1,
        extractor: 'builtin-frame-stats',
        version: versions.video,
        provider: null,
        dim: v.vector.length,
        layout: 'dense',
        data: f32ToBlob(v.vector),
      });
    }
    s.stage.run(id, 'media', r.failed && !other ? 'error' : 'done', complete ? u.fullStage : versions.stage);
    return keep;
  }

  /** A decoded recording's own data (waveform peaks for the timeline). */
  saveRecording(path: string, o: RecordingOutcome): void {
    if (!o.probe) return;
    const p = o.peaks;
    let blob: Buffer | null = null;
    if (p) {
      blob = Buffer.alloc(p.min.length * 2);
      for (let i = 0; i < p.min.length; i++) {
        blob.writeInt8(p.min[i], 2 * i);
        blob.writeInt8(p.max[i], 2 * i + 1);
      }
    }
    this.stmts.recording.run({
      path,
      duration: o.probe.durationS,
      hasVideo: o.probe.video ? 1 : 0,
      fps: o.probe.video?.fps ?? null,
      pps: p?.binsPerSecond ?? null,
      offset: p?.offsetS ?? null,
      peaks: blob,
    });
  }

  saveText(
    id: number,
    feature: { extractor: string; version: string; dim: number; layout: 'dense' | 'sparse'; data: Buffer } | null,
    error: string | null,
  ): void {
    const s = this.stmts;
    s.clearTextErrors.run(id);
    if (feature) s.feature.run({ id, kind: 'text', frame: -1, provider: null, ...feature });
    if (error) s.addError.run(id, 'text', null, error, 'error');
    s.stage.run(id, 'text', feature ? 'done' : 'error', feature?.version ?? 'none');
  }

  private addErrors(id: number, errors: ItemError[]): void {
    for (const e of errors) this.stmts.addError.run(id, e.stage, e.file, e.message, e.level);
  }
}

/**
 * The stored state under which an utterance's audio embedding outlives its media re-extraction: media
 * stage done (as a segment: @segment 1, its version ends with @segmentSuffix), audio.stats of version
 * @audio, an audio.embedding of @extractor at @version.
 */
export function audioEmbeddingKeptCheck(db: Db) {
  return db.prepare<KeptAudioEncoder & { id: number; audio: string; segment: 0 | 1 }>(
    `SELECT 1 FROM stage_status s WHERE s.utterance_id = @id AND s.stage = 'media' AND s.status = 'done'
       AND (substr(s.version, -length(@segmentSuffix)) = @segmentSuffix) = @segment
       AND EXISTS (SELECT 1 FROM feature f WHERE f.utterance_id = @id AND f.kind = 'audio.stats' AND f.version = @audio)
       AND EXISTS (SELECT 1 FROM feature f WHERE f.utterance_id = @id AND f.kind = 'audio.embedding'
                   AND f.extractor = @extractor AND f.version = @version)`,
  );
}

/** No NaN or Infinity is ever stored as a feature. */
export function allFinite(v: ArrayLike<number>): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false;
  return true;
}

/**
 * Whether an item's stored results of @stream outlive a run that decodes the other stream only: its
 * media stage is done (the same media: an import that sees the file or span change deletes the row),
 * as a segment if it is one now (@segment 1: its version ends with @suffix; before segment extraction
 * a segment got its whole recording's features), and its stored @stream statistics are of @version
 * (for video, with its frame entropy).
 */
export function keptStreamCheck(db: Db) {
  return db.prepare<{ id: number; stream: 'audio' | 'video'; version: string; segment: 0 | 1; suffix: string }>(
    `SELECT 1 FROM stage_status s WHERE s.utterance_id = @id AND s.stage = 'media' AND s.status = 'done'
       AND (substr(s.version, -length(@suffix)) = @suffix) = @segment
       AND EXISTS (SELECT 1 FROM feature f WHERE f.utterance_id = @id AND f.kind = @stream || '.stats' AND f.version = @version)
       AND (@stream = 'audio' OR EXISTS (SELECT 1 FROM frame_entropy e WHERE e.utterance_id = @id))`,
  );
}
