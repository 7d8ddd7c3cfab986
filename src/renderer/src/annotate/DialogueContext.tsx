// The dialogue around the item being labelled: previous and next utterances (speaker, text, label),
// the current one highlighted; a click plays that utterance's clip.
import { useState } from 'react';
import { Box, Stack, Typography } from '@mui/material';
import type { ContextUtterance } from '../../../shared/api-annotation';
import { replaySegment, segmentSrc } from '../components/ClipPlayer';

export function DialogueContext(props: { context: ContextUtterance[]; hideLabels: boolean }) {
  const [playing, setPlaying] = useState<ContextUtterance | null>(null);
  if (props.context.length <= 1)
    return (
      <Typography variant="body2" color="text.secondary">
        no dialogue around this utterance
      </Typography>
    );
  return (
    <Stack spacing={0.5} data-testid="dialogue-context">
      {props.context.map((c) => (
        <Box
          key={c.id}
          data-current={c.current ? 'true' : 'false'}
          onClick={() => c.mediaUrl && setPlaying(c)}
          title={c.mediaUrl ? 'click to play' : 'no media'}
          sx={{
            p: 0.5,
            borderRadius: 1,
            cursor: c.mediaUrl ? 'pointer' : 'default',
            bgcolor: c.current ? 'action.selected' : 'transparent',
            border: c.current ? 1 : 0,
            borderColor: 'primary.main',
          }}
        >
          <Typography variant="body2">
            <b>{c.speaker ?? '?'}</b>: {c.text ?? <em>no transcript</em>}
            {!props.hideLabels && (
              <Typography component="span" variant="caption" color="text.secondary">
                {' '}
                · {c.label ?? 'unlabelled'}
              </Typography>
            )}
          </Typography>
        </Box>
      ))}
      {playing?.mediaUrl && (
        <audio
          key={playing.id}
          src={segmentSrc(playing.mediaUrl, playing)}
          onPlay={(e) => replaySegment(e, playing)}
          autoPlay
          controls
          style={{ width: '100%' }}
          data-testid="context-player"
          onFocus={(e) => e.currentTarget.blur()}
        />
      )}
    </Stack>
  );
}
