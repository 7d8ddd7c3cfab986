// Import: bring a corpus in without a terminal. Desktop: the native open dialog (also File > Import);
// browser mode: the server's file browser (serve --root). The chosen path is previewed: a MELD CSV or a
// corpus folder imports as is, a generic CSV opens the column-mapping dialog first, a recording can be
// cut into utterances automatically. The import and the extraction after it run as jobs (Jobs view).
// An annotator named here makes the files' labels that annotator's (a second annotator's copy of a
// corpus adds their labels to the same utterances); the last one named is offered again.
import { useCallback, useEffect, useState } from 'react';
import { Alert, Box, Button, Card, CardContent, Checkbox, FormControlLabel, Stack, TextField, Typography } from '@mui/material';
import type { ImportPreview, MenuCommand } from '../../../shared/api';
import { useApi } from '../api-context';
import { useStudio } from '../studio-context';
import { FileBrowser } from '../components/FileBrowser';
import { MappingDialog } from '../components/MappingDialog';
import { FilterSelect } from '../components/FilterSelect';
import { SPLITS } from '../../../shared/types';

const KIND_TEXT: Record<ImportPreview['kind'], string> = {
  folder: 'a corpus folder',
  'meld-csv': 'a MELD CSV (its clips are looked up beside it)',
  csv: 'a CSV that needs its columns named',
  transcript: 'a transcript (ELAN, TextGrid or subtitles; its recording is looked up beside it)',
  media: 'a recording',
  other: 'a file of a kind the importer does not know',
};

/** Pending File > Import command from the desktop menu (the view may not be mounted when it arrives). */
let pendingMenu: MenuCommand | null = null;

/** Desktop: the application menu's File > Import opens this view and its dialog. */
export function useImportMenu(): void {
  const { api } = useApi();
  const { setView } = useStudio();
  useEffect(() => {
    if (!api.onMenu) return;
    return api.onMenu((m) => {
      pendingMenu = m;
      setView('import');
      window.dispatchEvent(new Event('es-import-menu'));
    });
  }, [api, setView]);
}

