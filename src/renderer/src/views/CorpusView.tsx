// Corpus: dialogues and their utterances in one virtualised table (only the visible window of rows is
// in the DOM, so 13,000 rows scroll smoothly); filters by split, label, prediction, agreement, status
// and errors, and a text search, all applied by the core (utterances.list).
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Button, Checkbox, FormControlLabel, Stack, TextField, Typography, styled } from '@mui/material';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ApiInput, UtteranceRow } from '../../../shared/api';
import { usePagedList } from '../components/usePagedList';
import { useApiData } from '../api-context';
import { useStudio } from '../studio-context';
import { FilterSelect } from '../components/FilterSelect';
import { EmptyState } from '../components/EmptyState';
import { SPLITS } from '../../../shared/types';

const STATUSES = ['pending', 'done', 'partial', 'error', 'missing_media'] as const;
const COLUMNS = '64px 56px 1fr 110px 4fr 90px 90px 56px 110px 48px';
const ROW_H = 32;

type Line = { kind: 'dialogue'; key: string; split: string; dialogue: string | null; n: number } | { kind: 'utt'; row: UtteranceRow };

export function CorpusView() {
  const { summary, openUtterance, modelsTick, setView } = useStudio();
  const [split, setSplit] = useState('');
  const [label, setLabel] = useState('');
  const [prediction, setPrediction] = useState('');
  const [agreement, setAgreement] = useState('');
  const [status, setStatus] = useState('');
  const [hasErrors, setHasErrors] = useState(false);
  const [speaker, setSpeaker] = useState('');
  const [annotator, setAnnotator] = useState('');
  const [unlabelled, setUnlabelled] = useState(false);
  const [disagree, setDisagree] = useState(false);
  const [sort, setSort] = useState<{ col: string; desc: boolean } | null>(null);
  const annotators = useApiData('annotation.info', {}, [modelsTick]).data?.annotators.map((a) => a.name) ?? [];
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  useEffect(() => {
    const t = setTimeout(() => setQ(search.trim()), 250);
    return () => clearTimeout(t);
  }, [search]);

  const input: ApiInput<'utterances.list'> = {
    ...(split && { split: split as (typeof SPLITS)[number] }),
    ...(label && { label }),
    ...(prediction && { prediction }),
    ...(agreement && { agreement: agreement as 'agree' | 'disagree' }),
    ...(status && { status: status as (typeof STATUSES)[number] }),
    ...(hasErrors && { hasErrors: true }),
    ...(speaker.trim() && { speaker: speaker.trim() }),
    ...(annotator && { annotator }),
    ...(unlabelled && { unlabelled: true }),
    ...(disagree && { annotatorsDisagree: true }),
    ...(q && { q }),
  };
  const list = usePagedList(input, [
    split,
    label,
    prediction,
    agreement,
    status,
    hasErrors,
    q,
    speaker,
    annotator,
    unlabelled,
    disagree,
    modelsTick,
  ]); // any corpus size

  const lines = useMemo<Line[]>(() => {
    const rows = list.data?.rows ?? [];
    // a sorted column: one flat list (the dialogue grouping would break it up)
    if (sort) return sortRows(rows, sort.col, sort.desc).map((row): Line => ({ kind: 'utt', row }));
    const groups = new Map<string, UtteranceRow[]>();
    for (const r of rows) {
      const k = `${r.split}/${r.dialogue ?? '-'}`;
      const g = groups.get(k);
      if (g) g.push(r);
      else groups.set(k, [r]);
    }
    const out: Line[] = [];
    for (const [key, g] of groups) {
      out.push({ kind: 'dialogue', key, split: g[0].split, dialogue: g[0].dialogue, n: g.length });
      if (!collapsed.has(key)) for (const row of g) out.push({ kind: 'utt', row });
    }
    return out;
  }, [list.data, collapsed, sort]);

  const labels = summary?.labels ?? [];
  const toggle = useCallback(
    (key: string) =>
      setCollapsed((s) => {
        const n = new Set(s);
        if (n.has(key)) n.delete(key);
        else n.add(key);
        return n;
      }),
    [],
  );

  if (summary && summary.total === 0) {
    return (
      <EmptyState title="No corpus yet" testId="corpus-empty">
        <Button variant="contained" size="small" sx={{ my: 1 }} onClick={() => setView('import')} data-testid="corpus-import">
          Import a corpus…
        </Button>
        <br />
        MELD CSVs, a folder of clips, transcripts, or any CSV with its columns named (also{' '}
        <code>emotion-studio import PATH --db {summary.db}</code>).
      </EmptyState>
    );
  }

  return (
    <Stack spacing={1.5} sx={{ height: 'calc(100vh - 96px)', minHeight: 400 }}>
      <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap', alignItems: 'center' }}>
        <TextField
          size="small"
          label="Search text"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          slotProps={{ htmlInput: { 'data-testid': 'corpus-search' } }}
          sx={{ minWidth: 220 }}
        />
        <FilterSelect
          label="Split"
          value={split}
          options={SPLITS}
          onChange={setSplit}
          anyLabel="any"
          testId="filter-split"
          minWidth={100}
        />
        <FilterSelect label="Label" value={label} options={labels} onChange={setLabel} anyLabel="any" testId="filter-label" />
        <FilterSelect
          label="Prediction"
          value={prediction}
          options={labels}
          onChange={setPrediction}
          anyLabel="any"
          testId="filter-prediction"
        />
        <FilterSelect
          label="Agreement"
          value={agreement}
          options={['agree', 'disagree']}
          onChange={setAgreement}
          anyLabel="any"
          testId="filter-agreement"
        />
        <FilterSelect label="Status" value={status} options={STATUSES} onChange={setStatus} anyLabel="any" testId="filter-status" />
        <FormControlLabel
          control={<Checkbox size="small" checked={hasErrors} onChange={(e) => setHasErrors(e.target.checked)} />}
          label="with errors"
        />
        <TextField
          size="small"
          label="Speaker"
          value={speaker}
          onChange={(e) => setSpeaker(e.target.value)}
          slotProps={{ htmlInput: { 'data-testid': 'filter-speaker' } }}
          sx={{ width: 120 }}
        />
        <FilterSelect
          label="Annotator"
          value={annotator}
          options={annotators}
          onChange={setAnnotator}
          anyLabel="any"
          testId="filter-annotator"
        />
        <FormControlLabel
          control={
            <Checkbox size="small" checked={unlabelled} onChange={(e) => setUnlabelled(e.target.checked)} data-testid="filter-unlabelled" />
          }
          label="unlabelled"
        />
        <FormControlLabel
          control={
            <Checkbox
              size="small"
              checked={disagree}
              onChange={(e) => setDisagree(e.target.checked)}
              data-testid="filter-annotators-disagree"
            />
          }
          label="annotators disagree"
        />
        <Typography variant="body2" color="text.secondary" data-testid="corpus-count" sx={{ ml: 'auto' }}>
          {list.loading
            ? 'loading…'
            : list.data
              ? `${list.data.total.toLocaleString('en')} utterance${list.data.total === 1 ? '' : 's'}`
              : ''}
        </Typography>
      </Stack>
      <CorpusTable
        sort={sort}
        onSort={setSort}
        lines={lines}
        total={list.data?.total ?? 0}
        empty={!!list.data && lines.length === 0}
        collapsed={collapsed}
        onToggle={toggle}
        onOpen={openUtterance}
      />
    </Stack>
  );
}

