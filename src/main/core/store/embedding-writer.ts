// Stores pretrained-encoder features: one row per utterance (audio, text) or per selected frame
// (video) with the model name, the model file's version and the provider that ran it. Older rows of
// the same kind (another model or version) are replaced, so versions never mix for an utterance.
import type { Db } from './db';
import { f32ToBlob } from './db';
import { allFinite } from './feature-repo';

export type EmbeddingKind = 'audio.embedding' | 'video.embedding' | 'text';

export class EmbeddingWriter {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      drop: db.prepare('DELETE FROM feature WHERE utterance_id = ? AND kind = ?'),
      put: db.prepare(
        `INSERT OR REPLACE INTO feature (utterance_id, kind, frame, extractor, version, provider, dim, layout, data)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'dense', ?)`,
      ),
      clearErrors: db.prepare('DELETE FROM item_error WHERE utterance_id = ? AND stage = ?'),
      addError: db.prepare("INSERT INTO item_error (utterance_id, stage, file, message, level) VALUES (?, ?, ?, ?, 'error')"),
      stage: db.prepare(
        `INSERT OR REPLACE INTO stage_status (utterance_id, stage, status, version, updated_at)
         VALUES (?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))`,
      ),
    };
  }

  /** Saves the vectors of one utterance (frame -1 for a per-utterance vector); false if one is not finite. */
  save(
    id: number,
    kind: EmbeddingKind,
    rows: { frame: number; vector: Float32Array }[],
    m: { extractor: string; version: string; provider: string },
  ): boolean {
    if (rows.some((r) => !allFinite(r.vector))) return false;
    this.s.drop.run(id, kind);
    this.s.clearErrors.run(id, kind);
    for (const r of rows) this.s.put.run(id, kind, r.frame, m.extractor, m.version, m.provider, r.vector.length, f32ToBlob(r.vector));
    this.s.stage.run(id, kind, 'done', m.version);
    return true;
  }

  fail(id: number, kind: EmbeddingKind, file: string | null, message: string, version: string): void {
    this.s.clearErrors.run(id, kind);
    this.s.addError.run(id, kind, file, message);
    this.s.stage.run(id, kind, 'error', version);
  }
}
