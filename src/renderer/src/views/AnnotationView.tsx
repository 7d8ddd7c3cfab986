// Annotation, keyboard first: each label has a key (1..9, 0, then letters; remappable, kept in the settings), J/K or the arrows
// move, space plays the clip, U undoes this session's last change, N jumps to the item the model is least sure about. Every key
// (U too) lands on the item shown when it was pressed, in order, however fast: the cursor moves at once, changes go one by one.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Box, Button, Card, CardContent, Checkbox, Chip, FormControlLabel, Stack, TextField, Typography } from '@mui/material';
import { SPLITS, type LabelChange } from '../../../shared/types';
import { keysFor } from '../../../shared/api-annotation';
import { useApi, useApiData } from '../api-context';
import { useStudio } from '../studio-context';
import { FilterSelect } from '../components/FilterSelect';
import { EmptyState } from '../components/EmptyState';
import { ProbabilityBars } from '../components/ProbabilityBars';
import { Section } from '../components/Section';
import { LabelHistory } from '../components/LabelHistory';
import { ClipPlayer } from '../components/ClipPlayer';
import { keyBelongsToTarget, serialQueue } from '../annotate/keys';
import { DialogueContext } from '../annotate/DialogueContext';
import { KeymapDialog } from '../annotate/KeymapDialog';
import { useStartPosition } from '../annotate/position';
import { useAnnotateFilters, withChosen, type AnnotateSplit } from '../annotate/filters';

interface Change {
  id: number;
  change: number | null; // the history row annotation.undo takes back; null: the key changed nothing
}

