// A lean MELD-layout corpus cut from the demo (resources/demo): train dialogues 0-1 (8 rows) and dev
// dialogue 2 (3 rows, the last without a clip): both splits and a missing clip, 10 clips of
// 320x240 in all, so the tests that run extraction several times stay in seconds.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';

export const DEMO = path.resolve(__dirname, '../../resources/demo');
export const MINI_DEMO = { rows: 11, clips: 10 };

export function miniDemo(dest: string): string {
  const keep: [string, string, string[]][] = [
    ['train_sent_emo.csv', 'train_splits', ['0', '1']],
    ['dev_sent_emo.csv', 'dev_splits_complete', ['2']],
  ];
  for (const [csv, clips, dialogues] of keep) {
    const lines = fs
      .readFileSync(path.join(DEMO, csv), 'utf8')
      .split('\n')
      .filter((l) => l.trim());
    const rows = lines.slice(1).filter((l) => dialogues.includes((parse(l) as string[][])[0][5]));
    fs.mkdirSync(path.join(dest, clips), { recursive: true });
    fs.writeFileSync(path.join(dest, csv), [lines[0], ...rows].join('\n') + '\n');
    for (const f of fs.readdirSync(path.join(DEMO, clips))) {
      if (dialogues.includes(/^dia(\d+)_/.exec(f)?.[1] ?? '')) fs.copyFileSync(path.join(DEMO, clips, f), path.join(dest, clips, f));
    }
  }
  return dest;
}
