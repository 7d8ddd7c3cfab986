// Dialogue context in `ablate --context`: the same modalities trained without context, with the
// previous utterance (--context) and with the dialogue network (--fusion dialogue), each scored on
// dev with its bootstrap interval and the paired difference to the model without context.
import type { Db } from '../store/db';
import { trainModel, type TrainOptions } from './train';
import { evaluateSplit } from './evaluate';
import type { Modality } from './dataset';
import type { EvaluateResult } from '../../../shared/types';

export interface ContextRow {
  context: 'none' | 'previous utterance' | 'dialogue';
  model_version: number;
  /** the sentiment-lexicon columns (`ablate --lexicon`) */
  lexicon: boolean;
  fusion: string;
  split: 'dev';
  n: number;
  accuracy: number;
  weighted_f1: number;
  macro_f1: number;
  ci95: NonNullable<EvaluateResult['ci95']> | null;
  /** this row minus the row without context, paired on the same items (null on that row) */
  minus_none: EvaluateResult['compare'] | null;
}

export async function contextAblation(
  db: Db,
  o: { modalities: Modality[]; classifier: 'linear' | 'rbf'; C?: number; lexicon?: boolean; seed?: number; onRow?: (what: string) => void },
): Promise<ContextRow[]> {
  const base: TrainOptions = {
    fusion: 'none',
    classifier: o.classifier,
    modalities: o.modalities,
    context: false,
    lexicon: !!o.lexicon,
    seed: o.seed ?? 1,
    C: o.C,
  };
  const variants: [ContextRow['context'], Partial<TrainOptions>][] = [
    ['none', {}],
    ['previous utterance', { context: true }],
    ['dialogue', { fusion: 'dialogue' }],
  ];
  const rows: ContextRow[] = [];
  let noneVersion: number | null = null;
  for (const [context, extra] of variants) {
    o.onRow?.(context);
    const r = await trainModel(db, { ...base, ...extra });
    const dev = evaluateSplit(db, 'dev', r.version, noneVersion === null ? {} : { compare: noneVersion });
    if (noneVersion === null) noneVersion = r.version;
    rows.push({
      context,
      model_version: r.version,
      lexicon: !!o.lexicon,
      fusion: dev.fusion,
      split: 'dev',
      n: dev.n,
      accuracy: dev.accuracy,
      weighted_f1: dev.weighted_f1,
      macro_f1: dev.macro_f1,
      ci95: dev.ci95 ?? null,
      minus_none: dev.compare ?? null,
    });
  }
  return rows;
}
