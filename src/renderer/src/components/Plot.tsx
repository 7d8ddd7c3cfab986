// A plotly.js chart. plotly's cartesian bundle (1.5 MB: scatter and heatmap are all the views draw;
// the full bundle is 4.8 MB) is its own chunk, loaded when the first plot is shown: not preloaded,
// since parsing it is one long task that would stall whatever the user does then (say, scrolling the
// corpus). Charts follow the MUI theme's colours. Clicks on points are passed up (the entropy plot
// seeks the video with them). Every data string (categories, trace names, point text) and the title
// are escaped here (plotText): plotly would otherwise render a label's <a href> or <b> as markup.
import { useEffect, useRef } from 'react';
import { useTheme } from '@mui/material';
import type { Data, Layout, LayoutAxis, PlotMouseEvent } from 'plotly.js-dist-min';
import { useApi } from '../api-context';
import { escapeTraces, plotText } from '../../../shared/plot-text';

type PlotlyModule = typeof import('plotly.js-cartesian-dist-min');
let plotly: Promise<PlotlyModule> | null = null;
const loadPlotly = (): Promise<PlotlyModule> =>
  (plotly ??= import('plotly.js-cartesian-dist-min').then(
    (m) => ((m as unknown as { default?: PlotlyModule }).default ?? m) as PlotlyModule,
  ));

/** An axis title as plotText (axis names can be data: annotators' names). */
function escapedTitle(axis: Partial<LayoutAxis> | undefined): { title?: Partial<LayoutAxis>['title'] } {
  const t = axis?.title;
  if (typeof t === 'string') return { title: { text: plotText(t) } };
  if (t && typeof t === 'object' && typeof t.text === 'string') return { title: { ...t, text: plotText(t.text) } };
  return {};
}

export function Plot(props: {
  data: Data[];
  layout?: Partial<Layout>;
  height?: number;
  onClick?: (e: PlotMouseEvent) => void;
  testId?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const theme = useTheme();
  const { report } = useApi();
  const onClick = useRef(props.onClick);
  onClick.current = props.onClick;

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let live = true;
    const fg = theme.palette.text.primary;
    const grid = theme.palette.divider;
    const layout: Partial<Layout> = {
      height: props.height ?? 320,
      margin: { l: 56, r: 16, t: 32, b: 48 },
      paper_bgcolor: 'rgba(0,0,0,0)',
      plot_bgcolor: 'rgba(0,0,0,0)',
      font: { color: fg, family: theme.typography.fontFamily as string, size: 12 },
      ...props.layout,
      ...(typeof props.layout?.title === 'object' && props.layout.title.text
        ? { title: { ...props.layout.title, text: plotText(props.layout.title.text) } }
        : {}),
      xaxis: { gridcolor: grid, zerolinecolor: grid, ...props.layout?.xaxis, ...escapedTitle(props.layout?.xaxis) },
      yaxis: { gridcolor: grid, zerolinecolor: grid, ...props.layout?.yaxis, ...escapedTitle(props.layout?.yaxis) },
    };
    loadPlotly()
      .then(async (P) => {
        if (!live) return;
        await P.react(el, escapeTraces(props.data), layout, {
          displaylogo: false,
          responsive: true,
          modeBarButtonsToRemove: ['sendDataToCloud'] as never,
        });
        const gd = el as unknown as { removeAllListeners?: (n: string) => void; on?: (n: string, f: (e: PlotMouseEvent) => void) => void };
        gd.removeAllListeners?.('plotly_click');
        gd.on?.('plotly_click', (e) => onClick.current?.(e));
      })
      .catch(report);
    return () => {
      live = false;
    };
  }, [props.data, props.layout, props.height, theme, report]);

  useEffect(() => {
    const el = ref.current;
    return () => {
      if (el && plotly) void plotly.then((P) => P.purge(el));
    };
  }, []);

  return <div ref={ref} data-testid={props.testId} style={{ width: '100%', minHeight: props.height ?? 320 }} />;
}
