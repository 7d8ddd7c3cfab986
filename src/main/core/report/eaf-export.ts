// ELAN .eaf export (format 3.0, EAFv3.0.xsd): per timeline, the transcript tiers (each imported tier's
// name kept, else one per speaker), the gold emotion and the predicted emotion (both with a controlled
// vocabulary of the label set), and the media linked (absolute file URL plus a URL relative to the
// .eaf). Built with fast-xml-parser's builder, which escapes text and attribute values.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { xml as fastXml } from '../lazy-packages';
import { nonOverlapping, type Segment, type Timeline } from './timeline';
import { mediaMimeType } from '../media/mime';
import { speakerTiers } from './source-tiers';

export const EAF_SCHEMA_URL = 'http://www.mpi.nl/tools/elan/EAFv3.0.xsd';
export const GOLD_TIER = 'emotion (gold)';
export const predictedTier = (version: number) => `emotion (predicted, model ${version})`;
const UTT_TYPE = 'utterance';
const EMO_TYPE = 'emotion';
const CV_ID = 'emotions';

/** ELAN's own MIME_TYPE names where they differ from the served ones (null: ELAN has none, 'unknown'). */
const ELAN_MIME: Record<string, string | null> = { '.wav': 'audio/x-wav', '.ts': null };

function elanMimeType(file: string): string {
  const ext = path.extname(file).toLowerCase();
  return (ext in ELAN_MIME ? ELAN_MIME[ext] : mediaMimeType(file)) ?? 'unknown';
}

export interface EafOptions {
  /** the corpus label set: the controlled vocabulary */
  labels: string[];
  /** model version of the predicted tier; null: no predicted tier */
  version: number | null;
  /** folder the .eaf is written to (for the relative media URL) */
  outDir: string;
  author?: string;
}

type Attrs = Record<string, string | number | boolean>;
const a = (attrs: Attrs): Record<string, string> => Object.fromEntries(Object.entries(attrs).map(([k, v]) => [`@_${k}`, String(v)]));

