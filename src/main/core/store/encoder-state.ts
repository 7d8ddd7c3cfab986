// The texts a built-in encoder is fit on and its stored fit (encoder_state: the IDF table of the
// hashed TF-IDF), so that the text stage refits only when those texts change.
import type { Db } from './db';

/** True when the training split has at least one text. */
export function hasTrainTexts(db: Db): boolean {
  return (db.prepare("SELECT COUNT(*) n FROM utterance WHERE split = 'train' AND text IS NOT NULL").get() as { n: number }).n > 0;
}

/** The texts to fit on (the training split's, or all when `trainOnly` is false), in key order. */
export function fitTexts(db: Db, trainOnly: boolean): { key: string; text: string }[] {
  return db
    .prepare(`SELECT key, text FROM utterance WHERE text IS NOT NULL ${trainOnly ? "AND split = 'train'" : ''} ORDER BY key`)
    .all() as { key: string; text: string }[];
}

export interface EncoderState {
  version: string;
  fitted_on: string;
  data: Buffer;
}

export function encoderState(db: Db, name: string): EncoderState | undefined {
  return db.prepare('SELECT version, fitted_on, data FROM encoder_state WHERE name = ?').get(name) as EncoderState | undefined;
}

export function saveEncoderState(db: Db, name: string, s: EncoderState): void {
  db.prepare('INSERT OR REPLACE INTO encoder_state (name, version, fitted_on, data) VALUES (?, ?, ?, ?)').run(
    name,
    s.version,
    s.fitted_on,
    s.data,
  );
}
