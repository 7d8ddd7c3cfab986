// Annotate's filters (split, speaker, labelled by, not labelled by me, annotators disagree), kept in the
// URL hash beside the position, in its style: #annotate;u=12;split=dev;speaker=Ann;by=ben;unlabelled=1;
// disagree=1 (values URI-encoded). A reload or a shared link comes back to the same filtered list, so
// the item shows as 7 / 20 again, not as 17 / 40 in the whole list.
import { useCallback, useEffect, useMemo, useState } from 'react';

export type AnnotateSplit = 'train' | 'dev' | 'test' | 'unsplit';
export interface AnnotateFilters {
  split: '' | AnnotateSplit;
  speaker: string;
  by: string;
  unlabelled: boolean;
  disagree: boolean;
}
const NONE: AnnotateFilters = { split: '', speaker: '', by: '', unlabelled: false, disagree: false };
const SPLIT_NAMES: readonly string[] = ['train', 'dev', 'test', 'unsplit'];
const KEYS = ['split', 'speaker', 'by', 'unlabelled', 'disagree'];

/** The filters a hash names (`#annotate;u=12;split=dev`); a missing or unknown value is no filter. */
export function filtersFromHash(hash: string): AnnotateFilters {
  const f = { ...NONE };
  for (const part of hash.replace(/^#/, '').split(';').slice(1)) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    let v: string;
    try {
      v = decodeURIComponent(part.slice(eq + 1));
    } catch {
      continue; // a mangled value: that filter stays off
    }
    const k = part.slice(0, eq);
    if (k === 'split' && SPLIT_NAMES.includes(v)) f.split = v as AnnotateSplit;
    else if (k === 'speaker') f.speaker = v;
    else if (k === 'by') f.by = v;
    else if (k === 'unlabelled') f.unlabelled = v === '1';
    else if (k === 'disagree') f.disagree = v === '1';
  }
  return f;
}

/** `hash` with its filter parameters those of `f` (none for a filter that is off), the others (u=ID) kept. */
export function hashWithFilters(hash: string, f: AnnotateFilters): string {
  const [view, ...params] = hash.replace(/^#/, '').split(';');
  const kept = params.filter((p) => p !== '' && !KEYS.includes(p.split('=')[0]));
  const on: [string, string][] = [
    ['split', f.split],
    ['speaker', f.speaker],
    ['by', f.by],
    ['unlabelled', f.unlabelled ? '1' : ''],
    ['disagree', f.disagree ? '1' : ''],
  ];
  const added = on.filter(([, v]) => v !== '').map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
  return `#${[view, ...kept, ...added].join(';')}`;
}

/** The filters, read from the hash at mount and written back to it as they change; `query` is the
 * annotation.ids filter (null while "not labelled by me" waits for the annotator's name, so that the
 * first list fetched is already the filtered one and the position in the hash is found in it). */
export function useAnnotateFilters(me: string, infoLoaded: boolean) {
  const [f, setF] = useState<AnnotateFilters>(() => filtersFromHash(location.hash));
  useEffect(() => {
    const h = hashWithFilters(location.hash, f);
    if (h !== location.hash) history.replaceState(null, '', `${location.pathname}${location.search}${h}`);
  }, [f]);
  const set = useCallback(<K extends keyof AnnotateFilters>(k: K, v: AnnotateFilters[K]) => setF((p) => ({ ...p, [k]: v })), []);
  const query = useMemo(
    () =>
      f.unlabelled && !infoLoaded
        ? null
        : {
            ...(f.split && { split: f.split }),
            ...(f.speaker && { speaker: f.speaker }),
            ...(f.by && { annotator: f.by }),
            ...(f.unlabelled && me && { unlabelledBy: me }),
            ...(f.disagree && { disagree: true }),
          },
    [f, me, infoLoaded],
  );
  return { f, set, query };
}

/** A select's options with the chosen value among them (a name from the hash, before the list loads). */
export function withChosen(options: string[], chosen: string): string[] {
  return chosen === '' || options.includes(chosen) ? options : [...options, chosen];
}
