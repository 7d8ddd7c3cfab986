// The clip of an utterance: a <video> for video files, an <audio> bar for audio-only files (a black
// video box with nothing in it would read as "the video failed"). The ref gives the views seek/play.
import type { Ref } from 'react';

const AUDIO_EXT = /\.(wav|mp3|flac|m4a|aac|ogg|oga|opus|wma|aiff?)$/i;
export const isAudioOnly = (media: string | null): boolean => media !== null && AUDIO_EXT.test(media);

export function ClipPlayer(props: { src: string; media: string | null; maxHeight: number; ref?: Ref<HTMLMediaElement>; testId?: string }) {
  if (isAudioOnly(props.media)) {
    return (
      <audio
        ref={props.ref as Ref<HTMLAudioElement>}
        src={props.src}
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
      src={props.src}
      controls
      preload="metadata"
      data-testid={props.testId}
      style={{ width: '100%', maxHeight: props.maxHeight, marginTop: 8, background: '#000', borderRadius: 4, display: 'block' }}
    />
  );
}
