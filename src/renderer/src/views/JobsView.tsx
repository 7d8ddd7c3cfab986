// Jobs: start feature extraction or a retrain, watch progress (bar, rate, ETA) pushed as job events,
// cancel a running job. A finished retrain refreshes Evaluation (StudioProvider bumps modelsTick).
import { useEffect, useState } from 'react';
import { Box, Button, Card, CardContent, Chip, LinearProgress, Stack, Typography } from '@mui/material';
import type { JobInfo, ModelVersionInfo } from '../../../shared/api';
import { mergeJobList } from '../../../shared/job-list';
import {
  configOf,
  configText,
  FIRST_TRAIN_DEFAULTS,
  latestModel,
  sparseLinear,
  type Classifier,
  type Fusion,
} from '../../../shared/model-config';
import { useApi, useApiData, useJobEvents } from '../api-context';
import { useStudio } from '../studio-context';
import { FilterSelect } from '../components/FilterSelect';
import { EmptyState } from '../components/EmptyState';

export function JobsView() {
  const { call, report } = useApi();
  const { setView, bumpModels, reloadSummary, modelsTick } = useStudio();
  const q = useApiData('jobs.list', {}, []);
  const models = useApiData('models.list', {}, [modelsTick]);
  const [jobs, setJobs] = useState<JobInfo[]>([]);
  // a retrain defaults to the configuration of the model it replaces (the latest version); null: not changed here
  const replaced = latestModel(models.data ?? []);
  const base = configOf(replaced);
  const [fusionChoice, setFusion] = useState<Fusion | null>(null);
  const [classifierChoice, setClassifier] = useState<Classifier | null>(null);
  const fusion = fusionChoice ?? base?.fusion ?? FIRST_TRAIN_DEFAULTS.fusion;
  const classifier = classifierChoice ?? base?.classifier ?? FIRST_TRAIN_DEFAULTS.classifier;
  // the lexicon columns exist only in the linear SVM without a fusion network (or with dialogue fusion)
  const lexiconPossible = sparseLinear(fusion, classifier);
  const [lexiconChoice, setLexicon] = useState<boolean | null>(null);
  const lexicon = lexiconPossible && (lexiconChoice ?? base?.lexicon ?? FIRST_TRAIN_DEFAULTS.lexicon);
  const [starting, setStarting] = useState(false);

  useEffect(() => {
    const listed = q.data;
    if (listed) setJobs((shown) => mergeJobList(shown, listed));
  }, [q.data]);
  const upsert = (j: JobInfo) => setJobs((js) => (js.some((x) => x.id === j.id) ? js.map((x) => (x.id === j.id ? j : x)) : [j, ...js]));
  useJobEvents((e) => upsert(e.job));

  // events are the main path; a slow poll while something runs covers a dropped socket
  const running = jobs.some((j) => j.status === 'running');
  const { reload } = q;
  useEffect(() => {
    if (!running) return;
    const t = setInterval(reload, 3000);
    return () => clearInterval(t);
  }, [running, reload]);

  const start = (p: Promise<JobInfo>) => {
    setStarting(true);
    p.then(upsert, report).finally(() => setStarting(false));
  };
  const cancel = (id: number) => call('jobs.cancel', { jobId: id }).then(upsert, report);

  return (
    <Stack spacing={2} data-testid="jobs">
      <Card variant="outlined">
        <CardContent>
          <Stack direction="row" spacing={2} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
            <Button variant="outlined" disabled={starting} onClick={() => start(call('jobs.extract', {}))} data-testid="start-extract">
              Extract features
            </Button>
            <FilterSelect
              label="Fusion"
              value={fusion}
              options={['none', 'concat', 'seed', 'dialogue']}
              onChange={(v) => setFusion(v as Fusion)}
              minWidth={110}
              testId="retrain-fusion"
            />
            <FilterSelect
              label="Classifier"
              value={classifier}
              options={['linear', 'rbf']}
              onChange={(v) => setClassifier(v as Classifier)}
              minWidth={110}
              testId="retrain-classifier"
            />
            <FilterSelect
              label="Lexicon"
              value={lexicon ? 'on' : 'off'}
              options={lexiconPossible ? ['off', 'on'] : ['off']}
              onChange={(v) => setLexicon(v === 'on')}
              minWidth={90}
              testId="retrain-lexicon"
            />
            <Button
              variant="contained"
              disabled={starting || models.loading}
              onClick={() =>
                start(
                  call('jobs.train', {
                    ...(fusionChoice ? { fusion: fusionChoice } : {}),
                    ...(classifierChoice ? { classifier: classifierChoice } : {}),
                    ...(lexiconChoice !== null ? { lexicon } : {}),
                  }),
                )
              }
              data-testid="retrain"
            >
              Retrain
            </Button>
            <Typography variant="caption" color="text.secondary">
              Retraining fits on the training split's current labels (your corrections included) and makes a new model version; older
              versions stay.
            </Typography>
          </Stack>
          <Typography variant="caption" color="text.secondary" component="div" sx={{ mt: 1 }} data-testid="retrain-base">
            {replaced
              ? `Replaces v${replaced.version} (${configText(replaced)}); unchanged settings are its own, so v${replaced.version + 1} vs v${replaced.version} compares the labels.`
              : 'No model yet: fusion none with a linear SVM on every modality with features (the fastest).'}
          </Typography>
        </CardContent>
      </Card>
      {jobs.length === 0 && !q.loading && (
        <EmptyState title="No jobs yet">Extraction and training runs appear here with their progress.</EmptyState>
      )}
      {jobs.map((j) => (
        <JobCard
          key={j.id}
          job={j}
          models={models.data ?? []}
          onCancel={() => void cancel(j.id)}
          onShow={() => {
            bumpModels();
            reloadSummary();
            setView('evaluation');
          }}
        />
      ))}
    </Stack>
  );
}

