// The timeline of one long recording, as ELAN shows tiers: a waveform overview (stored peaks, so it
// opens at once even for 2 hours), one lane of utterance blocks per speaker coloured by label, the
// per-frame entropy of the visible span, and a player that plays exactly the selected segment.
// Keyboard: Space play/pause the segment, arrows previous/next, `,` `.` step a frame, `[` `]` nudge the
// start and `{` `}` the end by 50 ms, S split at the playhead, M merge with the speaker's next segment,
// Delete remove (kept in the split 'removed'), A add a segment over the drag selection, + / - zoom.
// Boundary edits are stored append-only and mark the segment for re-extraction.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Box, Button, MenuItem, Select, Stack, Typography } from '@mui/material';
import type { Timeline, TimelineSegment } from '../../../shared/timeline';
import { useApi, useApiData } from '../api-context';
import { useStudio } from '../studio-context';
import { ClipPlayer } from '../components/ClipPlayer';
import { EmptyState } from '../components/EmptyState';
import { Section } from '../components/Section';
import { TimelineCanvas, type Span } from '../components/TimelineCanvas';
import { keyBelongsToTarget } from '../annotate/keys';

const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 2];
const NUDGE_S = 0.05;

export function TimelineView() {
  const { call, report } = useApi();
  const { utteranceId, openUtterance, summary } = useStudio();
  const recordings = useApiData('timeline.recordings', {}, []);
  const [path, setPath] = useState<string | null>(null);
  const [tl, setTl] = useState<(Timeline & { mediaUrl: string | null }) | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const [view, setView] = useState<Span>({ start: 0, end: 60 });
  const [selection, setSelection] = useState<Span | null>(null);
  const [speed, setSpeed] = useState(1);
  const [now, setNow] = useState(0);
  const player = useRef<HTMLMediaElement | null>(null);
  const stopAt = useRef<number | null>(null);

  const load = useCallback(
    async (input: { path?: string; id?: number }, keepView = false) => {
      try {
        const t = await call('timeline.get', input);
        setTl(t);
        setPath(t.path);
        if (!keepView) {
          const dur = t.duration_s ?? 60;
          const seg = t.segments.find((s) => s.id === input.id);
          const span = Math.min(dur, 60);
          const start = seg ? Math.max(0, Math.min(dur - span, seg.start_s - span / 4)) : 0;
          setView({ start, end: start + span });
        }
        if (input.id !== undefined) setSelected(input.id);
      } catch (e) {
        report(e);
      }
    },
    [call, report],
  );

  // open at the utterance chosen elsewhere when it is a segment, else the first recording
  useEffect(() => {
    if (tl) return;
    const first = recordings.data?.[0];
    if (utteranceId !== null) {
      call('timeline.get', { id: utteranceId }).then(
        () => load({ id: utteranceId }),
        () => first && load({ path: first.path }),
      );
    } else if (first) void load({ path: first.path });
  }, [recordings.data, utteranceId, tl, call, load]);

  const seg = useMemo(() => tl?.segments.find((s) => s.id === selected) ?? null, [tl, selected]);
  const labels = summary?.labels ?? [];

  // playback of exactly one segment: a frame loop stops it at its end (timeupdate fires only ~4 Hz)
  useEffect(() => {
    let raf = 0;
    const tick = () => {
      const p = player.current;
      if (p) {
        setNow(p.currentTime);
        if (stopAt.current !== null && p.currentTime >= stopAt.current && !p.paused) {
          p.pause();
          p.currentTime = stopAt.current;
          stopAt.current = null;
        }
      }
      raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(raf);
  }, []);
  useEffect(() => {
    if (player.current) player.current.playbackRate = speed;
  }, [speed, tl]);

  const playSegment = useCallback(
    (s: TimelineSegment) => {
      const p = player.current;
      if (!p) return;
      p.currentTime = s.start_s;
      stopAt.current = s.end_s;
      p.playbackRate = speed;
      void p.play().catch(() => {});
    },
    [speed],
  );

  const select = useCallback(
    (s: TimelineSegment, play: boolean) => {
      setSelected(s.id);
      setSelection(null);
      if (s.start_s < view.start || s.end_s > view.end) {
        const span = view.end - view.start;
        const start = Math.max(0, s.start_s - span / 4);
        setView({ start, end: start + span });
      }
      if (play) playSegment(s);
    },
    [view, playSegment],
  );

  // edits run one after another, in key order; a nudge applies at once to the spans shown, so a key
  // pressed before the previous edit's answer builds on it rather than on what the server had
  const queue = useRef<Promise<void>>(Promise.resolve());
  const spans = useRef(new Map<number, { start_s: number; end_s: number }>());
  useEffect(() => {
    spans.current = new Map((tl?.segments ?? []).map((x) => [x.id, { start_s: x.start_s, end_s: x.end_s }]));
  }, [tl]);
  const edit = useCallback(
    (
      method: 'segments.edit' | 'segments.split' | 'segments.add' | 'segments.merge' | 'segments.delete',
      input: Record<string, unknown>,
    ) => {
      if (!path) return;
      queue.current = queue.current.then(async () => {
        try {
          const r = (await call(method, input as never)) as { id: number; newId?: number };
          await load({ path }, true);
          if (method !== 'segments.delete') setSelected(r.newId ?? r.id);
        } catch (e) {
          report(e);
          await load({ path }, true);
        }
      });
    },
    [call, load, path, report],
  );
  const nudge = useCallback(
    (id: number, dStart: number, dEnd: number) => {
      const cur = spans.current.get(id);
      if (!cur) return;
      const next = { start_s: Math.round((cur.start_s + dStart) * 1000) / 1000, end_s: Math.round((cur.end_s + dEnd) * 1000) / 1000 };
      spans.current.set(id, next);
      setTl((t) => (t ? { ...t, segments: t.segments.map((x) => (x.id === id ? { ...x, ...next } : x)) } : t));
      edit('segments.edit', { id, ...next, source: 'nudge' });
    },
    [edit],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // Ctrl/Cmd/Alt chords are the user's shortcuts (Ctrl+S, Ctrl+A, Cmd+C), and keys typed into a field
      // belong to it: neither splits, adds or deletes a segment
      if (e.ctrlKey || e.metaKey || e.altKey || keyBelongsToTarget(e.target)) return;
      const t = e.target as HTMLElement | null;
      if (t && /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)) return;
      if (!tl) return;
      const p = player.current;
      const segs = tl.segments;
      const i = segs.findIndex((s) => s.id === selected);
      const fps = seg?.entropy?.fps ?? 25;
      const k = e.key;
      let handled = true;
      if (k === ' ' && p) {
        if (!p.paused) p.pause();
        else if (seg && (p.currentTime < seg.start_s || p.currentTime >= seg.end_s - 0.01)) playSegment(seg);
        else {
          stopAt.current = seg?.end_s ?? null;
          void p.play().catch(() => {});
        }
      } else if (k === 'ArrowRight' || k === 'ArrowLeft') {
        const next = segs[Math.max(0, Math.min(segs.length - 1, i + (k === 'ArrowRight' ? 1 : -1)))];
        if (next) select(next, false);
      } else if ((k === ',' || k === '.') && p) {
        p.pause();
        p.currentTime = Math.max(0, p.currentTime + (k === '.' ? 1 : -1) / fps);
      } else if (seg && (k === '[' || k === ']')) {
        nudge(seg.id, k === ']' ? NUDGE_S : -NUDGE_S, 0);
      } else if (seg && (k === '{' || k === '}')) {
        nudge(seg.id, 0, k === '}' ? NUDGE_S : -NUDGE_S);
      } else if (seg && (k === 's' || k === 'S') && p) {
        edit('segments.split', { id: seg.id, at_s: p.currentTime });
      } else if (seg && (k === 'm' || k === 'M')) {
        edit('segments.merge', { id: seg.id });
      } else if (seg && (k === 'Delete' || k === 'Backspace')) {
        const next = segs[i + 1] ?? segs[i - 1];
        edit('segments.delete', { id: seg.id });
        if (next) setSelected(next.id);
      } else if ((k === 'a' || k === 'A') && selection && segs.length) {
        edit('segments.add', {
          near: seg?.id ?? segs[0].id,
          start_s: selection.start,
          end_s: selection.end,
          speaker: seg?.speaker ?? null,
        });
      } else if (k === '+' || k === '=' || k === '-') {
        const dur = tl.duration_s ?? view.end;
        const mid = seg ? (seg.start_s + seg.end_s) / 2 : (view.start + view.end) / 2;
        const span = Math.max(2, Math.min(dur, (view.end - view.start) * (k === '-' ? 2 : 0.5)));
        const start = Math.max(0, Math.min(dur - span, mid - span / 2));
        setView({ start, end: start + span });
      } else handled = false;
      if (handled) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [tl, selected, seg, selection, view, edit, nudge, playSegment, select]);

  if (recordings.data && recordings.data.length === 0) {
    return (
      <Box sx={{ p: 2 }}>
        <EmptyState title="No long recordings">
          Import a transcript (ELAN, Praat TextGrid, SRT or WebVTT) over a recording, or a recording with automatic segmentation, to see its
          timeline here.
        </EmptyState>
      </Box>
    );
  }
  if (!tl) return <Typography sx={{ p: 2 }}>Loading…</Typography>;
  const dur = tl.duration_s ?? 0;
  return (
    <Box sx={{ p: 2 }} data-testid="timeline-view">
      <Stack direction="row" spacing={2} sx={{ mb: 1, alignItems: 'center' }}>
        <Select
          size="small"
          value={path ?? ''}
          onChange={(e) => void load({ path: String(e.target.value) })}
          data-testid="timeline-recording"
          sx={{ minWidth: 320 }}
        >
          {(recordings.data ?? []).map((r) => (
            <MenuItem
              key={r.path}
              value={r.path}
            >{`${r.dialogue ?? ''} · ${r.path.split(/[\\/]/).pop()} · ${r.segments} segments`}</MenuItem>
          ))}
        </Select>
        <Typography variant="body2" color="text.secondary">
          {fmt(dur)} · {tl.segments.length} segments · {tl.speakers.length} speaker{tl.speakers.length === 1 ? '' : 's'} · view{' '}
          {fmt(view.start)}–{fmt(view.end)}
        </Typography>
      </Stack>
      <TimelineCanvas
        timeline={tl}
        view={view}
        now={now}
        selected={selected}
        selection={selection}
        labels={labels}
        onView={setView}
        onSelect={(s) => select(s, true)}
        onSelection={setSelection}
        onSeek={(t) => {
          if (player.current) {
            stopAt.current = null;
            player.current.currentTime = t;
          }
        }}
      />
      <Stack direction={{ xs: 'column', md: 'row' }} spacing={2} sx={{ mt: 1 }}>
        <Box sx={{ flex: 1 }}>
          <Section title={seg ? `Segment ${fmt(seg.start_s)}–${fmt(seg.end_s)} (${(seg.end_s - seg.start_s).toFixed(2)} s)` : 'Segment'}>
            {tl.mediaUrl && <ClipPlayer src={tl.mediaUrl} media={tl.path} maxHeight={240} ref={player} testId="timeline-player" />}
            <Stack direction="row" spacing={1} sx={{ mt: 1, alignItems: 'center' }}>
              <Button size="small" variant="outlined" disabled={!seg} onClick={() => seg && playSegment(seg)} data-testid="timeline-play">
                Play segment
              </Button>
              <Select size="small" value={speed} onChange={(e) => setSpeed(Number(e.target.value))} data-testid="timeline-speed">
                {SPEEDS.map((s) => (
                  <MenuItem key={s} value={s}>
                    {s}x
                  </MenuItem>
                ))}
              </Select>
              <Typography variant="caption" color="text.secondary">
                {fmt(now)}
              </Typography>
            </Stack>
          </Section>
        </Box>
        <Box sx={{ flex: 1 }}>
          <Section title="Utterance">
            {seg ? (
              <Box data-testid="timeline-selected">
                <Typography variant="body2">
                  <b>{seg.speaker ?? 'no speaker'}</b>: {seg.text || <i>no text</i>}
                </Typography>
                <Typography variant="body2">
                  label {seg.label ?? '–'} · predicted {seg.prediction ?? '–'} · {seg.status}
                </Typography>
                <Button size="small" onClick={() => openUtterance(seg.id)}>
                  Open utterance
                </Button>
              </Box>
            ) : (
              <Typography variant="body2">Click a block.</Typography>
            )}
            <Typography variant="caption" color="text.secondary" component="div" sx={{ mt: 1 }}>
              Space play · ← → segments · , . frame · [ ] start ±50 ms · {'{ }'} end ±50 ms · S split at playhead · M merge with next · Del
              remove · drag then A add · + − zoom
            </Typography>
          </Section>
        </Box>
      </Stack>
    </Box>
  );
}

export function fmt(s: number): string {
  const m = Math.floor(s / 60);
  const r = s - m * 60;
  return `${m}:${r.toFixed(2).padStart(5, '0')}`;
}