// The table re-renders on every scroll frame, so it is kept apart from the filter bar (memo) and its
// rows are plain elements styled by one stylesheet on the container (no per-row sx or MUI components:
// per-row style computation is what makes long lists stutter).
const TableBox = styled('div')(({ theme }) => ({
  flex: 1,
  minHeight: 0,
  display: 'flex',
  flexDirection: 'column',
  border: `1px solid ${theme.palette.divider}`,
  borderRadius: theme.shape.borderRadius,
  fontSize: 13,
  '& .es-head, & .es-row': { display: 'grid', gridTemplateColumns: COLUMNS, alignItems: 'center', padding: '0 8px' },
  '& .es-head': {
    padding: '6px 8px',
    fontWeight: 600,
    borderBottom: `1px solid ${theme.palette.divider}`,
    background: theme.palette.action.hover,
  },
  // containment: a row's layout never affects the rest of the page, so the browser lays out only rows
  '& .es-scroll': { flex: 1, minHeight: 0, overflow: 'auto', position: 'relative', contain: 'strict' },
  '& .es-row, & .es-dialogue': { position: 'absolute', top: 0, left: 0, right: 0, height: ROW_H, cursor: 'pointer', contain: 'strict' },
  '& .es-row': { borderBottom: `1px solid ${theme.palette.divider}` },
  '& .es-row:hover, & .es-row:focus-visible': { background: theme.palette.action.hover, outline: 'none' },
  '& .es-row > span': { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', paddingRight: 8 },
  '& .es-dialogue': {
    display: 'flex',
    alignItems: 'center',
    gap: 8,
    padding: '0 8px',
    fontWeight: 600,
    background: theme.palette.action.selected,
  },
  '& .es-dialogue small': { fontWeight: 400, color: theme.palette.text.secondary },
  '& .es-disagree': { color: theme.palette.error.main },
  '& .es-muted': { color: theme.palette.text.secondary },
  '& .es-status': { display: 'inline-block', padding: '1px 8px', borderRadius: 12, border: '1px solid', fontSize: 12, lineHeight: '18px' },
  '& .es-status[data-s=done]': { color: theme.palette.success.main },
  '& .es-status[data-s=error]': { color: theme.palette.error.main },
  '& .es-status[data-s=partial]': { color: theme.palette.warning.main },
  // no clip is a normal state (MELD rows used through their transcript): no warning colour
  '& .es-status[data-s=missing_media]': { color: theme.palette.text.secondary },
  '& .es-status[data-s=pending]': { color: theme.palette.text.secondary },
  '& .es-errors': { color: theme.palette.error.main },
  '& .es-empty': { padding: 16, color: theme.palette.text.secondary },
}));

const HEADERS = ['id', 'split', 'dialogue', 'speaker', 'text', 'label', 'predicted', 'conf.', 'status', 'err.'];
const HEADER_TIPS: Record<string, string> = {
  'conf.':
    "probability of the predicted class (the SVM's decision, as in 'predicted'). The decision and the calibrated probabilities can disagree: * marks a row where another class is more probable (the cell's tooltip names it)",
};

/** The conf. cell: the predicted class's own probability, and the top class beside it where that differs. */
function ConfCell(props: { r: UtteranceRow }) {
  const { r } = props;
  if (r.prediction_p === null) return <span role="cell" />;
  const tip =
    r.top_label !== null && r.confidence !== null
      ? `p(${r.prediction}) = ${r.prediction_p.toFixed(3)}; the most probable class is ${r.top_label} (${r.confidence.toFixed(3)})`
      : `p(${r.prediction}) = ${r.prediction_p.toFixed(3)}`;
  return (
    <span role="cell" title={tip} data-testid="conf-cell">
      {r.prediction_p.toFixed(2)}
      {r.top_label !== null ? '*' : ''}
    </span>
  );
}

const SORT_FIELD: Record<string, (r: UtteranceRow) => string | number | null> = {
  id: (r) => r.id,
  split: (r) => r.split,
  dialogue: (r) => r.dialogue,
  speaker: (r) => r.speaker,
  text: (r) => r.text,
  label: (r) => r.label,
  predicted: (r) => r.prediction,
  'conf.': (r) => r.confidence,
  status: (r) => r.status,
  'err.': (r) => r.errors,
};

/** Rows sorted by a column header (empty values last, ties by id). */
export function sortRows(rows: UtteranceRow[], col: string, desc: boolean): UtteranceRow[] {
  const get = SORT_FIELD[col] ?? SORT_FIELD.id;
  const dir = desc ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = get(a);
    const y = get(b);
    if (x === null || x === undefined || y === null || y === undefined)
      return x === y || (x == null && y == null) ? a.id - b.id : x == null ? 1 : -1;
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
    return c !== 0 ? dir * c : a.id - b.id;
  });
}