export function ImportView() {
  const { call, report } = useApi();
  const { info, summary, setView, reloadSummary } = useStudio();
  const desktop = info?.mode === 'electron';
  const [paths, setPaths] = useState<string[]>([]);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [mapping, setMapping] = useState(false);
  const [split, setSplit] = useState('');
  const [segment, setSegment] = useState(false);
  /** the label set of segmented recordings (they bring none); null: not edited, the database's is offered */
  const [labelText, setLabelText] = useState<string | null>(null);
  const [extract, setExtract] = useState(true);
  /** null: not edited yet, the last import's annotator (from the preview) is shown */
  const [annotator, setAnnotator] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const choose = useCallback(
    (chosen: string[]) => {
      setPaths(chosen);
      setPreview(null);
      if (!chosen.length) return;
      call('import.preview', { path: chosen[0] }).then(setPreview, report);
    },
    [call, report],
  );
  const pick = useCallback(
    (kind: 'folder' | 'files') => {
      call('files.pick', { kind }).then((r) => r.paths.length && choose(r.paths), report);
    },
    [call, report, choose],
  );
  // a File > Import that arrived before (or while) this view is shown
  useEffect(() => {
    const run = () => {
      if (!pendingMenu) return;
      const m = pendingMenu;
      pendingMenu = null;
      pick(m.kind);
    };
    run();
    window.addEventListener('es-import-menu', run);
    return () => window.removeEventListener('es-import-menu', run);
  }, [pick]);

  // a recording alone (or a file the importer does not know) brings no labels to attribute
  const withLabels = preview != null && preview.kind !== 'media' && preview.kind !== 'other';
  const annotatorName = (annotator ?? preview?.annotator ?? '').trim();
  const labelValue = labelText ?? (summary?.labels ?? []).join(', ');
  const segmentLabels = labelValue
    .split(',')
    .map((l) => l.trim())
    .filter(Boolean);
  const start = (columns?: string) => {
    setBusy(true);
    setMapping(false);
    call('jobs.import', {
      paths,
      columns,
      split: split ? (split as 'train' | 'dev' | 'test' | 'unsplit') : undefined,
      segment: segment ? 'vad' : undefined,
      labels: segment && segmentLabels.length ? segmentLabels : undefined,
      extract,
      annotator: withLabels ? annotatorName || undefined : undefined,
    })
      .then(() => {
        reloadSummary();
        setView('jobs');
      }, report)
      .finally(() => setBusy(false));
  };
  const needsMapping = preview?.needsMapping != null;

  return (
    <Stack spacing={2} data-testid="import">
      <Card variant="outlined">
        <CardContent>
          <Typography variant="subtitle1" gutterBottom>
            Import a corpus
          </Typography>
          <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
            A corpus folder (MELD CSVs and clips, or a folder of recordings), a MELD CSV, a generic CSV (you name its columns), a transcript
            (ELAN .eaf, Praat .TextGrid, .srt, .vtt) with its recording, or a recording alone to cut into utterances automatically.
            Importing again adds only what is new.
          </Typography>
          {desktop ? (
            <Stack direction="row" spacing={1}>
              <Button variant="contained" onClick={() => pick('folder')} data-testid="pick-folder">
                Choose a folder…
              </Button>
              <Button variant="outlined" onClick={() => pick('files')} data-testid="pick-files">
                Choose files…
              </Button>
            </Stack>
          ) : (
            <FileBrowser onChoose={(p) => choose([p])} />
          )}
        </CardContent>
      </Card>
      {paths.length > 0 && (
        <Card variant="outlined" data-testid="import-preview">
          <CardContent>
            <Typography variant="subtitle2" sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }} data-testid="import-paths">
              {paths.join(', ')}
            </Typography>
            {!preview && <Typography color="text.secondary">reading…</Typography>}
            {preview && (
              <>
                <Typography variant="body2" sx={{ mt: 1 }} data-testid="import-kind" data-kind={preview.kind}>
                  This is {KIND_TEXT[preview.kind]}
                  {preview.kind === 'folder' && preview.csvs.length > 0
                    ? ` with ${preview.csvs.length} CSV file(s): ${preview.csvs.map((c) => `${c.path.split(/[\\/]/).pop()}${c.meld ? ' (MELD)' : c.error ? ' (unreadable)' : ''}`).join(', ')}`
                    : ''}
                  {preview.kind === 'csv' || preview.kind === 'meld-csv' ? ` · ${preview.totalRows.toLocaleString('en')} rows` : ''}
                </Typography>
                {preview.kind === 'other' && (
                  <Alert severity="warning" sx={{ mt: 1 }}>
                    The import will name this file as not importable; choose another.
                  </Alert>
                )}
                <Stack direction="row" spacing={2} sx={{ mt: 2, alignItems: 'center', flexWrap: 'wrap' }}>
                  <FilterSelect
                    label="Split"
                    value={split}
                    anyLabel="from the files"
                    options={SPLITS}
                    onChange={setSplit}
                    testId="import-split"
                    minWidth={140}
                  />
                  {(preview.kind === 'media' || preview.kind === 'folder') && (
                    <FormControlLabel
                      control={<Checkbox checked={segment} onChange={(e) => setSegment(e.target.checked)} data-testid="import-segment" />}
                      label="Cut recordings without a transcript into utterances (voice activity)"
                    />
                  )}
                  {segment && (preview.kind === 'media' || preview.kind === 'folder') && (
                    <TextField
                      size="small"
                      label="Labels"
                      placeholder="joy, anger, neutral"
                      value={labelValue}
                      onChange={(e) => setLabelText(e.target.value)}
                      helperText={
                        segmentLabels.length
                          ? `Annotate offers ${segmentLabels.length} label(s)`
                          : 'the label set to annotate the segments with (comma-separated)'
                      }
                      sx={{ width: 320 }}
                      slotProps={{ htmlInput: { maxLength: 2000, 'data-testid': 'import-labels' } }}
                    />
                  )}
                  {withLabels && (
                    <TextField
                      size="small"
                      label="Annotator"
                      placeholder="none: gold labels"
                      value={annotator ?? preview.annotator ?? ''}
                      onChange={(e) => setAnnotator(e.target.value)}
                      helperText={
                        annotatorName
                          ? `the files' labels become ${annotatorName}'s labels`
                          : "the files' labels are gold labels; name the annotator of a copy"
                      }
                      sx={{ width: 260 }}
                      slotProps={{ htmlInput: { maxLength: 100, 'data-testid': 'import-annotator' } }}
                    />
                  )}
                  <FormControlLabel
                    control={<Checkbox checked={extract} onChange={(e) => setExtract(e.target.checked)} data-testid="import-extract" />}
                    label="Extract features afterwards"
                  />
                  <Box sx={{ flex: 1 }} />
                  {needsMapping && (
                    <Button variant="outlined" disabled={busy} onClick={() => setMapping(true)} data-testid="import-map">
                      Name the columns…
                    </Button>
                  )}
                  <Button
                    variant="contained"
                    disabled={busy}
                    onClick={() => (needsMapping ? setMapping(true) : start())}
                    data-testid="import-start"
                  >
                    Import
                  </Button>
                </Stack>
              </>
            )}
          </CardContent>
        </Card>
      )}
      {mapping && preview && <MappingDialog preview={preview} onCancel={() => setMapping(false)} onImport={(columns) => start(columns)} />}
    </Stack>
  );
}
