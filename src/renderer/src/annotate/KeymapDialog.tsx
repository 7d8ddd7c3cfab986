// Remapping the label keys: one key per label, saved in the settings (annotation.setKeymap).
import { useState } from 'react';
import { Button, Dialog, DialogActions, DialogContent, DialogTitle, Stack, TextField } from '@mui/material';

export function KeymapDialog(props: {
  open: boolean;
  keys: Map<string, string>;
  labels: string[];
  onClose: () => void;
  onSave: (keymap: Record<string, string>) => void;
}) {
  const byLabel = new Map([...props.keys].map(([k, l]) => [l, k]));
  const [draft, setDraft] = useState<Record<string, string>>(() => Object.fromEntries(props.labels.map((l) => [l, byLabel.get(l) ?? ''])));
  return (
    <Dialog open={props.open} onClose={props.onClose} data-testid="keymap-dialog">
      <DialogTitle>Label keys</DialogTitle>
      <DialogContent>
        <Stack spacing={1} sx={{ mt: 1 }}>
          {props.labels.map((l) => (
            <TextField
              key={l}
              size="small"
              label={l}
              value={draft[l] ?? ''}
              slotProps={{ htmlInput: { maxLength: 1, 'data-label': l } }}
              onChange={(e) => setDraft((d) => ({ ...d, [l]: e.target.value.slice(-1) }))}
            />
          ))}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button
          variant="contained"
          data-testid="keymap-save"
          onClick={() =>
            props.onSave(
              Object.fromEntries(
                Object.entries(draft)
                  .filter(([, k]) => k)
                  .map(([l, k]) => [k, l]),
              ),
            )
          }
        >
          Save
        </Button>
      </DialogActions>
    </Dialog>
  );
}
