// The annotator's name in the top bar (label changes are recorded under it); reloaded when the view or the name changes.
import { Chip } from '@mui/material';
import { useApiData } from '../api-context';
import { useStudio } from '../studio-context';

export function AnnotatorBadge() {
  const { view, annotatorTick } = useStudio();
  const q = useApiData('annotation.info', {}, [view, annotatorTick]);
  if (!q.data) return null;
  return (
    <Chip
      size="small"
      variant="outlined"
      label={`annotator: ${q.data.annotator}`}
      data-testid="annotator-name"
      title={q.data.named ? 'set in Annotate' : 'the OS user: set your name in Annotate'}
    />
  );
}
