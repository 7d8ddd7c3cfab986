// ELAN files with given tiers (speaker tiers, annotators' `emotion (NAME)` tiers, a gold tier) for the
// import and export tests, written here independently of the exporter in src/main/core/report.

export type Ann = [number, number, string]; // ms, ms, value
export interface T {
  id: string;
  participant?: string;
  annotator?: string;
  anns: Ann[];
}

/** An ELAN file with these tiers (no media linked). */
export function eafWith(tiers: T[]): string {
  const times = [...new Set(tiers.flatMap((t) => t.anns.flatMap(([a, b]) => [a, b])))].sort((a, b) => a - b);
  const slot = (v: number) => `ts${times.indexOf(v) + 1}`;
  let n = 0;
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<ANNOTATION_DOCUMENT AUTHOR="" DATE="2026-12-02T00:00:00Z" FORMAT="3.0" VERSION="3.0">',
    '<HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"/>',
    '<TIME_ORDER>',
    ...times.map((v) => `<TIME_SLOT TIME_SLOT_ID="${slot(v)}" TIME_VALUE="${v}"/>`),
    '</TIME_ORDER>',
    ...tiers.map(
      (t) =>
        `<TIER TIER_ID="${esc(t.id)}" LINGUISTIC_TYPE_REF="default-lt"${t.participant ? ` PARTICIPANT="${esc(t.participant)}"` : ''}${
          t.annotator ? ` ANNOTATOR="${esc(t.annotator)}"` : ''
        }>` +
        t.anns
          .map(
            ([a, b, v]) =>
              `<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a${++n}" TIME_SLOT_REF1="${slot(a)}" TIME_SLOT_REF2="${slot(b)}"><ANNOTATION_VALUE>${esc(v)}</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>`,
          )
          .join('') +
        '</TIER>',
    ),
    '<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="default-lt" TIME_ALIGNABLE="true" GRAPHIC_REFERENCES="false"/>',
    '</ANNOTATION_DOCUMENT>',
    '',
  ].join('\n');
}

// three utterances: the annotators agree on the first and last, disagree on the second
export const SPEECH: T[] = [
  {
    id: 'Ann speech',
    participant: 'Ann',
    anns: [
      [1000, 2000, 'This smells awful.'],
      [5000, 6000, 'There is hair in my soup.'],
    ],
  },
  { id: 'Bob speech', participant: 'Bob', anns: [[3000, 4000, 'Why did nobody tell me?']] },
];
export const ANA: T = {
  id: 'emotion (ana)',
  annotator: 'ana',
  anns: [
    [1000, 2000, 'disgust'],
    [3000, 4000, 'anger'],
    [5000, 6000, 'disgust'],
  ],
};
export const BEN: T = {
  id: 'emotion (ben)',
  annotator: 'ben',
  anns: [
    [1000, 2000, 'disgust'],
    [3000, 4000, 'anger'],
    [5000, 6000, 'fear'],
  ],
};
