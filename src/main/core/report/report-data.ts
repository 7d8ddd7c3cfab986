// What the HTML (and PDF) report shows, gathered from the database: corpus summary, label
// distribution, metrics per split naming split and model version, the modality ablation table,
// the most confused utterances and, on request, per-utterance entropy thumbnails.
import { reportAgreement, type ReportAgreement } from './agreement-section';
import type { Db } from '../store/db';
import { blobToF32 } from '../store/db';
import { evaluateSplit } from '../learn/evaluate';
import { listUtterances } from '../store/queries';
import { modelsWithMetrics, modelSummary } from '../store/model-versions';
import {
  corpusTotals,
  entropyRows,
  labelDistribution,
  listCorpora,
  mispredicted,
  thumbnailReader,
  type EntropyRow,
  type MispredictedRow,
} from '../store/report-queries';
import type { EvaluateResult, Split } from '../../../shared/types';
import { corpusLabels, resolveVersion } from './rows';

export interface AblationRow {
  modalities: string[];
  model_version: number;
  fusion: string;
  classifier: string;
  /** trained with the sentiment-lexicon columns (`train`/`ablate --lexicon`) */
  lexicon: boolean;
  split: 'dev';
  n: number;
  accuracy: number;
  weighted_f1: number;
  macro_f1: number;
}

/** a wrongly predicted utterance (id, key, split, speaker, text, gold, predicted) */
export interface ConfusedItem extends Omit<MispredictedRow, 'probabilities'> {
  /** probability of the (wrong) predicted class, and of the gold class */
  p_predicted: number;
  p_gold: number;
}

/** an utterance with frame entropy (id, key, split, label, text, fps) */
export interface EntropyThumb extends Omit<EntropyRow, 'entropy' | 'selected'> {
  entropy: number[];
  selected: number[];
  /** one selected frame as a PNG data URL (the highest-entropy one), or null */
  frame_png: string | null;
}

export interface ReportData {
  generated_at: string;
  database: string;
  model: {
    version: number;
    created_at: string;
    fusion: string;
    classifier: string;
    modalities: string[];
    context: boolean;
    C: number | null;
    n_train: number;
  } | null;
  corpora: { root: string; kind: string; labels: string[] }[];
  counts: { split: string; status: string; n: number }[];
  total: number;
  dialogues: number;
  speakers: number;
  labels: string[];
  /** split -> label -> count of current gold labels; '(none)' for unlabelled */
  distribution: Record<string, Record<string, number>>;
  evaluations: EvaluateResult[];
  ablation: AblationRow[];
  confused: ConfusedItem[];
  thumbnails: EntropyThumb[] | null;
  /** true when thumbnails were cut at the limit */
  thumbnails_truncated: boolean;
  /** inter-annotator agreement (issue 13); null with fewer than two annotators */
  agreement?: ReportAgreement | null;
}

export interface ReportDataOptions {
  /** restrict metrics, confused utterances and thumbnails to one split */
  split?: Split;
  version?: number;
  thumbnails?: boolean;
  /** at most this many utterances get a thumbnail (default 200) */
  thumbnailLimit?: number;
  /** confused utterances listed per split (default 15) */
  confusedPerSplit?: number;
  /** the majority-class and plain linear baselines beside each split's metrics (default true; fits a linear SVM) */
  baselines?: boolean;
}

