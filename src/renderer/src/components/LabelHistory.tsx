// The append-only label history of one utterance (who, when, old -> new, source), newest first.
import { Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import type { LabelChange } from '../../../shared/types';

export function LabelHistory(props: { history: LabelChange[] }) {
  if (props.history.length === 0)
    return (
      <Typography variant="body2" color="text.secondary">
        No label yet.
      </Typography>
    );
  // an undo that puts the gold label back writes two rows: the annotator's `undo`, then a gold row
  // carrying the restored source (an import file, say), which alone would read as a re-import
  const restores = new Set(
    props.history.flatMap((h, i) => {
      const p = props.history[i - 1];
      return h.annotator === null && p?.source === 'undo' && p.who === h.who ? [h] : [];
    }),
  );
  const rows = [...props.history].reverse();
  return (
    <Table size="small" data-testid="label-history">
      <TableHead>
        <TableRow>
          <TableCell>when</TableCell>
          <TableCell>who</TableCell>
          <TableCell>change</TableCell>
          <TableCell>source</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map((h, i) => (
          <TableRow key={`${h.at}-${i}`}>
            <TableCell sx={{ whiteSpace: 'nowrap' }}>{new Date(h.at).toLocaleString()}</TableCell>
            <TableCell>
              {h.who}
              {/* whose label it is, when not the person's own (issue 13); no annotator: the gold label itself */}
              {h.annotator && h.annotator !== h.who
                ? ` for ${h.annotator}`
                : restores.has(h)
                  ? ' (gold, undo)'
                  : h.annotator === null && (h.source === 'adjudicate' || h.source.startsWith('gold:'))
                    ? ' (gold)'
                    : ''}
            </TableCell>
            <TableCell>
              {h.old ?? '∅'} → <b>{h.new ?? '∅'}</b>
            </TableCell>
            <TableCell sx={{ maxWidth: 220, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }} title={h.source}>
              {restores.has(h) ? `undo: back to ${h.source}` : h.source}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
