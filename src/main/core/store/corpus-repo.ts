// Writes import batches: one transaction per batch, idempotent on (corpus, key) so re-importing
// the same corpus adds nothing. Labels only enter through the append-only label history.
import fs from 'node:fs';
import type { Db } from './db';
import type { ImportBatch } from '../corpus/types';
import { getGoldRule, setAnnotatorLabel } from './labels';

export interface ImportSummary {
  corpusId: number;
  kind: string;
  root: string;
  added: number;
  updated: number;
  unchanged: number;
  missingMedia: number;
  issues: number;
  /** re-imports: utterances whose label in the source differs from the one it gave at first import
   * (the current gold label is kept; a note says so) */
  sourceLabelChanged: number;
  /** named annotators' labels this import stored or changed (an annotator's copy of a corpus adds only these) */
  annotatorLabels: number;
  /** warnings about stored rows (source label changed, an oversized text), also stored as import issues */
  notes: string[];
}

/** Texts longer than this are stored but warned about (MELD's longest utterance is under 1,000). */
export const TEXT_WARN_CHARS = 100_000;

interface StoredUtterance {
  id: number;
  dialogue_id: number | null;
  split: string;
  idx: number | null;
  speaker: string | null;
  text: string | null;
  start_s: number | null;
  end_s: number | null;
  episode_start_s: number | null;
  episode_end_s: number | null;
}

