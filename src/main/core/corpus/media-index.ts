// Finding media files under a corpus root.
import fs from 'node:fs';
import path from 'node:path';
import type { Split } from '../../../shared/types';
import { ImportError, MEDIA_EXTENSIONS } from './types';

/** Base name (no extension) -> absolute path, plus '<split>/<base name>' entries; see indexMediaFiles. */
export type MediaIndex = Map<string, string>;

const EXT_RANK = new Map<string, number>(MEDIA_EXTENSIONS.map((e, i) => [e, i]));
const SKIP_DIRS = new Set(['node_modules', '__MACOSX']);
const SPLIT_RANK: Record<Split, number> = { unsplit: 0, train: 1, dev: 2, test: 3 };

export function isMediaFile(name: string): boolean {
  return !name.startsWith('.') && EXT_RANK.has(path.extname(name).slice(1).toLowerCase());
}

/**
 * The split a folder path points to, from its folder names (deepest first): a name whose words include
 * train/training -> train, dev/val/valid/validation/development -> dev, test/testing -> test. This covers
 * MELD's archive folders train_splits/, dev_splits_complete/ and output_repeated_splits_test/. A name
 * naming two splits ('train_test') says nothing. 'unsplit' when no folder says anything.
 */
export function splitHint(relDir: string): Split {
  const segs = relDir.split(/[\\/]+/).filter((s) => s && s !== '.');
  for (let i = segs.length - 1; i >= 0; i--) {
    const words = new Set(segs[i].toLowerCase().split(/[^a-z0-9]+/));
    const found: Split[] = [];
    if (words.has('train') || words.has('training')) found.push('train');
    if (['dev', 'val', 'valid', 'validation', 'development'].some((w) => words.has(w))) found.push('dev');
    if (words.has('test') || words.has('testing')) found.push('test');
    if (found.length === 1) return found[0];
  }
  return 'unsplit';
}

export interface MediaListing {
  /** absolute paths, sorted by their path relative to the root */
  files: string[];
  /** folders below the root that could not be read */
  unreadable: { dir: string; reason: string }[];
}

/**
 * Every media file under root (or every file accept() takes), recursively and in a deterministic order. Hidden files and folders
 * (leading dot), node_modules and __MACOSX are skipped; symbolic links to folders are followed once.
 * Throws ImportError when root itself cannot be read.
 */
export function listMediaFiles(root: string, accept: (name: string) => boolean = isMediaFile): MediaListing {
  const abs = path.resolve(root);
  const out: MediaListing = { files: [], unreadable: [] };
  const seen = new Set<string>();
  const walk = (dir: string, top: boolean) => {
    let entries: fs.Dirent[];
    try {
      const real = fs.realpathSync(dir);
      if (seen.has(real)) return;
      seen.add(real);
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      if (top) throw new ImportError(dir, `cannot read the folder (${reason})`);
      out.unreadable.push({ dir, reason });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const ent of entries) {
      if (ent.name.startsWith('.')) continue;
      const p = path.join(dir, ent.name);
      let isDir = ent.isDirectory();
      let isFile = ent.isFile();
      if (ent.isSymbolicLink()) {
        try {
          const st = fs.statSync(p);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch {
          continue; // dangling link
        }
      }
      if (isDir) {
        if (!SKIP_DIRS.has(ent.name)) walk(p, false);
      } else if (isFile && accept(ent.name)) out.files.push(p);
    }
  };
  walk(abs, true);
  return out;
}

/**
 * Indexes the media files under root by base name without extension ('dia0_utt3'), for looking clips up
 * by name wherever they sit. Each file is entered twice: under '<split>/<name>', where split is the
 * splitHint of its folder relative to root ('unsplit' when none), and under the bare '<name>'.
 *
 * Duplicate rule (deterministic): when several files claim one entry, the winner is the one with
 * - for the bare name only: the folder without a split hint first, then train, dev, test;
 * - then the preferred extension (MEDIA_EXTENSIONS order: video before audio, mp4 first);
 * - then the shallower path, then the smaller path in code-unit order.
 * MELD reuses names across splits (train_splits/dia0_utt0.mp4, dev_splits_complete/dia0_utt0.mp4), so
 * look clips up with findClip, which never crosses splits.
 */
export function indexMediaFiles(root: string): MediaIndex {
  const abs = path.resolve(root);
  const best = new Map<string, { file: string; rank: number[] }>();
  const offer = (key: string, file: string, rank: number[], rel: string) => {
    const cur = best.get(key);
    if (!cur || better(rank, rel, cur.rank, path.relative(abs, cur.file))) best.set(key, { file, rank });
  };
  for (const file of listMediaFiles(abs).files) {
    const rel = path.relative(abs, file);
    const ext = path.extname(file);
    const name = path.basename(file, ext);
    const hint = splitHint(path.dirname(rel));
    const extRank = EXT_RANK.get(ext.slice(1).toLowerCase()) ?? 99;
    const depth = rel.split(path.sep).length;
    offer(`${hint}/${name}`, file, [extRank, depth], rel);
    offer(name, file, [SPLIT_RANK[hint], extRank, depth], rel);
  }
  const index: MediaIndex = new Map();
  for (const k of [...best.keys()].sort()) index.set(k, best.get(k)!.file);
  return index;
}

function better(a: number[], relA: string, b: number[], relB: string): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return relA < relB;
}

/**
 * The clip called name for an utterance of the given split: the file in a folder of that split, else one
 * in a folder naming no split; for an 'unsplit' utterance, any file of that name (the bare entry).
 * A clip in another split's folder is never returned (MELD's dia0_utt0 exists in every split).
 */
export function findClip(index: MediaIndex, name: string, split: Split): string | null {
  if (split === 'unsplit') return index.get(name) ?? null;
  return index.get(`${split}/${name}`) ?? index.get(`unsplit/${name}`) ?? null;
}
