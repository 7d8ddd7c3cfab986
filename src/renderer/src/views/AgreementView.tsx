// Inter-annotator agreement: Krippendorff's alpha with its bootstrap interval, Fleiss' kappa, a
// pairwise Cohen's kappa heatmap, one annotator-vs-annotator confusion matrix, per-label kappa; the
// number of items behind each figure next to it. Optionally a model version as one more rater.
import { useMemo, useState } from 'react';
import { Box, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import type { Data, Layout } from 'plotly.js-dist-min';
import { useApiData } from '../api-context';
import { useStudio } from '../studio-context';
import { FilterSelect } from '../components/FilterSelect';
import { Section } from '../components/Section';
import { EmptyState } from '../components/EmptyState';
import { Plot } from '../components/Plot';
import { ConfusionHeatmap } from '../components/ConfusionHeatmap';
import { SPLITS } from '../../../shared/types';

type Split = 'train' | 'dev' | 'test' | 'unsplit';
const f3 = (x: number | null | undefined) => (x === null || x === undefined ? '–' : x.toFixed(3));

export function AgreementView() {
  const { summary, modelsTick } = useStudio();
  const [split, setSplit] = useState<'' | Split>('');
  const [model, setModel] = useState('');
  const input = { ...(split && { split }), ...(model && { includeModel: Number(model) }) };
  const q = useApiData('agreement.compute', input, [split, model, modelsTick]);
  const r = q.data;
  const [pair, setPair] = useState(0);
  const versions = summary?.latestModel ? Array.from({ length: summary.latestModel }, (_, i) => String(summary.latestModel! - i)) : [];

  const heat = useMemo<{ data: Data[]; layout: Partial<Layout> } | null>(() => {
    if (!r || r.annotators.length < 2) return null;
    const n = r.annotators.length;
    const z = r.annotators.map((a) =>
      r.annotators.map((b) => {
        if (a === b) return 1;
        const p = r.pairwise.find((x) => (x.a === a && x.b === b) || (x.a === b && x.b === a));
        return p?.cohen_kappa ?? null;
      }),
    );
    const text = r.annotators.map((a) =>
      r.annotators.map((b) => {
        if (a === b) return '';
        const p = r.pairwise.find((x) => (x.a === a && x.b === b) || (x.a === b && x.b === a));
        return p ? `${f3(p.cohen_kappa)} (n=${p.n})` : '';
      }),
    );
    return {
      data: [
        {
          type: 'heatmap',
          x: r.annotators,
          y: r.annotators,
          z,
          text,
          texttemplate: '%{text}',
          zmin: -1,
          zmax: 1,
          colorscale: 'RdBu',
          hovertemplate: '%{y} vs %{x}<br>kappa %{z:.3f}<extra></extra>',
        } as Data,
      ],
      layout: {
        title: { text: "pairwise Cohen's kappa" },
        margin: { l: 90, r: 16, t: 40, b: 60 },
        yaxis: { autorange: 'reversed', type: 'category' },
        xaxis: { type: 'category' },
        height: Math.max(260, 80 + 60 * n),
      },
    };
  }, [r]);

  if (summary && summary.total === 0) return <EmptyState title="No corpus">Import a corpus first.</EmptyState>;
  const p = r?.pairwise[Math.min(pair, (r?.pairwise.length ?? 1) - 1)];
  return (
    <Stack spacing={2} data-testid="agreement">
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
        <FilterSelect
          label="Split"
          value={split}
          options={SPLITS}
          onChange={(v) => setSplit(v as Split | '')}
          anyLabel="all"
          testId="agreement-split"
          minWidth={100}
        />
        <FilterSelect
          label="Model as rater"
          value={model}
          options={versions}
          onChange={setModel}
          anyLabel="none"
          format={(v) => `model v${v}`}
          testId="agreement-model"
          minWidth={140}
        />
        {r && (
          <Typography variant="caption" color="text.secondary">
            gold rule: {r.gold_rule}
          </Typography>
        )}
      </Stack>
      {!r ? (
        <Typography color="text.secondary">{q.loading ? 'computing…' : ''}</Typography>
      ) : r.annotators.length < 2 ? (
        <EmptyState title="Fewer than two annotators">
          Agreement needs two or more annotators' labels: label under your name in Annotate, or import annotator=COL.
        </EmptyState>
      ) : (
        <>
          <Section title="Overall">
            <Typography variant="body1" data-testid="agreement-alpha">
              Krippendorff's alpha (nominal): <b>{f3(r.krippendorff_alpha)}</b>
              {r.krippendorff_alpha_ci95 && ` (95% CI ${f3(r.krippendorff_alpha_ci95[0])} to ${f3(r.krippendorff_alpha_ci95[1])})`} ·{' '}
              {r.krippendorff_n_items} items with 2+ labels
            </Typography>
            <Typography variant="body1" data-testid="agreement-fleiss">
              Fleiss' kappa: <b>{f3(r.fleiss_kappa)}</b> · {r.fleiss_n_items} items every annotator labelled
            </Typography>
            <Typography variant="body2" color="text.secondary">
              {r.annotators.map((a) => `${a} ${r.ratings_per_annotator[a]}`).join(' · ')} labels; {r.n_items} items labelled by anyone
            </Typography>
          </Section>
          <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', lg: '1fr 1fr' }, gap: 2 }}>
            <Section title="Pairwise">
              {heat && <Plot testId="agreement-heatmap" data={heat.data} layout={heat.layout} height={heat.layout.height as number} />}
              <Table size="small" data-testid="agreement-pairs">
                <TableHead>
                  <TableRow>
                    <TableCell>pair</TableCell>
                    <TableCell align="right">items</TableCell>
                    <TableCell align="right">agreement</TableCell>
                    <TableCell align="right">Cohen's kappa</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {r.pairwise.map((x, i) => (
                    <TableRow key={`${x.a}-${x.b}`} hover selected={i === pair} onClick={() => setPair(i)} sx={{ cursor: 'pointer' }}>
                      <TableCell>
                        {x.a} vs {x.b}
                      </TableCell>
                      <TableCell align="right">{x.n}</TableCell>
                      <TableCell align="right">{x.percent_agreement === null ? '–' : `${x.percent_agreement.toFixed(1)}%`}</TableCell>
                      <TableCell align="right">{f3(x.cohen_kappa)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </Section>
            {p && (
              <Section title={`${p.a} vs ${p.b} (${p.n} items)`}>
                <ConfusionHeatmap
                  labels={r.labels}
                  confusion={p.confusion}
                  normalised={false}
                  title="labels given"
                  axes={{ x: p.b, y: p.a }}
                  testId="agreement-confusion"
                />
              </Section>
            )}
          </Box>
          <Section title="Per label (one vs rest)">
            <Table size="small" data-testid="agreement-per-label">
              <TableHead>
                <TableRow>
                  <TableCell>label</TableCell>
                  <TableCell align="right">kappa</TableCell>
                  <TableCell align="right">items every annotator labelled</TableCell>
                  <TableCell align="right">labels given on those items</TableCell>
                  <TableCell align="right">labels given on all {r.n_items} items</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {r.per_label.map((l) => (
                  <TableRow key={l.label}>
                    <TableCell>{l.label}</TableCell>
                    <TableCell align="right">{f3(l.kappa)}</TableCell>
                    <TableCell align="right">{l.n_items}</TableCell>
                    <TableCell align="right">{l.ratings_complete}</TableCell>
                    <TableCell align="right">{l.ratings}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </Section>
        </>
      )}
    </Stack>
  );
}
