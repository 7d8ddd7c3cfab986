// Reports: one export button per format the core offers (app.info.reportFormats); the result names
// the written file and, in browser mode, a download link.
import { useState } from 'react';
import { Button, Card, CardContent, Link, Stack, Typography } from '@mui/material';
import type { ApiInput } from '../../../shared/api';
import { useApi } from '../api-context';
import { useStudio } from '../studio-context';
import { EmptyState } from '../components/EmptyState';

type Format = ApiInput<'reports.export'>['format'];

export function ReportsView() {
  const { info } = useStudio();
  const { call, report } = useApi();
  const [busy, setBusy] = useState<string | null>(null);
  const [done, setDone] = useState<{ format: string; path: string; url: string | null; bytes: number }[]>([]);
  if (!info) return <Typography color="text.secondary">loading…</Typography>;
  if (info.reportFormats.length === 0) {
    return (
      <EmptyState title="No report formats available" testId="no-report-formats">
        This build of the core offers no report export yet; the buttons appear here once it does.
      </EmptyState>
    );
  }
  const run = (format: string) => {
    setBusy(format);
    call('reports.export', { format: format as Format })
      .then((r) => setDone((d) => [{ format, ...r }, ...d]), report)
      .finally(() => setBusy(null));
  };
  return (
    <Stack spacing={2} data-testid="reports">
      <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap' }}>
        {info.reportFormats.map((f) => (
          <Button key={f} variant="outlined" disabled={busy !== null} onClick={() => run(f)} data-testid={`export-${f}`}>
            Export {f.toUpperCase()}
          </Button>
        ))}
      </Stack>
      {done.map((r, i) => (
        <Card key={i} variant="outlined" data-testid="export-result">
          <CardContent>
            <Typography variant="body2">
              {r.format}: {r.path} ({r.bytes.toLocaleString('en')} bytes)
              {r.url && (
                <>
                  {' · '}
                  <Link href={r.url} download>
                    download
                  </Link>
                </>
              )}
            </Typography>
          </CardContent>
        </Card>
      ))}
    </Stack>
  );
}