const CorpusTable = memo(function CorpusTable(props: {
  lines: Line[];
  total: number;
  empty: boolean;
  collapsed: Set<string>;
  onToggle: (key: string) => void;
  onOpen: (id: number) => void;
  sort: { col: string; desc: boolean } | null;
  onSort: (s: { col: string; desc: boolean } | null) => void;
}) {
  const { lines, collapsed, onToggle, onOpen, sort, onSort } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  // fixed row height, no measuring; a small overscan and no flushSync in the scroll handler: on a fast
  // scroll every visible row is new each frame, and rendering fewer of them, batched, keeps frames short
  const virtualizer = useVirtualizer({
    count: lines.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_H,
    overscan: 4,
    useFlushSync: false,
  });
  return (
    <TableBox role="table" aria-label="Utterances" aria-rowcount={props.total}>
      <div role="row" className="es-head">
        {HEADERS.map((h) => (
          // a click sorts by the column, again the other way, a third time back to dialogues
          <span
            role="columnheader"
            key={h}
            title={`${HEADER_TIPS[h] ?? h} (click to sort)`}
            data-testid={`sort-${h}`}
            style={{ cursor: 'pointer', userSelect: 'none' }}
            aria-sort={sort?.col === h ? (sort.desc ? 'descending' : 'ascending') : 'none'}
            onClick={() => onSort(sort?.col !== h ? { col: h, desc: false } : !sort.desc ? { col: h, desc: true } : null)}
          >
            {h}
            {sort?.col === h ? (sort.desc ? ' ▼' : ' ▲') : ''}
          </span>
        ))}
      </div>
      <div ref={scrollRef} className="es-scroll" data-testid="corpus-scroll">
        {props.empty && <div className="es-empty">No utterance matches these filters.</div>}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((v) => {
            const line = lines[v.index];
            return line.kind === 'dialogue' ? (
              <DialogueLine key={line.key} line={line} start={v.start} collapsed={collapsed.has(line.key)} onToggle={onToggle} />
            ) : (
              <UtteranceLine key={line.row.id} row={line.row} start={v.start} onOpen={onOpen} />
            );
          })}
        </div>
      </div>
    </TableBox>
  );
});

