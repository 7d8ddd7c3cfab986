// Reports: one export button per format the core offers (app.info.reportFormats). Browser mode: the
// result names the written file with a download link (folders of files as a zip); desktop: a save
// dialog chooses where it goes.
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
  // desktop: the save dialog chooses where it goes (shown in the file manager after); browser mode:
  // written in the data folder and offered as a download (a folder of files as a zip)
  const desktop = info.mode === 'electron';
  const run = (format: string) => {
    setBusy(format);
    (desktop
      ? call('reports.save', { format: format as Format }).then(
          (r) => r.path !== null && setDone((d) => [{ format, path: r.path!, url: null, bytes: r.bytes }, ...d]),
        )
      : call('reports.export', { format: format as Format }).then((r) => setDone((d) => [{ format, ...r }, ...d]))
    )
      .catch(report)
      .finally(() => setBusy(null));
  };
  return (
    <Stack spacing={2} data-testid="reports">
      <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap' }}>
        {info.reportFormats.map((f) => (
          <Button key={f} variant="outlined" disabled={busy !== null} onClick={() => run(f)} data-testid={`export-${f}`}>
            {desktop ? 'Save' : 'Export'} {f.toUpperCase()}
            {['eaf', 'textgrid', 'meld'].includes(f) ? (desktop ? ' files…' : ' (zip)') : desktop ? '…' : ''}
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
                  <Link href={r.url} download data-testid="download-link">
                    {/\.zip(\?|$)/.test(r.url) ? 'download (zip)' : 'download'}
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
