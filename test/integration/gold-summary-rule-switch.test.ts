// The gold summary after a gold-rule switch names the rule that gives each gold label now: on a real
// SQLite file with 3 annotators, majority -> annotator=ben leaves the labels ben agrees with unchanged
// (no new history row), and those count under gold:annotator=ben, not under the old gold:majority;
// adjudicated ones stay adjudicate, ties stay open, and a label ben never gave still names majority.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { openDb } from '../../src/main/core/store/db';
import { goldSummary } from '../../src/main/core/store/labels';
import { runCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';

// item -> ana, ben, cai ('' = not labelled)
const ITEMS: Record<string, [string, string, string]> = {
  u1: ['joy', 'joy', 'joy'], // majority joy, ben joy: unchanged by the switch
  u2: ['anger', 'anger', 'joy'], // majority anger, ben anger: unchanged
  u3: ['joy', 'sadness', 'joy'], // majority joy -> ben sadness
  u4: ['joy', 'anger', 'sadness'], // tie (open) -> ben anger
  u5: ['joy', 'anger', 'anger'], // adjudicated joy: stays
  u6: ['neutral', '', 'sadness'], // tie, ben has nothing to say: stays open
  u7: ['neutral', '', 'neutral'], // majority neutral, ben has nothing to say: stays majority's
};
const WHO = ['ana', 'ben', 'cai'];

function ok(r: ReturnType<typeof runCli>) {
  expect(r.code, r.stderr).toBe(0);
  return r;
}

describe('gold summary after a gold-rule switch', () => {
  const t = tmpDir('es-gold-switch-');
  const csv = path.join(t.dir, 'three.csv');
  const db = path.join(t.dir, 'es.db');
  const rows = Object.entries(ITEMS).flatMap(([id, ls]) => ls.flatMap((l, i) => (l ? [`${id},${WHO[i]},utterance ${id},${l}`] : [])));
  fs.writeFileSync(csv, ['id,annotator,text,emotion', ...rows].join('\n') + '\n');
  afterAll(() => t.cleanup());

  it('majority -> annotator=ben: the labels ben gives count under the new rule (CLI and store)', () => {
    ok(runCli(['import', csv, '--columns', 'id=id,annotator=annotator,text=text,label=emotion', '--db', db, '-q']));
    expect(ok(runCli(['gold-rule', 'majority', '--db', db, '--json'])).json()).toMatchObject({ rule: 'majority', open: 2 });
    const h0 = openDb(db);
    const idOf = Object.fromEntries(
      (h0.prepare('SELECT id, key FROM utterance').all() as { id: number; key: string }[]).map((r) => [r.key.replace(/^id:/, ''), r.id]),
    );
    h0.close();
    ok(runCli(['adjudicate', String(idOf.u5), 'joy', '--who', 'judge', '--db', db]));
    expect(ok(runCli(['gold-rule', '--db', db, '--json'])).json()).toEqual({
      rule: 'majority',
      by_source: { adjudicate: 1, 'gold:majority': 4 },
      open: 2,
    });
    const sw = ok(runCli(['gold-rule', 'annotator=ben', '--db', db, '--json'])).json();
    expect(sw.changed).toBe(2); // u3 and u4; u1 and u2 keep their rows from the majority
    const want = { rule: 'annotator=ben', by_source: { adjudicate: 1, 'gold:annotator=ben': 4, 'gold:majority': 1 }, open: 1 };
    expect(ok(runCli(['gold-rule', '--db', db, '--json'])).json()).toEqual(want);
    expect(ok(runCli(['gold-rule', '--db', db])).stdout).not.toMatch(/gold:majority 3/);
    const h = openDb(db);
    try {
      expect(goldSummary(h)).toEqual(want);
      // the stored sources are unchanged (no history row per confirmed label)
      const src = (id: number) => (h.prepare('SELECT gold_source s FROM utterance WHERE id = ?').get(id) as { s: string }).s;
      expect([src(idOf.u1), src(idOf.u2), src(idOf.u3)]).toEqual(['gold:majority', 'gold:majority', 'gold:annotator=ben']);
    } finally {
      h.close();
    }
    // and back: majority gives u1, u2, u3 (changed back), u7; u4 ties again
    ok(runCli(['gold-rule', 'majority', '--db', db]));
    expect(ok(runCli(['gold-rule', '--db', db, '--json'])).json()).toEqual({
      rule: 'majority',
      by_source: { adjudicate: 1, 'gold:majority': 4 },
      open: 2,
    });
  });
});
