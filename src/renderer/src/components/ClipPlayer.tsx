// The clip of an utterance: a <video> for video files, an <audio> bar for audio-only files (a black
// video box with nothing in it would read as "the video failed"). The ref gives the views seek/play.
// A segment of a long recording plays its own span: the URL's media fragment (#t=start,end) opens the
// recording at the start and pauses at the end; play once there starts the segment again.
import type { Ref, SyntheticEvent } from 'react';

const AUDIO_EXT = /\.(wav|mp3|flac|m4a|aac|ogg|oga|opus|wma|aiff?)$/i;
export const isAudioOnly = (media: string | null): boolean => media !== null && AUDIO_EXT.test(media);

/** A segment's span in its recording (start_s, end_s as the API gives them; null for a whole clip). */
export interface Span {
  start_s: number | null;
  end_s: number | null;
}
const isSegment = (s?: Span): s is { start_s: number; end_s: number } =>
  !!s && s.start_s !== null && s.end_s !== null && s.end_s > s.start_s;

/** The URL of an utterance's clip: with its span as a media fragment when it is a segment of a recording. */
export function segmentSrc(src: string, span?: Span): string {
  return isSegment(span) ? `${src}#t=${span.start_s},${span.end_s}` : src;
}

/** Play at (or past) the segment's end: from its start again (the fragment stops playback only once). */
export function replaySegment(e: SyntheticEvent<HTMLMediaElement>, span?: Span): void {
  const v = e.currentTarget;
  if (isSegment(span) && v.currentTime >= span.end_s - 0.05) v.currentTime = span.start_s;
}

export function ClipPlayer(props: {
  src: string;
  media: string | null;
  maxHeight: number;
  ref?: Ref<HTMLMediaElement>;
  testId?: string;
  span?: Span;
}) {
  const src = segmentSrc(props.src, props.span);
  const onPlay = (e: SyntheticEvent<HTMLMediaElement>) => replaySegment(e, props.span);
  if (isAudioOnly(props.media)) {
    return (
      <audio
        ref={props.ref as Ref<HTMLAudioElement>}
        src={src}
        onPlay={onPlay}
        controls
        preload="metadata"
        data-testid={props.testId}
        style={{ width: '100%', marginTop: 8 }}
      />
    );
  }
  return (
    <video
      ref={props.ref as Ref<HTMLVideoElement>}
      src={src}
      onPlay={onPlay}
      controls
      preload="metadata"
      data-testid={props.testId}
      style={{ width: '100%', maxHeight: props.maxHeight, marginTop: 8, background: '#000', borderRadius: 4, display: 'block' }}
    />
  );
}
