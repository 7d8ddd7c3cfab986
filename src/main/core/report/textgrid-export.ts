// Praat TextGrid export, long text format ("ooTextFile"), one per timeline (media file): an interval
// tier of utterance text per imported tier (its name kept) or per speaker, the gold emotion, and the
// predicted emotion. Interval tiers must cover [xmin, xmax] without gaps or overlaps, so the gaps
// become empty intervals.
import { nonOverlapping, type Segment, type Timeline } from './timeline';
import { GOLD_TIER, predictedTier } from './eaf-export';
import { speakerTiers } from './source-tiers';

interface Interval {
  xmin: number;
  xmax: number;
  text: string;
}
interface Tier {
  name: string;
  intervals: Interval[];
}

/** Seconds with millisecond precision, as plain decimals (never exponent notation). */
function num(x: number): string {
  const r = Math.round(x * 1000) / 1000;
  return Number.isInteger(r) ? String(r) : r.toFixed(3).replace(/0+$/, '');
}

function quote(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

function tierOf(name: string, segs: Segment[], text: (s: Segment) => string, xmax: number, notes: string[]): Tier {
  const { kept, notes: n } = nonOverlapping(segs, name);
  notes.push(...n);
  const intervals: Interval[] = [];
  let t = 0;
  for (const s of kept) {
    const start = Math.round(s.start * 1000) / 1000;
    const end = Math.round(s.end * 1000) / 1000;
    if (end <= start) continue;
    if (start > t) intervals.push({ xmin: t, xmax: start, text: '' });
    intervals.push({ xmin: Math.max(start, t), xmax: end, text: text(s) });
    t = end;
  }
  if (xmax > t || intervals.length === 0) intervals.push({ xmin: t, xmax: Math.max(xmax, t + 0.001), text: '' });
  return { name, intervals };
}

export function textGrid(t: Timeline, version: number | null): { text: string; notes: string[] } {
  const notes = [...t.notes];
  const xmax = Math.round(Math.max(t.duration, ...t.segments.map((s) => s.end)) * 1000) / 1000 || 0.001;
  const tiers: Tier[] = [];
  const names = new Set<string>([GOLD_TIER, ...(version !== null ? [predictedTier(version)] : [])]);
  // the tier each utterance was imported from, by name, else one per speaker (report/source-tiers.ts)
  for (const st of speakerTiers(t.segments, names)) tiers.push(tierOf(st.id, st.segments, (s) => s.row.text ?? '', xmax, notes));
  // one tier per annotator (issue 13), named as the ELAN export names them, before
  // the gold and predicted tiers (which stay the last two)
  for (const who of [...new Set(t.segments.flatMap((s) => Object.keys(s.row.annotators ?? {})))].sort()) {
    let name = `emotion (${who})`;
    for (let k = 2; names.has(name); k++) name = `emotion (${who}) (${k})`;
    names.add(name);
    tiers.push(
      tierOf(
        name,
        t.segments.filter((s) => s.row.annotators?.[who] !== undefined),
        (s) => s.row.annotators![who],
        xmax,
        notes,
      ),
    );
  }
  tiers.push(
    tierOf(
      GOLD_TIER,
      t.segments.filter((s) => s.row.label !== null),
      (s) => s.row.label!,
      xmax,
      notes,
    ),
  );
  if (version !== null) {
    tiers.push(
      tierOf(
        predictedTier(version),
        t.segments.filter((s) => s.row.prediction),
        (s) => s.row.prediction!.label,
        xmax,
        notes,
      ),
    );
  }
  const top = Math.max(xmax, ...tiers.map((x) => x.intervals[x.intervals.length - 1].xmax));
  for (const x of tiers) x.intervals[x.intervals.length - 1].xmax = top; // all tiers end together
  const L: string[] = [
    'File type = "ooTextFile"',
    'Object class = "TextGrid"',
    '',
    'xmin = 0 ',
    `xmax = ${num(top)} `,
    'tiers? <exists> ',
    `size = ${tiers.length} `,
    'item []: ',
  ];
  tiers.forEach((tier, i) => {
    L.push(
      `    item [${i + 1}]:`,
      '        class = "IntervalTier" ',
      `        name = ${quote(tier.name)} `,
      '        xmin = 0 ',
      `        xmax = ${num(top)} `,
      `        intervals: size = ${tier.intervals.length} `,
    );
    tier.intervals.forEach((iv, k) => {
      L.push(
        `        intervals [${k + 1}]:`,
        `            xmin = ${num(iv.xmin)} `,
        `            xmax = ${num(iv.xmax)} `,
        `            text = ${quote(iv.text)} `,
      );
    });
  });
  return { text: L.join('\n') + '\n', notes };
}