export function saveImport(db: Db, batch: ImportBatch, who = 'import'): ImportSummary {
  const getCorpus = db.prepare('SELECT id, label_set FROM corpus WHERE root = ?');
  const addCorpus = db.prepare('INSERT INTO corpus (root, kind, label_set) VALUES (?, ?, ?)');
  const setLabels = db.prepare('UPDATE corpus SET label_set = ? WHERE id = ?');
  const upDialogue = db.prepare(
    `INSERT INTO dialogue (corpus_id, split, key) VALUES (?, ?, ?)
     ON CONFLICT (corpus_id, split, key) DO UPDATE SET key = excluded.key RETURNING id`,
  );
  const getUtt = db.prepare(
    'SELECT id, dialogue_id, split, idx, speaker, text, start_s, end_s, episode_start_s, episode_end_s FROM utterance WHERE corpus_id = ? AND key = ?',
  );
  const fromSource = db.prepare(
    `SELECT id, key, dialogue_id, split, idx, speaker, text, start_s, end_s, episode_start_s, episode_end_s FROM utterance
     WHERE corpus_id = ? AND source = ? AND start_s IS NOT NULL AND end_s IS NOT NULL`,
  );
  const setKey = db.prepare('UPDATE utterance SET key = ? WHERE id = ?');
  const batchKeys = new Set(batch.records.map((r) => r.key));
  const claimed = new Set<number>();
  /** stored segments of a source file that this import no longer names (read once per file) */
  const unnamed = new Map<string, (StoredUtterance & { key: string })[]>();
  const unnamedOf = (corpusId: number, source: string) => {
    let list = unnamed.get(source);
    if (!list)
      unnamed.set(
        source,
        (list = (fromSource.all(corpusId, source) as (StoredUtterance & { key: string })[]).filter((u) => !batchKeys.has(u.key))),
      );
    return list;
  };
  const addUtt = db.prepare(
    `INSERT INTO utterance (corpus_id, dialogue_id, key, split, idx, speaker, text, start_s, end_s, episode_start_s, episode_end_s, source, source_row)
     VALUES (@corpus, @dialogue, @key, @split, @idx, @speaker, @text, @start, @end, @epStart, @epEnd, @source, @row)`,
  );
  const updUtt = db.prepare(
    `UPDATE utterance SET dialogue_id=@dialogue, split=@split, idx=@idx, speaker=@speaker, text=@text,
       start_s=@start, end_s=@end, episode_start_s=@epStart, episode_end_s=@epEnd, source=@source, source_row=@row WHERE id=@id`,
  );
  const addLabel = db.prepare('INSERT INTO label_history (utterance_id, old_label, new_label, who, source) VALUES (?, NULL, ?, ?, ?)');
  const getMedia = db.prepare('SELECT path, size, mtime_ms FROM media WHERE utterance_id = ?');
  const putMedia = db.prepare(
    `INSERT INTO media (utterance_id, path, size, mtime_ms) VALUES (?, ?, ?, ?)
     ON CONFLICT (utterance_id) DO UPDATE SET path=excluded.path, size=excluded.size, mtime_ms=excluded.mtime_ms`,
  );
  const resetStage = db.prepare('DELETE FROM stage_status WHERE utterance_id = ? AND stage = ?');
  const clearImportIssues = db.prepare("DELETE FROM item_error WHERE utterance_id IS NULL AND stage = 'import' AND file = ?");
  const addIssue = db.prepare("INSERT INTO item_error (utterance_id, stage, file, message) VALUES (NULL, 'import', ?, ?)");
  // the label the source gave when the utterance was first imported (the history's first import row)
  const importedLabel = db.prepare(
    'SELECT new_label FROM label_history WHERE utterance_id = ? AND who = ? AND annotator IS NULL AND old_label IS NULL ORDER BY id LIMIT 1',
  );
  const goldOf = db.prepare('SELECT label FROM utterance WHERE id = ?');

  const run = db.transaction((): ImportSummary => {
    let corpus = getCorpus.get(batch.corpusRoot) as { id: number; label_set: string } | undefined;
    if (!corpus) {
      const id = Number(addCorpus.run(batch.corpusRoot, batch.kind, '[]').lastInsertRowid);
      corpus = { id, label_set: '[]' };
    }
    const labels: string[] = JSON.parse(corpus.label_set);
    for (const l of batch.labelSet) if (!labels.includes(l)) labels.push(l);
    for (const r of batch.records) if (r.label && !labels.includes(r.label)) labels.push(r.label);
    for (const r of batch.records) for (const a of r.annotations ?? []) if (!labels.includes(a.label)) labels.push(a.label);
    setLabels.run(JSON.stringify(labels), corpus.id);

    const s: ImportSummary = {
      corpusId: corpus.id,
      kind: batch.kind,
      root: batch.corpusRoot,
      added: 0,
      updated: 0,
      unchanged: 0,
      missingMedia: batch.missingMedia,
      issues: batch.issues.length,
      sourceLabelChanged: 0,
      annotatorLabels: 0,
      notes: [],
    };
    const notes: { file: string; row: number | null; message: string }[] = [];
    const dialogues = new Map<string, number>();
    const editedOnTimeline = db.prepare('SELECT 1 FROM segment_history WHERE utterance_id = ? LIMIT 1').pluck();
    for (let r of batch.records) {
      let dialogueId: number | null = null;
      if (r.dialogue !== null) {
        const dk = r.split + '\u0000' + r.dialogue;
        dialogueId = dialogues.get(dk) ?? (upDialogue.get(corpus.id, r.split, r.dialogue) as { id: number }).id;
        dialogues.set(dk, dialogueId);
      }
      const row = {
        corpus: corpus.id,
        dialogue: dialogueId,
        key: r.key,
        split: r.split,
        idx: r.index,
        speaker: r.speaker,
        text: r.text,
        start: r.startS,
        end: r.endS,
        epStart: r.episodeStartS ?? null,
        epEnd: r.episodeEndS ?? null,
        source: r.source,
        row: r.row,
      };
      let old = getUtt.get(corpus.id, r.key) as StoredUtterance | undefined;
      if (!old && r.startS !== null && r.endS !== null) {
        // a segment whose start moved in the transcript (its key holds the start): the one utterance of
        // the same file, speaker and text overlapping it that this import no longer names, kept with its labels
        const moved = unnamedOf(corpus.id, r.source).filter(
          (c) => !claimed.has(c.id) && c.speaker === r.speaker && c.text === r.text && c.start_s! < r.endS! && c.end_s! > r.startS!,
        );
        if (moved.length === 1) {
          old = moved[0];
          claimed.add(old.id);
          setKey.run(r.key, old.id);
        }
      }
      let id: number;
      if (r.text !== null && r.text.length > TEXT_WARN_CHARS) {
        notes.push({
          file: r.source,
          row: r.row,
          message: `${r.key}: the text is ${r.text.length.toLocaleString('en')} characters long (over ${TEXT_WARN_CHARS.toLocaleString('en')}); stored as it is, check the source`,
        });
      }
      if (!old) {
        id = Number(addUtt.run(row).lastInsertRowid);
        if (r.label !== null) addLabel.run(id, r.label, who, r.source);
        s.added++;
      } else {
        id = old.id;
        // boundaries edited on the timeline (segment_history) win over the transcript's, and a segment
        // removed there stays removed: a re-import never undoes a user's edit
        if (editedOnTimeline.get(id)) {
          if (old.start_s !== r.startS || old.end_s !== r.endS) {
            notes.push({
              file: r.source,
              row: r.row,
              message: `${r.key}: its span was edited on the timeline (${old.start_s}-${old.end_s} s); the transcript's ${r.startS}-${r.endS} s is not applied`,
            });
          }
          row.start = old.start_s;
          row.end = old.end_s;
          if (old.split === 'removed') row.split = old.split as typeof row.split;
          r = { ...r, startS: old.start_s, endS: old.end_s, split: row.split as typeof r.split };
        }
        const same =
          old.dialogue_id === dialogueId &&
          old.split === r.split &&
          old.idx === r.index &&
          old.speaker === r.speaker &&
          old.text === r.text &&
          old.start_s === r.startS &&
          old.end_s === r.endS &&
          old.episode_start_s === row.epStart &&
          old.episode_end_s === row.epEnd;
        // a label changed in the source is reported, never applied over the stored gold label
        let labelChanged = false;
        if (r.label !== null) {
          const was = importedLabel.get(id, who) as { new_label: string | null } | undefined;
          const now = (goldOf.get(id) as { label: string | null }).label;
          if (was && was.new_label !== r.label && now !== r.label) {
            labelChanged = true;
            s.sourceLabelChanged++;
            notes.push({
              file: r.source,
              row: r.row,
              message: `${r.key}: the label in the source changed from ${was.new_label ?? '-'} to ${r.label} since it was imported; the gold label ${now ?? '-'} is kept (relabel ${id} ${r.label} to take the source's)`,
            });
          }
        }
        if (same && !labelChanged) s.unchanged++;
        else if (!same) {
          updUtt.run({ ...row, id });
          if (old.text !== r.text) resetStage.run(id, 'text');
          // a segment whose span moved describes other samples now
          if (old.start_s !== r.startS || old.end_s !== r.endS) resetStage.run(id, 'media');
          s.updated++;
        }
      }
      // named annotators' labels: each one's own label (a second annotator's copy adds theirs); the
      // file's gold label stays the gold, and an item its gold tier leaves out keeps none under `latest`
      const keepGold = r.label !== null || (r.goldTier === true && getGoldRule(db).kind === 'latest');
      for (const a of r.annotations ?? [])
        if (setAnnotatorLabel(db, id, a.label, who, r.source, a.annotator, { ifChanged: true, keepGold }).annotator_old !== a.label)
          s.annotatorLabels++;
      // a moved or changed clip is extracted again; an unchanged one keeps its features
      const stat = r.mediaPath ? statOrNull(r.mediaPath) : null;
      const m = getMedia.get(id) as { path: string | null; size: number | null; mtime_ms: number | null } | undefined;
      const path = r.mediaPath ?? m?.path ?? null; // never forget a clip found before
      if (!m || m.path !== path || (stat && (m.size !== stat.size || m.mtime_ms !== stat.mtimeMs))) {
        putMedia.run(id, path, stat?.size ?? null, stat?.mtimeMs ?? null);
        if (m) resetStage.run(id, 'media');
      }
    }
    for (const file of new Set([...batch.issues.map((i) => i.file), ...notes.map((n) => n.file)])) clearImportIssues.run(file);
    for (const i of batch.issues) addIssue.run(i.file, i.row !== null ? `row ${i.row}: ${i.message}` : i.message);
    for (const n of notes) {
      addIssue.run(n.file, n.row !== null ? `row ${n.row}: ${n.message}` : n.message);
      s.notes.push(`${n.file}${n.row !== null ? ` row ${n.row}` : ''}: ${n.message}`);
    }
    s.issues += notes.length;
    return s;
  });
  return run.immediate(); // take the write lock first, so a busy database is waited for (busy_timeout)
}

function statOrNull(p: string): { size: number; mtimeMs: number } | null {
  try {
    const st = fs.statSync(p);
    return { size: st.size, mtimeMs: st.mtimeMs };
  } catch {
    return null;
  }
}