export function gatherReportData(db: Db, o: ReportDataOptions = {}): ReportData {
  const version = resolveVersion(db, o.version);
  const corpora = listCorpora(db).map((c) => ({ root: c.root, kind: c.kind, labels: JSON.parse(c.label_set) as string[] }));
  // statuses as `list` gives them
  const tally = new Map<string, { split: string; status: string; n: number }>();
  for (const u of listUtterances(db)) {
    const k = `${u.split}\u0000${u.status}`;
    const t = tally.get(k) ?? { split: u.split, status: u.status, n: 0 };
    t.n++;
    tally.set(k, t);
  }
  const counts = [...tally.values()].sort((a, b) => a.split.localeCompare(b.split) || a.status.localeCompare(b.status));
  const distribution: Record<string, Record<string, number>> = {};
  for (const r of labelDistribution(db)) {
    (distribution[r.split] ??= {})[r.label] = r.n;
  }

  let model: ReportData['model'] = null;
  const evaluations: EvaluateResult[] = [];
  if (version !== null) {
    const m = modelSummary(db, version);
    const p = JSON.parse(m.params) as { fusion: string; classifier: string; modalities: string[]; context: boolean; C?: number };
    model = {
      version,
      created_at: m.created_at,
      fusion: p.fusion,
      classifier: p.classifier,
      modalities: p.modalities,
      context: p.context,
      C: p.C ?? null,
      n_train: Object.keys(JSON.parse(m.labels) as object).length,
    };
    // held-out splits only: metrics on the training split would measure fit, not generalisation
    const splits = o.split ? [o.split] : (['dev', 'test'] as const);
    for (const s of splits) {
      const e = evaluateSplit(db, s, version, { baselines: o.baselines ?? true });
      if (e.n > 0 || o.split) evaluations.push(e);
    }
  }

  const { total, dialogues, speakers } = corpusTotals(db);
  return {
    generated_at: new Date().toISOString(),
    database: db.name,
    model,
    corpora,
    counts,
    total,
    dialogues,
    speakers,
    labels: corpusLabels(db),
    distribution,
    evaluations,
    ablation: storedAblation(db),
    confused:
      version !== null
        ? mostConfused(
            db,
            version,
            evaluations.map((e) => e.split),
            o.confusedPerSplit ?? 15,
          )
        : [],
    agreement: reportAgreement(db, o.split),
    ...(o.thumbnails ? entropyThumbs(db, o.split, o.thumbnailLimit ?? 200) : { thumbnails: null, thumbnails_truncated: false }),
  };
}

/**
 * The ablation table from what is stored: every model version with dev metrics, one row per
 * modality combination (its latest version). `ablate` (or report --ablate) fills it.
 */
export function storedAblation(db: Db): AblationRow[] {
  const rows = modelsWithMetrics(db);
  const byCombo = new Map<string, AblationRow>();
  for (const r of rows) {
    const p = JSON.parse(r.params) as { modalities: string[]; fusion: string; classifier: string; lexicon?: unknown };
    const dev = (JSON.parse(r.metrics) as Record<string, EvaluateResult>).dev;
    if (!dev || dev.n === 0) continue;
    const combo = [...p.modalities].sort().join('+');
    if (byCombo.has(combo)) continue;
    byCombo.set(combo, {
      modalities: p.modalities,
      model_version: r.version,
      fusion: p.fusion,
      classifier: p.classifier,
      lexicon: !!p.lexicon,
      split: 'dev',
      n: dev.n,
      accuracy: dev.accuracy,
      weighted_f1: dev.weighted_f1,
      macro_f1: dev.macro_f1,
    });
  }
  return [...byCombo.values()].sort(
    (a, b) => a.modalities.length - b.modalities.length || a.modalities.join().localeCompare(b.modalities.join()),
  );
}

function mostConfused(db: Db, version: number, splits: string[], perSplit: number): ConfusedItem[] {
  const out: ConfusedItem[] = [];
  for (const s of splits) {
    const rows = mispredicted(db, version, s)
      .map((r) => {
        const p = JSON.parse(r.probabilities) as Record<string, number>;
        const { probabilities: _, ...rest } = r;
        return { ...rest, p_predicted: p[r.predicted] ?? 0, p_gold: p[r.gold] ?? 0 };
      })
      .sort((a, b) => b.p_predicted - a.p_predicted || a.p_gold - b.p_gold || a.id - b.id);
    out.push(...rows.slice(0, perSplit));
  }
  return out;
}

function entropyThumbs(db: Db, split: Split | undefined, limit: number): { thumbnails: EntropyThumb[]; thumbnails_truncated: boolean } {
  const rows = entropyRows(db, split, limit + 1);
  const png = thumbnailReader(db);
  const thumbnails = rows.slice(0, limit).map((r): EntropyThumb => {
    const entropy = Array.from(blobToF32(r.entropy), (v) => Math.round(v * 1000) / 1000);
    const selected = JSON.parse(r.selected) as number[];
    const best = [...selected].sort((a, b) => (entropy[b] ?? 0) - (entropy[a] ?? 0))[0];
    const img = best !== undefined ? png(r.id, best) : undefined;
    return {
      id: r.id,
      key: r.key,
      split: r.split,
      label: r.label,
      text: r.text,
      fps: r.fps,
      entropy,
      selected,
      frame_png: img ? `data:image/png;base64,${img.png.toString('base64')}` : null,
    };
  });
  return { thumbnails, thumbnails_truncated: rows.length > limit };
}
