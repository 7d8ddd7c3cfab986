// The window: app bar (views, theme toggle), the current view, and one snackbar for API errors.
import { useCallback, useMemo, useState } from 'react';
import {
  Alert,
  AppBar,
  Box,
  Button,
  CssBaseline,
  Snackbar,
  Tab,
  Tabs,
  ThemeProvider,
  Toolbar,
  Typography,
  createTheme,
  useMediaQuery,
  useTheme,
} from '@mui/material';
import type { EmotionStudioApi } from '../../shared/api';
import { ApiProvider, useApi } from './api-context';
import { StudioProvider, useStudio, type View } from './studio-context';
import { CorpusView } from './views/CorpusView';
import { UtteranceView } from './views/UtteranceView';
import { TimelineView } from './views/TimelineView';
import { AnnotationView } from './views/AnnotationView';
import { AgreementView } from './views/AgreementView';
import { AdjudicateView } from './views/AdjudicateView';
import { AnnotatorBadge } from './annotate/AnnotatorBadge';
import { EvaluationView } from './views/EvaluationView';
import { JobsView } from './views/JobsView';
import { ReportsView } from './views/ReportsView';
import { ImportView, useImportMenu } from './views/ImportView';

const TABS: { view: View; label: string }[] = [
  { view: 'import', label: 'Import' },
  { view: 'corpus', label: 'Corpus' },
  { view: 'utterance', label: 'Utterance' },
  { view: 'timeline', label: 'Timeline' },
  { view: 'annotate', label: 'Annotate' },
  { view: 'adjudicate', label: 'Adjudicate' },
  { view: 'agreement', label: 'Agreement' },
  { view: 'evaluation', label: 'Evaluation' },
  { view: 'jobs', label: 'Jobs' },
  { view: 'reports', label: 'Reports' },
];

export function App(props: { api: EmotionStudioApi }) {
  const [errors, setErrors] = useState<string[]>([]);
  const show = useCallback((m: string) => setErrors((q) => [...q, m]), []);
  return (
    <ApiProvider api={props.api} report={show}>
      <StudioProvider>
        <Themed>
          <Shell />
          <Snackbar open={errors.length > 0} anchorOrigin={{ vertical: 'bottom', horizontal: 'center' }}>
            <Alert severity="error" variant="filled" data-testid="error-snackbar" onClose={() => setErrors((q) => q.slice(1))}>
              {errors[0]}
              {errors.length > 1 ? ` (+${errors.length - 1} more)` : ''}
            </Alert>
          </Snackbar>
        </Themed>
      </StudioProvider>
    </ApiProvider>
  );
}

function Themed(props: { children: React.ReactNode }) {
  const { info } = useStudio();
  const prefersDark = useMediaQuery('(prefers-color-scheme: dark)');
  const pref = info?.theme ?? 'system';
  const mode = pref === 'system' ? (prefersDark ? 'dark' : 'light') : pref;
  const theme = useMemo(() => createTheme({ palette: { mode }, typography: { fontSize: 13 } }), [mode]);
  return (
    <ThemeProvider theme={theme}>
      <CssBaseline />
      <Box data-theme={mode} sx={{ minHeight: '100vh', display: 'flex', flexDirection: 'column' }}>
        {props.children}
      </Box>
    </ThemeProvider>
  );
}

function Shell() {
  const { view, setView, info, setInfo, summary } = useStudio();
  const { call, report } = useApi();
  const dark = useTheme().palette.mode === 'dark';
  useImportMenu();
  const toggleTheme = () => {
    call('settings.set', { theme: dark ? 'light' : 'dark' }).then(setInfo, report);
  };
  return (
    <>
      <AppBar position="sticky" color="default" elevation={1}>
        <Toolbar variant="dense" sx={{ gap: 2 }}>
          <Typography variant="h6" component="h1" sx={{ whiteSpace: 'nowrap', flex: 1 }}>
            Emotion Studio
          </Typography>
          <Typography
            variant="caption"
            color="text.secondary"
            sx={{ whiteSpace: 'nowrap', display: { xs: 'none', sm: 'block' } }}
            data-testid="db-path"
            title={summary?.db}
          >
            {summary
              ? `${summary.total.toLocaleString('en')} utterances · ${summary.latestModel ? `model v${summary.latestModel}` : 'no model'}`
              : ''}
            {info ? ` · ${info.mode}` : ''}
          </Typography>
          <AnnotatorBadge />
          <Button size="small" variant="outlined" onClick={toggleTheme} data-testid="theme-toggle">
            {dark ? 'Light theme' : 'Dark theme'}
          </Button>
        </Toolbar>
        {/* the ten views on a row of their own: beside the title, badge and summary they ran behind a
            scroll arrow even at 1440 px (Evaluation, Jobs and Reports out of sight); scroll arrows stay
            for windows narrower than the row */}
        <Tabs
          value={view}
          onChange={(_e, v: View) => setView(v)}
          sx={{ minHeight: 40, px: 1 }}
          variant="scrollable"
          scrollButtons="auto"
          allowScrollButtonsMobile
        >
          {TABS.map((t) => (
            <Tab
              key={t.view}
              value={t.view}
              label={t.label}
              data-testid={`tab-${t.view}`}
              sx={{ minWidth: 0, minHeight: 40, py: 1, px: { xs: 1, md: 2 } }}
            />
          ))}
        </Tabs>
      </AppBar>
      <Box component="main" sx={{ flex: 1, p: 2 }} data-testid={`view-${view}`}>
        {view === 'import' && <ImportView />}
        {view === 'corpus' && <CorpusView />}
        {view === 'utterance' && <UtteranceView />}
        {view === 'timeline' && <TimelineView />}
        {view === 'annotate' && <AnnotationView />}
        {view === 'adjudicate' && <AdjudicateView />}
        {view === 'agreement' && <AgreementView />}
        {view === 'evaluation' && <EvaluationView />}
        {view === 'jobs' && <JobsView />}
        {view === 'reports' && <ReportsView />}
      </Box>
    </>
  );
}
