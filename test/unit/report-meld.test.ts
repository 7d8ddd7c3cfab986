// MELD CSV export read back by the real MELD importer; CSV/JSON table export parsed with csv-parse.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { meldFiles, meldTime } from '../../src/main/core/report/meld-export';
import { toCsv, toJson } from '../../src/main/core/report/table-export';
import { readMeldCsv } from '../../src/main/core/corpus/meld';
import { row } from '../helpers/export-rows';
import { tmpDir } from '../helpers/tmp';

describe('MELD CSV export', () => {
  const t = tmpDir('es-meld-out-');
  afterAll(() => t.cleanup());

  it('writes MELD times', () => {
    expect(meldTime(63.384)).toBe('00:01:03,384');
    expect(meldTime(3723.5)).toBe('01:02:03,500');
    expect(meldTime(0)).toBe('00:00:00,000');
    expect(meldTime(null)).toBe('');
  });

  it('one file per split; what MELD cannot hold is renumbered and noted; the importer reads it back', () => {
    const rows = [
      row({
        id: 1,
        split: 'dev',
        dialogue: '7',
        index: 1,
        speaker: 'Ann',
        text: 'Second, "quoted"',
        label: 'anger',
        episode_start_s: 10.25,
        episode_end_s: 12,
      }),
      row({ id: 2, split: 'dev', dialogue: '7', index: 0, speaker: 'Bob', text: 'First’s line\nwith a break', label: 'surprise' }),
      row({ id: 3, split: 'dev', dialogue: 'kitchen', index: null, speaker: null, text: 'unnumbered', label: null }),
      row({ id: 4, split: 'dev', dialogue: null, text: 'no dialogue', label: 'joy' }),
      row({ id: 5, split: 'train', dialogue: '0', index: 0, text: 'train one', label: 'neutral' }),
    ];
    const files = meldFiles(rows);
    expect(files.map((f) => f.name)).toEqual(['train_sent_emo.csv', 'dev_sent_emo.csv']);
    const dev = files[1];
    expect(dev.notes).toEqual(["dialogue 'kitchen' written as Dialogue_ID 8"]);
    const file = path.join(t.dir, dev.name);
    fs.writeFileSync(file, dev.csv);
    const b = readMeldCsv(file);
    expect(b.issues).toEqual([]);
    // MELD's times are the episode's (a MELD clip is a whole clip: startS/endS null)
    expect(
      b.records.map((r) => [r.key, r.dialogue, r.index, r.speaker, r.text, r.label, r.episodeStartS, r.episodeEndS, r.startS, r.endS]),
    ).toEqual([
      ['dev/dia7_utt0', '7', 0, 'Bob', 'First’s line\nwith a break', 'surprise', null, null, null, null],
      ['dev/dia7_utt1', '7', 1, 'Ann', 'Second, "quoted"', 'anger', 10.25, 12, null, null],
      ['dev/dia8_utt0', '8', 0, null, 'unnumbered', null, null, null, null, null],
      ['dev/dia9_utt0', '9', 0, null, 'no dialogue', 'joy', null, null, null, null],
    ]);
    const raw = parse(dev.csv, { columns: true }) as Record<string, string>[];
    expect(raw.map((r) => r.Sentiment)).toEqual(['', 'negative', '', 'positive']); // surprise is either: blank
    expect(raw.map((r) => r['Sr No.'])).toEqual(['1', '2', '3', '4']);
  });
});

describe('CSV and JSON table export', () => {
  const rows = [
    row({
      id: 1,
      text: 'a, "b"',
      label: 'joy',
      label_history: [
        { at: '2026-01-01T00:00:00Z', who: 'import', old: null, new: 'anger', source: 'x.csv' },
        { at: '2026-01-02T00:00:00Z', who: 'ann', old: 'anger', new: 'joy', source: 'relabel' },
      ],
      prediction: { model_version: 4, label: 'anger', probabilities: { joy: 0.25, anger: 0.75 } },
    }),
    row({ id: 2, text: null, label: null, prediction: null }),
  ];
  const tbl = { model_version: 4, labels: ['joy', 'anger'], split: null, rows };

  it('CSV: one line per utterance, history as JSON, a probability column per class, correct flag', () => {
    const csv = toCsv(tbl);
    expect(csv.startsWith('\ufeffid,key,')).toBe(true);
    const r = parse(csv, { columns: true, bom: true }) as Record<string, string>[];
    expect(r).toHaveLength(2);
    expect(r[0]).toMatchObject({
      text: 'a, "b"',
      label: 'joy',
      label_changes: '2',
      model_version: '4',
      prediction: 'anger',
      confidence: '0.75',
      correct: '0',
      p_joy: '0.25',
      p_anger: '0.75',
    });
    expect(JSON.parse(r[0].label_history).map((h: { new: string }) => h.new)).toEqual(['anger', 'joy']);
    expect(r[1]).toMatchObject({ text: '', label: '', prediction: '', p_joy: '', correct: '' });
  });

  it('JSON: the rows as they are, with the model version and label order', () => {
    const j = JSON.parse(toJson(tbl));
    expect(j).toMatchObject({ model_version: 4, labels: ['joy', 'anger'], split: null });
    expect(j.utterances).toEqual(rows);
  });
});
