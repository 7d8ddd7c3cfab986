// CSV and JSON export of the utterances: gold label, label history, prediction and probabilities.
import { csvStringify } from '../lazy-packages';
import type { ExportRow } from './rows';
import { safeCell } from '../csv-formula';

export interface TableExport {
  model_version: number | null;
  /** the probability columns, in the model's class order */
  labels: string[];
  split: string | null;
  rows: ExportRow[];
}

/** One object, the rows under `utterances`; the rows keep the shape of ExportRow. */
export function toJson(t: TableExport): string {
  return (
    JSON.stringify(
      { generated_at: new Date().toISOString(), model_version: t.model_version, split: t.split, labels: t.labels, utterances: t.rows },
      null,
      2,
    ) + '\n'
  );
}

/**
 * One line per utterance. The label history is a JSON array in one cell (it is a list; JSON keeps it
 * machine-readable); probabilities are one column per class, `p_<label>`. UTF-8 with a BOM so
 * spreadsheet programs read the typographic quotes correctly. Text cells that a spreadsheet would run
 * as a formula (=, +, -, @, tab, CR first) start with `'` (OWASP's advice against CSV injection).
 */
export function toCsv(t: TableExport): string {
  // one column per annotator (issue 13), after the probabilities: `label_<annotator>`
  const annotators = [...new Set(t.rows.flatMap((r) => Object.keys(r.annotators ?? {})))].sort();
  const header = [
    'id',
    'key',
    'split',
    'dialogue',
    'index',
    'speaker',
    'text',
    'start_s',
    'end_s',
    'media',
    'status',
    'label',
    'label_changes',
    'label_history',
    'model_version',
    'prediction',
    'confidence',
    'correct',
    ...t.labels.map((l) => `p_${l}`),
    ...annotators.map((a) => `label_${a}`),
  ].map(safeCell);
  const lines = t.rows.map((r) => {
    const p = r.prediction;
    const conf = p ? Math.max(...Object.values(p.probabilities)) : null;
    return [
      r.id,
      r.key,
      r.split,
      r.dialogue,
      r.index,
      r.speaker,
      r.text,
      r.start_s,
      r.end_s,
      r.media,
      r.status,
      r.label,
      r.label_history.length,
      JSON.stringify(r.label_history),
      p?.model_version ?? null,
      p?.label ?? null,
      conf !== null ? round(conf) : null,
      p && r.label !== null ? (p.label === r.label ? 1 : 0) : null,
      ...t.labels.map((l) => (p ? round(p.probabilities[l] ?? 0) : null)),
      ...annotators.map((a) => r.annotators?.[a] ?? null),
    ].map(safeCell);
  });
  return '\ufeff' + csvStringify().stringify([header, ...lines], { quoted_match: /[\r\n]/, cast: { number: (x) => String(x) } });
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
