// The report as one self-contained HTML file: plotly.js is inlined, the figures' data travel in a
// JSON script element and are drawn when the page opens, so the file works offline and its plots
// stay interactive. The page sets document.body.dataset.ready = '1' once every plot is drawn (the
// PDF printer waits for it). Tables and the entropy thumbnails are plain HTML/SVG. Every data string
// is escaped: esc() for the HTML, plotText/escapeTraces for what plotly draws.
import { agreementSection } from './agreement-section';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { EvaluateResult } from '../../../shared/types';
import type { EntropyThumb, ReportData } from './report-data';
import { escapeTraces, plotText } from '../../../shared/plot-text';
import { BLOCK_NOTE, NO_INTERVAL, bootstrapWords } from '../../../shared/bootstrap-words';

let plotlySource: string | null = null;

/** plotly.js (minified), read once from the installed package. */
export function plotlyJs(): string {
  if (plotlySource === null) {
    const file = createRequire(__filename).resolve('plotly.js-dist-min/plotly.min.js');
    // a literal "</script" inside the inlined code would end the element early
    plotlySource = fs.readFileSync(file, 'utf8').replace(/<\/script/gi, '<\\/script');
  }
  return plotlySource;
}

const esc = (s: unknown): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const f3 = (x: number | null | undefined) => (x === null || x === undefined ? '–' : x.toFixed(3));

function table(head: string[], rows: (string | number)[][], cls = ''): string {
  return `<table class="${cls}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${typeof c === 'number' ? c : c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function modelLine(e: EvaluateResult): string {
  return `model version ${e.model_version} (${e.fusion === 'none' ? 'no fusion' : `${e.fusion} fusion`}, ${e.classifier} SVM${e.C !== null ? `, C=${e.C}` : ''}, ${e.modalities.join('+')}${e.context ? ', dialogue context' : ''})`;
}

/** "55.2% (53.1–57.3)": a figure with its 95% interval; null: "(n/a: too few items)"; undefined: the figure alone */
function withCi(x: number, ci: [number, number] | null | undefined, fmt: (v: number) => string = pct): string {
  if (ci === null) return `${fmt(x)} <span class="ci">(${NO_INTERVAL})</span>`;
  return ci ? `${fmt(x)} <span class="ci">(${fmt(ci[0])}–${fmt(ci[1])})</span>` : fmt(x);
}

type Cis = { accuracy: [number, number]; weighted_f1: [number, number]; macro_f1: [number, number] } | null | undefined;
/** one figure's interval of a ci95 object: null when the object is null (too few items) */
const ciOf = (c: Cis, k: 'accuracy' | 'weighted_f1' | 'macro_f1') => (c === null ? null : c?.[k]);

/** a paired difference in points with its interval, and whether it is within noise */
function diffCell(d: { diff: number; ci95: [number, number] | null }): string {
  const pts = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(100 * v).toFixed(1)}`;
  if (!d.ci95) return `${pts(d.diff)} <span class="ci">(${NO_INTERVAL})</span>`;
  const noise = d.ci95[0] <= 0 && d.ci95[1] >= 0;
  return `${pts(d.diff)} <span class="ci">(${pts(d.ci95[0])} to ${pts(d.ci95[1])})</span>${noise ? ' <i>within noise</i>' : ''}`;
}

