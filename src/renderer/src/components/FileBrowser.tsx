// Browser mode's file browser: the `serve --root` folders and what lies below them (the server never
// lists anything outside). A folder opens on click; "Choose" picks it or a file for the import.
import { useEffect, useState } from 'react';
import { Box, Button, Chip, List, ListItemButton, ListItemText, Stack, Typography } from '@mui/material';
import { useApiData } from '../api-context';

export function FileBrowser(props: { onChoose: (path: string) => void }) {
  const [dir, setDir] = useState<string | undefined>(undefined);
  const q = useApiData('files.list', dir === undefined ? {} : { path: dir }, [dir]);
  const l = q.data;
  // one root (the usual case: the home folder): open it directly, there is nothing to choose above it
  const [single, setSingle] = useState(false);
  useEffect(() => {
    if (l && l.path === null && l.entries.length === 1) {
      setSingle(true);
      setDir(l.entries[0].path);
    }
  }, [l]);
  const atTop = !l || l.path === null || (single && l.parent === null);
  return (
    <Box data-testid="file-browser">
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mb: 1, flexWrap: 'wrap' }}>
        <Button size="small" disabled={atTop} onClick={() => setDir(l?.parent ?? undefined)} data-testid="browse-up">
          {l?.parent || single ? 'Up' : 'Folders'}
        </Button>
        <Typography variant="body2" sx={{ fontFamily: 'monospace', flex: 1, wordBreak: 'break-all' }} data-testid="browse-path">
          {l?.path ?? 'Folders this server may read'}
        </Typography>
        {l?.path && (
          <Button size="small" variant="contained" onClick={() => props.onChoose(l.path!)} data-testid="browse-choose-folder">
            Import this folder
          </Button>
        )}
      </Stack>
      <List dense sx={{ maxHeight: 360, overflow: 'auto', border: 1, borderColor: 'divider', borderRadius: 1 }}>
        {l?.entries.length === 0 && (
          <Typography variant="body2" color="text.secondary" sx={{ p: 1 }}>
            (empty folder)
          </Typography>
        )}
        {l?.entries.map((e) => (
          <ListItemButton
            key={e.path}
            onClick={() => (e.dir ? setDir(e.path) : props.onChoose(e.path))}
            data-testid="browse-entry"
            data-name={e.name}
            data-kind={e.kind}
          >
            <ListItemText
              primary={e.dir ? `${e.name}/` : e.name}
              secondary={e.size !== null ? `${e.size.toLocaleString('en')} bytes` : null}
            />
            {e.kind !== 'other' && e.kind !== 'folder' && <Chip size="small" label={e.kind} variant="outlined" />}
          </ListItemButton>
        ))}
      </List>
    </Box>
  );
}
