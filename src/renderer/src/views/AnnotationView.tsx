// Annotation, keyboard first: 1..n label the current item (the label set's order), J/K or the arrow
// keys move, space plays the clip, U undoes this session's last change, N jumps to the item the model
// is least sure about (annotate.nextUncertain). Every change is appended to the label history.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Box, Button, Card, CardContent, Checkbox, Chip, FormControlLabel, Stack, Typography } from '@mui/material';
import type { LabelChange } from '../../../shared/types';
import { useApi, useApiData } from '../api-context';
import { useStudio } from '../studio-context';
import { FilterSelect } from '../components/FilterSelect';
import { EmptyState } from '../components/EmptyState';
import { ProbabilityBars } from '../components/ProbabilityBars';
import { Section } from '../components/Section';
import { LabelHistory } from '../components/LabelHistory';
import { ClipPlayer } from '../components/ClipPlayer';

type Split = 'train' | 'dev' | 'test' | 'unsplit';
interface Change {
  id: number;
  old: string | null;
  new: string | null;
}

export function AnnotationView() {
  const { summary, modelsTick, reloadSummary } = useStudio();
  const { call, report } = useApi();
  const [split, setSplit] = useState<'' | Split>('');
  const list = useApiData('utterances.list', split ? { split } : {}, [split, modelsTick]);
  const ids = useMemo(() => (list.data?.rows ?? []).map((r) => r.id), [list.data]);
  const [currentId, setCurrentId] = useState<number | null>(null);
  const [advance, setAdvance] = useState(true);
  const [undo, setUndo] = useState<Change[]>([]);
  const [seen, setSeen] = useState<number[]>([]);
  const [suggestion, setSuggestion] = useState<{ id: number | null; confidence: number | null } | null>(null);
  const [histories, setHistories] = useState<Record<number, LabelChange[]>>({});
  const video = useRef<HTMLMediaElement>(null);
  const labels = summary?.labels ?? [];

  useEffect(() => {
    if (ids.length && (currentId === null || !ids.includes(currentId))) setCurrentId(ids[0]);
  }, [ids, currentId]);
  useEffect(() => {
    if (currentId !== null) setSeen((s) => (s.includes(currentId) ? s : [...s, currentId]));
  }, [currentId]);

  const detail = useApiData('utterances.show', currentId === null ? null : { id: currentId }, [currentId, modelsTick]);
  const d = detail.data && detail.data.id === currentId ? detail.data : null;
  const history = currentId !== null ? (histories[currentId] ?? d?.label_history ?? []) : [];
  const currentLabel = history.length ? history[history.length - 1].new : (d?.label ?? null);
  const index = currentId === null ? -1 : ids.indexOf(currentId);

  const move = useCallback(
    (delta: number) => {
      if (!ids.length) return;
      const i = index < 0 ? 0 : Math.min(ids.length - 1, Math.max(0, index + delta));
      setCurrentId(ids[i]);
    },
    [ids, index],
  );

  const relabel = useCallback(
    async (id: number, label: string | null, source: 'annotate' | 'undo') => {
      const r = await call('utterances.relabel', { id, label, source });
      setHistories((h) => ({ ...h, [id]: r.history }));
      list.setData({ total: list.data?.total ?? 0, rows: (list.data?.rows ?? []).map((row) => (row.id === id ? { ...row, label: r.new } : row)) });
      reloadSummary();
      return r;
    },
    [call, list, reloadSummary],
  );

  const label = useCallback(
    (l: string) => {
      if (currentId === null || !d) return;
      const id = currentId;
      relabel(id, l, 'annotate').then((r) => {
        setUndo((u) => [...u, { id, old: r.old, new: r.new }]);
        if (advance) move(1);
      }, report);
    },
    [currentId, d, relabel, advance, move, report],
  );

  const undoLast = useCallback(() => {
    const last = undo[undo.length - 1];
    if (!last) return;
    relabel(last.id, last.old, 'undo').then(() => {
      setUndo((u) => u.slice(0, -1));
      setCurrentId(last.id);
    }, report);
  }, [undo, relabel, report]);

  const nextUncertain = useCallback(() => {
    call('annotate.nextUncertain', { ...(split && { split }), exclude: seen }).then((s) => {
      setSuggestion(s);
      if (s.id !== null) setCurrentId(s.id);
    }, report);
  }, [call, split, seen, report]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (t && (t.closest('input, textarea, select, [role="combobox"], [role="listbox"]') || t.isContentEditable)) return;
      const k = e.key.toLowerCase();
      const n = Number(e.key);
      if (Number.isInteger(n) && n >= 1 && n <= labels.length) label(labels[n - 1]);
      else if (k === 'j' || k === 'arrowdown' || k === 'arrowright') move(1);
      else if (k === 'k' || k === 'arrowup' || k === 'arrowleft') move(-1);
      else if (k === 'u') undoLast();
      else if (k === 'n') nextUncertain();
      else if (k === ' ') {
        const v = video.current;
        if (v) void (v.paused ? v.play().catch(report) : v.pause());
      } else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [labels, label, move, undoLast, nextUncertain, report]);

  if (summary && summary.total === 0) return <EmptyState title="Nothing to annotate">Import a corpus first.</EmptyState>;
  if (labels.length === 0 && summary) return <EmptyState title="No label set">The corpus defines no labels; import with --labels a,b,c.</EmptyState>;

  return (
    <Stack spacing={2} data-testid="annotation">
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
        <FilterSelect label="Split" value={split} options={['train', 'dev', 'test', 'unsplit']} onChange={(v) => setSplit(v as Split | '')} anyLabel="all" testId="annotate-split" minWidth={100} />
        <Typography variant="body2" data-testid="annotate-position">
          {index >= 0 ? `${index + 1} / ${ids.length}` : ids.length ? '' : 'no items'}
        </Typography>
        <Button size="small" variant="outlined" onClick={(e) => (e.currentTarget.blur(), nextUncertain())} data-testid="next-uncertain">
          Next uncertain (N)
        </Button>
        {suggestion && (
          <Typography variant="caption" color="text.secondary" data-testid="suggestion">
            {suggestion.id === null ? 'no unseen item with a prediction' : `suggested #${suggestion.id}${suggestion.confidence !== null ? `, confidence ${suggestion.confidence.toFixed(2)}` : ''}`}
          </Typography>
        )}
        <FormControlLabel control={<Checkbox size="small" checked={advance} onChange={(e) => setAdvance(e.target.checked)} />} label="next item after labelling" />
      </Stack>

      <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap' }} data-testid="label-keys">
        {labels.map((l, i) => (
          <Button key={l} variant={l === currentLabel ? 'contained' : 'outlined'} size="small" onClick={(e) => (e.currentTarget.blur(), label(l))} data-label={l}>
            <Box component="kbd" sx={{ mr: 1, px: 0.5, border: 1, borderRadius: 0.5, fontSize: 11 }}>
              {i + 1}
            </Box>
            {l}
          </Button>
        ))}
      </Stack>
      <Typography variant="caption" color="text.secondary">
        Keys: 1–{Math.min(9, labels.length)} label · J/K or arrows move · space plays · U undoes · N next uncertain
      </Typography>

      {d ? (
        <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: '1fr 1fr' }, gap: 2 }}>
          <Card variant="outlined">
            <CardContent>
              <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mb: 1 }}>
                <Typography variant="subtitle2">{d.key}</Typography>
                <Chip size="small" label={d.split} />
                <Typography variant="caption" color="text.secondary">
                  #{d.id} · {d.speaker ?? 'unknown speaker'}
                </Typography>
              </Stack>
              <Typography variant="h6" component="p" data-testid="annotate-text">
                {d.text ?? <em>no transcript</em>}
              </Typography>
              <Typography variant="body1" sx={{ mt: 1 }}>
                label: <b data-testid="annotate-label">{currentLabel ?? 'unlabelled'}</b>
              </Typography>
              {d.mediaUrl ? (
                <ClipPlayer ref={video} key={d.id} src={d.mediaUrl} media={d.media} maxHeight={260} testId="annotate-clip" />
              ) : (
                <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
                  no media
                </Typography>
              )}
            </CardContent>
          </Card>
          <Stack spacing={2}>
            <Section title="Model">
              {d.prediction ? (
                <ProbabilityBars probabilities={d.prediction.probabilities} labels={labels} predicted={d.prediction.label} gold={currentLabel} />
              ) : (
                <Typography variant="body2" color="text.secondary">
                  no prediction yet (train a model in Jobs)
                </Typography>
              )}
            </Section>
            <Section title="Label history">
              <LabelHistory history={history} />
            </Section>
            {undo.length > 0 && (
              <Typography variant="caption" color="text.secondary" data-testid="session-changes">
                this session: {undo.map((c) => `#${c.id} ${c.old ?? '∅'}→${c.new ?? '∅'}`).join(', ')}
              </Typography>
            )}
          </Stack>
        </Box>
      ) : (
        <Typography color="text.secondary">{list.loading || detail.loading ? 'loading…' : 'No item selected.'}</Typography>
      )}
    </Stack>
  );
}
