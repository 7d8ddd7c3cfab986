// `import --segment vad`: each recording (a media file, or every media file below a folder) is cut
// into speech segments by Silero VAD (encoders/silero-vad.ts) and becomes a dialogue whose utterances
// are its segments (start_s/end_s on the shared recording; no text, speaker or label yet).
// A segment's key is its recording and start time (REL#vad@MS), so a label always stays with the
// stretch of speech it was given to, even when the recording is segmented again with other options.
import fs from 'node:fs';
import path from 'node:path';
import { relativeKey } from '../corpus/folder';
import { isMediaFile, listMediaFiles, splitHint } from '../corpus/media-index';
import { ImportError, type ImportBatch, type ImportIssue, type ImportRecord, type Split } from '../corpus/types';
import { decodePcm16k } from '../media/ffmpeg-read';
import { probeMedia } from '../media/probe';
import { MediaError } from '../media/errors';
import type { ProgressEvent } from '../../../shared/types';
import { ProgressMeter } from './progress';
import { SileroVad, VAD_RATE, speechSegments, type Segment, type VadOptions } from '../encoders/silero-vad';
import type { Device } from '../models/providers';

export interface SegmentOptions {
  ffmpeg: string;
  device?: Device;
  vad?: Partial<VadOptions>;
  /** the split of every segment (import --split); else the recording's folder names it (train/dev/test) */
  split?: Split;
  /** the label set annotators will choose from (import --labels); segments arrive unlabelled, so this is
   * the only way a segmented recording gets one (without it Annotate has no keys and train no classes) */
  labels?: string[];
  /** seconds of audio decoded at a time (memory stays bounded for long recordings; default 120) */
  pieceS?: number;
  signal?: AbortSignal;
  /** one line per recording done, and the provider notes */
  onNote?: (line: string) => void;
  /** progress in seconds of audio (job 'segment vad'), after every piece */
  onProgress?: (e: ProgressEvent) => void;
}

/** What segmentation found in one recording. */
export interface RecordingSegments {
  file: string;
  segments: number;
  duration_s: number;
  speech_s: number;
  /** why the recording could not be segmented (then it has no utterances) */
  error?: string;
}

/**
 * Runs the VAD over one recording, decoded in pieces of pieceS seconds (ffmpeg input seeking); the
 * model's state carries over, so the pieces give what one decode would.
 */
export async function segmentRecording(
  vad: SileroVad,
  file: string,
  o: SegmentOptions,
  onPiece?: (doneS: number) => void,
): Promise<{ segments: Segment[]; durationS: number }> {
  vad.reset();
  const pieceS = o.pieceS ?? 120;
  const want = Math.round(pieceS * VAD_RATE);
  for (let k = 0; ; k++) {
    const pcm = await decodePcm16k(o.ffmpeg, file, o.signal, { startS: k * pieceS, durationS: pieceS });
    if (pcm.length) await vad.push(pcm, o.signal);
    onPiece?.(vad.samples / VAD_RATE);
    // a piece more than half a second short is the end (the resampler may give a sample or two less)
    if (pcm.length < want - VAD_RATE / 2) break;
  }
  if (vad.samples === 0) throw new Error('no audio samples decoded (no audio stream?)');
  const probs = await vad.finish();
  return { segments: speechSegments(probs, vad.samples, o.vad), durationS: vad.samples / VAD_RATE };
}

/**
 * One import batch per path (a recording, or a folder of recordings): every recording a dialogue keyed by
 * its path relative to the folder without the extension (as the transcript importers do), its segments
 * utterances `REL#vad@START_MS` (start in ms: `talk.wav#vad@1250`). A recording that
 * cannot be decoded is an issue naming it and the reason; the others carry on.
 */
