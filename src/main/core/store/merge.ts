// Folds shard databases (made by `extract --shard I/N`) into the main database.
//
// A shard is a copy of the main database (or a fresh import of the same corpus) in which some
// utterances were extracted. Utterances are matched by (corpus root, key), never by row id. For
// each utterance the shard has stage results for, everything extraction derives (features,
// audio summary, frame entropy, thumbnails, item errors, stage status, the media columns that
// probing fills, a long recording's peaks) replaces the main database's rows, unless they are already the same, or the
// main database has newer results for that utterance, or the clip changed on disk since.
//
// Every shard is checked before anything is written: a shard of another corpus, or one made
// with other feature versions, is refused with the reason and the main database is untouched.
// Each shard is then folded in one transaction (SQLite cannot attach a database inside a
// transaction), so an interrupted merge leaves whole shards merged and is simply run again.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openDb, schemaVersion, type Db } from './db';
import { MEDIA_STAGE_VERSION, knownMediaVersions } from '../jobs/media-tasks';
import { TFIDF_ENCODER } from '../features/text/hashed-tfidf';

export class MergeError extends Error {}

/** Tables of per-utterance results that extraction writes (keyed by utterance_id). */
const DERIVED_TABLES = ['feature', 'audio_summary', 'frame_entropy', 'thumbnail', 'item_error', 'stage_status'] as const;
/** media columns that import owns; the others are filled by extraction and travel with a merge */
const MEDIA_IMPORT_COLUMNS = new Set(['utterance_id', 'path', 'size', 'mtime_ms']);

export interface ShardMergeSummary {
  shard: string;
  /** utterances whose results came from this shard */
  merged: number;
  /** utterances whose results were already the same in the main database */
  unchanged: number;
  /** utterances kept as they are because the main database has newer results for them */
  keptNewer: number;
  /** utterances skipped because their clip (path, size or time) differs between the two databases */
  mediaChanged: number;
}

export interface MergeSummary {
  database: string;
  shards: ShardMergeSummary[];
  integrity: string;
}

interface EncoderState {
  name: string;
  version: string;
  fitted_on: string;
}

export function mergeShards(mainPath: string, shardPaths: string[], onProgress?: (line: string) => void): MergeSummary {
  if (shardPaths.length === 0) throw new MergeError('merge needs at least one shard database');
  const main = openDb(mainPath);
  try {
    const seen = new Set<string>();
    for (const s of shardPaths) {
      const real = realOrNull(s);
      if (!real) throw new MergeError(`shard not found: ${s}`);
      if (real === realOrNull(mainPath))
        throw new MergeError(`${s} is the main database itself; give the shard databases and --db the main one`);
      if (seen.has(real)) throw new MergeError(`${s} is given twice`);
      seen.add(real);
    }
    const textStates = new Map<string, EncoderState>();
    const mainText = main.prepare('SELECT name, version, fitted_on FROM encoder_state WHERE name = ?').get(TFIDF_ENCODER) as
      EncoderState | undefined;
    if (mainText) textStates.set(mainText.name, mainText);
    for (const s of shardPaths) checkShard(main, mainPath, s, textStates);

    const shards: ShardMergeSummary[] = [];
    for (const s of shardPaths) {
      const r = foldShard(main, s);
      onProgress?.(
        `${s}: ${r.merged} merged, ${r.unchanged} already the same, ${r.keptNewer} newer in the main database, ${r.mediaChanged} with a changed clip (skipped)`,
      );
      shards.push(r);
    }
    const integrity = String(main.pragma('integrity_check', { simple: true }));
    if (integrity !== 'ok') throw new MergeError(`integrity check of ${mainPath} after the merge failed: ${integrity}`);
    return { database: path.resolve(mainPath), shards, integrity };
  } finally {
    main.close();
  }
}

