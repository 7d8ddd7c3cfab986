// The drawing half of the timeline: overview waveform with the visible window, the window's
// waveform (drag to select a span), one lane per speaker with a block per utterance, and the
// per-frame entropy of the visible span; a playhead across all of them.
import { useEffect, useRef, useState, type MouseEvent } from 'react';
import { Box, Typography, useTheme } from '@mui/material';
import type { Timeline, TimelineSegment } from '../../../shared/timeline';

export interface Span {
  start: number;
  end: number;
}

const LABEL_COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
export const labelColor = (labels: string[], l: string | null): string => {
  if (!l) return '#9e9e9e';
  const i = labels.indexOf(l);
  return LABEL_COLORS[(i >= 0 ? i : [...l].reduce((a, c) => a + c.charCodeAt(0), 0)) % LABEL_COLORS.length];
};

const LANE_H = 26;

interface Props {
  timeline: Timeline;
  view: Span;
  now: number;
  selected: number | null;
  selection: Span | null;
  labels: string[];
  onView(v: Span): void;
  onSelect(s: TimelineSegment): void;
  onSelection(s: Span | null): void;
  onSeek(t: number): void;
}

export function TimelineCanvas(p: Props) {
  const theme = useTheme();
  const fg = theme.palette.text.secondary;
  const accent = theme.palette.primary.main;
  const overview = useRef<HTMLCanvasElement>(null);
  const wave = useRef<HTMLCanvasElement>(null);
  const ent = useRef<HTMLCanvasElement>(null);
  const [drag, setDrag] = useState<number | null>(null);
  const [range, setRange] = useState<[number, number] | null>(null);
  const dur = p.timeline.duration_s ?? p.view.end;
  const span = Math.max(1e-3, p.view.end - p.view.start);
  const x = (t: number) => ((t - p.view.start) / span) * 100;

  // overview and window waveforms from the stored peaks
  useEffect(() => {
    const peaks = p.timeline.peaks;
    const draw = (c: HTMLCanvasElement | null, from: number, to: number, box: Span | null) => {
      if (!c) return;
      const w = (c.width = c.clientWidth * devicePixelRatio);
      const h = (c.height = c.clientHeight * devicePixelRatio);
      const g = c.getContext('2d')!;
      g.clearRect(0, 0, w, h);
      if (peaks) {
        g.fillStyle = fg;
        for (let px = 0; px < w; px++) {
          const t0 = from + ((to - from) * px) / w;
          const t1 = from + ((to - from) * (px + 1)) / w;
          const b0 = Math.max(0, Math.floor((t0 - peaks.offset_s) * peaks.per_s));
          const b1 = Math.min(peaks.min.length, Math.max(b0 + 1, Math.ceil((t1 - peaks.offset_s) * peaks.per_s)));
          let lo = 0;
          let hi = 0;
          for (let b = b0; b < b1; b++) {
            if (peaks.min[b] < lo) lo = peaks.min[b];
            if (peaks.max[b] > hi) hi = peaks.max[b];
          }
          const y0 = h / 2 - (hi / 127) * (h / 2);
          const y1 = h / 2 - (lo / 127) * (h / 2);
          g.fillRect(px, y0, 1, Math.max(1, y1 - y0));
        }
      }
      if (box) {
        g.strokeStyle = accent;
        g.lineWidth = 2 * devicePixelRatio;
        const a = ((box.start - from) / (to - from)) * w;
        const b = ((box.end - from) / (to - from)) * w;
        g.strokeRect(a, 1, Math.max(2, b - a), h - 2);
      }
    };
    draw(overview.current, 0, dur, p.view);
    draw(wave.current, p.view.start, p.view.end, null);
  }, [p.timeline, p.view, dur, fg, accent]);

  // entropy of the frames inside the window
  useEffect(() => {
    const c = ent.current;
    if (!c) return;
    const w = (c.width = c.clientWidth * devicePixelRatio);
    const h = (c.height = c.clientHeight * devicePixelRatio);
    const g = c.getContext('2d')!;
    g.clearRect(0, 0, w, h);
    g.strokeStyle = accent;
    g.lineWidth = devicePixelRatio;
    const shown = p.timeline.segments.filter((s) => s.entropy && s.end_s >= p.view.start && s.start_s <= p.view.end);
    // scaled to the visible values (a fixed 0-8 bit axis flattens most video)
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of shown) for (const v of s.entropy!.values) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    const pad = Math.max(0.05, (hi - lo) * 0.1);
    [lo, hi] = [lo - pad, hi + pad];
    setRange(Number.isFinite(lo) ? [Math.max(0, lo), Math.min(8, hi)] : null);
    for (const s of shown) {
      const { t0_s, fps, values } = s.entropy!;
      g.beginPath();
      values.forEach((v, i) => {
        const px = ((t0_s + i / fps - p.view.start) / span) * w;
        const py = h - ((v - lo) / (hi - lo)) * h;
        if (i === 0) g.moveTo(px, py);
        else g.lineTo(px, py);
      });
      g.stroke();
    }
  }, [p.timeline, p.view, span, accent]);

  const timeAt = (e: MouseEvent<HTMLElement>, from = p.view.start, to = p.view.end) => {
    const r = e.currentTarget.getBoundingClientRect();
    return from + ((e.clientX - r.left) / r.width) * (to - from);
  };
  const lanes = p.timeline.speakers;
  const visible = p.timeline.segments.filter((s) => s.end_s >= p.view.start && s.start_s <= p.view.end);
  const headLeft = `${x(p.now)}%`;
  return (
    <Box data-testid="timeline-canvas" sx={{ userSelect: 'none' }}>
      <canvas
        ref={overview}
        data-testid="timeline-overview"
        style={{ width: '100%', height: 36, display: 'block', cursor: 'pointer', borderBottom: `1px solid ${theme.palette.divider}` }}
        onClick={(e) => {
          const t = timeAt(e, 0, dur);
          const start = Math.max(0, Math.min(dur - span, t - span / 2));
          p.onView({ start, end: start + span });
        }}
      />
      <Box sx={{ position: 'relative', mt: 0.5 }}>
        <canvas
          ref={wave}
          data-testid="timeline-wave"
          style={{ width: '100%', height: 64, display: 'block', cursor: 'crosshair' }}
          onMouseDown={(e) => setDrag(timeAt(e))}
          onMouseMove={(e) => {
            if (drag === null) return;
            const t = timeAt(e);
            p.onSelection({ start: Math.min(drag, t), end: Math.max(drag, t) });
          }}
          onMouseUp={(e) => {
            const t = timeAt(e);
            if (drag !== null && Math.abs(t - drag) < span / 500) {
              p.onSelection(null);
              p.onSeek(t);
            }
            setDrag(null);
          }}
        />
        {p.selection && (
          <Box
            data-testid="timeline-selection"
            sx={{
              position: 'absolute',
              top: 0,
              height: 64,
              left: `${x(p.selection.start)}%`,
              width: `${x(p.selection.end) - x(p.selection.start)}%`,
              bgcolor: 'primary.main',
              opacity: 0.2,
              pointerEvents: 'none',
            }}
          />
        )}
        {lanes.map((sp) => (
          <Box
            key={sp}
            sx={{ position: 'relative', height: LANE_H, borderTop: `1px solid ${theme.palette.divider}` }}
            data-testid="timeline-lane"
          >
            <Typography
              variant="caption"
              sx={{ position: 'absolute', left: 2, top: 4, color: 'text.secondary', zIndex: 1, pointerEvents: 'none' }}
            >
              {sp || 'no speaker'}
            </Typography>
            {visible
              .filter((s) => (s.speaker ?? '') === sp)
              .map((s) => {
                const sel = s.id === p.selected;
                return (
                  <Box
                    key={s.id}
                    data-testid={`timeline-block-${s.id}`}
                    title={`${s.text ?? ''} (${s.label ?? 'unlabelled'})`}
                    onClick={() => p.onSelect(s)}
                    sx={{
                      position: 'absolute',
                      top: 3,
                      height: LANE_H - 6,
                      left: `${Math.max(0, x(s.start_s))}%`,
                      width: `${Math.max(0.2, x(Math.min(s.end_s, p.view.end)) - Math.max(0, x(s.start_s)))}%`,
                      bgcolor: labelColor(p.labels, s.label),
                      opacity: sel ? 1 : 0.75,
                      borderRadius: 0.5,
                      cursor: 'pointer',
                      overflow: 'hidden',
                      outline: sel ? `2px solid ${theme.palette.text.primary}` : 'none',
                      color: '#fff',
                      fontSize: 11,
                      px: 0.5,
                      whiteSpace: 'nowrap',
                      lineHeight: `${LANE_H - 6}px`,
                    }}
                  >
                    {s.label ?? ''} {s.text ?? ''}
                  </Box>
                );
              })}
          </Box>
        ))}
        <canvas
          ref={ent}
          data-testid="timeline-entropy"
          style={{ width: '100%', height: 48, display: 'block', borderTop: `1px solid ${theme.palette.divider}` }}
        />
        <Box
          sx={{
            position: 'absolute',
            top: 0,
            bottom: 0,
            left: headLeft,
            width: '1px',
            bgcolor: 'error.main',
            pointerEvents: 'none',
            display: p.now >= p.view.start && p.now <= p.view.end ? 'block' : 'none',
          }}
        />
      </Box>
      <Typography variant="caption" color="text.secondary">
        frame entropy of the visible span{range ? ` (${range[0].toFixed(2)}–${range[1].toFixed(2)} bits)` : ': not extracted yet'}
      </Typography>
    </Box>
  );
}
