// A small stored corpus of text dialogues for learning tests: three labels, each with its own words,
// train and dev dialogues of chosen lengths, imported and text-encoded in a real SQLite database.
import type { Db } from '../../src/main/core/store/db';
import { saveImport } from '../../src/main/core/store/corpus-repo';
import { runTextStage } from '../../src/main/core/jobs/text-stage';
import type { ImportRecord } from '../../src/main/core/corpus/types';

export const LABELS = ['anger', 'joy', 'neutral'];
export const WORDS: Record<string, string[]> = {
  anger: ['furious', 'outrage', 'hate'],
  joy: ['wonderful', 'delight', 'love'],
  neutral: ['table', 'chair', 'door'],
};

export interface WordDialogues {
  /** training dialogues (dev has 8) */
  trainDialogues: number;
  /** utterances in dialogue d */
  length: (d: number) => number;
  /** the text of utterance n (counted over the whole corpus), u of dialogue d, labelled `label` */
  text: (label: string, n: number, d: number, u: number) => string;
}

/** Imports the corpus (utterance u of dialogue d is labelled LABELS[(d + u) % 3]) and encodes its text. */
export function buildWordDialogues(db: Db, o: WordDialogues): void {
  const records: ImportRecord[] = [];
  let n = 0;
  for (const split of ['train', 'dev'] as const) {
    for (let d = 0; d < (split === 'train' ? o.trainDialogues : 8); d++) {
      for (let u = 0; u < o.length(d); u++, n++) {
        const label = LABELS[(d + u) % 3];
        records.push({
          key: `${split}/dia${d}_utt${u}`,
          split,
          dialogue: `${split}${d}`,
          index: u,
          speaker: u % 2 ? 'A' : 'B',
          text: o.text(label, n, d, u),
          label,
          mediaPath: null,
          startS: null,
          endS: null,
          source: `/c/${split}.csv`,
          row: n + 2,
        });
      }
    }
  }
  saveImport(db, { kind: 'meld-csv', corpusRoot: '/c', labelSet: LABELS, records, issues: [], missingMedia: records.length });
  runTextStage(db);
}
