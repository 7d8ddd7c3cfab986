// Numbered schema migrations. Append new ones; never edit one that has shipped.
export const MIGRATIONS: { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
CREATE TABLE corpus (
  id INTEGER PRIMARY KEY,
  root TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  label_set TEXT NOT NULL DEFAULT '[]',      -- JSON array: the label set is data, not code
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE TABLE dialogue (
  id INTEGER PRIMARY KEY,
  corpus_id INTEGER NOT NULL REFERENCES corpus(id),
  split TEXT NOT NULL,
  key TEXT NOT NULL,
  UNIQUE (corpus_id, split, key)
);
CREATE TABLE utterance (
  id INTEGER PRIMARY KEY,
  corpus_id INTEGER NOT NULL REFERENCES corpus(id),
  dialogue_id INTEGER REFERENCES dialogue(id),
  key TEXT NOT NULL,
  split TEXT NOT NULL,
  idx INTEGER,
  speaker TEXT,
  text TEXT,
  label TEXT,                  -- current gold label; written only by the label_history trigger
  start_s REAL,
  end_s REAL,
  source TEXT,
  source_row INTEGER,
  UNIQUE (corpus_id, key)
);
CREATE INDEX utterance_split ON utterance(split);
CREATE INDEX utterance_dialogue ON utterance(dialogue_id, idx);

CREATE TABLE media (
  utterance_id INTEGER PRIMARY KEY REFERENCES utterance(id),
  path TEXT,                   -- null: no clip found at import
  size INTEGER,
  mtime_ms REAL,
  duration_s REAL,
  has_audio INTEGER,
  has_video INTEGER,
  fps REAL,
  width INTEGER,
  height INTEGER,
  sample_rate INTEGER,
  frame_count INTEGER
);

-- one row per (utterance, stage): the unit of resumable work
CREATE TABLE stage_status (
  utterance_id INTEGER NOT NULL REFERENCES utterance(id),
  stage TEXT NOT NULL,         -- media | text
  status TEXT NOT NULL,        -- done | error
  version TEXT NOT NULL,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  PRIMARY KEY (utterance_id, stage)
);

-- float32 vectors with their dimension and the extractor that made them
CREATE TABLE feature (
  utterance_id INTEGER NOT NULL REFERENCES utterance(id),
  kind TEXT NOT NULL,          -- audio.stats | audio.embedding | text | video.stats | video.embedding
  frame INTEGER NOT NULL DEFAULT -1, -- -1 per utterance, else the video frame index
  extractor TEXT NOT NULL,
  version TEXT NOT NULL,
  provider TEXT,
  dim INTEGER NOT NULL,
  layout TEXT NOT NULL DEFAULT 'dense', -- dense: dim float32 | sparse: nnz uint32 indices then nnz float32 values
  data BLOB NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  PRIMARY KEY (utterance_id, kind, frame)
);

CREATE TABLE audio_summary (
  utterance_id INTEGER PRIMARY KEY REFERENCES utterance(id),
  json TEXT NOT NULL           -- AudioSummary (src/shared/types.ts)
);

CREATE TABLE frame_entropy (
  utterance_id INTEGER PRIMARY KEY REFERENCES utterance(id),
  fps REAL NOT NULL,
  frame_count INTEGER NOT NULL,
  entropy BLOB NOT NULL,       -- float32 per decoded frame, bits
  motion BLOB,
  selected TEXT NOT NULL       -- JSON array of frame indices
);

CREATE TABLE thumbnail (
  utterance_id INTEGER NOT NULL REFERENCES utterance(id),
  frame INTEGER NOT NULL,
  png BLOB NOT NULL,
  PRIMARY KEY (utterance_id, frame)
);

CREATE TABLE item_error (
  id INTEGER PRIMARY KEY,
  utterance_id INTEGER REFERENCES utterance(id),
  stage TEXT NOT NULL,
  file TEXT,
  message TEXT NOT NULL,
  level TEXT NOT NULL DEFAULT 'error',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX item_error_utt ON item_error(utterance_id, stage);

-- append-only: no annotation is ever overwritten
CREATE TABLE label_history (
  id INTEGER PRIMARY KEY,
  utterance_id INTEGER NOT NULL REFERENCES utterance(id),
  old_label TEXT,
  new_label TEXT,
  who TEXT NOT NULL,
  source TEXT NOT NULL,        -- import | relabel | ...
  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX label_history_utt ON label_history(utterance_id, id);
CREATE TRIGGER label_history_apply AFTER INSERT ON label_history
BEGIN
  UPDATE utterance SET label = NEW.new_label WHERE id = NEW.utterance_id;
END;
CREATE TRIGGER label_history_no_update BEFORE UPDATE ON label_history
BEGIN SELECT RAISE(ABORT, 'label_history is append-only'); END;
CREATE TRIGGER label_history_no_delete BEFORE DELETE ON label_history
BEGIN SELECT RAISE(ABORT, 'label_history is append-only'); END;

-- fitted state of built-in encoders (e.g. the TF-IDF table fit on the training split)
CREATE TABLE encoder_state (
  name TEXT PRIMARY KEY,
  version TEXT NOT NULL,
  fitted_on TEXT NOT NULL,
  data BLOB NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);

-- trained classifiers, versioned; predictions belong to one version
CREATE TABLE model (
  version INTEGER PRIMARY KEY,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  params TEXT NOT NULL,        -- JSON: fusion, classifier, encoders, modalities
  labels TEXT NOT NULL,        -- JSON: label snapshot used for training {utterance_id: label}
  metrics TEXT,                -- JSON: per split, each naming its split
  data BLOB                    -- serialised model
);
CREATE TABLE prediction (
  utterance_id INTEGER NOT NULL REFERENCES utterance(id),
  model_version INTEGER NOT NULL REFERENCES model(version),
  label TEXT NOT NULL,
  probabilities TEXT NOT NULL, -- JSON {label: p}
  PRIMARY KEY (utterance_id, model_version)
);

CREATE TABLE job (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,        -- running | done | cancelled | failed
  params TEXT,
  result TEXT,
  started_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  finished_at TEXT
);
`,
  },
  {
    version: 2,
    sql: `
-- jobs show their last progress and error; a job left 'running' by a killed process is marked on open
ALTER TABLE job ADD COLUMN progress TEXT;
ALTER TABLE job ADD COLUMN error TEXT;
ALTER TABLE job ADD COLUMN pid INTEGER;
`,
  },
  {
    version: 3,
    sql: `
-- MELD's StartTime/EndTime are times in the source TV episode, while each MELD clip is already cut to
-- its utterance: they are metadata of their own, and a MELD clip is a whole clip (start_s/end_s NULL:
-- start_s/end_s are an utterance's span in its media file, what segment extraction cuts)
ALTER TABLE utterance ADD COLUMN episode_start_s REAL;
ALTER TABLE utterance ADD COLUMN episode_end_s REAL;
UPDATE utterance SET episode_start_s = start_s, episode_end_s = end_s, start_s = NULL, end_s = NULL
 WHERE corpus_id IN (SELECT id FROM corpus WHERE kind = 'meld-csv') AND key GLOB '*dia*_utt*'
   AND (start_s IS NOT NULL OR end_s IS NOT NULL);
`,
  },
  {
    version: 4,
    sql: `
-- utterance.label is derived from the append-only label_history: the latest history row's new_label.
-- Repair any row that was rewritten directly, then refuse every write that would make them disagree
-- (the history trigger's own UPDATE always agrees: its row is the latest one when it runs).
UPDATE utterance SET label = (SELECT h.new_label FROM label_history h WHERE h.utterance_id = utterance.id ORDER BY h.id DESC LIMIT 1)
 WHERE label IS NOT (SELECT h.new_label FROM label_history h WHERE h.utterance_id = utterance.id ORDER BY h.id DESC LIMIT 1);
CREATE TRIGGER utterance_label_from_history BEFORE UPDATE OF label ON utterance
 WHEN NEW.label IS NOT (SELECT h.new_label FROM label_history h WHERE h.utterance_id = NEW.id ORDER BY h.id DESC LIMIT 1)
BEGIN SELECT RAISE(ABORT, 'utterance.label is derived from label_history: insert a label_history row instead'); END;
CREATE TRIGGER utterance_label_insert_from_history BEFORE INSERT ON utterance
 WHEN NEW.label IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'utterance.label is derived from label_history: insert the utterance unlabelled, then a label_history row'); END;
`,
  },
  {
    version: 5,
    sql: `
-- annotators (issue 13): a label change names whose label it is (annotator; NULL: the gold label
-- itself: an import without annotators, an adjudication, a gold-rule result) and whether it sets the
-- gold label (sets_gold: store/labels.ts decides from the gold rule; every older row did).
ALTER TABLE label_history ADD COLUMN annotator TEXT;
ALTER TABLE label_history ADD COLUMN sets_gold INTEGER NOT NULL DEFAULT 1;
-- each annotator's current label per utterance: their latest change (the history stays append-only)
CREATE TABLE annotator_label (
  utterance_id INTEGER NOT NULL REFERENCES utterance(id),
  annotator TEXT NOT NULL,
  label TEXT NOT NULL,
  history_id INTEGER NOT NULL,
  PRIMARY KEY (utterance_id, annotator)
);
CREATE INDEX annotator_label_annotator ON annotator_label(annotator);
-- which change made the gold label: its history source (import, relabel, annotate, adjudicate, gold:majority, ...)
ALTER TABLE utterance ADD COLUMN gold_source TEXT;
UPDATE utterance SET gold_source = (SELECT h.source FROM label_history h WHERE h.utterance_id = utterance.id ORDER BY h.id DESC LIMIT 1);
-- the rule for the gold label of items nobody adjudicated: latest (the last change by anyone),
-- majority (ties left open) or annotator=NAME; no row: latest
CREATE TABLE gold_rule (id INTEGER PRIMARY KEY CHECK (id = 1), rule TEXT NOT NULL);
DROP TRIGGER label_history_apply;
CREATE TRIGGER label_history_apply AFTER INSERT ON label_history WHEN NEW.sets_gold = 1
BEGIN
  UPDATE utterance SET label = NEW.new_label, gold_source = NEW.source WHERE id = NEW.utterance_id;
END;
CREATE TRIGGER label_history_annotator_set AFTER INSERT ON label_history
WHEN NEW.annotator IS NOT NULL AND NEW.new_label IS NOT NULL
BEGIN
  INSERT INTO annotator_label (utterance_id, annotator, label, history_id) VALUES (NEW.utterance_id, NEW.annotator, NEW.new_label, NEW.id)
  ON CONFLICT (utterance_id, annotator) DO UPDATE SET label = excluded.label, history_id = excluded.history_id;
END;
CREATE TRIGGER label_history_annotator_clear AFTER INSERT ON label_history
WHEN NEW.annotator IS NOT NULL AND NEW.new_label IS NULL
BEGIN
  DELETE FROM annotator_label WHERE utterance_id = NEW.utterance_id AND annotator = NEW.annotator;
END;
-- version 4's guard, now over the rows that set the gold label
DROP TRIGGER IF EXISTS utterance_label_from_history;
CREATE TRIGGER utterance_label_from_history BEFORE UPDATE OF label ON utterance
 WHEN NEW.label IS NOT (SELECT h.new_label FROM label_history h WHERE h.utterance_id = NEW.id AND h.sets_gold = 1 ORDER BY h.id DESC LIMIT 1)
BEGIN SELECT RAISE(ABORT, 'utterance.label is derived from label_history: insert a label_history row instead'); END;
`,
  },
  {
    version: 6,
    sql: `
-- long recordings: a segment's frames are indexed from its own first frame, which lies at t0_s in
-- the media file (NULL for a whole clip, whose frame 0 is at 0)
ALTER TABLE frame_entropy ADD COLUMN t0_s REAL;
-- one row per decoded recording (media shared by segments): waveform peaks for the timeline
CREATE TABLE recording (
  path TEXT PRIMARY KEY,
  duration_s REAL,
  has_video INTEGER,
  fps REAL,
  peaks_per_s REAL,
  peaks_offset_s REAL,
  peaks BLOB,                  -- int8 pairs (min, max) per bin
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
`,
  },
  {
    version: 7,
    sql: `
-- leases on units of extraction work (store/claims.ts): one holder per key at a time; a claim whose
-- pid is gone or whose heartbeat is stale is taken over, so concurrent extractors share the work
CREATE TABLE work_claim (
  key TEXT PRIMARY KEY,        -- e.g. 'media:/path/to/clip.mp4'
  holder TEXT NOT NULL,        -- label:host:pid:random, unique per run
  pid INTEGER NOT NULL,
  heartbeat_ms REAL NOT NULL   -- ms since the epoch
);
CREATE INDEX work_claim_holder ON work_claim(holder);
`,
  },
  {
    version: 8,
    sql: `
-- segment boundaries edited on the timeline: append-only like the label history (who, when, old, new);
-- an utterance made by a split or added over a selection has old_* NULL
CREATE TABLE segment_history (
  id INTEGER PRIMARY KEY,
  utterance_id INTEGER NOT NULL REFERENCES utterance(id),
  old_start_s REAL,
  old_end_s REAL,
  new_start_s REAL NOT NULL,
  new_end_s REAL NOT NULL,
  who TEXT NOT NULL,
  source TEXT NOT NULL,        -- nudge | edit | split | add | merge | delete
  -- a deleted segment (or one merged into the previous) moves to the split 'removed': nothing stored is
  -- lost, it leaves training, evaluation and the timeline; old_split says where it was
  old_split TEXT,
  new_split TEXT,
  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX segment_history_utt ON segment_history(utterance_id, id);
CREATE TRIGGER segment_history_no_update BEFORE UPDATE ON segment_history
BEGIN SELECT RAISE(ABORT, 'segment_history is append-only'); END;
CREATE TRIGGER segment_history_no_delete BEFORE DELETE ON segment_history
BEGIN SELECT RAISE(ABORT, 'segment_history is append-only'); END;
`,
  },
];
