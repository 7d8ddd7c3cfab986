// Where Annotate starts on a new list: the item kept in the URL hash (#annotate;u=ID, written as the
// cursor moves, so a reload or a shared link comes back to it); when that item is not in the list (any
// more), the first item the annotator has not labelled yet, else the first item.
import { useEffect, useRef } from 'react';

export async function startIndex(ids: readonly number[], wanted: number | null, unlabelled: () => Promise<number[]>): Promise<number> {
  if (wanted === null) return 0;
  const i = ids.indexOf(wanted);
  if (i >= 0) return i;
  const free = new Set(await unlabelled().catch(() => [] as number[]));
  const j = ids.findIndex((id) => free.has(id));
  return j >= 0 ? j : 0;
}

/** Puts the cursor on each new list (ids: null while loading): at `wanted` (read once, at mount) on the
 * first list, at the start of the later ones (another filter). */
export function useStartPosition(
  ids: readonly number[] | null,
  setPos: (p: number) => void,
  wanted: number | null,
  unlabelled: () => Promise<number[]>,
): void {
  const startAt = useRef(wanted);
  const free = useRef(unlabelled);
  free.current = unlabelled;
  useEffect(() => {
    if (!ids) return;
    const w = startAt.current;
    startAt.current = null;
    let live = true;
    void startIndex(ids, w, () => free.current()).then((i) => live && setPos(i));
    return () => void (live = false);
  }, [ids, setPos]);
}
