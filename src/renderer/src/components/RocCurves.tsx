// One-vs-rest ROC curves, one per class, each named with its AUC; the chance diagonal for reference.
import { useMemo } from 'react';
import type { Data, Layout } from 'plotly.js-dist-min';
import type { RocCurve } from '../../../shared/types';
import { Plot } from './Plot';

export function RocCurves(props: {
  labels: string[];
  roc: Record<string, RocCurve | null>;
  auc: Record<string, number | null>;
  title: string;
}) {
  const { labels, roc, auc } = props;
  const data = useMemo<Data[]>(() => {
    const curves: Data[] = labels
      .filter((l) => roc[l])
      .map((l) => ({
        type: 'scatter',
        mode: 'lines',
        x: roc[l]!.fpr,
        y: roc[l]!.tpr,
        name: `${l} (AUC ${auc[l] === null || auc[l] === undefined ? '—' : auc[l]!.toFixed(2)})`,
        line: { shape: 'hv', width: 2 },
      }));
    return [
      ...curves,
      {
        type: 'scatter',
        mode: 'lines',
        x: [0, 1],
        y: [0, 1],
        name: 'chance',
        line: { dash: 'dot', color: 'gray', width: 1 },
        hoverinfo: 'skip',
      },
    ];
  }, [labels, roc, auc]);
  const layout = useMemo<Partial<Layout>>(
    () => ({
      title: { text: props.title },
      xaxis: { title: { text: 'false positive rate' }, range: [0, 1] },
      yaxis: { title: { text: 'true positive rate' }, range: [0, 1.02] },
      legend: { font: { size: 11 } },
    }),
    [props.title],
  );
  return <Plot testId="roc-curves" data={data} layout={layout} height={380} />;
}
