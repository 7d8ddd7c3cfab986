// Confusion matrix as a heatmap: rows gold, columns predicted, in the label set's order; counts or
// row-normalised (each gold row sums to 1), with the value written in each cell.
import { useMemo } from 'react';
import { useTheme } from '@mui/material';
import type { Data, Layout } from 'plotly.js-dist-min';
import { Plot } from './Plot';
import { plotText } from '../../../shared/plot-text';

export function rowNormalise(m: number[][]): number[][] {
  return m.map((row) => {
    const s = row.reduce((a, b) => a + b, 0);
    return row.map((v) => (s > 0 ? v / s : 0));
  });
}

export function ConfusionHeatmap(props: {
  labels: string[];
  confusion: number[][];
  normalised: boolean;
  title: string;
  testId?: string;
  axes?: { x: string; y: string };
}) {
  const { labels, confusion, normalised } = props;
  const theme = useTheme();
  const data = useMemo<Data[]>(() => {
    const z = normalised ? rowNormalise(confusion) : confusion;
    return [
      {
        type: 'heatmap',
        x: labels,
        y: labels,
        z,
        // from the paper colour (0) to the theme's primary colour (the largest cell)
        colorscale: [
          [0, theme.palette.background.paper],
          [1, theme.palette.primary.main],
        ],
        zmin: 0,
        zmax: normalised ? 1 : Math.max(1, ...confusion.flat()),
        texttemplate: normalised ? '%{z:.2f}' : '%{z}',
        // the axis names can be annotators' names: escaped, as the template itself is markup
        hovertemplate: `${plotText(props.axes?.y ?? 'gold')} %{y}<br>${plotText(props.axes?.x ?? 'predicted')} %{x}<br>%{z}<extra></extra>`,
        showscale: true,
      },
    ];
  }, [labels, confusion, normalised, theme, props.axes?.x, props.axes?.y]);
  const layout = useMemo<Partial<Layout>>(
    () => ({
      title: { text: props.title },
      xaxis: { title: { text: props.axes?.x ?? 'predicted' }, side: 'bottom', type: 'category' },
      yaxis: { title: { text: props.axes?.y ?? 'gold' }, autorange: 'reversed', type: 'category' },
      margin: { l: 80, r: 16, t: 40, b: 72 },
    }),
    [props.title, props.axes?.x, props.axes?.y],
  );
  return <Plot testId={props.testId} data={data} layout={layout} height={380} />;
}