/** The model beside the majority-class and plain linear baselines on the same items, with intervals. */
function baselinesTable(e: EvaluateResult): string {
  const b = e.baselines;
  if (!b) return '';
  const rows: (string | number)[][] = [
    [
      `<b>this model</b> (v${e.model_version})`,
      e.n,
      withCi(e.accuracy, ciOf(e.ci95, 'accuracy')),
      withCi(e.weighted_f1, ciOf(e.ci95, 'weighted_f1')),
      withCi(e.macro_f1, ciOf(e.ci95, 'macro_f1')),
      '',
    ],
  ];
  const add = (
    name: string,
    s: NonNullable<EvaluateResult['baselines']>['majority'] | NonNullable<NonNullable<EvaluateResult['baselines']>['linear']>,
  ) =>
    rows.push([
      name,
      s.n,
      withCi(s.accuracy, ciOf(s.ci95, 'accuracy')),
      withCi(s.weighted_f1, ciOf(s.ci95, 'weighted_f1')),
      withCi(s.macro_f1, ciOf(s.ci95, 'macro_f1')),
      diffCell(s.model_minus_baseline.weighted_f1),
    ]);
  add(`majority class (always “${esc(b.majority.label)}”)`, b.majority);
  if (b.linear)
    add(
      `plain linear SVM on ${esc(b.linear.text_encoder)} text features (C=${b.linear.C}, no class weighting, ${b.linear.n_train} training items)`,
      b.linear,
    );
  return `<h4>Baselines on the same items</h4>
${table(['model', 'n', 'accuracy', 'weighted F1', 'macro F1', 'weighted F1: model − baseline (paired)'], rows, 'baselines')}
${b.linear ? '' : '<p class="note">No plain linear baseline: the training split has no text features.</p>'}`;
}

function metricsSection(d: ReportData): string {
  if (!d.model)
    return '<p class="note">No model has been trained in this database yet: run <code>train</code> (or <code>analyze</code>) for metrics.</p>';
  if (!d.evaluations.length)
    return `<p class="note">Model version ${d.model.version} is trained, but no held-out split (dev, test) has labelled utterances to score it on.</p>`;
  const summary = table(
    ['split', 'model version', 'n', 'accuracy', 'weighted F1', 'macro F1', 'macro AUC'],
    d.evaluations.map((e) => [
      esc(e.split),
      e.model_version,
      e.n,
      withCi(e.accuracy, ciOf(e.ci95, 'accuracy')),
      withCi(e.weighted_f1, ciOf(e.ci95, 'weighted_f1')),
      withCi(e.macro_f1, ciOf(e.ci95, 'macro_f1')),
      withCi(e.macro_auc ?? NaN, e.macro_auc === null ? undefined : e.ci95 === null ? null : (e.ci95?.macro_auc ?? undefined), f3),
    ]),
    'metrics-summary',
  );
  const boots = d.evaluations.filter((e) => e.bootstrap);
  const boot = boots[0]?.bootstrap;
  const dialogueOnly = boots.every((e) => (e.bootstrap!.method ?? 'dialogue') === 'dialogue');
  // each split says how its intervals were made (a long recording's dev split is one dialogue: blocks)
  const how = boots.map((e) => `${esc(e.split)}: ${esc(bootstrapWords(e.bootstrap!))}`).join('; ');
  const ciNote = !boot
    ? ''
    : dialogueOnly
      ? `<p class="ci-note">In brackets: 95% intervals from a seeded bootstrap over dialogues (${boot.resamples} resamples, seed ${boot.seed}; utterances of a dialogue are resampled together). Differences whose interval holds 0 are <i>within noise</i>.</p>`
      : `<p class="ci-note">In brackets: 95% intervals from a seeded bootstrap (${boot.resamples} resamples, seed ${boot.seed}): ${how}. With 10 or more dialogues whole dialogues are resampled; ${BLOCK_NOTE}; with fewer than 20 utterances there is no interval. Differences whose interval holds 0 are <i>within noise</i>.</p>`;
  const per = d.evaluations.map((e) => {
    const rows = e.labels.map((l) => {
      const c = e.per_class[l];
      return [
        esc(l),
        pct(c.precision),
        pct(c.recall),
        withCi(c.f1, e.ci95 === null ? null : e.ci95?.per_class_f1[l]),
        f3(e.auc[l]),
        c.support,
      ];
    });
    return `<section class="split" data-split="${esc(e.split)}">
<h3>${esc(e.split)} split · ${esc(modelLine(e))}</h3>
<p>n = ${e.n} labelled utterances${e.missing_predictions ? `; ${e.missing_predictions} without a prediction of this model (not counted)` : ''}. Accuracy ${withCi(e.accuracy, ciOf(e.ci95, 'accuracy'))}, weighted F1 ${withCi(e.weighted_f1, ciOf(e.ci95, 'weighted_f1'))}, macro F1 ${withCi(e.macro_f1, ciOf(e.ci95, 'macro_f1'))}.${e.bootstrap ? ` <span class="ci-method">95% intervals: ${esc(bootstrapWords(e.bootstrap))}.</span>` : ''}</p>
${baselinesTable(e)}
${table(['class', 'precision', 'recall', 'F1 (95% interval)', 'AUC (one-vs-rest)', 'support'], rows, 'per-class')}
<div class="plots"><div class="plot" id="confusion-${esc(e.split)}"></div><div class="plot" id="roc-${esc(e.split)}"></div></div>
</section>`;
  });
  return summary + ciNote + per.join('\n');
}

