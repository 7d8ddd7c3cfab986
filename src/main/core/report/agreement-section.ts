// The report's inter-annotator agreement section (issue 13): the same figures as `agreement --json`
// and the Agreement view (alpha with its interval, Fleiss, pairwise Cohen, per label), each with the
// number of items behind it, and the rule that made the gold labels.
import type { Db } from '../store/db';
import type { AgreementReport } from '../../../shared/api-annotation';
import type { GoldSummary } from '../../../shared/types';
import { computeAgreement } from '../agreement';
import { ratedItems } from '../store/annotators';
import { goldSummary } from '../store/labels';

export type ReportAgreement = AgreementReport & { gold: GoldSummary };

/** The agreement of the annotators over the report's split; null when fewer than two annotators. */
export function reportAgreement(db: Db, split?: string): ReportAgreement | null {
  const { items, labels } = ratedItems(db, { split });
  const r = computeAgreement(items, { labels });
  return r.annotators.length >= 2 ? { ...r, gold: goldSummary(db, split) } : null;
}

const esc = (s: unknown): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const f3 = (x: number | null | undefined) => (x === null || x === undefined ? '–' : x.toFixed(3));
const table = (head: string[], rows: (string | number)[][]) =>
  `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;

export function agreementSection(a: ReportAgreement | null | undefined): string {
  if (!a) return '';
  const gold = `Gold labels: rule <b>${esc(a.gold.rule)}</b>; by source ${
    Object.entries(a.gold.by_source)
      .map(([k, v]) => `${esc(k)} ${v}`)
      .join(', ') || 'none'
  }${a.gold.open ? `; ${a.gold.open} left open by ties (not trained on)` : ''}.`;
  return `<section id="agreement"><h2>Inter-annotator agreement</h2>
<p>${a.annotators.map((x) => `${esc(x)} (${a.ratings_per_annotator[x]} labels)`).join(', ')}; ${a.n_items} utterances labelled by anyone.</p>
<p>Krippendorff's alpha (nominal): <b>${f3(a.krippendorff_alpha)}</b>${a.krippendorff_alpha_ci95 ? ` (95% bootstrap interval ${f3(a.krippendorff_alpha_ci95[0])} to ${f3(a.krippendorff_alpha_ci95[1])}, ${a.bootstrap.draws} resamples of the utterances)` : ''} over ${a.krippendorff_n_items} utterances with two or more labels.
Fleiss' kappa: <b>${f3(a.fleiss_kappa)}</b> over the ${a.fleiss_n_items} utterances every annotator labelled.</p>
${table(
  ['annotators', 'utterances both labelled', 'agreement', "Cohen's kappa"],
  a.pairwise.map((p) => [
    `${esc(p.a)} vs ${esc(p.b)}`,
    p.n,
    p.percent_agreement === null ? '–' : `${p.percent_agreement.toFixed(1)}%`,
    f3(p.cohen_kappa),
  ]),
)}
${table(
  [
    'label',
    'kappa (one vs rest)',
    'utterances every annotator labelled',
    'labels given on those utterances',
    `labels given on all ${a.n_items} utterances`,
  ],
  a.per_label.map((l) => [esc(l.label), f3(l.kappa), l.n_items, l.ratings_complete, l.ratings]),
)}
<p>${gold}</p>
</section>`;
}
