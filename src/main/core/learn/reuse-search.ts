// A retrain's C and class weighting taken from the latest comparable model whose own C search (grouped
// CV on its training split) chose them, instead of searching again: the sparse linear SVM only.
import type { Db } from '../store/db';
import { modelParamsNewestFirst, modelTrainingLabels } from '../store/model-versions';
import type { Selection } from './train-types';

/** At most this fraction of the training items added, removed or relabelled since the reused search. */
export const REUSE_MAX_CHANGED = 0.05;
/** At most this total variation distance between the two training label distributions. */
export const REUSE_MAX_LABEL_TVD = 0.05;

/** What the search now due would be: its configuration, as stored in a model's params. */
export interface SearchKey {
  classifier: string;
  fusion: string;
  modalities: string[];
  context: boolean;
  /** the lexicon's version, or null without lexicon columns */
  lexicon: string | number | null;
  seed: number;
  encoders: Record<string, string[]>;
  denseColumns: number;
  vocabRequested: number | null;
  labels: string[];
  /** the (C, weighting) pairs searched */
  grid: { C: number; balanced: boolean }[];
  folds: number;
}

export interface Reused {
  fromModel: number;
  C: number;
  balanced: boolean;
  score: number | null;
  folds: number;
  nTrain: number;
  changed: number;
  changedFraction: number;
  labelTvd: number;
}

interface StoredParams {
  classifier?: string;
  fusion?: string;
  modalities?: string[];
  context?: boolean;
  lexicon?: { version?: string | number };
  seed?: number;
  encoders?: Record<string, string[]>;
  dense_columns?: number;
  vocab_requested?: number | null;
  labels?: string[];
  grid?: { C: number; balanced: boolean }[] | null;
  selection?: Selection;
  n_train?: number;
}

const gridKey = (g: { C: number; balanced: boolean }[]) =>
  g
    .map((s) => `${s.C}/${s.balanced}`)
    .sort()
    .join(' ');
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Whether a stored model's params record a CV search of exactly this configuration. */
function comparable(p: StoredParams, k: SearchKey): boolean {
  const s = p.selection;
  return (
    s?.method === 'cv' &&
    s.folds === k.folds &&
    p.classifier === k.classifier &&
    p.fusion === k.fusion &&
    same([...(p.modalities ?? [])].sort(), [...k.modalities].sort()) &&
    p.context === k.context &&
    (p.lexicon?.version ?? null) === k.lexicon &&
    p.seed === k.seed &&
    same(p.encoders, k.encoders) &&
    // absent before these were stored: such a model is not known to be comparable
    p.dense_columns === k.denseColumns &&
    p.vocab_requested !== undefined &&
    p.vocab_requested === k.vocabRequested &&
    same(p.labels, k.labels) &&
    !!p.grid &&
    gridKey(p.grid) === gridKey(k.grid)
  );
}

/** Items added, removed or relabelled between two training snapshots (id -> label), and the label distributions' TVD. */
export function trainingChange(
  before: Record<string, string>,
  now: Map<string, string>,
): { changed: number; fraction: number; tvd: number } {
  let changed = 0;
  const count = (m: Iterable<string>) => {
    const c = new Map<string, number>();
    let n = 0;
    for (const l of m) {
      c.set(l, (c.get(l) ?? 0) + 1);
      n++;
    }
    return { c, n };
  };
  for (const [id, label] of now) if (before[id] !== label) changed++; // relabelled or added
  for (const id of Object.keys(before)) if (!now.has(id)) changed++; // removed
  const a = count(Object.values(before));
  const b = count(now.values());
  let tvd = 0;
  for (const l of new Set([...a.c.keys(), ...b.c.keys()])) tvd += Math.abs((a.c.get(l) ?? 0) / a.n - (b.c.get(l) ?? 0) / b.n);
  return { changed, fraction: changed / Math.max(a.n, b.n, 1), tvd: tvd / 2 };
}

/**
 * The latest model whose C search (grouped CV on train) had this configuration; its choice is reused
 * when the training data moved little since (REUSE_MAX_CHANGED, REUSE_MAX_LABEL_TVD). Otherwise why not.
 */
export function findReusableSearch(db: Db, key: SearchKey, training: Map<string, string>): { reused: Reused } | { reason: string } {
  for (const row of modelParamsNewestFirst(db)) {
    let p: StoredParams;
    try {
      p = JSON.parse(row.params) as StoredParams;
    } catch {
      continue;
    }
    if (!comparable(p, key)) continue;
    const snapshot = modelTrainingLabels(db, row.version);
    const d = trainingChange(snapshot, training);
    const nTrain = p.n_train ?? Object.keys(snapshot).length;
    if (d.fraction > REUSE_MAX_CHANGED || d.tvd > REUSE_MAX_LABEL_TVD)
      return {
        reason: `the training data changed since model ${row.version}'s search: ${d.changed} of ${nTrain} items added, removed or relabelled (${(100 * d.fraction).toFixed(1)}%, limit ${100 * REUSE_MAX_CHANGED}%), label distribution distance ${d.tvd.toFixed(3)} (limit ${REUSE_MAX_LABEL_TVD})`,
      };
    const s = p.selection!;
    return {
      reused: {
        fromModel: row.version,
        C: s.chosen.C,
        balanced: s.chosen.balanced,
        score: s.score,
        folds: s.folds!,
        nTrain,
        changed: d.changed,
        changedFraction: d.fraction,
        labelTvd: d.tvd,
      },
    };
  }
  return { reason: 'no earlier model searched with this configuration' };
}

/** The selection record of a reused choice. */
export function reusedSelection(r: Reused, searched: string): Selection {
  return {
    method: 'reused',
    from_model: r.fromModel,
    folds: r.folds,
    unit: 'dialogue',
    chosen: { C: r.C, balanced: r.balanced },
    score: r.score,
    reuse: {
      n_train_searched: r.nTrain,
      changed_items: r.changed,
      changed_fraction: r.changedFraction,
      label_tvd: r.labelTvd,
    },
    why: `reused from model ${r.fromModel}, whose search chose it by the highest mean held-out weighted F1 over ${r.folds} folds of its ${r.nTrain} training rows (whole dialogues per fold) among ${searched}; since then ${r.changed} training items were added, removed or relabelled (${(100 * r.changedFraction).toFixed(1)}%, limit ${100 * REUSE_MAX_CHANGED}%; label distribution distance ${r.labelTvd.toFixed(3)}, limit ${REUSE_MAX_LABEL_TVD}); --search to choose again`,
  };
}
