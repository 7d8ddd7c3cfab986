import type { ExportRow } from '../../src/main/core/report/rows';

/** An export row with defaults, for the exporters' unit tests. */
export function row(o: Partial<ExportRow> & { id: number }): ExportRow {
  return {
    key: `train/x${o.id}`,
    corpus: '/corpus',
    split: 'train',
    dialogue: null,
    index: null,
    speaker: null,
    text: null,
    start_s: null,
    end_s: null,
    episode_start_s: null,
    episode_end_s: null,
    media: null,
    media_duration_s: null,
    status: 'done',
    label: 'joy',
    label_history: [],
    prediction: null,
    ...o,
  };
}
