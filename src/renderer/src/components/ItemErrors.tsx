// Errors and warnings stored for one utterance, each naming its stage, file and reason.
import { Alert, Stack } from '@mui/material';
import type { ItemError } from '../../../shared/types';

export function ItemErrors(props: { errors: ItemError[] }) {
  if (props.errors.length === 0) return null;
  return (
    <Stack spacing={0.5} data-testid="item-errors">
      {props.errors.map((e, i) => (
        <Alert key={i} severity={e.level === 'warning' ? 'warning' : 'error'} variant="outlined">
          <b>{e.stage}</b>
          {e.file ? ` · ${e.file}` : ''}: {e.message}
        </Alert>
      ))}
    </Stack>
  );
}
