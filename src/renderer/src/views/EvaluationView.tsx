// Evaluation: metrics of one model version on one split (always named together), the confusion matrix
// (counts or row-normalised), one-vs-rest ROC curves with AUC, the per-class table, and a comparison
// with a second version. Follows the newest model after every retrain (modelsTick).
import { useEffect, useMemo, useState } from 'react';
import {
  Box,
  Card,
  CardContent,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  ToggleButton,
  ToggleButtonGroup,
  Typography,
} from '@mui/material';
import type { EvaluateResult } from '../../../shared/types';
import type { ModelVersionInfo } from '../../../shared/api';
import { configText, versionLabel, versionShort } from '../../../shared/model-config';
import { BLOCK_NOTE, NO_INTERVAL, bootstrapWords } from '../../../shared/bootstrap-words';
import { useApiData } from '../api-context';
import { useStudio } from '../studio-context';
import { FilterSelect } from '../components/FilterSelect';
import { EmptyState } from '../components/EmptyState';
import { ConfusionHeatmap } from '../components/ConfusionHeatmap';
import { RocCurves } from '../components/RocCurves';
import { AblateButton } from '../components/AblateButton';

type Split = 'train' | 'dev' | 'test' | 'unsplit';
const fmt = (x: number | null | undefined, d = 3) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d));

export function EvaluationView() {
  const { summary, modelsTick } = useStudio();
  const models = useApiData('models.list', {}, [modelsTick]);
  const splits = useMemo(() => {
    const present = new Set((summary?.counts ?? []).filter((c) => c.n > 0).map((c) => c.split));
    return (['dev', 'test', 'train', 'unsplit'] as Split[]).filter((s) => present.has(s));
  }, [summary]);
  const [split, setSplit] = useState<Split | ''>('');
  const [version, setVersion] = useState<number | null>(null);
  const [compare, setCompare] = useState<number | null>(null);
  const [normalised, setNormalised] = useState(false);
  const versions = useMemo(() => (models.data ?? []).map((m) => m.version).sort((a, b) => b - a), [models.data]);
  // each version with its configuration (fusion, SVM and C, modalities, encoders, training labels), not a bare vN
  const describe = (v: string) => {
    const m = models.data?.find((x) => String(x.version) === v);
    return m ? versionLabel(m) : `v${v}`;
  };
  const describeShort = (v: string) => {
    const m = models.data?.find((x) => String(x.version) === v);
    return m ? versionShort(m) : `v${v}`;
  };

  useEffect(() => {
    if (!split && splits.length) setSplit(splits[0]);
  }, [splits, split]);
  // a new model (retrain) becomes the one shown
  useEffect(() => {
    if (versions.length) setVersion(versions[0]);
  }, [versions]);

  const ready = split !== '' && version !== null;
  const paired = compare !== null && compare !== version ? compare : undefined;
  const main = useApiData('evaluate.split', ready ? { split, version, compare: paired } : null, [split, version, paired, modelsTick]);
  const other = useApiData('evaluate.split', ready && paired !== undefined ? { split, version: paired, baselines: false } : null, [
    split,
    paired,
    version,
    modelsTick,
  ]);

  if (models.data && models.data.length === 0) {
    return (
      <EmptyState title="No model yet" testId="no-model">
        Train one in the Jobs view (Retrain) or with <code>emotion-studio train</code>; its metrics on each labelled split appear here.
      </EmptyState>
    );
  }
  const r = main.data;
  return (
    <Stack spacing={2} data-testid="evaluation">
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
        <FilterSelect
          label="Split"
          value={split}
          options={splits}
          onChange={(v) => setSplit(v as Split)}
          testId="eval-split"
          minWidth={100}
        />
        <FilterSelect
          label="Model"
          value={version === null ? '' : String(version)}
          options={versions.map(String)}
          onChange={(v) => setVersion(Number(v))}
          format={describe}
          formatSelected={describeShort}
          testId="eval-version"
          minWidth={100}
        />
        <FilterSelect
          label="Compare with"
          value={compare === null ? '' : String(compare)}
          options={versions.filter((v) => v !== version).map(String)}
          onChange={(v) => setCompare(v ? Number(v) : null)}
          format={describe}
          formatSelected={describeShort}
          anyLabel="none"
          testId="eval-compare"
          minWidth={130}
        />
        <ToggleButtonGroup
          size="small"
          exclusive
          value={normalised ? 'norm' : 'counts'}
          onChange={(_e, v: string | null) => v && setNormalised(v === 'norm')}
        >
          <ToggleButton value="counts" data-testid="cm-counts">
            counts
          </ToggleButton>
          <ToggleButton value="norm" data-testid="cm-normalised">
            row-normalised
          </ToggleButton>
        </ToggleButtonGroup>
        <AblateButton />
      </Stack>

      {main.error && <EmptyState title="This split could not be evaluated">{main.error}</EmptyState>}
      {r && (
        <>
          <Typography variant="subtitle1" data-testid="eval-heading">
            {r.split} split · model v{r.model_version} · {r.fusion} fusion · {r.classifier} SVM{r.C !== null ? ` (C=${r.C})` : ''} ·{' '}
            {r.modalities.join('+')} · n={r.n}
          </Typography>
          <Stack direction="row" spacing={2} useFlexGap sx={{ flexWrap: 'wrap' }} data-testid="eval-metrics">
            <Metric name="accuracy" value={r.accuracy} ci={r.ci95 === null ? null : r.ci95?.accuracy} />
            <Metric name="weighted F1" value={r.weighted_f1} ci={r.ci95 === null ? null : r.ci95?.weighted_f1} />
            <Metric name="macro F1" value={r.macro_f1} ci={r.ci95 === null ? null : r.ci95?.macro_f1} />
            <Metric
              name="macro AUC"
              value={r.macro_auc}
              ci={r.macro_auc === null ? undefined : r.ci95 === null ? null : (r.ci95?.macro_auc ?? undefined)}
            />
          </Stack>
          {r.bootstrap && (
            <Typography variant="caption" color="text.secondary" data-testid="eval-ci-note">
              95% intervals: {bootstrapWords(r.bootstrap)}
              {r.bootstrap.method === 'none'
                ? ' (an interval needs 20 or more).'
                : ` (${r.bootstrap.resamples} resamples, seed ${r.bootstrap.seed}); ${
                    r.bootstrap.method === 'circular_block' ? BLOCK_NOTE : 'utterances of one dialogue are resampled together'
                  }.`}
            </Typography>
          )}
          {r.baselines && <Baselines r={r} />}
          {r.missing_predictions > 0 && (
            <Typography color="warning.main" variant="body2">
              {r.missing_predictions} labelled item(s) of this split have no prediction from this model (labelled after it was trained?).
            </Typography>
          )}
          <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', lg: '1fr 1fr' }, gap: 2 }}>
            <Card variant="outlined">
              <CardContent>
                <ConfusionHeatmap
                  testId="confusion"
                  labels={r.labels}
                  confusion={r.confusion}
                  normalised={normalised}
                  title={`Confusion (${normalised ? 'row-normalised' : 'counts'}) · ${r.split} · v${r.model_version}`}
                />
                <ConfusionText r={r} />
              </CardContent>
            </Card>
            <Card variant="outlined">
              <CardContent>
                <RocCurves labels={r.labels} roc={r.roc} auc={r.auc} title={`ROC one-vs-rest · ${r.split} · v${r.model_version}`} />
              </CardContent>
            </Card>
          </Box>
          <PerClassTable r={r} />
          {other.data && <Comparison a={r} b={other.data} models={models.data ?? []} />}
        </>
      )}
    </Stack>
  );
}

