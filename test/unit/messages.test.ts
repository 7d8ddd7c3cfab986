// Misleading messages (issue 14 item 15): no NaN in a progress line (a fusion epoch with nothing held
// out, a rate not yet known), and "nothing to train on" says whether the training split is missing or
// only its features are (a real SQLite database).
import { afterAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { fusionEpochMessage } from '../../src/main/core/learn/train';
import { nothingToTrainOn } from '../../src/main/core/learn';
import { formatProgress } from '../../src/main/core/jobs/progress';
import { openDb } from '../../src/main/core/store/db';
import { tmpDir } from '../helpers/tmp';

describe('progress lines', () => {
  it('a fusion epoch with nothing held out says so instead of NaN', () => {
    const m = fusionEpochMessage({ epoch: 3, epochs: 30, trainLoss: 1.23456, valLoss: NaN, valAcc: NaN });
    expect(m).toBe('epoch 3/30: train loss 1.2346, nothing held out (too few training items)');
    expect(fusionEpochMessage({ epoch: 1, epochs: 2, trainLoss: 0.5, valLoss: 0.25, valAcc: 0.5 })).toBe(
      'epoch 1/2: train loss 0.5000, held-out (train part) loss 0.2500 acc 0.500',
    );
    expect(fusionEpochMessage({ epoch: 1, epochs: 2, trainLoss: NaN, valLoss: NaN, valAcc: NaN })).not.toContain('NaN');
  });

  it('a fusion epoch gives the held-out size, and a held-out part too small for its accuracy says so once', () => {
    const big = { epochs: 30, trainLoss: 1, valLoss: 0.5, valAcc: 0.25, valN: 12, valClasses: 4 };
    expect(fusionEpochMessage({ ...big, epoch: 2 })).toBe(
      'epoch 2/30: train loss 1.0000, held-out (train part, 12 items) loss 0.5000 acc 0.250',
    );
    // the demo's: 1 held-out item (neutral) of 24, accuracy 0.000 on every epoch
    const tiny = { epochs: 30, trainLoss: 1, valLoss: 1.9222, valAcc: 0, valN: 1, valClasses: 1 };
    const first = fusionEpochMessage({ ...tiny, epoch: 1 });
    expect(first).toBe(
      'epoch 1/30: train loss 1.0000, held-out (train part, 1 item) loss 1.9222 (the held-out part is 1 item of 1 class: too few for its accuracy to mean anything, not shown; early stopping follows its loss)',
    );
    const later = fusionEpochMessage({ ...tiny, epoch: 2 });
    expect(later).toBe('epoch 2/30: train loss 1.0000, held-out (train part, 1 item) loss 1.9222');
    // one class among many items, or 9 items of several classes: still too few
    expect(fusionEpochMessage({ ...big, valClasses: 1, epoch: 2 })).not.toContain('acc');
    expect(fusionEpochMessage({ ...big, valN: 9, epoch: 1 })).toContain('9 items of 4 classes: too few');
    // under 10 items nothing is held out (trainFusion): said once, with the size it would have had
    const none = { epochs: 19, trainLoss: 1, valLoss: NaN, valAcc: NaN, valN: 0, valClasses: 0, tooFew: 1 };
    expect(fusionEpochMessage({ ...none, epoch: 1 })).toBe(
      'epoch 1/19: train loss 1.0000, nothing held out (a held-out part would be 1 item, under 10: too few to stop on, so every epoch runs on all training items)',
    );
    expect(fusionEpochMessage({ ...none, epoch: 2 })).toBe('epoch 2/19: train loss 1.0000, nothing held out');
  });

  it('a job progress line with an unknown rate or ETA shows --', () => {
    const line = formatProgress({ job: 'extract', done: 0, total: 10, errors: 0, rate: NaN, eta_s: NaN });
    expect(line).toBe('extract: 0/10 (0 with errors) --/s ETA --');
    expect(formatProgress({ job: 'extract', done: 5, total: 10, errors: 1, rate: 2, eta_s: 2.5 })).toBe(
      'extract: 5/10 (1 with errors) 2.0/s ETA 3s',
    );
  });
});

describe('nothing to train on', () => {
  const t = tmpDir('es-msg-');
  afterAll(() => t.cleanup());

  it('names a missing training split, else the missing features', () => {
    const db = openDb(path.join(t.dir, 'x.db'));
    try {
      db.prepare("INSERT INTO corpus (id, root, kind) VALUES (1, '/c', 'meld-csv')").run();
      db.prepare("INSERT INTO utterance (corpus_id, key, split, text) VALUES (1, 'dev/a', 'dev', 'x')").run();
      expect(nothingToTrainOn(db)).toMatch(/^the corpus has no training split: no utterance is in 'train'/);
      expect(nothingToTrainOn(db)).not.toContain('run extraction');
      db.prepare("INSERT INTO utterance (corpus_id, key, split, text) VALUES (1, 'train/a', 'train', 'x')").run();
      expect(nothingToTrainOn(db)).toBe('no stored features on the training split (1 utterance): run extraction first');
    } finally {
      db.close();
    }
  });
});
