// The corpus table's conf. column (issue 14 item 13): the SVM's decision and its calibrated
// probabilities can disagree, so the row carries the predicted class's own probability, and the top
// class where it is another one (confidence stays the highest probability, as annotate.nextUncertain
// ranks by it). A real SQLite database through the same query the API uses.
import { afterAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { openDb } from '../../src/main/core/store/db';
import { listRows } from '../../src/main/core/store/corpus-table';
import { tmpDir } from '../helpers/tmp';

describe('utterances.list: predicted class, its probability, and the top class', () => {
  const t = tmpDir('es-conf-');
  afterAll(() => t.cleanup());

  it('a decision that is not the most probable class shows its own probability and names the top class', () => {
    const db = openDb(path.join(t.dir, 'x.db'));
    try {
      db.prepare('INSERT INTO corpus (id, root, kind, label_set) VALUES (1, \'/c\', \'generic-csv\', \'["anger","joy","sadness"]\')').run();
      const addU = db.prepare("INSERT INTO utterance (id, corpus_id, key, split, text) VALUES (?, 1, ?, 'dev', 't')");
      for (const id of [1, 2, 3, 4]) addU.run(id, `u${id}`);
      db.prepare("INSERT INTO model (version, params, labels) VALUES (1, '{}', '{}')").run();
      const addP = db.prepare('INSERT INTO prediction (utterance_id, model_version, label, probabilities) VALUES (?, 1, ?, ?)');
      addP.run(1, 'anger', JSON.stringify({ anger: 0.31, joy: 0.4, sadness: 0.29 })); // decision is not the argmax
      addP.run(2, 'joy', JSON.stringify({ anger: 0.1, joy: 0.7, sadness: 0.2 })); // consistent
      addP.run(3, 'sadness', JSON.stringify({ anger: 0.35, joy: 0.3, sadness: 0.35 })); // tie with the decision: consistent
      const { rows } = listRows(db, { offset: 0, limit: 100 } as Parameters<typeof listRows>[1]);
      const by = Object.fromEntries(
        rows.map((r) => [
          r.id,
          { prediction: r.prediction, prediction_p: r.prediction_p, top_label: r.top_label, confidence: r.confidence },
        ]),
      );
      expect(by[1]).toEqual({ prediction: 'anger', prediction_p: 0.31, top_label: 'joy', confidence: 0.4 });
      expect(by[2]).toEqual({ prediction: 'joy', prediction_p: 0.7, top_label: null, confidence: 0.7 });
      expect(by[3]).toEqual({ prediction: 'sadness', prediction_p: 0.35, top_label: null, confidence: 0.35 });
      expect(by[4]).toEqual({ prediction: null, prediction_p: null, top_label: null, confidence: null });
    } finally {
      db.close();
    }
  });
});