function Metric(props: { name: string; value: number | null; ci?: [number, number] | null }) {
  return (
    <Card variant="outlined" sx={{ minWidth: 140 }}>
      <CardContent sx={{ py: 1, '&:last-child': { pb: 1 } }}>
        <Typography variant="caption" color="text.secondary">
          {props.name}
        </Typography>
        <Typography variant="h5" data-metric={props.name}>
          {fmt(props.value)}
        </Typography>
        {props.ci !== undefined && (
          <Typography variant="caption" color="text.secondary" data-ci={props.name}>
            95% CI {props.ci ? `${fmt(props.ci[0])}–${fmt(props.ci[1])}` : NO_INTERVAL}
          </Typography>
        )}
      </CardContent>
    </Card>
  );
}

const signed = (x: number) => `${x > 0 ? '+' : ''}${x.toFixed(3)}`;

/** Paired difference text: "+0.012 [−0.010, +0.031], within noise"; "+0.012 [n/a: too few items]" without an interval. */
export function pairedText(d: { diff: number; ci95: [number, number] | null }, withinNoise: boolean): string {
  if (!d.ci95) return `${signed(d.diff)} [${NO_INTERVAL}]`;
  return `${signed(d.diff)} [${signed(d.ci95[0])}, ${signed(d.ci95[1])}]${withinNoise ? ' · within noise' : ''}`;
}

function Baselines(props: { r: EvaluateResult }) {
  const b = props.r.baselines!;
  const rows = [
    { name: `majority class (${b.majority.label})`, s: b.majority },
    ...(b.linear ? [{ name: `plain linear SVM (C=1, unweighted, ${b.linear.text_encoder})`, s: b.linear }] : []),
  ];
  return (
    <Card variant="outlined" data-testid="baselines">
      <CardContent>
        <Typography variant="subtitle2">Baselines on the same {props.r.split} items</Typography>
        <Table size="small">
          <TableHead>
            <TableRow>
              <TableCell>baseline</TableCell>
              <TableCell>weighted F1 (95% CI)</TableCell>
              <TableCell>accuracy</TableCell>
              <TableCell>model − baseline, weighted F1 (paired)</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map(({ name, s }) => (
              <TableRow key={name} data-testid="baseline-row">
                <TableCell>{name}</TableCell>
                <TableCell>
                  {fmt(s.weighted_f1)} ({s.ci95 ? `${fmt(s.ci95.weighted_f1[0])}–${fmt(s.ci95.weighted_f1[1])}` : NO_INTERVAL})
                </TableCell>
                <TableCell>{fmt(s.accuracy)}</TableCell>
                <TableCell
                  sx={{
                    color: s.model_minus_baseline.within_noise
                      ? 'text.secondary'
                      : s.model_minus_baseline.weighted_f1.diff > 0
                        ? 'success.main'
                        : 'error.main',
                  }}
                >
                  {pairedText(s.model_minus_baseline.weighted_f1, s.model_minus_baseline.within_noise)}
                </TableCell>
              </TableRow>
            ))}
            {!b.linear && (
              <TableRow>
                <TableCell colSpan={4}>plain linear baseline: no text features on the training split</TableCell>
              </TableRow>
            )}
          </TableBody>
        </Table>
      </CardContent>
    </Card>
  );
}