function ablationSection(d: ReportData): string {
  const combos = d.ablation.length;
  const note =
    combos < 2
      ? `<p class="note">${combos === 0 ? 'No model has dev metrics stored.' : 'Only one modality combination has stored dev metrics.'} Run <code>emotion-studio ablate</code> (or <code>report --ablate</code>) to fill this table: it trains one model per combination of modalities.</p>`
      : '<p>One row per modality combination (its latest stored model), each scored on the <b>dev</b> split.</p>';
  if (!combos) return note;
  return (
    note +
    table(
      ['modalities', 'model version', 'fusion', 'classifier', 'split', 'n', 'accuracy', 'weighted F1', 'macro F1'],
      d.ablation.map((r) => [
        esc(r.modalities.join(' + ')),
        r.model_version,
        esc(r.fusion),
        esc(r.lexicon ? `${r.classifier} + lexicon` : r.classifier),
        r.split,
        r.n,
        pct(r.accuracy),
        pct(r.weighted_f1),
        pct(r.macro_f1),
      ]),
      'ablation',
    )
  );
}

function confusedSection(d: ReportData): string {
  if (!d.confused.length) return '<p class="note">No misclassified labelled utterance in the scored splits.</p>';
  return (
    '<p>Misclassified utterances the model was most sure about (highest probability of the wrong class).</p>' +
    table(
      ['id', 'split', 'speaker', 'text', 'gold', 'predicted', 'p(predicted)', 'p(gold)'],
      d.confused.map((c) => [
        c.id,
        esc(c.split),
        esc(c.speaker ?? ''),
        esc(c.text ?? ''),
        esc(c.gold),
        esc(c.predicted),
        c.p_predicted.toFixed(2),
        c.p_gold.toFixed(2),
      ]),
      'confused',
    )
  );
}

/** A small inline SVG of the per-frame entropy, the selected frames marked. */
function sparkline(t: EntropyThumb): string {
  const W = 220,
    H = 48,
    n = t.entropy.length;
  if (!n) return '';
  const lo = Math.min(...t.entropy),
    hi = Math.max(...t.entropy);
  const x = (i: number) => (n === 1 ? W / 2 : (i / (n - 1)) * (W - 4) + 2);
  const y = (v: number) => (hi > lo ? H - 4 - ((v - lo) / (hi - lo)) * (H - 8) : H / 2);
  const pts = t.entropy.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const marks = t.selected
    .filter((i) => i < n)
    .map((i) => `<circle cx="${x(i).toFixed(1)}" cy="${y(t.entropy[i]).toFixed(1)}" r="2.5"/>`)
    .join('');
  return `<svg class="entropy-thumb" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="frame entropy of utterance ${t.id}"><polyline points="${pts}"/>${marks}</svg>`;
}

