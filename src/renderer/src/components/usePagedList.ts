// utterances.list for any corpus size: the first page, then the following pages appended until the
// total is reached (a page is at most 20,000 rows: a 25,000-utterance corpus used to end at 20,000).
import { useEffect, useRef, useState } from 'react';
import type { ApiInput, UtteranceRow } from '../../../shared/api';
import { useApi } from '../api-context';

export const PAGE = 20000;

export function usePagedList(input: ApiInput<'utterances.list'>, key: unknown[]) {
  const { call, report } = useApi();
  const [state, setState] = useState<{ data: { total: number; rows: UtteranceRow[] } | null; loading: boolean }>({
    data: null,
    loading: true,
  });
  const inputRef = useRef(input);
  inputRef.current = input;
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    (async () => {
      const base = inputRef.current;
      const first = await call('utterances.list', { ...base, offset: 0, limit: PAGE });
      if (!live) return;
      let rows = first.rows;
      setState({ data: { total: first.total, rows }, loading: rows.length < first.total });
      while (live && rows.length < first.total) {
        const next = await call('utterances.list', { ...base, offset: rows.length, limit: PAGE });
        if (!live) return;
        if (next.rows.length === 0) break;
        rows = rows.concat(next.rows);
        setState({ data: { total: first.total, rows }, loading: rows.length < first.total });
      }
      if (live) setState({ data: { total: first.total, rows }, loading: false });
    })().catch((e: unknown) => {
      if (live) {
        report(e);
        setState({ data: null, loading: false });
      }
    });
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [call, report, ...key]);
  return state;
}
