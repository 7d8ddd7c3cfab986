// Adjudication: the queue of utterances whose annotators disagree (optionally also where the latest
// model disagrees with the gold), each with every annotator's label, the model's probabilities and the
// dialogue context. The label keys set the adjudicated gold label (history source `adjudicate`) and
// move on; U takes this session's last decision back; J/K move; the gold rule for items nobody adjudicated is chosen here too.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Box, Button, Checkbox, Chip, FormControlLabel, Stack, Typography } from '@mui/material';
import { keysFor } from '../../../shared/api-annotation';
import { useApi, useApiData } from '../api-context';
import { useStudio } from '../studio-context';
import { FilterSelect } from '../components/FilterSelect';
import { EmptyState } from '../components/EmptyState';
import { ProbabilityBars } from '../components/ProbabilityBars';
import { Section } from '../components/Section';
import { keyBelongsToTarget, serialQueue } from '../annotate/keys';
import { DialogueContext } from '../annotate/DialogueContext';

export function AdjudicateView() {
  const { summary, reloadSummary, modelsTick } = useStudio();
  const { call, report } = useApi();
  const infoQ = useApiData('annotation.info', {}, []);
  const [withModel, setWithModel] = useState(false);
  const [includeDone, setIncludeDone] = useState(false);
  const [tick, setTick] = useState(0);
  const q = useApiData('adjudicate.queue', { withModel, includeAdjudicated: includeDone }, [withModel, includeDone, tick, modelsTick]);
  const rows = useMemo(() => q.data ?? [], [q.data]);
  const [pos, setPos] = useState(0);
  const posRef = useRef(0);
  posRef.current = Math.min(pos, Math.max(0, rows.length - 1));
  const [decided, setDecided] = useState<Record<number, string | null>>({});
  /** what each key press made the item's adjudication, at once (the server's answers come later) */
  const decidedRef = useRef<Record<number, string | null>>({});
  const queue = useRef(serialQueue()).current;
  const labels = useMemo(() => summary?.labels ?? [], [summary]);
  const keys = useMemo(() => keysFor(labels, infoQ.data?.keymap ?? {}), [labels, infoQ.data]);
  const keyOf = useMemo(() => new Map([...keys].map(([k, l]) => [l, k])), [keys]);
  const cur = rows[posRef.current] ?? null;
  const item = useApiData('annotation.item', cur ? { id: cur.id } : null, [cur?.id, q.data]);
  const reloadInfo = infoQ.reload;

  // this session's decisions, newest last: U takes the last one back (the item's adjudication before it,
  // none: the item returns to the gold rule) and moves the cursor back to it
  const done = useRef<{ id: number; pos: number; before: string | null }[]>([]);
  const decide = useCallback(
    (label: string) => {
      const r = rows[posRef.current];
      if (!r) return;
      const before = r.id in decidedRef.current ? decidedRef.current[r.id] : r.gold_source === 'adjudicate' ? r.gold : null;
      decidedRef.current = { ...decidedRef.current, [r.id]: label };
      done.current.push({ id: r.id, pos: posRef.current, before });
      setPos(Math.min(rows.length - 1, posRef.current + 1));
      queue
        .push(() => call('adjudicate.set', { id: r.id, label }))
        .then((x) => {
          setDecided((d) => ({ ...d, [r.id]: x.new }));
          reloadSummary();
          reloadInfo(); // the gold labels by source and the ties left open follow each decision
        }, report);
    },
    [rows, queue, call, reloadSummary, reloadInfo, report],
  );
  const undo = useCallback(() => {
    const last = done.current.pop();
    if (!last) return;
    decidedRef.current = { ...decidedRef.current, [last.id]: last.before };
    setPos(last.pos);
    queue
      .push(() => call('adjudicate.set', { id: last.id, label: last.before }))
      .then((x) => {
        setDecided((d) => {
          const next = { ...d };
          if (last.before === null) delete next[last.id];
          else next[last.id] = x.new;
          return next;
        });
        reloadSummary();
        reloadInfo();
      }, report);
  }, [queue, call, reloadSummary, reloadInfo, report]);

  const h = useRef({ decide, undo, keys, n: rows.length });
  h.current = { decide, undo, keys, n: rows.length };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || keyBelongsToTarget(e.target)) return;
      const k = e.key.toLowerCase();
      const l = h.current.keys.get(k);
      if (l !== undefined) h.current.decide(l);
      else if (k === 'u') h.current.undo();
      else if (k === 'j' || k === 'arrowdown' || k === 'arrowright') setPos((p) => Math.min(h.current.n - 1, p + 1));
      else if (k === 'k' || k === 'arrowup' || k === 'arrowleft') setPos((p) => Math.max(0, p - 1));
      else return;
      e.preventDefault();
      e.stopPropagation();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);

  const setRule = (rule: string) => {
    call('gold.setRule', { rule }).then(() => {
      infoQ.reload();
      setTick((t) => t + 1);
      reloadSummary();
    }, report);
  };
  const annotators = (infoQ.data?.annotators ?? []).map((a) => a.name);
  const rule = infoQ.data?.gold.rule ?? 'latest';

  return (
    <Stack spacing={2} data-testid="adjudicate">
      <Stack direction="row" spacing={2} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
        <FilterSelect
          label="Gold rule"
          value={rule}
          options={['latest', 'majority', ...annotators.map((a) => `annotator=${a}`)]}
          onChange={setRule}
          testId="gold-rule"
          minWidth={170}
        />
        <FormControlLabel
          control={
            <Checkbox
              size="small"
              checked={withModel}
              onChange={(e) => setWithModel(e.target.checked)}
              data-testid="adjudicate-with-model"
            />
          }
          label="also where the model disagrees with the gold"
        />
        <FormControlLabel
          control={<Checkbox size="small" checked={includeDone} onChange={(e) => setIncludeDone(e.target.checked)} />}
          label="include adjudicated"
        />
        <Typography variant="body2" data-testid="adjudicate-position">
          {rows.length ? `${posRef.current + 1} / ${rows.length}` : q.data ? 'nothing to adjudicate' : ''}
        </Typography>
        <Button size="small" onClick={(e) => (e.currentTarget.blur(), setTick((t) => t + 1))} data-testid="adjudicate-reload">
          Reload queue
        </Button>
      </Stack>
      {infoQ.data && (
        <Typography variant="caption" color="text.secondary" data-testid="gold-summary">
          gold labels by source:{' '}
          {Object.entries(infoQ.data.gold.by_source)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ') || 'none'}{' '}
          · left open by ties: {infoQ.data.gold.open}
        </Typography>
      )}
      {!cur ? (
        q.data && (
          <EmptyState title="Nothing to adjudicate">
            No item where annotators disagree{withModel ? ' or the model disagrees with the gold' : ''}.
          </EmptyState>
        )
      ) : (
        <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: '1fr 1fr' }, gap: 2 }}>
          <Stack spacing={2}>
            <Section title={`#${cur.id} ${cur.key}`}>
              <Stack direction="row" spacing={1} sx={{ mb: 1 }}>
                <Chip size="small" label={cur.split} />
                <Chip size="small" label={cur.reason} color="warning" variant="outlined" />
              </Stack>
              <Typography variant="h6" component="p" data-testid="adjudicate-text">
                {cur.text ?? <em>no transcript</em>}
              </Typography>
              <Typography variant="body1" sx={{ mt: 1 }}>
                gold: <b data-testid="adjudicate-gold">{cur.id in decided ? decided[cur.id] : (cur.gold ?? 'open')}</b>
                {!(cur.id in decided) && cur.gold_source && (
                  <Typography component="span" variant="caption" color="text.secondary">
                    {' '}
                    ({cur.gold_source})
                  </Typography>
                )}
              </Typography>
              <Box data-testid="adjudicate-annotators" sx={{ mt: 1 }}>
                {Object.entries(cur.annotators).map(([a, l]) => (
                  <Chip key={a} size="small" sx={{ mr: 0.5, mb: 0.5 }} label={`${a}: ${l}`} />
                ))}
              </Box>
            </Section>
            <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap' }} data-testid="adjudicate-keys">
              {labels.map((l) => (
                <Button key={l} size="small" variant="outlined" data-label={l} onClick={(e) => (e.currentTarget.blur(), decide(l))}>
                  <Box component="kbd" sx={{ mr: 1, px: 0.5, border: 1, borderRadius: 0.5, fontSize: 11 }}>
                    {(keyOf.get(l) ?? '–').toUpperCase()}
                  </Box>
                  {l}
                </Button>
              ))}
            </Stack>
          </Stack>
          <Stack spacing={2}>
            <Section title="Model">
              {cur.prediction ? (
                <ProbabilityBars
                  probabilities={cur.prediction.probabilities}
                  labels={labels}
                  predicted={cur.prediction.label}
                  gold={cur.gold}
                />
              ) : (
                <Typography variant="body2" color="text.secondary">
                  no prediction (train a model in Jobs)
                </Typography>
              )}
            </Section>
            <Section title="Dialogue">
              <DialogueContext context={item.data?.context ?? []} hideLabels={false} />
            </Section>
          </Stack>
        </Box>
      )}
    </Stack>
  );
}