function thumbnailsSection(d: ReportData): string {
  if (!d.thumbnails) return '';
  if (!d.thumbnails.length)
    return '<section id="thumbnails"><h2>Entropy thumbnails</h2><p class="note">No utterance has per-frame entropy (no video extracted).</p></section>';
  const cards = d.thumbnails.map(
    (t) => `<figure class="thumb">${t.frame_png ? `<img src="${t.frame_png}" alt="frame of utterance ${t.id}">` : ''}${sparkline(t)}
<figcaption>#${t.id} ${esc(t.key)} · ${esc(t.label ?? '-')} · ${t.entropy.length} frames at ${t.fps} fps<br>${esc(t.text ?? '')}</figcaption></figure>`,
  );
  return `<section id="thumbnails"><h2>Entropy thumbnails</h2><p>Per-frame Shannon entropy (bits) of each utterance's video; dots mark the frames selected for the video features; the image is the selected frame with the highest entropy.${d.thumbnails_truncated ? ` Only the first ${d.thumbnails.length} utterances are shown.` : ''}</p><div class="thumbs">${cards.join('\n')}</div></section>`;
}

/** The figures drawn by the page script: element id -> plotly traces and layout. */
function figures(d: ReportData): Record<string, { data: unknown[]; layout: Record<string, unknown> }> {
  const base = { width: 680, height: 380, margin: { l: 70, r: 20, t: 40, b: 60 }, font: { size: 11 } };
  const figs: Record<string, { data: unknown[]; layout: Record<string, unknown> }> = {};
  const splits = Object.keys(d.distribution);
  figs['label-distribution'] = {
    data: splits.map((s) => {
      const labels = [...d.labels, ...Object.keys(d.distribution[s]).filter((l) => !d.labels.includes(l))];
      return { type: 'bar', name: s, x: labels, y: labels.map((l) => d.distribution[s][l] ?? 0) };
    }),
    // the legend names the split even when there is only one (plotly hides a single trace's legend)
    layout: {
      ...base,
      title: { text: 'Gold labels per split' },
      barmode: 'group',
      showlegend: true,
      yaxis: { title: { text: 'utterances' } },
    },
  };
  for (const e of d.evaluations) {
    figs[`confusion-${e.split}`] = {
      data: [
        {
          type: 'heatmap',
          z: e.confusion,
          x: e.labels,
          y: e.labels,
          colorscale: [
            [0, '#f7fbff'],
            [0.5, '#6baed6'],
            [1, '#08306b'],
          ],
          texttemplate: '%{z}',
          hovertemplate: 'gold %{y}<br>predicted %{x}<br>%{z}<extra></extra>',
        },
      ],
      layout: {
        ...base,
        title: { text: `Confusion, ${e.split} split, model v${e.model_version}` },
        xaxis: { title: { text: 'predicted' } },
        yaxis: { title: { text: 'gold' }, autorange: 'reversed' },
      },
    };
    const curves = e.labels
      .filter((l) => e.roc[l])
      .map((l) => ({
        type: 'scatter',
        mode: 'lines',
        name: `${l} (AUC ${f3(e.auc[l])})`,
        x: e.roc[l]!.fpr,
        y: e.roc[l]!.tpr,
      }));
    figs[`roc-${e.split}`] = {
      data: [
        ...curves,
        { type: 'scatter', mode: 'lines', name: 'chance', x: [0, 1], y: [0, 1], line: { dash: 'dot', color: '#999' }, hoverinfo: 'skip' },
      ],
      layout: {
        ...base,
        title: { text: `ROC one-vs-rest, ${e.split} split, model v${e.model_version} (macro AUC ${f3(e.macro_auc)})` },
        xaxis: { title: { text: 'false positive rate' }, range: [-0.02, 1.02] },
        yaxis: { title: { text: 'true positive rate' }, range: [-0.02, 1.02] },
      },
    };
  }
  // labels, split names and trace names are data: plotly would draw <a href>/<b> in them as markup
  for (const f of Object.values(figs)) {
    f.data = escapeTraces(f.data as object[]);
    const title = f.layout.title as { text: string } | undefined;
    if (title) f.layout.title = { ...title, text: plotText(title.text) };
  }
  return figs;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;margin:0 auto;max-width:980px;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;border-bottom:2px solid #dde3ee;padding-bottom:4px;margin-top:32px}h3{font-size:15px;margin:20px 0 6px}
table{border-collapse:collapse;margin:8px 0 12px;font-size:13px}th,td{border:1px solid #dde3ee;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f2f5fa}td:not(:first-child){font-variant-numeric:tabular-nums}.confused td:nth-child(4){max-width:380px}
.note{color:#6a4b00;background:#fff7e0;padding:6px 10px;border-radius:4px}.meta{color:#555}
.plots{display:flex;flex-wrap:wrap;gap:8px}.plot{width:680px;height:380px}
.thumbs{display:flex;flex-wrap:wrap;gap:10px}.thumb{margin:0;width:224px;font-size:11px}.thumb img{width:224px;height:auto;display:block}
.entropy-thumb polyline{fill:none;stroke:#3465a4;stroke-width:1.2}.entropy-thumb circle{fill:#cc0000}
code{background:#f2f5fa;padding:0 3px}.ci{color:#667;font-size:12px;white-space:nowrap}h4{font-size:13px;margin:12px 0 4px}
@media print{body{padding:0;max-width:none}section.split,.plot,table,figure{break-inside:avoid}h2{break-after:avoid}}
`;

// runs in the page: draws every figure, then marks the page ready (or records the error)
const PAGE_SCRIPT = `
(function(){
  var figs = JSON.parse(document.getElementById('report-figures').textContent);
  var cfg = {displaylogo:false, responsive:false};
  Promise.all(Object.keys(figs).map(function(id){
    var el = document.getElementById(id);
    return el ? Plotly.newPlot(el, figs[id].data, figs[id].layout, cfg) : null;
  })).then(function(){ document.body.dataset.ready = '1'; }, function(e){ document.body.dataset.ready = 'error'; console.error(e); });
})();`;

export function renderHtml(d: ReportData): string {
  const corpora = table(
    ['corpus root', 'kind', 'label set'],
    d.corpora.map((c) => [esc(c.root), esc(c.kind), esc(c.labels.join(', '))]),
  );
  const splits = [...new Set(d.counts.map((c) => c.split))];
  const statuses = [...new Set(d.counts.map((c) => c.status))];
  const counts = table(
    ['split', ...statuses, 'total'],
    splits.map((s) => {
      const row = statuses.map((st) => d.counts.find((c) => c.split === s && c.status === st)?.n ?? 0);
      return [esc(s), ...row, row.reduce((a, b) => a + b, 0)];
    }),
  );
  const m = d.model;
  const json = JSON.stringify(figures(d)).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Emotion Studio report</title>
<style>${STYLE}</style>
<script>${plotlyJs()}</script>
</head><body>
<header><h1>Emotion Studio report</h1>
<p class="meta">Database <code>${esc(d.database)}</code> · generated ${esc(d.generated_at)}${m ? ` · model version ${m.version} (trained ${esc(m.created_at)} on ${m.n_train} training utterances; ${esc(m.fusion === 'none' ? 'no fusion' : m.fusion + ' fusion')}, ${esc(m.classifier)} SVM${m.C !== null ? `, C=${m.C}` : ''}, modalities ${esc(m.modalities.join('+'))})` : ' · no model trained'}</p></header>
<section id="corpus"><h2>Corpus</h2>
<p>${d.total} utterances in ${d.dialogues} dialogues, ${d.speakers} speakers.</p>
${corpora}
${counts}
<div class="plot" id="label-distribution"></div>
</section>
${agreementSection(d.agreement)}
<section id="metrics"><h2>Metrics per split</h2>
<p>Every figure names the split it was measured on and the model version. Models are fit on the training split only; C and the class weighting are chosen by cross-validation on the training split grouped by dialogue (the linear SVM without fusion and with dialogue fusion) or on dev (the other fusion paths), as each model's parameters say; test is never used to choose anything.</p>
${metricsSection(d)}
</section>
<section id="ablation"><h2>Modality ablation</h2>
${ablationSection(d)}
</section>
<section id="confused"><h2>Most confused utterances</h2>
${confusedSection(d)}
</section>
${thumbnailsSection(d)}
<script type="application/json" id="report-figures">${json}</script>
<script>${PAGE_SCRIPT}</script>
</body></html>
`;
}
