// Per-frame Shannon entropy over time, with the selected (most informative) frames marked; a click on
// any point seeks the clip to that frame's time.
import { useMemo } from 'react';
import { useTheme } from '@mui/material';
import type { Data, Layout } from 'plotly.js-dist-min';
import { Plot } from './Plot';

export function EntropyPlot(props: { entropy: number[]; fps: number; selected: number[]; onSeek: (t: number) => void }) {
  const theme = useTheme();
  const { entropy, fps, selected } = props;
  const data = useMemo<Data[]>(() => {
    const t = entropy.map((_e, i) => i / fps);
    const sel = selected.filter((f) => f >= 0 && f < entropy.length);
    return [
      {
        type: 'scatter',
        mode: 'lines',
        x: t,
        y: entropy,
        name: 'frame entropy',
        line: { color: theme.palette.primary.main, width: 1.5 },
        hovertemplate: 't=%{x:.2f}s<br>%{y:.3f} bits<extra></extra>',
      },
      {
        type: 'scatter',
        mode: 'markers',
        x: sel.map((f) => f / fps),
        y: sel.map((f) => entropy[f]),
        name: `selected frames (${sel.length})`,
        marker: { size: 10, color: theme.palette.secondary.main, symbol: 'diamond' },
        text: sel.map((f) => `frame ${f}`),
        hovertemplate: '%{text}<br>t=%{x:.2f}s<br>%{y:.3f} bits<extra></extra>',
      },
    ];
  }, [entropy, fps, selected, theme]);
  const layout = useMemo<Partial<Layout>>(
    () => ({
      title: { text: 'Per-frame entropy (click to seek)' },
      xaxis: { title: { text: 'time (s)' } },
      yaxis: { title: { text: 'entropy (bits)' } },
      showlegend: true,
      legend: { orientation: 'h', y: -0.3 },
      hovermode: 'closest',
    }),
    [],
  );
  return (
    <Plot
      testId="entropy-plot"
      data={data}
      layout={layout}
      height={300}
      onClick={(e) => e.points[0] && props.onSeek(Number(e.points[0].x))}
    />
  );
}
