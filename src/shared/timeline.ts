// Long recordings on the timeline: what the core sends the renderer (see store/segments.ts).

export interface RecordingInfo {
  path: string;
  dialogue: string | null;
  segments: number;
  /** an utterance of the recording: its /media URL serves the whole file */
  firstId: number;
  duration_s: number | null;
}

export interface TimelineSegment {
  id: number;
  speaker: string | null;
  text: string | null;
  label: string | null;
  prediction: string | null;
  start_s: number;
  end_s: number;
  status: string;
  /** per-frame entropy of the segment (bits), frame i at t0_s + i / fps; null before extraction */
  entropy: { t0_s: number; fps: number; values: number[] } | null;
}

export interface Timeline {
  path: string;
  duration_s: number | null;
  /** waveform peaks (min, max per bin, -127..127), null before extraction */
  peaks: { per_s: number; offset_s: number; min: number[]; max: number[] } | null;
  speakers: string[];
  segments: TimelineSegment[];
}