function JobCard(props: { job: JobInfo; models: ModelVersionInfo[]; onCancel: () => void; onShow: () => void }) {
  const j = props.job;
  const p = j.progress;
  const pct = p && p.total > 0 ? (100 * p.done) / p.total : null;
  const version = j.kind === 'train' ? trainedVersion(j.result) : null;
  const made = version !== null ? props.models.find((m) => m.version === version) : undefined;
  const summary = jobSummary(j);
  return (
    <Card variant="outlined" data-testid="job" data-job-id={j.id} data-kind={j.kind} data-status={j.status}>
      <CardContent>
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
          <Typography variant="subtitle2">
            #{j.id} {j.kind}
          </Typography>
          <Chip
            size="small"
            label={j.status}
            data-testid="job-status"
            color={j.status === 'done' ? 'success' : j.status === 'failed' ? 'error' : j.status === 'running' ? 'primary' : 'default'}
          />
          <Typography variant="caption" color="text.secondary">
            started {new Date(j.started_at).toLocaleTimeString()}
            {j.finished_at ? ` · finished ${new Date(j.finished_at).toLocaleTimeString()}` : ''}
          </Typography>
          <Box sx={{ flex: 1 }} />
          {j.status === 'running' && (
            <Button size="small" color="warning" onClick={props.onCancel} data-testid="job-cancel">
              Cancel
            </Button>
          )}
          {version !== null && j.status === 'done' && (
            <Button size="small" onClick={props.onShow} data-testid="job-show-eval">
              Evaluation of model v{version}
            </Button>
          )}
        </Stack>
        {j.status === 'running' && (
          <LinearProgress sx={{ mt: 1 }} variant={pct === null ? 'indeterminate' : 'determinate'} value={pct ?? undefined} />
        )}
        {p && (
          <Typography variant="caption" color="text.secondary" component="div" sx={{ mt: 0.5 }} data-testid="job-progress">
            {p.job} · {p.done}/{p.total}
            {p.errors ? ` · ${p.errors} errors` : ''}
            {p.rate > 0 ? ` · ${p.rate.toFixed(1)}/s` : ''}
            {j.status === 'running' && p.eta_s !== null ? ` · ETA ${formatEta(p.eta_s)}` : ''}
          </Typography>
        )}
        {j.status === 'done' && summary && (
          <Typography variant="body2" sx={{ mt: 0.5 }} data-testid="job-result">
            {summary}
          </Typography>
        )}
        {made && (
          <Typography variant="caption" color="text.secondary" component="div" data-testid="job-model-config">
            v{made.version}: {configText(made)}
          </Typography>
        )}
        {j.error && (
          <Typography
            variant="body2"
            color={j.status === 'cancelled' ? 'text.secondary' : 'error'}
            sx={{ mt: 0.5 }}
            data-testid="job-error"
          >
            {j.error}
          </Typography>
        )}
      </CardContent>
    </Card>
  );
}