/** Refuses a shard that does not belong to this main database or was made with other feature versions. */
function checkShard(main: Db, mainPath: string, shardPath: string, textStates: Map<string, EncoderState>): void {
  let shard: Db;
  try {
    shard = new Database(shardPath, { readonly: true, fileMustExist: true });
    shard.pragma('busy_timeout = 10000');
  } catch (e) {
    throw new MergeError(`cannot open shard ${shardPath}: ${(e as Error).message}`);
  }
  try {
    let tables: Set<string>;
    try {
      tables = new Set(
        (shard.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name),
      );
    } catch (e) {
      throw new MergeError(`${shardPath} is not an emotion-studio database: ${(e as Error).message}`);
    }
    for (const t of ['corpus', 'utterance', 'media', ...DERIVED_TABLES]) {
      if (!tables.has(t)) throw new MergeError(`${shardPath} is not an emotion-studio database (no ${t} table)`);
    }
    const sv = schemaVersion(shard);
    const mv = schemaVersion(main);
    if (sv !== mv) {
      throw new MergeError(
        `${shardPath} has database schema ${sv} and ${mainPath} has ${mv}: make shards and merge them with the same emotion-studio version`,
      );
    }

    const mainCorpora = new Map(
      (main.prepare('SELECT root, kind FROM corpus').all() as { root: string; kind: string }[]).map((c) => [c.root, c.kind]),
    );
    const shardCorpora = shard
      .prepare(
        'SELECT DISTINCT c.root, c.kind FROM corpus c JOIN utterance u ON u.corpus_id = c.id JOIN stage_status s ON s.utterance_id = u.id',
      )
      .all() as { root: string; kind: string }[];
    for (const c of shardCorpora) {
      if (!mainCorpora.has(c.root)) {
        throw new MergeError(
          `${shardPath} holds results for corpus ${c.root}, which ${mainPath} does not have: it is a shard of another database (import that corpus into the main database first)`,
        );
      }
      if (mainCorpora.get(c.root) !== c.kind) {
        throw new MergeError(
          `${shardPath}: corpus ${c.root} was imported as ${c.kind} there and as ${mainCorpora.get(c.root)} in ${mainPath}: not the same corpus`,
        );
      }
    }
    const mainKeys = main.prepare('SELECT 1 FROM utterance u JOIN corpus c ON c.id = u.corpus_id WHERE c.root = ? AND u.key = ?');
    const missing: string[] = [];
    let nMissing = 0;
    for (const u of shard
      .prepare(
        'SELECT DISTINCT c.root, u.key FROM utterance u JOIN corpus c ON c.id = u.corpus_id JOIN stage_status s ON s.utterance_id = u.id',
      )
      .iterate() as IterableIterator<{ root: string; key: string }>) {
      if (!mainKeys.get(u.root, u.key)) {
        nMissing++;
        if (missing.length < 3) missing.push(u.key);
      }
    }
    if (nMissing > 0) {
      throw new MergeError(
        `${shardPath} has results for ${nMissing} utterance(s) that ${mainPath} does not have (e.g. ${missing.join(', ')}): not a shard of this database, or the corpus was re-imported differently`,
      );
    }

    const mediaVersions = (
      shard.prepare("SELECT DISTINCT version FROM stage_status WHERE stage = 'media'").all() as { version: string }[]
    ).map((r) => r.version);
    const known = new Set(knownMediaVersions());
    const foreign = mediaVersions.filter((v) => !known.has(v));
    if (foreign.length > 0) {
      throw new MergeError(
        `${shardPath} was extracted with media feature version '${foreign[0]}', but this emotion-studio makes '${MEDIA_STAGE_VERSION}': extract the shard again with this version`,
      );
    }
    const st = shard.prepare('SELECT name, version, fitted_on FROM encoder_state WHERE name = ?').get(TFIDF_ENCODER) as
      EncoderState | undefined;
    const hasText =
      (shard.prepare("SELECT COUNT(*) n FROM stage_status WHERE stage = 'text' AND status = 'done'").get() as { n: number }).n > 0;
    if (st && hasText) {
      const known = textStates.get(st.name);
      if (known && (known.version !== st.version || known.fitted_on !== st.fitted_on)) {
        throw new MergeError(
          `${shardPath}: its text features were fit on other training texts (${st.fitted_on}) than the main database or an earlier shard (${known.fitted_on}): make the shard from the current main database`,
        );
      }
      textStates.set(st.name, st);
    }
  } finally {
    shard.close();
  }
}

