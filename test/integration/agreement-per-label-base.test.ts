// The per-label agreement table counts labels on the same items as its kappa (the items every annotator
// labelled), and names the all-items count apart: on a real SQLite file with 3 annotators where two
// utterances carry only two labels, in the report section (store level), `agreement --json` and the
// CLI text. Before, "labels given" counted all items next to the complete items' count (165 vs 51 x 3).
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { openDb } from '../../src/main/core/store/db';
import { agreementSection, reportAgreement } from '../../src/main/core/report/agreement-section';
import { runCli } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';

const COLUMNS = 'id=id,annotator=annotator,text=text,label=emotion';
// 5 utterances all three labelled; u6 and u7 only alice and bob (both anger)
const RATINGS: [string, string, string][] = [
  ['u1', 'alice', 'anger'],
  ['u1', 'bob', 'anger'],
  ['u1', 'carol', 'anger'],
  ['u2', 'alice', 'joy'],
  ['u2', 'bob', 'joy'],
  ['u2', 'carol', 'neutral'],
  ['u3', 'alice', 'neutral'],
  ['u3', 'bob', 'neutral'],
  ['u3', 'carol', 'neutral'],
  ['u4', 'alice', 'anger'],
  ['u4', 'bob', 'joy'],
  ['u4', 'carol', 'anger'],
  ['u5', 'alice', 'joy'],
  ['u5', 'bob', 'joy'],
  ['u5', 'carol', 'joy'],
  ['u6', 'alice', 'anger'],
  ['u6', 'bob', 'anger'],
  ['u7', 'alice', 'anger'],
  ['u7', 'bob', 'anger'],
];
// label -> [on the 5 complete utterances, on all 7]
const EXPECTED: Record<string, [number, number]> = { anger: [5, 9], joy: [6, 6], neutral: [4, 4] };

describe('per-label agreement counts on the base of its kappa', () => {
  const t = tmpDir('es-agree-base-');
  const csv = path.join(t.dir, 'three.csv');
  const db = path.join(t.dir, 'es.db');
  fs.writeFileSync(csv, ['id,annotator,text,emotion', ...RATINGS.map(([id, a, l]) => `${id},${a},utterance ${id},${l}`)].join('\n') + '\n');
  const imp = runCli(['import', csv, '--columns', COLUMNS, '--db', db, '-q']);
  afterAll(() => t.cleanup());

  it('store level: ratings_complete adds up to n_items x annotators; the report names each base', () => {
    expect(imp.code, imp.stderr).toBe(0);
    const h = openDb(db);
    try {
      const a = reportAgreement(h)!;
      expect(a.n_items).toBe(7);
      expect(a.fleiss_n_items).toBe(5);
      for (const l of a.per_label) {
        expect(l.n_items).toBe(5);
        expect([l.ratings_complete, l.ratings]).toEqual(EXPECTED[l.label]);
      }
      expect(a.per_label.reduce((s, l) => s + l.ratings_complete, 0)).toBe(5 * 3);
      const html = agreementSection(a);
      expect(html).toContain(
        '<th>utterances every annotator labelled</th><th>labels given on those utterances</th><th>labels given on all 7 utterances</th>',
      );
      expect(html).toContain('<tr><td>anger</td><td>0.700</td><td>5</td><td>5</td><td>9</td></tr>');
    } finally {
      h.close();
    }
  });

  it('CLI: --json keeps ratings (all items) and adds ratings_complete; the text names both bases', () => {
    const j = runCli(['agreement', '--db', db, '--json', '--draws', '50']);
    expect(j.code, j.stderr).toBe(0);
    const got = j.json();
    const anger = got.per_label.find((l: { label: string }) => l.label === 'anger');
    expect(anger).toMatchObject({ label: 'anger', n_items: 5, ratings_complete: 5, ratings: 9 });
    expect(typeof anger.kappa).toBe('number');
    const txt = runCli(['agreement', '--db', db, '--draws', '50']);
    expect(txt.code, txt.stderr).toBe(0);
    expect(txt.stdout).toContain('per label (one vs rest, over the 5 items every annotator labelled):');
    expect(txt.stdout).toMatch(/ {2}anger: kappa 0\.700 \(5 labels on those 5 items; 9 over all 7 items\)/);
    expect(txt.stdout).toContain('  joy: kappa');
  });
});