/** One line about what a finished job produced (the result's shape depends on the kind). */
function jobSummary(j: JobInfo): string | null {
  const r = j.result as Record<string, unknown> | null;
  if (!r || typeof r !== 'object') return null;
  if (j.kind === 'import') {
    const ss =
      (r.summaries as
        { added: number; updated: number; unchanged: number; missingMedia: number; annotatorLabels?: number }[] | undefined) ?? [];
    const n = (k: 'added' | 'updated' | 'unchanged' | 'missingMedia' | 'annotatorLabels') =>
      ss.reduce((a, x) => a + (x[k] ?? 0), 0).toLocaleString('en');
    const warnings = (r.warnings as string[] | undefined)?.length ?? 0;
    return [
      `${n('added')} added, ${n('updated')} updated, ${n('unchanged')} unchanged`,
      n('missingMedia') !== '0' ? `${n('missingMedia')} without media` : null,
      n('annotatorLabels') !== '0' ? `${n('annotatorLabels')} annotator label(s)` : null,
      warnings ? `${warnings} warning(s): ${(r.warnings as string[])[0]}${warnings > 1 ? ' …' : ''}` : null,
      typeof r.extractJob === 'number'
        ? `extraction started (job #${r.extractJob})`
        : typeof r.extractNote === 'string'
          ? r.extractNote
          : null,
    ]
      .filter(Boolean)
      .join(' · ');
  }
  if (j.kind === 'ablate') {
    const rows = (r.rows as { modalities: string[]; model_version: number; weighted_f1: number; lexicon?: boolean }[] | undefined) ?? [];
    if (!rows.length) return null;
    const lexicon = rows.some((x) => x.lexicon) ? ' (every model +lexicon)' : '';
    return (
      rows.map((x) => `${x.modalities.join('+')} v${x.model_version}: weighted F1 ${x.weighted_f1.toFixed(3)} on dev`).join(' · ') + lexicon
    );
  }
  if (j.kind === 'extract') {
    const media = r.media as { processed?: number; failed?: number } | undefined;
    const text = r.text as { encoded?: number; failed?: number } | undefined;
    const parts: string[] = [];
    if (media) parts.push(`${media.processed ?? 0} clips processed, ${media.failed ?? 0} failed`);
    if (text) parts.push(`${text.encoded ?? 0} transcripts encoded${text.failed ? `, ${text.failed} failed` : ''}`);
    return parts.length ? parts.join(' · ') : null;
  }
  if (j.kind === 'train' && typeof r.version === 'number') {
    const m = r.metrics as Record<string, { split: string; weighted_f1: number }> | undefined;
    const f1 = m ? Object.values(m).map((x) => `weighted F1 ${x.weighted_f1.toFixed(3)} on ${x.split}`) : [];
    const gold = r.gold as { rule: string; by_source: Record<string, number> } | undefined; // which rule made the gold labels (issue 13)
    const goldText = gold ? `gold: ${gold.rule}${gold.by_source.adjudicate ? `, ${gold.by_source.adjudicate} adjudicated` : ''}` : null;
    // how C was chosen: by a search, on dev, or taken from an earlier model's search (issue 15)
    const sel = r.selection as
      { method?: string; from_model?: number | null; chosen?: { C: number; balanced: boolean }; folds?: number | null } | undefined;
    const c = sel?.chosen ? `C ${sel.chosen.C}${sel.chosen.balanced ? ' balanced' : ''}` : null;
    const how =
      c && sel?.method === 'reused'
        ? `${c} reused from v${sel.from_model}'s search`
        : c && sel?.method === 'cv'
          ? `${c} chosen by ${sel.folds ?? 3}-fold CV on train`
          : c && sel?.method === 'dev'
            ? `${c} chosen on dev`
            : null;
    return [`model v${r.version}`, typeof r.n_train === 'number' ? `trained on ${r.n_train} items` : null, how, goldText, ...f1]
      .filter(Boolean)
      .join(' · ');
  }
  return null;
}

function trainedVersion(result: unknown): number | null {
  if (typeof result === 'number') return result;
  if (result && typeof result === 'object' && typeof (result as { version?: unknown }).version === 'number')
    return (result as { version: number }).version;
  return null;
}

function formatEta(s: number): string {
  if (s < 60) return `${Math.ceil(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}