/** The counts in words, for screen readers and for the e2e test to read without parsing the SVG. */
function ConfusionText(props: { r: EvaluateResult }) {
  const { r } = props;
  return (
    <Box component="details" sx={{ mt: 1, fontSize: 12, color: 'text.secondary' }}>
      <summary>confusion matrix as a table</summary>
      <Table size="small" data-testid="confusion-table">
        <TableHead>
          <TableRow>
            <TableCell>gold \ predicted</TableCell>
            {r.labels.map((l) => (
              <TableCell key={l}>{l}</TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {r.confusion.map((row, g) => (
            <TableRow key={r.labels[g]} data-gold={r.labels[g]}>
              <TableCell>{r.labels[g]}</TableCell>
              {row.map((v, p) => (
                <TableCell key={p}>{v}</TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}

function PerClassTable(props: { r: EvaluateResult }) {
  const { r } = props;
  return (
    <Card variant="outlined">
      <CardContent>
        <Typography variant="subtitle2">
          Per class · {r.split} · model v{r.model_version}
        </Typography>
        <Table size="small" data-testid="per-class">
          <TableHead>
            <TableRow>
              {['class', 'precision', 'recall', 'F1', 'support', 'AUC'].map((h) => (
                <TableCell key={h}>{h}</TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {r.labels.map((l) => {
              const c = r.per_class[l];
              return (
                <TableRow key={l} data-class={l}>
                  <TableCell>{l}</TableCell>
                  <TableCell>{fmt(c?.precision)}</TableCell>
                  <TableCell>{fmt(c?.recall)}</TableCell>
                  <TableCell>{fmt(c?.f1)}</TableCell>
                  <TableCell data-support>{c?.support ?? 0}</TableCell>
                  <TableCell>{fmt(r.auc[l])}</TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </CardContent>
    </Card>
  );
}

function Comparison(props: { a: EvaluateResult; b: EvaluateResult; models: ModelVersionInfo[] }) {
  const { a, b } = props;
  const config = (v: number) => props.models.find((m) => m.version === v);
  const rows: [string, number | null, number | null][] = [
    ['accuracy', a.accuracy, b.accuracy],
    ['weighted F1', a.weighted_f1, b.weighted_f1],
    ['macro F1', a.macro_f1, b.macro_f1],
    ['macro AUC', a.macro_auc, b.macro_auc],
    ...a.labels.map((l): [string, number | null, number | null] => [`F1 ${l}`, a.per_class[l]?.f1 ?? null, b.per_class[l]?.f1 ?? null]),
  ];
  return (
    <Card variant="outlined" data-testid="comparison">
      <CardContent>
        <Typography variant="subtitle2">
          Model v{a.model_version} vs v{b.model_version} on the {a.split} split
        </Typography>
        {[a.model_version, b.model_version].map((v) => {
          const m = config(v);
          return (
            <Typography key={v} variant="caption" color="text.secondary" component="div" data-testid="comparison-config">
              v{v}: {m ? configText(m) : 'configuration unknown'}
            </Typography>
          );
        })}
        {a.compare && a.compare.version === b.model_version && (
          <Typography variant="body2" data-testid="comparison-paired" sx={{ mt: 1 }}>
            Paired bootstrap over the same {a.compare.n} items, v{a.model_version} − v{b.model_version}: weighted F1{' '}
            {pairedText(a.compare.weighted_f1, a.compare.within_noise)}
            {a.compare.within_noise ? ' (the two cannot be told apart on this split)' : ''}; accuracy{' '}
            {pairedText(a.compare.accuracy, false)}.
          </Typography>
        )}
        <Table size="small">
          <TableHead>
            <TableRow>
              <TableCell>metric</TableCell>
              <TableCell>v{a.model_version}</TableCell>
              <TableCell>v{b.model_version}</TableCell>
              <TableCell>
                v{a.model_version} − v{b.model_version}
              </TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map(([name, x, y]) => {
              const delta = x !== null && y !== null ? x - y : null;
              return (
                <TableRow key={name}>
                  <TableCell>{name}</TableCell>
                  <TableCell>{fmt(x)}</TableCell>
                  <TableCell>{fmt(y)}</TableCell>
                  <TableCell sx={{ color: delta === null || delta === 0 ? undefined : delta > 0 ? 'success.main' : 'error.main' }}>
                    {delta === null ? '—' : `${delta > 0 ? '+' : ''}${delta.toFixed(3)}`}
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </CardContent>
    </Card>
  );
}
