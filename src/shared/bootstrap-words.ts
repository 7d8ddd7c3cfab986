// How an evaluation's 95% intervals were made, in the words the CLI, the HTML report and the
// Evaluation view all use (learn/bootstrap.ts decides the method). Results stored before the block
// bootstrap existed carry no `method`: they were dialogue bootstraps.
import type { EvaluateResult } from './types';

type Info = NonNullable<EvaluateResult['bootstrap']>;

const plural = (n: number | null | undefined, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** "bootstrap over 12 dialogues", "bootstrap over 15 blocks of 4 utterances within 1 dialogue" or
 * "n/a: too few items (10 utterances)". */
export function bootstrapWords(b: Info): string {
  if (b.method === 'none') return `n/a: too few items (${plural(b.n_items, 'utterance')})`;
  if (b.method === 'circular_block')
    return `bootstrap over ${plural(b.units, 'block')} of ${plural(b.block_length, 'utterance')} within ${plural(b.groups, 'dialogue')}`;
  return `bootstrap over ${plural(b.groups, 'dialogue')}`;
}

/** Why blocks: one sentence for the report and the view. */
export const BLOCK_NOTE =
  'with fewer than 10 dialogues, circular blocks of consecutive utterances (in time order, within each dialogue) are resampled instead of whole dialogues, so neighbouring utterances stay together';

/** What a missing interval is shown as. */
export const NO_INTERVAL = 'n/a: too few items';
