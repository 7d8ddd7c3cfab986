// trainModel with fusion 'dialogue' on a small stored corpus: the cross-fitted dialogue networks and
// the SVM are fitted on training dialogues only (changing every dev label and text leaves them bit
// for bit the same), C is chosen by grouped cross-validation on train, every split is predicted.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { openDb, type Db } from '../../src/main/core/store/db';
import { loadModelData, trainModel } from '../../src/main/core/learn';
import { dialogueSequences } from '../../src/main/core/learn/dialogue-rows';
import { loadItems } from '../../src/main/core/learn/dataset';
import { relabel } from '../../src/main/core/store/labels';
import { tmpDir } from '../helpers/tmp';
import { runTextStage } from '../../src/main/core/jobs/text-stage';
import { buildWordDialogues, LABELS, WORDS } from '../helpers/word-dialogues';

function build(db: Db): void {
  buildWordDialogues(db, { trainDialogues: 40, length: (d) => 2 + (d % 4), text: (label, n) => `${WORDS[label][n % 3]} number ${n}` });
}

describe('train --fusion dialogue', () => {
  let t: ReturnType<typeof tmpDir>;
  let db: Db;
  beforeEach(() => {
    t = tmpDir('es-learn-dialogue-');
    db = openDb(path.join(t.dir, 'es.db'));
    build(db);
  });
  afterEach(() => {
    db.close();
    t.cleanup();
  });

  const opts = {
    fusion: 'dialogue' as const,
    classifier: 'linear' as const,
    modalities: ['text' as const],
    context: false,
    seed: 1,
    fusionEpochs: 3,
    fusionHidden: 16,
  };
  const trainPreds = (v: number) =>
    db
      .prepare(
        "SELECT p.utterance_id, p.label, p.probabilities FROM prediction p JOIN utterance u ON u.id = p.utterance_id WHERE p.model_version = ? AND u.split = 'train' ORDER BY 1",
      )
      .all(v);

  it('orders each dialogue by index and never mixes splits', () => {
    const items = loadItems(db, ['text']);
    const seqs = dialogueSequences(
      items,
      items.map((_, i) => i),
    );
    expect(seqs).toHaveLength(48);
    for (const s of seqs) {
      expect(new Set(s.map((i) => items[i].split)).size).toBe(1);
      expect(new Set(s.map((i) => items[i].dialogueId)).size).toBe(1);
      expect(s.map((i) => items[i].idx)).toEqual([...s.map((i) => items[i].idx!)].sort((a, b) => a - b));
    }
  });

  it('NO LEAK: every dev label and text changed leaves the network, the SVM and the train predictions identical', async () => {
    const a = await trainModel(db, opts);
    expect(a.selection).toMatchObject({ method: 'cv', folds: 3, unit: 'dialogue' });
    expect(a.fusionInfo!.epochs).toBeGreaterThanOrEqual(3); // one network per fold
    const params = JSON.parse((db.prepare('SELECT params FROM model WHERE version = ?').get(a.version) as { params: string }).params);
    expect(params.dialogue).toMatchObject({ folds: 3, columns: 3 });
    expect(params.fusion).toBe('dialogue');
    const nUtt = (db.prepare('SELECT COUNT(*) n FROM utterance').get() as { n: number }).n;
    expect((db.prepare('SELECT COUNT(*) n FROM prediction WHERE model_version = ?').get(a.version) as { n: number }).n).toBe(nUtt);
    expect(a.metrics.dev.n).toBeGreaterThan(0);

    for (const r of db.prepare("SELECT id, label FROM utterance WHERE split = 'dev'").all() as { id: number; label: string }[])
      relabel(db, r.id, LABELS[(LABELS.indexOf(r.label) + 1) % 3], 'test');
    db.prepare("UPDATE utterance SET text = 'zebra quantum ' || id WHERE split = 'dev'").run();
    db.prepare("DELETE FROM stage_status WHERE stage = 'text' AND utterance_id IN (SELECT id FROM utterance WHERE split = 'dev')").run();
    runTextStage(db);
    const b = await trainModel(db, opts);
    const da = loadModelData(db, a.version).data;
    const dbb = loadModelData(db, b.version).data;
    expect(dbb.fusion).toBe('dialogue');
    expect(dbb.fusionOnnx).not.toBeNull();
    expect(dbb.fusionOnnx).toBe(da.fusionOnnx);
    const core = (svm: string) => {
      const { model, params } = JSON.parse(svm);
      return { model, params }; // (info holds the training time)
    };
    expect(core(dbb.svm)).toEqual(core(da.svm));
    expect(b.selection).toEqual(a.selection);
    expect(trainPreds(b.version)).toEqual(trainPreds(a.version));
    // what the control sees: the dev predictions did change (the dev texts feed the representation)
    const devPreds = (v: number) =>
      db
        .prepare(
          "SELECT p.probabilities FROM prediction p JOIN utterance u ON u.id = p.utterance_id WHERE p.model_version = ? AND u.split = 'dev' ORDER BY p.utterance_id",
        )
        .all(v);
    expect(devPreds(b.version)).not.toEqual(devPreds(a.version));
  }, 300_000);
});
