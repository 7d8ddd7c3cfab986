// Writers of one set of timed segments as a Praat TextGrid (long and short), SRT, WebVTT and ELAN file,
// for the importer tests (written here independently of the exporters in src/main/core/report).

export interface Seg {
  speaker: string;
  text: string;
  start: number;
  end: number;
  label: string;
}

/** Two speakers over 10 s, with one stretch of overlapping speech (5.5 to 6.2 s); times in whole ms. */
export const SEGMENTS: Seg[] = [
  { speaker: 'Ann', text: 'Hello, how are you?', start: 0.5, end: 2.25, label: 'neutral' },
  { speaker: 'Bob', text: 'Fine, thanks, "really".', start: 2.5, end: 4.1, label: 'joy' },
  { speaker: 'Bob', text: "It's great", start: 5, end: 6.2, label: 'joy' },
  { speaker: 'Ann', text: 'Wait & see', start: 5.5, end: 7, label: 'joy' },
  { speaker: 'Ann', text: 'Bye for now', start: 8, end: 9.999, label: 'sadness' },
];
const TOTAL = 10;

interface Iv {
  xmin: number;
  xmax: number;
  text: string;
}

/** Intervals covering [0, TOTAL]: the spans, with empty intervals in the gaps. */
function cover(spans: { start: number; end: number; text: string }[]): Iv[] {
  const out: Iv[] = [];
  let t = 0;
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    if (s.start > t) out.push({ xmin: t, xmax: s.start, text: '' });
    out.push({ xmin: s.start, xmax: s.end, text: s.text });
    t = s.end;
  }
  if (t < TOTAL) out.push({ xmin: t, xmax: TOTAL, text: '' });
  return out;
}

interface TgTier {
  name: string;
  ivs?: Iv[];
  points?: { at: number; mark: string }[];
}

function tgTiers(segs: Seg[], o: { labels?: boolean; pointTier?: boolean }): TgTier[] {
  const speakers = [...new Set(segs.map((s) => s.speaker))];
  const tiers: TgTier[] = speakers.map((sp) => ({ name: sp, ivs: cover(segs.filter((s) => s.speaker === sp)) }));
  if (o.labels) {
    // one label interval per stretch of speech: overlapping utterances share one
    const merged: { start: number; end: number; text: string }[] = [];
    for (const s of [...segs].sort((a, b) => a.start - b.start)) {
      const last = merged[merged.length - 1];
      if (last && s.start < last.end) last.end = Math.max(last.end, s.end);
      else merged.push({ start: s.start, end: s.end, text: s.label });
    }
    tiers.push({ name: 'emotion', ivs: cover(merged) });
  }
  if (o.pointTier)
    tiers.push({
      name: 'bell',
      points: [
        { at: 1, mark: 'ding' },
        { at: 3.5, mark: '' },
      ],
    });
  return tiers;
}

const q = (s: string) => `"${s.replace(/"/g, '""')}"`;

export function textGridLong(segs: Seg[], o: { labels?: boolean; pointTier?: boolean } = {}): string {
  const tiers = tgTiers(segs, o);
  const L = [
    'File type = "ooTextFile"',
    'Object class = "TextGrid"',
    '',
    'xmin = 0 ',
    `xmax = ${TOTAL} `,
    'tiers? <exists> ',
    `size = ${tiers.length} `,
    'item []: ',
  ];
  tiers.forEach((t, i) => {
    L.push(`    item [${i + 1}]:`);
    if (t.ivs) {
      L.push(
        '        class = "IntervalTier" ',
        `        name = ${q(t.name)} `,
        '        xmin = 0 ',
        `        xmax = ${TOTAL} `,
        `        intervals: size = ${t.ivs.length} `,
      );
      t.ivs.forEach((iv, k) =>
        L.push(
          `        intervals [${k + 1}]:`,
          `            xmin = ${iv.xmin} `,
          `            xmax = ${iv.xmax} `,
          `            text = ${q(iv.text)} `,
        ),
      );
    } else {
      L.push(
        '        class = "TextTier" ',
        `        name = ${q(t.name)} `,
        '        xmin = 0 ',
        `        xmax = ${TOTAL} `,
        `        points: size = ${t.points!.length} `,
      );
      t.points!.forEach((p, k) =>
        L.push(`        points [${k + 1}]:`, `            number = ${p.at} `, `            mark = ${q(p.mark)} `),
      );
    }
  });
  return L.join('\n') + '\n';
}

