// MELD CSV export: one <split>_sent_emo.csv per split, MELD's header and time format, so that
// `import` of the written files gives back the same corpus (split, dialogue, utterance order, speaker,
// text, current gold label, times). What the database does not hold is left blank (Season, Episode)
// or derived where MELD's own mapping is unambiguous (Sentiment; surprise can be either, so blank).
import { csvStringify } from '../lazy-packages';
import { MELD_HEADER } from '../corpus/meld';
import { SPLITS, MELD_LABELS, type Split } from '../../../shared/types';
import type { ExportRow } from './rows';
import { safeCell } from '../csv-formula';

const SENTIMENT: Record<string, string> = {
  anger: 'negative',
  disgust: 'negative',
  sadness: 'negative',
  fear: 'negative',
  joy: 'positive',
  neutral: 'neutral',
};

export interface MeldFile {
  /** file name: train_sent_emo.csv, dev_sent_emo.csv, test_sent_emo.csv, unsplit_sent_emo.csv */
  name: string;
  split: Split;
  csv: string;
  rows: number;
  /** notes on ids that had to be renumbered (non-numeric dialogues, duplicates) */
  notes: string[];
}

/** MELD's time format: 00:01:03,384. */
export function meldTime(s: number | null): string {
  if (s === null) return '';
  const ms = Math.round(s * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const sec = Math.floor((ms % 60_000) / 1000);
  const pad = (x: number, n = 2) => String(x).padStart(n, '0');
  return `${pad(h)}:${pad(m)}:${pad(sec)},${pad(ms % 1000, 3)}`;
}

export function meldFiles(rows: ExportRow[]): MeldFile[] {
  const bySplit = new Map<Split, ExportRow[]>();
  for (const r of rows) {
    let list = bySplit.get(r.split);
    if (!list) bySplit.set(r.split, (list = []));
    list.push(r);
  }
  const order: readonly Split[] = SPLITS;
  return order.filter((s) => bySplit.has(s)).map((split) => meldFile(split, bySplit.get(split)!));
}

function meldFile(split: Split, rows: ExportRow[]): MeldFile {
  const notes: string[] = [];
  // MELD ids are whole numbers: numeric dialogue keys are kept, others get the next free number
  const used = new Set<number>();
  for (const r of rows) if (r.dialogue !== null && /^\d+$/.test(r.dialogue)) used.add(Number(r.dialogue));
  let next = used.size ? Math.max(...used) + 1 : 0;
  const diaOf = new Map<string, number>();
  const dialogueId = (r: ExportRow): number => {
    const k = r.dialogue ?? `\u0000${r.id}`; // no dialogue: a dialogue of its own
    let d = diaOf.get(k);
    if (d === undefined) {
      d = r.dialogue !== null && /^\d+$/.test(r.dialogue) ? Number(r.dialogue) : next++;
      if (r.dialogue !== null && String(d) !== r.dialogue) notes.push(`dialogue '${r.dialogue}' written as Dialogue_ID ${d}`);
      diaOf.set(k, d);
    }
    return d;
  };
  const items = rows.map((r) => ({ r, dia: dialogueId(r) }));
  items.sort((a, b) => a.dia - b.dia || (a.r.index ?? Infinity) - (b.r.index ?? Infinity) || a.r.id - b.r.id);
  const seen = new Map<number, Set<number>>();
  const lines = items.map(({ r, dia }, i) => {
    let utts = seen.get(dia);
    if (!utts) seen.set(dia, (utts = new Set()));
    let utt = r.index !== null && r.index >= 0 ? r.index : utts.size;
    if (utts.has(utt)) {
      const was = utt;
      while (utts.has(utt)) utt++;
      notes.push(`utterance ${r.key}: Utterance_ID ${was} taken in dialogue ${dia}, written as ${utt}`);
    }
    utts.add(utt);
    const label = r.label ?? '';
    // StartTime/EndTime: MELD's episode times; an utterance from elsewhere gives its span in its media
    const [start, end] =
      r.episode_start_s !== null || r.episode_end_s !== null ? [r.episode_start_s, r.episode_end_s] : [r.start_s, r.end_s];
    return [i + 1, r.text ?? '', r.speaker ?? '', label, SENTIMENT[label] ?? '', dia, utt, '', '', meldTime(start), meldTime(end)].map(
      safeCell,
    );
  });
  // MELD's importer keeps only its seven emotions: say which labels a re-import would drop
  const outside = new Map<string, number>();
  for (const r of rows)
    if (r.label !== null && !(MELD_LABELS as readonly string[]).includes(r.label)) outside.set(r.label, (outside.get(r.label) ?? 0) + 1);
  for (const [l, n] of outside)
    notes.push(
      `label '${l}' (${n} row${n > 1 ? 's' : ''}) is not one of MELD's ${MELD_LABELS.join(', ')}: importing this file skips those rows`,
    );
  const csv = csvStringify().stringify([[...MELD_HEADER], ...lines], {
    record_delimiter: '\r\n',
    quoted_match: /[\r\n]/,
    cast: { number: (x) => String(x) },
  });
  return { name: `${split}_sent_emo.csv`, split, csv, rows: lines.length, notes };
}
