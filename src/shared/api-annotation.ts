// The annotation-team part of the API (issue 13): annotator name and key map, the annotate list with
// its filters (any corpus size), dialogue context, agreement, the adjudication queue and the gold rule.
// Spread into API (src/shared/api.ts); handlers in src/main/core/api/annotation-handlers.ts.
import { z } from 'zod';
import { SPLITS, type GoldSummary, type LabelChange } from './types';

const Split = z.enum(SPLITS);
const Name = z.string().trim().min(1).max(100);

export const AnnotatorNameInput = z.object({ name: Name });
export const KeymapInput = z.object({ keymap: z.record(z.string().min(1).max(12), z.string().min(1).max(100)) });
export const AnnotateIdsInput = z.object({
  split: Split.optional(),
  speaker: z.string().max(200).optional(),
  /** only items this annotator labelled */
  annotator: z.string().max(100).optional(),
  /** only items this annotator has not labelled */
  unlabelledBy: z.string().max(100).optional(),
  /** only items whose annotators disagree */
  disagree: z.boolean().optional(),
});
export const AnnotationItemInput = z.object({
  id: z.number().int().positive(),
  before: z.number().int().min(0).max(20).default(3),
  after: z.number().int().min(0).max(20).default(3),
});
export const AgreementInput = z.object({ split: Split.optional(), includeModel: z.number().int().positive().optional() });
export const QueueInput = z.object({
  split: Split.optional(),
  withModel: z.boolean().default(false),
  includeAdjudicated: z.boolean().default(false),
});
export const AdjudicateInput = z.object({ id: z.number().int().positive(), label: z.string().min(1).max(100).nullable() });
export const GoldRuleInput = z.object({ rule: z.string().min(1).max(120) });
export const UndoInput = z.object({
  /** the utterance */
  id: z.number().int().positive(),
  /** the change to take back (change_id of utterances.relabel); refused unless it is the annotator's last change there */
  change: z.number().int().positive().nullable().optional(),
  /** whose change (default: the annotator name in the settings, else the OS user) */
  annotator: z.string().trim().min(1).max(100).optional(),
});

/** An undo: the annotator's own label and the gold label go back to what they were before the change. */
export interface UndoOutput {
  /** the history id of the change taken back */
  undone: number;
  annotator: string;
  /** the annotator's label before and after the undo (null: none, they no longer count for the item) */
  annotator_old: string | null;
  mine: string | null;
  /** the gold label before and after, and its source after */
  old: string | null;
  new: string | null;
  gold_source: string | null;
  /** false when someone else changed the item since: the gold label then follows the gold rule */
  gold_restored: boolean;
  history: LabelChange[];
}

export interface AnnotationInfo {
  /** the name label changes are made under: the settings name, else the OS user */
  annotator: string;
  /** whether the user set a name (the app asks once when not) */
  named: boolean;
  annotators: { name: string; labels: number }[];
  gold: GoldSummary;
  /** key -> label; labels without a key here use 1..9 then 0, q, w, e, ... in label-set order */
  keymap: Record<string, string>;
}

export interface PairAgreement {
  a: string;
  b: string;
  n: number;
  percent_agreement: number | null;
  cohen_kappa: number | null;
  /** counts: rows a's label, columns b's label, in `labels` order */
  confusion: number[][];
}

export interface LabelAgreement {
  label: string;
  /** one-vs-rest Fleiss kappa over the items every rater rated */
  kappa: number | null;
  /** the items every rater rated: the base of kappa and of ratings_complete (= fleiss_n_items) */
  n_items: number;
  /** how many ratings gave this label on those n_items items (each has one rating per rater) */
  ratings_complete: number;
  /** how many ratings gave this label over ALL items with a rating (n_items of the report), a wider base */
  ratings: number;
}

export interface AgreementReport {
  annotators: string[];
  ratings_per_annotator: Record<string, number>;
  /** items with at least one rating */
  n_items: number;
  labels: string[];
  pairwise: PairAgreement[];
  fleiss_kappa: number | null;
  /** items every rater rated (Fleiss and per-label) */
  fleiss_n_items: number;
  krippendorff_alpha: number | null;
  krippendorff_alpha_ci95: [number, number] | null;
  /** items with 2 or more ratings (Krippendorff) */
  krippendorff_n_items: number;
  per_label: LabelAgreement[];
  bootstrap: { draws: number; seed: number };
}

export interface QueueItem {
  id: number;
  key: string;
  split: string;
  speaker: string | null;
  text: string | null;
  gold: string | null;
  gold_source: string | null;
  annotators: Record<string, string>;
  prediction: { model_version: number; label: string; probabilities: Record<string, number> } | null;
  reason: 'annotators disagree' | 'model disagrees' | 'open';
}

export interface ContextUtterance {
  id: number;
  idx: number | null;
  speaker: string | null;
  text: string | null;
  label: string | null;
  current: boolean;
  mediaUrl: string | null;
  /** the span in the recording (a segment), else null */
  start_s: number | null;
  end_s: number | null;
}

export const ANNOTATION_API = {
  'annotation.info': { input: z.object({}).default({}), output: null as unknown as AnnotationInfo },
  'annotation.setName': { input: AnnotatorNameInput, output: null as unknown as AnnotationInfo },
  'annotation.setKeymap': { input: KeymapInput, output: null as unknown as AnnotationInfo },
  'annotation.ids': { input: AnnotateIdsInput, output: null as unknown as { ids: number[] } },
  'annotation.item': {
    input: AnnotationItemInput,
    output: null as unknown as { annotations: { annotator: string; label: string }[]; context: ContextUtterance[] },
  },
  'agreement.compute': { input: AgreementInput, output: null as unknown as AgreementReport & { gold_rule: string } },
  'adjudicate.queue': { input: QueueInput, output: null as unknown as QueueItem[] },
  'adjudicate.set': {
    input: AdjudicateInput,
    output: null as unknown as { old: string | null; new: string | null; gold_source: string | null; history: LabelChange[] },
  },
  'gold.setRule': { input: GoldRuleInput, output: null as unknown as GoldSummary & { changed: number } },
  'annotation.undo': { input: UndoInput, output: null as unknown as UndoOutput },
} as const;

/** Default shortcut keys beyond the key map: 1..9, 0, then the top letter row (none of J K N U). */
export const DEFAULT_KEYS = [
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '9',
  '0',
  'q',
  'w',
  'e',
  'r',
  't',
  'y',
  'i',
  'o',
  'p',
  'a',
  's',
  'd',
  'f',
  'g',
  'h',
  'l',
  'z',
  'x',
  'c',
  'v',
  'b',
  'm',
];

/** key -> label for a label set: the saved map first (keys of labels in the set), then defaults. */
export function keysFor(labels: readonly string[], keymap: Record<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  const has = new Set<string>();
  for (const [k, l] of Object.entries(keymap)) {
    if (labels.includes(l) && !has.has(l)) {
      out.set(k.toLowerCase(), l);
      has.add(l);
    }
  }
  const free = DEFAULT_KEYS.filter((k) => !out.has(k));
  for (const l of labels) if (!has.has(l) && free.length) out.set(free.shift()!, l);
  return out;
}