export async function planVadImport(
  paths: string[],
  o: SegmentOptions,
): Promise<{ batches: ImportBatch[]; recordings: RecordingSegments[] }> {
  const plans: { root: string; files: string[]; issues: ImportIssue[] }[] = [];
  for (const p of paths) {
    const abs = path.resolve(p);
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch (e) {
      throw new ImportError(abs, `cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    if (st.isDirectory()) {
      const listing = listMediaFiles(abs);
      const issues: ImportIssue[] = listing.unreadable.map((u) => ({
        file: u.dir,
        row: null,
        message: `folder skipped: cannot read it (${u.reason})`,
      }));
      if (!listing.files.length) issues.push({ file: abs, row: null, message: 'no media files found in this folder' });
      plans.push({ root: abs, files: listing.files, issues });
    } else if (isMediaFile(path.basename(abs))) plans.push({ root: path.dirname(abs), files: [abs], issues: [] });
    else
      throw new ImportError(
        abs,
        `--segment vad takes recordings (media files) or folders of them, not '${path.extname(abs) || path.basename(abs)}'`,
      );
  }
  const note = o.onNote ?? (() => {});
  // probed first: the total length for progress, and a clear reason for a file that is not a recording
  const probed = new Map<string, number | string>();
  for (const file of plans.flatMap((p) => p.files)) {
    try {
      const info = await probeMedia(o.ffmpeg, file, { signal: o.signal });
      probed.set(file, info.audio ? info.durationS : 'no audio stream');
    } catch (e) {
      if (o.signal?.aborted) throw e;
      probed.set(file, e instanceof MediaError ? e.reason : (e as Error).message);
    }
  }
  const meter = new ProgressMeter(
    'segment vad (seconds of audio)',
    Math.max(1, Math.round([...probed.values()].reduce<number>((a, d) => a + (typeof d === 'number' ? d : 0), 0))),
  );
  let doneBefore = 0;
  const vad = await SileroVad.open(o.device ?? 'auto', note);
  const batches: ImportBatch[] = [];
  const recordings: RecordingSegments[] = [];
  try {
    for (const plan of plans) {
      const records: ImportRecord[] = [];
      for (const file of plan.files) {
        if (o.signal?.aborted) throw new Error('cancelled');
        const rel = relativeKey(plan.root, file);
        try {
          const p = probed.get(file);
          if (typeof p === 'string') throw new Error(p);
          const { segments, durationS } = await segmentRecording(vad, file, o, (doneS) => {
            meter.done = Math.min(meter.total, Math.round(doneBefore + doneS));
            o.onProgress?.(meter.event());
          });
          doneBefore += p ?? durationS;
          const speech = segments.reduce((a, s) => a + s.endS - s.startS, 0);
          recordings.push({ file, segments: segments.length, duration_s: round2(durationS), speech_s: round2(speech) });
          if (!segments.length) plan.issues.push({ file, row: null, message: `no speech found in ${durationS.toFixed(1)} s` });
          segments.forEach((s, i) =>
            records.push({
              key: `${rel}#vad@${Math.round(s.startS * 1000)}`,
              split: o.split ?? splitHint(path.dirname(rel)),
              dialogue: rel.slice(0, rel.length - path.extname(rel).length),
              index: i,
              speaker: null,
              text: null,
              label: null,
              mediaPath: file,
              startS: s.startS,
              endS: s.endS,
              source: file,
              row: null,
            }),
          );
          note(`${rel}: ${segments.length} speech segments in ${durationS.toFixed(1)} s (${speech.toFixed(1)} s of speech)`);
        } catch (e) {
          if (o.signal?.aborted) throw e;
          const reason = (e as Error).message;
          recordings.push({ file, segments: 0, duration_s: 0, speech_s: 0, error: reason });
          plan.issues.push({ file, row: null, message: `cannot segment it: ${reason}` });
        }
      }
      batches.push({
        kind: 'vad-segments',
        corpusRoot: plan.root,
        labelSet: o.labels ?? [],
        records,
        issues: plan.issues,
        missingMedia: 0,
      });
    }
  } finally {
    await vad.release();
  }
  return { batches, recordings };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** VAD options from the command line's strings; throws naming the option when one is out of range. */
export function parseVadOptions(o: { minSilence?: string; minSpeech?: string; pad?: string; threshold?: string }): Partial<VadOptions> {
  const num = (v: string | undefined, flag: string, lo: number, hi: number): number | undefined => {
    if (v === undefined) return undefined;
    const x = Number(v);
    if (!v.trim() || !Number.isFinite(x) || x < lo || x > hi) throw new Error(`${flag} must be a number from ${lo} to ${hi}, not '${v}'`);
    return x;
  };
  const out: Partial<VadOptions> = {};
  const set = <K extends keyof VadOptions>(k: K, v: number | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set('minSilenceS', num(o.minSilence, '--min-silence', 0, 60));
  set('minSpeechS', num(o.minSpeech, '--min-speech', 0, 60));
  set('padS', num(o.pad, '--pad', 0, 10));
  set('threshold', num(o.threshold, '--threshold', 0.01, 0.99));
  return out;
}