function columns(db: Db, schema: string, table: string): string[] {
  return (db.prepare(`PRAGMA ${schema}.table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
}

function foldShard(main: Db, shardPath: string): ShardMergeSummary {
  main.prepare('ATTACH DATABASE ? AS shard').run(path.resolve(shardPath));
  try {
    const run = main.transaction((): ShardMergeSummary => {
      main.exec(`
        CREATE TEMP TABLE merge_map (shard_id INTEGER PRIMARY KEY, main_id INTEGER NOT NULL UNIQUE, action TEXT);
        INSERT INTO merge_map (shard_id, main_id)
          SELECT su.id, mu.id FROM shard.utterance su
          JOIN shard.corpus sc ON sc.id = su.corpus_id
          JOIN main.corpus mc ON mc.root = sc.root
          JOIN main.utterance mu ON mu.corpus_id = mc.id AND mu.key = su.key
          WHERE EXISTS (SELECT 1 FROM shard.stage_status ss WHERE ss.utterance_id = su.id);
        UPDATE merge_map SET action = CASE
          WHEN EXISTS (SELECT 1 FROM shard.media sm JOIN main.media mm ON mm.utterance_id = merge_map.main_id
                       WHERE sm.utterance_id = merge_map.shard_id
                         AND (sm.path IS NOT mm.path OR sm.size IS NOT mm.size OR sm.mtime_ms IS NOT mm.mtime_ms)) THEN 'media_changed'
          WHEN EXISTS (SELECT 1 FROM shard.stage_status ss JOIN main.stage_status ms ON ms.utterance_id = merge_map.main_id AND ms.stage = ss.stage
                       WHERE ss.utterance_id = merge_map.shard_id AND ms.updated_at > ss.updated_at) THEN 'main_newer'
          WHEN NOT EXISTS (SELECT 1 FROM shard.stage_status ss
                           LEFT JOIN main.stage_status ms ON ms.utterance_id = merge_map.main_id AND ms.stage = ss.stage
                           WHERE ss.utterance_id = merge_map.shard_id
                             AND (ms.stage IS NULL OR ms.status IS NOT ss.status OR ms.version IS NOT ss.version OR ms.updated_at IS NOT ss.updated_at))
               AND (SELECT COUNT(*) FROM main.stage_status ms WHERE ms.utterance_id = merge_map.main_id)
                 = (SELECT COUNT(*) FROM shard.stage_status ss WHERE ss.utterance_id = merge_map.shard_id) THEN 'same'
          ELSE 'take' END;
      `);
      const taken = "SELECT main_id FROM temp.merge_map WHERE action = 'take'";
      for (const t of DERIVED_TABLES) {
        const cols = columns(main, 'main', t).filter((c) => !(t === 'item_error' && c === 'id')); // a fresh id in main
        const shardCols = new Set(columns(main, 'shard', t));
        const lost = cols.filter((c) => !shardCols.has(c));
        if (lost.length) throw new MergeError(`${shardPath}: table ${t} lacks column(s) ${lost.join(', ')}`);
        main.prepare(`DELETE FROM main.${t} WHERE utterance_id IN (${taken})`).run();
        const select = cols.map((c) => (c === 'utterance_id' ? 'm.main_id' : `x.${c}`)).join(', ');
        main
          .prepare(
            `INSERT INTO main.${t} (${cols.join(', ')}) SELECT ${select} FROM shard.${t} x
           JOIN temp.merge_map m ON m.shard_id = x.utterance_id AND m.action = 'take'`,
          )
          .run();
      }
      const mediaCols = columns(main, 'main', 'media').filter((c) => !MEDIA_IMPORT_COLUMNS.has(c));
      main
        .prepare(
          `UPDATE main.media SET (${mediaCols.join(', ')}) = (
           SELECT ${mediaCols.map((c) => 'sm.' + c).join(', ')} FROM shard.media sm JOIN temp.merge_map m ON m.shard_id = sm.utterance_id
           WHERE m.main_id = main.media.utterance_id)
         WHERE utterance_id IN (${taken})`,
        )
        .run();
      // long recordings decoded by this shard: their waveform peaks (one row per media file)
      const recCols = columns(main, 'main', 'recording').join(', ');
      main
        .prepare(
          `INSERT OR REPLACE INTO main.recording (${recCols}) SELECT ${recCols} FROM shard.recording
         WHERE path IN (SELECT mm.path FROM main.media mm WHERE mm.utterance_id IN (${taken}))`,
        )
        .run();
      // fitted encoder state (the TF-IDF table) the shard's text vectors were made with; checked equal above
      const encCols = columns(main, 'main', 'encoder_state').join(', ');
      main.prepare(`INSERT OR IGNORE INTO main.encoder_state (${encCols}) SELECT ${encCols} FROM shard.encoder_state`).run();

      const counts = Object.fromEntries(
        (main.prepare('SELECT action, COUNT(*) n FROM temp.merge_map GROUP BY action').all() as { action: string; n: number }[]).map(
          (r) => [r.action, r.n],
        ),
      );
      main.exec('DROP TABLE temp.merge_map');
      return {
        shard: path.resolve(shardPath),
        merged: counts.take ?? 0,
        unchanged: counts.same ?? 0,
        keptNewer: counts.main_newer ?? 0,
        mediaChanged: counts.media_changed ?? 0,
      };
    });
    return run();
  } finally {
    main.exec('DETACH DATABASE shard');
  }
}

function realOrNull(p: string): string | null {
  try {
    return fs.realpathSync(p);
  } catch {
    return null;
  }
}

/** Makes the database of one shard task: a consistent snapshot of the main database (VACUUM INTO,
 * safe while others read it), written under a temporary name and renamed, so a task killed here
 * leaves nothing that looks like a shard. An existing shard database is kept (a requeued task resumes). */
export function snapshotForShard(mainPath: string, shardPath: string): boolean {
  if (fs.existsSync(shardPath)) return false;
  if (!fs.existsSync(mainPath)) throw new MergeError(`main database not found: ${mainPath}`);
  fs.mkdirSync(path.dirname(path.resolve(shardPath)), { recursive: true });
  const tmp = `${shardPath}.tmp-${process.pid}`;
  fs.rmSync(tmp, { force: true });
  const src = new Database(mainPath, { readonly: true, fileMustExist: true });
  try {
    src.pragma('busy_timeout = 10000');
    src.prepare('VACUUM INTO ?').run(tmp);
  } finally {
    src.close();
  }
  // work claims of extractors running on the main database are theirs, not the shard's (store/claims.ts)
  const snap = new Database(tmp);
  try {
    if (snap.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'work_claim'").get()) snap.exec('DELETE FROM work_claim');
  } finally {
    snap.close();
  }
  fs.renameSync(tmp, shardPath);
  return true;
}
