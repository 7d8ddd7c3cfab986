// The column-mapping dialog for a generic CSV: the first rows as a table, one select per field (text,
// label, file, ...) prefilled with the server's guess, and the label set found in the chosen label column.
// id and annotator (issue 13) make annotators' copies and long-format CSVs one utterance per id.
import { useMemo, useState } from 'react';
import {
  Alert,
  Button,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import type { ImportPreview } from '../../../shared/api';
import { FilterSelect } from './FilterSelect';

export const MAPPING_FIELDS = ['text', 'label', 'file', 'speaker', 'dialogue', 'start', 'end', 'split', 'id', 'annotator'] as const;
export type Mapping = Partial<Record<(typeof MAPPING_FIELDS)[number], string>>;

/** 'text=COL,label=COL,...' as `import --columns` takes it (a column name may not contain a comma). */
export function mappingSpec(m: Mapping): string {
  return MAPPING_FIELDS.filter((k) => m[k])
    .map((k) => `${k}=${m[k]}`)
    .join(',');
}

export function MappingDialog(props: { preview: ImportPreview; onCancel: () => void; onImport: (columns: string) => void }) {
  const p = props.preview;
  const [m, setM] = useState<Mapping>(() => ({ ...p.suggested }));
  const labelValues = useMemo(() => p.values.find((v) => v.column === m.label), [p.values, m.label]);
  const commas = p.header.filter((h) => h.includes(','));
  const valid = !!(m.text || m.file) && !(m.annotator && !m.label) && !Object.values(m).some((c) => c && c.includes(','));
  return (
    <Dialog open maxWidth="lg" fullWidth onClose={props.onCancel} data-testid="mapping-dialog">
      <DialogTitle>Columns of {p.needsMapping?.split(/[\\/]/).pop()}</DialogTitle>
      <DialogContent>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
          Say which column holds what: text (the transcript) or file (the clip) at least. {p.totalRows.toLocaleString('en')} rows; the first{' '}
          {p.rows.length} below.
          {p.kind === 'folder' ? ' The mapping applies to every CSV of the folder that is not in MELD’s format.' : ''} Rows sharing an id
          are one utterance (so each annotator’s copy of a corpus labels the same utterances); an annotator column makes each row that
          annotator’s label (one row per annotator and utterance).
        </Typography>
        <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap', mb: 2 }}>
          {MAPPING_FIELDS.map((k) => (
            <FilterSelect
              key={k}
              label={k}
              value={m[k] ?? ''}
              anyLabel="(none)"
              options={p.header}
              onChange={(v) => setM((x) => ({ ...x, [k]: v || undefined }))}
              testId={`map-${k}`}
              minWidth={130}
            />
          ))}
        </Stack>
        <TableContainer sx={{ maxHeight: 280, border: 1, borderColor: 'divider', borderRadius: 1 }}>
          <Table size="small" stickyHeader data-testid="mapping-rows">
            <TableHead>
              <TableRow>
                {p.header.map((h) => {
                  const as = MAPPING_FIELDS.filter((k) => m[k] === h);
                  return (
                    <TableCell key={h} sx={{ fontWeight: 600, whiteSpace: 'nowrap' }}>
                      {h}
                      {as.length > 0 && <Chip size="small" color="primary" label={as.join(', ')} sx={{ ml: 1 }} />}
                    </TableCell>
                  );
                })}
              </TableRow>
            </TableHead>
            <TableBody>
              {p.rows.map((r, i) => (
                <TableRow key={i}>
                  {p.header.map((_h, j) => (
                    <TableCell key={j} sx={{ maxWidth: 320, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
                      {r[j] ?? ''}
                    </TableCell>
                  ))}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
        <Stack direction="row" spacing={1} useFlexGap sx={{ mt: 2, alignItems: 'center', flexWrap: 'wrap' }} data-testid="mapping-labels">
          <Typography variant="subtitle2">Label set found:</Typography>
          {!m.label && (
            <Typography variant="body2" color="text.secondary">
              no label column chosen (the utterances come in unlabelled)
            </Typography>
          )}
          {labelValues?.distinct.map((l) => (
            <Chip key={l} size="small" label={l} data-testid="mapping-label" />
          ))}
          {labelValues?.more && (
            <Typography variant="body2" color="warning.main">
              … and more (over 50 distinct values: is this the label column?)
            </Typography>
          )}
        </Stack>
        {commas.length > 0 && (
          <Alert severity="warning" sx={{ mt: 2 }}>
            Columns with a comma in their name cannot be mapped: {commas.join(', ')}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onCancel}>Cancel</Button>
        <Button variant="contained" disabled={!valid} onClick={() => props.onImport(mappingSpec(m))} data-testid="mapping-import">
          Import with this mapping
        </Button>
      </DialogActions>
    </Dialog>
  );
}
