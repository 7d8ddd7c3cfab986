// Adjudication from the keyboard with undo, in browser mode (serve + Debian's Chromium): two annotators
// disagree on three items of a long-format CSV (the gold rule majority leaves them open); keys typed
// 20 ms apart adjudicate them, U takes the last decision back and the cursor returns to that item, so
// the next key decides it again; an undone first decision returns the item to the rule (open again).
// Before, U did nothing in Adjudicate: a mistyped key could only be overwritten, never taken back.
import { beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';
import { haveChromium, servedPage, pageApi, shot } from '../helpers/browser-page';

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 });

describe.skipIf(!haveChromium)('adjudicate with undo', () => {
  const t = tmpDir('es-adj-undo-');
  const db = path.join(t.dir, 'adj.db');
  beforeAll(() => {
    const rows = [
      'id,coder,text,emotion',
      '1,ann,hello,joy',
      '1,ben,hello,anger',
      '2,ann,ugh,anger',
      '2,ben,ugh,neutral',
      '3,ann,fine,neutral',
      '3,ben,fine,joy',
      '4,ann,yes,joy',
      '4,ben,yes,joy',
    ];
    fs.writeFileSync(path.join(t.dir, 'labels.csv'), rows.join('\n') + '\n');
    const r = runCli([
      'import',
      path.join(t.dir, 'labels.csv'),
      '--columns',
      'id=id,annotator=coder,text=text,label=emotion',
      '--db',
      db,
      '-q',
    ]);
    expect(r.code, r.stderr).toBe(0);
  });
  const { page } = servedPage(() => ['--db', db, '--data-dir', path.join(t.dir, 'data')], 'adjudicate');

  const show = (text: string) => {
    const list = runCli(['list', '--db', db, '--json']).json() as { id: number; text: string }[];
    const id = list.find((u) => u.text === text)!.id;
    return runCli(['show', String(id), '--db', db, '--json']).json();
  };

  it('U takes back the last decision: the item returns to what it was and the next key decides it again', async () => {
    await poll(() => page().getByTestId('adjudicate-position').textContent()).toBe('1 / 3');
    const labels: string[] = (await pageApi(page(), 'corpus.summary')).labels; // keys 1, 2, 3 in this order
    for (const k of ['1', '2', 'u', '3', '1', 'u']) {
      await page().keyboard.press(k);
      await page().waitForTimeout(20);
    }
    // hello: label 1; ugh: label 2, taken back, then label 3; fine: label 1, taken back (open again under majority)
    await poll(() => page().getByTestId('adjudicate-position').textContent()).toBe('3 / 3');
    await poll(() => page().getByTestId('gold-summary').textContent()).toMatch(/adjudicate 2.*left open by ties: 1$/);
    await shot(page(), 'adjudicate-undo');
    expect(show('hello')).toMatchObject({ label: labels[0] });
    const ugh = show('ugh');
    expect(ugh.label).toBe(labels[2]);
    // the undo clears the adjudication: the rule's gold (a tie: none) comes back, as a row of its own
    const gold = (h: any) => h.annotator === null && h.who !== 'import';
    expect(ugh.label_history.filter(gold).map((h: any) => [h.new, h.source])).toEqual([
      [labels[1], 'adjudicate'],
      [null, 'gold:majority'],
      [labels[2], 'adjudicate'],
    ]);
    const fine = show('fine');
    expect(fine.label).toBeNull();
    expect(fine.label_history.filter(gold).map((h: any) => [h.new, h.source])).toEqual([
      [labels[0], 'adjudicate'],
      [null, 'gold:majority'],
    ]);
  }, 60_000);
});
