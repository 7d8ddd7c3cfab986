// Read side: the `list` and `show` shapes of the DESIGN.md contract.
import type { Db } from './db';
import { blobToF32 } from './db';
import { addUtteranceFilter, likePattern } from './utterance-filter';
import type { AudioSummary, ItemError, ItemStatus, LabelChange, Split, UtteranceDetail, UtteranceListing } from '../../../shared/types';

// status: the worst of what is known about an item (see README, "Item status"); the API's list uses it too
export const STATUS_SQL = `
  CASE
    WHEN m.path IS NULL AND u.text IS NULL THEN 'error'
    WHEN m.path IS NULL THEN
      CASE WHEN u.text IS NOT NULL AND ts.status IS NULL THEN 'pending' ELSE 'missing_media' END
    WHEN ms.status IS NULL OR (u.text IS NOT NULL AND ts.status IS NULL) THEN 'pending'
    WHEN ms.status = 'error' THEN 'error'
    WHEN EXISTS (SELECT 1 FROM item_error e WHERE e.utterance_id = u.id AND e.level = 'error') THEN 'partial'
    ELSE 'done'
  END`;

const LIST_SQL = `
SELECT u.id, u.split, d.key AS dialogue, u.speaker, u.text, u.label, m.path AS media, u.start_s, u.end_s,
  ${STATUS_SQL} AS status,
  (SELECT COUNT(*) FROM item_error e WHERE e.utterance_id = u.id) AS errors
FROM utterance u
LEFT JOIN dialogue d ON d.id = u.dialogue_id
LEFT JOIN media m ON m.utterance_id = u.id
LEFT JOIN stage_status ms ON ms.utterance_id = u.id AND ms.stage = 'media'
LEFT JOIN stage_status ts ON ts.utterance_id = u.id AND ts.stage = 'text'`;

export interface ListFilter {
  split?: Split;
  label?: string;
  status?: ItemStatus;
  search?: string;
  limit?: number;
  offset?: number;
}

export function listUtterances(db: Db, f: ListFilter = {}): UtteranceListing[] {
  const where: string[] = [];
  const args: Record<string, unknown> = {};
  addUtteranceFilter({ split: f.split, label: f.label }, where, args);
  if (f.search) {
    where.push("u.text LIKE @search ESCAPE '\\'");
    args.search = likePattern(f.search);
  }
  let sql = `SELECT * FROM (${LIST_SQL}${where.length ? ' WHERE ' + where.join(' AND ') : ''}) x`;
  if (f.status) {
    sql += ' WHERE x.status = @status';
    args.status = f.status;
  }
  sql += ' ORDER BY x.id';
  if (f.limit !== undefined) {
    sql += ' LIMIT @limit OFFSET @offset';
    args.limit = f.limit;
    args.offset = f.offset ?? 0;
  }
  return db.prepare(sql).all(args) as UtteranceListing[];
}

export function itemErrors(db: Db, utteranceId: number): ItemError[] {
  return db
    .prepare('SELECT stage, file, message, level FROM item_error WHERE utterance_id = ? ORDER BY id')
    .all(utteranceId) as ItemError[];
}

export function labelHistory(db: Db, utteranceId: number): LabelChange[] {
  return db
    .prepare('SELECT at, who, old_label AS old, new_label AS new, source, annotator FROM label_history WHERE utterance_id = ? ORDER BY id')
    .all(utteranceId) as LabelChange[];
}

export function showUtterance(db: Db, id: number): UtteranceDetail | null {
  const row = db.prepare(`SELECT x.*, u.key FROM (${LIST_SQL} WHERE u.id = ?) x JOIN utterance u ON u.id = x.id`).get(id) as
    (UtteranceListing & { key: string }) | undefined;
  if (!row) return null;
  const media = db.prepare('SELECT * FROM media WHERE utterance_id = ?').get(id) as
    { fps: number | null; width: number | null; height: number | null; frame_count: number | null } | undefined;
  const audioRow = db.prepare('SELECT json FROM audio_summary WHERE utterance_id = ?').get(id) as { json: string } | undefined;
  const fe = db.prepare('SELECT fps, frame_count, entropy, selected FROM frame_entropy WHERE utterance_id = ?').get(id) as
    { fps: number; frame_count: number; entropy: Buffer; selected: string } | undefined;
  const feat = (kind: string) =>
    db
      .prepare('SELECT extractor, version, dim, provider FROM feature WHERE utterance_id = ? AND kind = ? ORDER BY frame LIMIT 1')
      .get(id, kind) as { extractor: string; version: string; dim: number; provider: string | null } | undefined;
  // the model version and the execution provider that made the vectors (pretrained encoders)
  const embedding = (kind: string) => {
    const f = feat(kind);
    return f ? { model: f.extractor, dim: f.dim, version: f.version, ...(f.provider ? { provider: f.provider } : {}) } : null;
  };
  const text = feat('text');
  const pred = db
    .prepare(
      `SELECT p.label, p.probabilities, p.model_version FROM prediction p
       WHERE p.utterance_id = ? ORDER BY p.model_version DESC LIMIT 1`,
    )
    .get(id) as { label: string; probabilities: string; model_version: number } | undefined;
  return {
    id: row.id,
    key: row.key,
    split: row.split,
    dialogue: row.dialogue,
    speaker: row.speaker,
    text: row.text,
    label: row.label,
    label_history: labelHistory(db, id),
    media: row.media,
    start_s: row.start_s,
    end_s: row.end_s,
    status: row.status,
    prediction: pred ? { label: pred.label, probabilities: JSON.parse(pred.probabilities), model_version: pred.model_version } : null,
    audio: audioRow ? { ...(JSON.parse(audioRow.json) as AudioSummary), embedding: embedding('audio.embedding') } : null,
    video: fe
      ? {
          fps: fe.fps,
          frame_count: fe.frame_count,
          width: media?.width ?? 0,
          height: media?.height ?? 0,
          frame_entropy: Array.from(blobToF32(fe.entropy), (v) => Math.round(v * 1e4) / 1e4),
          selected_frames: JSON.parse(fe.selected),
          embedding: embedding('video.embedding'),
        }
      : null,
    text_features: text
      ? { encoder: text.extractor, dim: text.dim, version: text.version, ...(text.provider ? { provider: text.provider } : {}) }
      : null,
    errors: itemErrors(db, id),
  };
}