export function textGridShort(segs: Seg[], o: { labels?: boolean; pointTier?: boolean } = {}): string {
  const tiers = tgTiers(segs, o);
  const L = ['File type = "ooTextFile"', 'Object class = "TextGrid"', '', '0', String(TOTAL), '<exists>', String(tiers.length)];
  for (const t of tiers) {
    if (t.ivs) {
      L.push('"IntervalTier"', q(t.name), '0', String(TOTAL), String(t.ivs.length));
      for (const iv of t.ivs) L.push(String(iv.xmin), String(iv.xmax), q(iv.text));
    } else {
      L.push('"TextTier"', q(t.name), '0', String(TOTAL), String(t.points!.length));
      for (const p of t.points!) L.push(String(p.at), q(p.mark));
    }
  }
  return L.join('\r\n') + '\r\n';
}

function clock(s: number, sep: string): string {
  const ms = Math.round(s * 1000);
  const p = (x: number, n = 2) => String(x).padStart(n, '0');
  return `${p(Math.floor(ms / 3600000))}:${p(Math.floor(ms / 60000) % 60)}:${p(Math.floor(ms / 1000) % 60)}${sep}${p(ms % 1000, 3)}`;
}

export function srtOf(segs: Seg[]): string {
  return segs.map((s, i) => `${i + 1}\r\n${clock(s.start, ',')} --> ${clock(s.end, ',')}\r\n${s.speaker}: ${s.text}\r\n`).join('\r\n');
}

const vttEsc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function vttOf(segs: Seg[]): string {
  return (
    'WEBVTT\n\n' +
    segs.map((s) => `${clock(s.start, '.')} --> ${clock(s.end, '.')} line:90%\n<v ${s.speaker}>${vttEsc(s.text)}</v>\n`).join('\n')
  );
}

const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** A generic CSV of segments: file,start,end,speaker,text (times in seconds). */
export function csvOf(segs: Seg[], media: string): string {
  return (
    [
      'file,start,end,speaker,text',
      ...segs.map((s) => [media, String(s.start), String(s.end), s.speaker, s.text].map(csvCell).join(',')),
    ].join('\n') + '\n'
  );
}

const xmlEsc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** An ELAN 3.0 document: one tier per speaker (PARTICIPANT set), media linked relatively. */
export function eafOf(segs: Seg[], media: string, o: { timeOrigin?: number } = {}): string {
  const speakers = [...new Set(segs.map((s) => s.speaker))];
  const slots: string[] = [];
  const tiers = speakers.map((sp) => {
    const anns = segs
      .map((s, i) => ({ s, i }))
      .filter(({ s }) => s.speaker === sp)
      .map(({ s, i }) => {
        slots.push(
          `<TIME_SLOT TIME_SLOT_ID="ts${2 * i + 1}" TIME_VALUE="${Math.round(s.start * 1000)}"/>`,
          `<TIME_SLOT TIME_SLOT_ID="ts${2 * i + 2}" TIME_VALUE="${Math.round(s.end * 1000)}"/>`,
        );
        return `    <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a${i + 1}" TIME_SLOT_REF1="ts${2 * i + 1}" TIME_SLOT_REF2="ts${2 * i + 2}"><ANNOTATION_VALUE>${xmlEsc(s.text)}</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>`;
      });
    return `  <TIER LINGUISTIC_TYPE_REF="utterance" PARTICIPANT="${xmlEsc(sp)}" TIER_ID="${xmlEsc(sp)}">\n${anns.join('\n')}\n  </TIER>`;
  });
  const origin = o.timeOrigin !== undefined ? ` TIME_ORIGIN="${o.timeOrigin}"` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT AUTHOR="" DATE="2024-01-01T00:00:00+00:00" FORMAT="3.0" VERSION="3.0">
  <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">
    <MEDIA_DESCRIPTOR MEDIA_URL="file:///nowhere/${media.replace(/^\.\//, '')}" MIME_TYPE="audio/x-wav" RELATIVE_MEDIA_URL="${media}"${origin}/>
  </HEADER>
  <TIME_ORDER>
    ${slots.join('\n    ')}
  </TIME_ORDER>
${tiers.join('\n')}
  <LINGUISTIC_TYPE GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="utterance" TIME_ALIGNABLE="true"/>
</ANNOTATION_DOCUMENT>
`;
}
