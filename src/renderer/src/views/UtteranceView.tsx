// Utterance: the clip, the per-frame entropy plot with the selected frames and their thumbnails
// (clicking either seeks the clip), transcript and speaker, audio features, the latest prediction with
// its class probabilities, the label history and the item's errors.
import { useRef } from 'react';
import { Box, Button, Card, CardContent, Chip, Stack, Typography } from '@mui/material';
import { useApiData } from '../api-context';
import { useStudio } from '../studio-context';
import { EmptyState } from '../components/EmptyState';
import { EntropyPlot } from '../components/EntropyPlot';
import { ProbabilityBars } from '../components/ProbabilityBars';
import { Section } from '../components/Section';
import { AudioFeatures } from '../components/AudioFeatures';
import { LabelHistory } from '../components/LabelHistory';
import { ItemErrors } from '../components/ItemErrors';
import { ClipPlayer } from '../components/ClipPlayer';
import { RelabelControl } from '../annotate/RelabelControl';

export function UtteranceView() {
  const { utteranceId, summary, setView, modelsTick } = useStudio();
  const q = useApiData('utterances.show', utteranceId === null ? null : { id: utteranceId }, [utteranceId, modelsTick]);
  const video = useRef<HTMLMediaElement>(null);
  if (utteranceId === null) return <EmptyState title="No utterance open">Open one from the Corpus view (click a row).</EmptyState>;
  if (q.error) return <EmptyState title={`Utterance ${utteranceId} could not be loaded`}>{q.error}</EmptyState>;
  const d = q.data;
  if (!d) return <Typography color="text.secondary">loading…</Typography>;
  const seek = (t: number) => {
    const v = video.current;
    if (!v) return;
    v.currentTime = d.start_s !== null && d.end_s !== null ? d.start_s + t : t; // t: in the segment
  };
  const fps = d.video?.fps ?? 0;

  return (
    <Stack spacing={2} data-testid="utterance-detail" data-id={d.id}>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
        <Button size="small" onClick={() => setView('corpus')}>
          ← Corpus
        </Button>
        <Typography variant="h6" component="h2">
          {d.key}
        </Typography>
        <Chip size="small" label={d.split} />
        <Chip
          size="small"
          label={d.status}
          color={d.status === 'done' ? 'success' : d.status === 'error' ? 'error' : 'warning'}
          variant="outlined"
        />
        <Typography variant="body2" color="text.secondary">
          dialogue {d.dialogue ?? '—'} · id {d.id}
        </Typography>
      </Stack>

      <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: 'minmax(320px, 1fr) minmax(320px, 1fr)' }, gap: 2 }}>
        <Stack spacing={2}>
          <Card variant="outlined">
            <CardContent>
              {d.mediaUrl ? (
                <ClipPlayer ref={video} src={d.mediaUrl} media={d.media} span={d} maxHeight={360} testId="clip" />
              ) : (
                <EmptyState title="No media for this utterance" testId="no-media">
                  {d.status === 'missing_media'
                    ? 'The clip was not found under the corpus folder when it was imported.'
                    : 'Only text was imported.'}
                </EmptyState>
              )}
            </CardContent>
          </Card>
          <Card variant="outlined">
            <CardContent>
              {d.video && d.video.frame_entropy.length > 0 && fps > 0 ? (
                <>
                  <EntropyPlot entropy={d.video.frame_entropy} fps={fps} selected={d.video.selected_frames} onSeek={seek} />
                  <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap', pt: 1 }} data-testid="thumbnails">
                    {d.thumbnails.map((t) => (
                      <Box
                        key={t.frame}
                        component="button"
                        onClick={() => seek(t.frame / fps)}
                        title={`frame ${t.frame} · ${(t.frame / fps).toFixed(2)} s`}
                        sx={{
                          p: 0,
                          border: 1,
                          borderColor: 'divider',
                          borderRadius: 1,
                          cursor: 'pointer',
                          bgcolor: 'transparent',
                          flex: '0 0 auto',
                        }}
                      >
                        <img src={t.url} alt={`frame ${t.frame}`} height={54} style={{ display: 'block', borderRadius: 4 }} />
                        <Typography variant="caption" sx={{ display: 'block', color: 'text.secondary' }}>
                          {(t.frame / fps).toFixed(2)} s
                        </Typography>
                      </Box>
                    ))}
                  </Stack>
                </>
              ) : (
                <EmptyState title="No video features" testId="no-video-features">
                  {!d.mediaUrl
                    ? 'This utterance has no clip, so there is no video to analyse (its transcript is used).'
                    : d.status === 'pending'
                      ? 'Run feature extraction (Jobs view) to compute per-frame entropy.'
                      : 'This clip has no decodable video stream.'}
                </EmptyState>
              )}
            </CardContent>
          </Card>
        </Stack>

        <Stack spacing={2}>
          <Card variant="outlined">
            <CardContent>
              <Typography variant="overline" color="text.secondary">
                {d.speaker ?? 'unknown speaker'}
              </Typography>
              <Typography variant="h6" component="p" data-testid="transcript">
                {d.text ?? <em>no transcript</em>}
              </Typography>
              <Typography variant="body2" sx={{ mt: 1 }}>
                gold label: <b data-testid="gold-label">{d.label ?? 'unlabelled'}</b>
              </Typography>
              <RelabelControl id={d.id} label={d.label} onChanged={q.reload} />
            </CardContent>
          </Card>
          <Section title="Prediction">
            {d.prediction ? (
              <>
                <Typography variant="body2" gutterBottom data-testid="prediction">
                  <b>{d.prediction.label}</b>
                  {d.prediction.model_version ? ` · model v${d.prediction.model_version}` : ''}
                </Typography>
                <ProbabilityBars
                  probabilities={d.prediction.probabilities}
                  labels={summary?.labels ?? []}
                  predicted={d.prediction.label}
                  gold={d.label}
                />
              </>
            ) : (
              <EmptyState title="No prediction yet" testId="no-prediction">
                Train a model (Jobs view → Retrain) to see class probabilities.
              </EmptyState>
            )}
          </Section>
          <Section title="Audio features">
            {d.audio ? (
              <AudioFeatures audio={d.audio} />
            ) : (
              <EmptyState title="No audio features" testId="no-audio-features">
                {d.status === 'pending' ? 'Not extracted yet.' : 'No usable audio track.'}
              </EmptyState>
            )}
            {d.text_features && (
              <Typography variant="caption" color="text.secondary" component="div" sx={{ mt: 1 }}>
                text features: {d.text_features.encoder} ({d.text_features.dim} dims)
              </Typography>
            )}
          </Section>
          <Section title="Label history">
            <LabelHistory history={d.label_history} />
          </Section>
          <ItemErrors errors={d.errors} />
        </Stack>
      </Box>
    </Stack>
  );
}