export function AnnotationView() {
  const { summary, modelsTick, reloadSummary, utteranceId, selectUtterance, bumpAnnotator } = useStudio();
  const { call, report } = useApi();
  const infoQ = useApiData('annotation.info', {}, []);
  const info = infoQ.data;
  const me = info?.annotator ?? '';
  // the filters live in the hash too (annotate/filters.ts): a reload keeps the list and the position in it
  const { f: filters, set: setFilter, query: filter } = useAnnotateFilters(me, info !== null);
  const { split } = filters;
  const idsQ = useApiData('annotation.ids', filter, [JSON.stringify(filter)]);
  const ids = useMemo(() => idsQ.data?.ids ?? [], [idsQ.data]);
  const idsRef = useRef(ids);
  idsRef.current = ids;
  const [pos, setPosState] = useState(0);
  const posRef = useRef(0);
  const setPos = useCallback((p: number) => {
    posRef.current = p;
    setPosState(p);
  }, []);
  const [advance, setAdvance] = useState(true);
  const [blind, setBlind] = useState<boolean | null>(null);
  const [keymapOpen, setKeymapOpen] = useState(false);
  const [nameDraft, setNameDraft] = useState('');
  const [sessionChanges, setSessionChanges] = useState<{ id: number; old: string | null; new: string | null; mine: string | null }[]>([]);
  const undoRef = useRef<Change[]>([]);
  const pressedRef = useRef<number[]>([]); // items labelled this session, known at the key press
  const [seen, setSeen] = useState<number[]>([]);
  const [suggestion, setSuggestion] = useState<{ id: number | null; confidence: number | null } | null>(null);
  const [histories, setHistories] = useState<Record<number, LabelChange[]>>({});
  const [golds, setGolds] = useState<Record<number, string | null>>({});
  const [mine, setMine] = useState<Record<number, string | null>>({});
  const queue = useRef(serialQueue()).current;
  const video = useRef<HTMLMediaElement>(null);
  const labels = useMemo(() => summary?.labels ?? [], [summary]);
  const keys = useMemo(() => keysFor(labels, info?.keymap ?? {}), [labels, info]);
  const keyOf = useMemo(() => new Map([...keys].map(([k, l]) => [l, k])), [keys]);
  // blind by default once several annotators work on the corpus (nobody anchors on the others)
  const isBlind = blind ?? (info ? info.annotators.filter((a) => a.name !== me).length > 0 : false);

  // a new list: start at the utterance in the hash (this view's last position, or one opened elsewhere)
  useStartPosition(idsQ.data ? ids : null, setPos, utteranceId, () =>
    call('annotation.ids', { ...(filter ?? {}), ...(me && { unlabelledBy: me }) }).then((r) => r.ids),
  );
  const currentId = ids.length ? ids[Math.min(pos, ids.length - 1)] : null;
  useEffect(() => {
    if (currentId === null) return;
    setSeen((s) => (s.includes(currentId) ? s : [...s, currentId]));
    selectUtterance(currentId); // the hash keeps the position across reloads
  }, [currentId, selectUtterance]);

  const detail = useApiData('utterances.show', currentId === null ? null : { id: currentId }, [currentId, modelsTick]);
  const item = useApiData('annotation.item', currentId === null ? null : { id: currentId }, [currentId, modelsTick]);
  const d = detail.data && detail.data.id === currentId ? detail.data : null;
  const history = currentId !== null ? (histories[currentId] ?? d?.label_history ?? []) : [];
  const gold = currentId !== null && currentId in golds ? golds[currentId] : (d?.label ?? null);
  const annotations = item.data?.annotations ?? [];
  const myLabel = currentId !== null && currentId in mine ? mine[currentId] : (annotations.find((a) => a.annotator === me)?.label ?? null);
  const shownLabel = isBlind ? myLabel : gold;

  const move = useCallback(
    (delta: number) => {
      const n = idsRef.current.length;
      if (n) setPos(Math.min(n - 1, Math.max(0, posRef.current + delta)));
    },
    [setPos],
  );

  // what the server answered to a change or an undo
  const shown = useCallback(
    (id: number, r: { history: LabelChange[]; new: string | null }, mineNow: string | null) => {
      setHistories((h) => ({ ...h, [id]: r.history }));
      setGolds((g) => ({ ...g, [id]: r.new }));
      setMine((m) => ({ ...m, [id]: mineNow }));
      reloadSummary();
    },
    [reloadSummary],
  );

  // the item is fixed when the key is pressed; the cursor moves at once, the change goes after those queued before it
  const label = useCallback(
    (l: string) => {
      const id = idsRef.current[posRef.current];
      if (id === undefined) return;
      if (advance) move(1);
      pressedRef.current.push(id);
      queue
        .push(() => call('utterances.relabel', { id, label: l, source: 'annotate' }))
        .then((r) => {
          shown(id, r, l);
          undoRef.current.push({ id, change: r.change_id ?? null });
          setSessionChanges((c) => [...c, { id, old: r.old, new: r.new, mine: l }]);
        }, report);
    },
    [advance, move, queue, call, shown, report],
  );

  const undoLast = useCallback(() => {
    const id = pressedRef.current.pop(); // the cursor goes back at once; the undo waits for the changes queued before it
    if (id === undefined) return;
    if (idsRef.current.includes(id)) setPos(idsRef.current.indexOf(id));
    queue
      .push(async () => {
        const k = undoRef.current.map((c) => c.id).lastIndexOf(id);
        if (k < 0) return; // that change never reached the server (its error was shown)
        const [last] = undoRef.current.splice(k, 1);
        // the server takes back exactly that change: the annotator's own label before it (none: they no
        // longer count for the item) and the gold label with its source
        if (last.change !== null) {
          const r = await call('annotation.undo', { id, change: last.change });
          shown(id, r, r.mine);
        }
        setSessionChanges((c) => c.filter((_, j) => j !== k));
      })
      .catch(report);
  }, [queue, call, shown, setPos, report]);

  const nextUncertain = useCallback(() => {
    call('annotate.nextUncertain', { ...(split && { split }), exclude: seen }).then((s) => {
      setSuggestion(s);
      const i = s.id === null ? -1 : idsRef.current.indexOf(s.id);
      if (i >= 0) setPos(i);
    }, report);
  }, [call, split, seen, report, setPos]);

  const handlers = useRef({ label, move, undoLast, nextUncertain, keys });
  handlers.current = { label, move, undoLast, nextUncertain, keys };
  useEffect(() => {
    // capture phase: a focused tab, select, checkbox or video never also acts on the shortcut keys
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || keyBelongsToTarget(e.target)) return;
      const h = handlers.current;
      const k = e.key.toLowerCase();
      const l = h.keys.get(k);
      if (l !== undefined) h.label(l);
      else if (k === 'j' || k === 'arrowdown' || k === 'arrowright') h.move(1);
      else if (k === 'k' || k === 'arrowup' || k === 'arrowleft') h.move(-1);
      else if (k === 'u') h.undoLast();
      else if (k === 'n') h.nextUncertain();
      else if (k === ' ') {
        const v = video.current;
        if (v) void (v.paused ? v.play().catch(() => undefined) : v.pause());
      } else return;
      e.preventDefault();
      e.stopPropagation();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);

  if (summary && summary.total === 0) return <EmptyState title="Nothing to annotate">Import a corpus first.</EmptyState>;
  if (labels.length === 0 && summary)
    return <EmptyState title="No label set">The corpus defines no labels; import with --labels a,b,c.</EmptyState>;

  const others = annotations.filter((a) => a.annotator !== me);
  return (
    <Stack spacing={2} data-testid="annotation">
      {info && !info.named && (
        <Alert severity="info" data-testid="annotator-prompt">
          <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
            <span>
              Your labels are recorded as <b>{info.annotator}</b>. Your name:
            </span>
            <TextField
              size="small"
              value={nameDraft}
              onChange={(e) => setNameDraft(e.target.value)}
              slotProps={{ htmlInput: { 'data-testid': 'annotator-name-input' } }}
            />
            <Button
              size="small"
              variant="contained"
              disabled={!nameDraft.trim()}
              data-testid="annotator-name-save"
              onClick={(e) => {
                e.currentTarget.blur();
                call('annotation.setName', { name: nameDraft.trim() }).then((i) => (infoQ.setData(i), bumpAnnotator()), report);
              }}
            >
              Save
            </Button>
          </Stack>
        </Alert>
      )}
      <Stack direction="row" spacing={2} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
        <FilterSelect
          label="Split"
          value={split}
          options={SPLITS}
          onChange={(v) => setFilter('split', v as AnnotateSplit | '')}
          anyLabel="all"
          testId="annotate-split"
          minWidth={100}
        />
        <TextField
          size="small"
          label="Speaker"
          value={filters.speaker}
          onChange={(e) => setFilter('speaker', e.target.value)}
          sx={{ width: 130 }}
          slotProps={{ htmlInput: { 'data-testid': 'annotate-speaker' } }}
        />
        <FilterSelect
          label="Labelled by"
          value={filters.by}
          options={withChosen(
            (info?.annotators ?? []).map((a) => a.name),
            filters.by,
          )}
          onChange={(v) => setFilter('by', v)}
          anyLabel="anyone"
          testId="annotate-by"
          minWidth={120}
        />
        <FormControlLabel
          control={
            <Checkbox
              size="small"
              checked={filters.unlabelled}
              onChange={(e) => setFilter('unlabelled', e.target.checked)}
              data-testid="annotate-unlabelled"
            />
          }
          label="not labelled by me"
        />
        <FormControlLabel
          control={
            <Checkbox
              size="small"
              checked={filters.disagree}
              onChange={(e) => setFilter('disagree', e.target.checked)}
              data-testid="annotate-disagree"
            />
          }
          label="annotators disagree"
        />
        <Typography variant="body2" data-testid="annotate-position">
          {currentId !== null ? `${pos + 1} / ${ids.length}` : idsQ.data ? 'no items' : ''}
        </Typography>
      </Stack>
      <Stack direction="row" spacing={2} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
        <Button size="small" variant="outlined" onClick={(e) => (e.currentTarget.blur(), nextUncertain())} data-testid="next-uncertain">
          Next uncertain (N)
        </Button>
        {suggestion && (
          <Typography variant="caption" color="text.secondary" data-testid="suggestion">
            {suggestion.id === null
              ? 'no unseen item with a prediction'
              : `suggested #${suggestion.id}${suggestion.confidence !== null ? `, confidence ${suggestion.confidence.toFixed(2)}` : ''}`}
          </Typography>
        )}
        <FormControlLabel
          control={
            <Checkbox size="small" checked={advance} onChange={(e) => setAdvance(e.target.checked)} data-testid="annotate-advance" />
          }
          label="next item after labelling"
        />
        <FormControlLabel
          control={<Checkbox size="small" checked={isBlind} onChange={(e) => setBlind(e.target.checked)} data-testid="annotate-blind" />}
          label="blind (hide others' labels and the model)"
        />
        <Button size="small" onClick={(e) => (e.currentTarget.blur(), setKeymapOpen(true))} data-testid="keymap-open">
          Keys…
        </Button>
      </Stack>

      <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap' }} data-testid="label-keys">
        {labels.map((l) => (
          <Button
            key={l}
            variant={l === shownLabel ? 'contained' : 'outlined'}
            size="small"
            onClick={(e) => (e.currentTarget.blur(), label(l))}
            data-label={l}
            data-key={keyOf.get(l) ?? ''}
          >
            <Box component="kbd" sx={{ mr: 1, px: 0.5, border: 1, borderRadius: 0.5, fontSize: 11 }}>
              {(keyOf.get(l) ?? '–').toUpperCase()}
            </Box>
            {l}
          </Button>
        ))}
      </Stack>
      <Typography variant="caption" color="text.secondary">
        Keys: shown on each label · J/K or arrows move · space plays · U undoes · N next uncertain · labelling as{' '}
        <b data-testid="annotate-as">{me}</b>
      </Typography>
      {keymapOpen && (
        <KeymapDialog
          open
          keys={keys}
          labels={labels}
          onClose={() => setKeymapOpen(false)}
          onSave={(keymap) =>
            call('annotation.setKeymap', { keymap }).then((i) => {
              infoQ.setData(i);
              setKeymapOpen(false);
            }, report)
          }
        />
      )}

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
                {isBlind ? 'your label' : 'label'}: <b data-testid="annotate-label">{shownLabel ?? 'unlabelled'}</b>
              </Typography>
              {d.mediaUrl ? (
                // a click on the clip leaves the keys to the view (space would act twice otherwise)
                <Box onFocusCapture={(e) => (e.target as HTMLElement).blur()}>
                  <ClipPlayer ref={video} key={d.id} src={d.mediaUrl} media={d.media} span={d} maxHeight={260} testId="annotate-clip" />
                </Box>
              ) : (
                <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
                  no media
                </Typography>
              )}
            </CardContent>
          </Card>
          <Stack spacing={2}>
            <Section title="Dialogue">
              <DialogueContext context={item.data?.context ?? []} hideLabels={isBlind} />
            </Section>
            {!isBlind && (
              <Section title="Other annotators">
                <Typography variant="body2" data-testid="other-annotators">
                  {others.length ? others.map((a) => `${a.annotator}: ${a.label}`).join(' · ') : 'none yet'}
                </Typography>
              </Section>
            )}
            {!isBlind && (
              <Section title="Model">
                {d.prediction ? (
                  <ProbabilityBars probabilities={d.prediction.probabilities} labels={labels} predicted={d.prediction.label} gold={gold} />
                ) : (
                  <Typography variant="body2" color="text.secondary">
                    no prediction yet (train a model in Jobs)
                  </Typography>
                )}
              </Section>
            )}
            {!isBlind && (
              <Section title="Label history">
                <LabelHistory history={history} />
              </Section>
            )}
            {sessionChanges.length > 0 && (
              <Typography variant="caption" color="text.secondary" data-testid="session-changes">
                {/* blind: only your own labels (the gold before would show the others') */}
                this session:{' '}
                {sessionChanges.map((c) => (isBlind ? `#${c.id} ${c.mine ?? '∅'}` : `#${c.id} ${c.old ?? '∅'}→${c.new ?? '∅'}`)).join(', ')}
              </Typography>
            )}
          </Stack>
        </Box>
      ) : (
        <Typography color="text.secondary">{idsQ.loading || detail.loading ? 'loading…' : 'No item selected.'}</Typography>
      )}
    </Stack>
  );
}