const DialogueLine = memo(function DialogueLine(props: {
  line: Extract<Line, { kind: 'dialogue' }>;
  start: number;
  collapsed: boolean;
  onToggle: (key: string) => void;
}) {
  const { line } = props;
  return (
    <div
      role="row"
      className="es-dialogue"
      data-testid="dialogue-row"
      style={{ transform: `translateY(${props.start}px)` }}
      onClick={() => props.onToggle(line.key)}
    >
      <span>{props.collapsed ? '▸' : '▾'}</span>
      <span>
        {line.split} · dialogue {line.dialogue ?? '—'}
      </span>
      <small>
        {line.n} utterance{line.n === 1 ? '' : 's'}
      </small>
    </div>
  );
});

const UtteranceLine = memo(function UtteranceLine(props: { row: UtteranceRow; start: number; onOpen: (id: number) => void }) {
  const r = props.row;
  const disagree = r.prediction !== null && r.label !== null && r.prediction !== r.label;
  return (
    <div
      role="row"
      className="es-row"
      data-testid="utterance-row"
      data-id={r.id}
      tabIndex={0}
      style={{ transform: `translateY(${props.start}px)` }}
      onClick={() => props.onOpen(r.id)}
      onKeyDown={(e) => e.key === 'Enter' && props.onOpen(r.id)}
    >
      <span role="cell">{r.id}</span>
      <span role="cell">{r.split}</span>
      <span role="cell">{r.dialogue ?? '—'}</span>
      <span role="cell">{r.speaker ?? '—'}</span>
      <span role="cell" title={r.text ?? ''}>
        {r.text ?? <em>no transcript</em>}
      </span>
      <span role="cell">{r.label ?? '—'}</span>
      <span role="cell" className={disagree ? 'es-disagree' : undefined}>
        {r.prediction ?? '—'}
      </span>
      <ConfCell r={r} />
      <span role="cell">
        <span className="es-status" data-s={r.status}>
          {r.status}
        </span>
      </span>
      <span role="cell" className="es-errors">
        {r.errors || ''}
      </span>
    </div>
  );
});
