// One annotator's copy of a corpus (`import --annotator NAME`, the app's import with an annotator): the
// batch's labels become that annotator's labels on the utterances; the gold label follows the gold rule.
import type { ImportBatch } from './types';

/** Moves every record's label to `name`'s annotations (kept beside labels the files named annotators for). */
export function asAnnotator(b: ImportBatch, name: string): void {
  const who = name.trim();
  if (!who) throw new Error('--annotator: the name is empty');
  for (const r of b.records) {
    if (r.label !== null) r.annotations = [...(r.annotations ?? []), { annotator: who, label: r.label }];
    r.label = null;
    delete r.goldTier; // no gold tier left: the gold rule makes the gold labels
  }
}
