// Relabel where a mistake is found: a label select in the utterance view (recorded under the
// annotator's name, source 'relabel') and a button that opens Annotate at this utterance.
import { Button, Stack } from '@mui/material';
import { useApi } from '../api-context';
import { useStudio } from '../studio-context';
import { FilterSelect } from '../components/FilterSelect';

export function RelabelControl(props: { id: number; label: string | null; onChanged: () => void }) {
  const { summary, setView, reloadSummary } = useStudio();
  const { call, report } = useApi();
  return (
    <Stack direction="row" spacing={1} sx={{ mt: 1, alignItems: 'center' }}>
      <FilterSelect
        label="Relabel"
        value={props.label ?? ''}
        options={summary?.labels ?? []}
        onChange={(v) => {
          if (!v || v === props.label) return;
          call('utterances.relabel', { id: props.id, label: v, source: 'relabel' }).then(() => {
            reloadSummary();
            props.onChanged();
          }, report);
        }}
        testId="utterance-relabel"
        minWidth={140}
      />
      <Button size="small" variant="outlined" onClick={() => setView('annotate')} data-testid="annotate-here">
        Annotate from here
      </Button>
    </Stack>
  );
}