export function eafDocument(t: Timeline, o: EafOptions): { xml: string; notes: string[] } {
  const notes = [...t.notes];
  const slots = new Map<number, string>(); // ms -> slot id, filled in time order below
  const ms = (s: number) => Math.max(0, Math.round(s * 1000));
  let annId = 0;
  const tiers: {
    id: string;
    type: string;
    participant?: string;
    annotator?: string;
    anns: { start: number; end: number; value: string; cve?: string }[];
  }[] = [];

  // transcript tiers: the tier each utterance was imported from, by name, else one per speaker, in
  // order of first appearance (report/source-tiers.ts)
  const tierIds = new Set([GOLD_TIER, ...(o.version !== null ? [predictedTier(o.version)] : [])]);
  for (const st of speakerTiers(t.segments, tierIds)) {
    const { kept, notes: n } = nonOverlapping(st.segments, st.id);
    notes.push(...n);
    tiers.push({
      id: st.id,
      type: UTT_TYPE,
      participant: st.speaker ?? undefined,
      anns: kept.map((s) => ({ start: ms(s.start), end: ms(s.end), value: s.row.text ?? '' })),
    });
  }
  const labelTier = (id: string, pick: (s: Segment) => string | null, annotator?: string) => {
    const { kept, notes: n } = nonOverlapping(
      t.segments.filter((s) => pick(s) !== null),
      id,
    );
    notes.push(...n);
    tiers.push({
      id,
      type: EMO_TYPE,
      ...(annotator ? { annotator } : {}),
      anns: kept.map((s) => ({ start: ms(s.start), end: ms(s.end), value: pick(s)!, cve: cveId(o.labels, pick(s)!) })),
    });
  };
  // one label tier per annotator (issue 13): `emotion (NAME)` with ELAN's ANNOTATOR attribute, before
  // the gold and predicted tiers (which stay the last two)
  for (const name of [...new Set(t.segments.flatMap((s) => Object.keys(s.row.annotators ?? {})))].sort()) {
    let id = `emotion (${name})`;
    for (let k = 2; tierIds.has(id); k++) id = `emotion (${name}) (${k})`;
    tierIds.add(id);
    labelTier(id, (s) => s.row.annotators?.[name] ?? null, name);
  }
  labelTier(GOLD_TIER, (s) => s.row.label);
  if (o.version !== null) labelTier(predictedTier(o.version), (s) => s.row.prediction?.label ?? null);

  // an annotation needs end > start in whole milliseconds
  for (const tier of tiers) tier.anns = tier.anns.map((x) => ({ ...x, end: Math.max(x.end, x.start + 1) }));
  for (const v of [...new Set(tiers.flatMap((x) => x.anns.flatMap((y) => [y.start, y.end])))].sort((p, q) => p - q)) {
    slots.set(v, `ts${slots.size + 1}`);
  }

  const header: Record<string, unknown> = { ...a({ MEDIA_FILE: '', TIME_UNITS: 'milliseconds' }) };
  if (t.media) {
    const rel = path.relative(o.outDir, t.media).split(path.sep).join('/');
    header.MEDIA_DESCRIPTOR = a({
      MEDIA_URL: pathToFileURL(t.media).href,
      MIME_TYPE: elanMimeType(t.media),
      RELATIVE_MEDIA_URL: encodeURI(rel.startsWith('.') ? rel : `./${rel}`),
    });
  }
  const tierXml = tiers.map((tier) => ({
    ...a({
      TIER_ID: tier.id,
      LINGUISTIC_TYPE_REF: tier.type,
      ...(tier.participant ? { PARTICIPANT: tier.participant } : {}),
      ...(tier.annotator ? { ANNOTATOR: tier.annotator } : {}),
    }),
    ANNOTATION: tier.anns.map((x) => ({
      ALIGNABLE_ANNOTATION: {
        ...a({
          ANNOTATION_ID: `a${++annId}`,
          TIME_SLOT_REF1: slots.get(x.start)!,
          TIME_SLOT_REF2: slots.get(x.end)!,
          ...(x.cve ? { CVE_REF: x.cve } : {}),
        }),
        ANNOTATION_VALUE: x.value,
      },
    })),
  }));
  header.PROPERTY = [
    { ...a({ NAME: 'URN' }), '#text': `urn:emotion-studio:${t.name}` },
    { ...a({ NAME: 'lastUsedAnnotationId' }), '#text': String(annId) },
  ];
  const doc = {
    '?xml': a({ version: '1.0', encoding: 'UTF-8' }),
    ANNOTATION_DOCUMENT: {
      ...a({
        AUTHOR: o.author ?? 'emotion-studio',
        DATE: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        FORMAT: '3.0',
        VERSION: '3.0',
        'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
        'xsi:noNamespaceSchemaLocation': EAF_SCHEMA_URL,
      }),
      HEADER: header,
      TIME_ORDER: { TIME_SLOT: [...slots].map(([v, id]) => a({ TIME_SLOT_ID: id, TIME_VALUE: v })) },
      TIER: tierXml,
      LINGUISTIC_TYPE: [
        a({ GRAPHIC_REFERENCES: false, LINGUISTIC_TYPE_ID: UTT_TYPE, TIME_ALIGNABLE: true }),
        a({ CONTROLLED_VOCABULARY_REF: CV_ID, GRAPHIC_REFERENCES: false, LINGUISTIC_TYPE_ID: EMO_TYPE, TIME_ALIGNABLE: true }),
      ],
      LANGUAGE: a({ LANG_DEF: 'http://cdb.iso.org/lg/CDB-00130975-001', LANG_ID: 'eng', LANG_LABEL: 'English (eng)' }),
      CONSTRAINT: [
        a({
          DESCRIPTION: "Time subdivision of parent annotation's time interval, no time gaps allowed within this interval",
          STEREOTYPE: 'Time_Subdivision',
        }),
        a({
          DESCRIPTION: 'Symbolic subdivision of a parent annotation. Annotations refering to the same parent are ordered',
          STEREOTYPE: 'Symbolic_Subdivision',
        }),
        a({ DESCRIPTION: '1-1 association with a parent annotation', STEREOTYPE: 'Symbolic_Association' }),
        a({
          DESCRIPTION: "Time alignable annotations within the parent annotation's time interval, gaps are allowed",
          STEREOTYPE: 'Included_In',
        }),
      ],
      CONTROLLED_VOCABULARY: {
        ...a({ CV_ID }),
        DESCRIPTION: { ...a({ LANG_REF: 'eng' }), '#text': 'emotion labels of the corpus' },
        CV_ENTRY_ML: o.labels.map((l) => ({ ...a({ CVE_ID: cveId(o.labels, l)! }), CVE_VALUE: { ...a({ LANG_REF: 'eng' }), '#text': l } })),
      },
    },
  };
  const xml = new (fastXml().XMLBuilder)({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    format: true,
    indentBy: '    ',
    suppressEmptyNode: true,
    suppressBooleanAttributes: false,
  }).build(doc);
  return { xml, notes };
}

function cveId(labels: string[], label: string): string | undefined {
  const k = labels.indexOf(label);
  return k >= 0 ? `cve_${k + 1}` : undefined;
}
