// ELAN .eaf import: the annotations of the chosen utterance tiers become utterances (text, speaker
// from the tier's participant, start/end), labelled from the chosen label tier by largest time
// overlap, at least half of the utterance or of the label (or by reference, for a child tier); the
// media linked in the header is the clip.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { iconv, xml as fastXml } from '../lazy-packages';
import type { Split } from '../../../shared/types';
import { decodeText } from './text-file';
import { dialogueOf, mediaBeside, recordingOf } from './transcript';
import { relativeKey } from './folder';
import { splitHint } from './media-index';
import { ImportError, type ImportBatch, type ImportIssue, type ImportRecord } from './types';

export interface EafOptions {
  split?: Split;
  /** tiers whose annotations are utterances (default: top-level tiers without a controlled vocabulary that are not label or prediction tiers) */
  textTiers?: string[];
  /** tier holding the gold labels (default: 'emotion (gold)', else a tier named emotion/label, not a prediction tier); '' for none */
  labelTier?: string;
  /** the corpus root (a folder being imported); keys are the file's path relative to it (default: its folder) */
  root?: string;
  /** the recording (--media) instead of the media the file links */
  media?: string;
}

interface Ann {
  id: string;
  start: number | null;
  end: number | null;
  value: string;
  ref: string | null;
}
interface Tier {
  id: string;
  type: string;
  participant: string | null;
  parent: string | null;
  anns: Ann[];
  annotator?: string | null;
}

const ARRAYS = new Set([
  'TIER',
  'ANNOTATION',
  'TIME_SLOT',
  'MEDIA_DESCRIPTOR',
  'LINGUISTIC_TYPE',
  'CONTROLLED_VOCABULARY',
  'CV_ENTRY_ML',
  'CVE_VALUE',
  'CV_ENTRY',
  'PROPERTY',
]);
type XmlNode = Record<string, unknown>;

const text = (v: unknown): string =>
  v === undefined || v === null ? '' : typeof v === 'object' ? String((v as XmlNode)['#text'] ?? '') : String(v);

/**
 * The document's text: a BOM decides (UTF-8, UTF-16), else UTF-16 seen from its NULs, else the encoding
 * its XML declaration names (UTF-8 when none). A file declared UTF-8 that is not valid UTF-8 is read
 * as the text reader guesses (Windows-1252 mostly), with a note.
 */
export function decodeXmlBytes(buf: Buffer, file: string, issues: ImportIssue[]): string {
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
  else if (buf[0] === 0xff && buf[1] === 0xfe) return iconv().decode(buf.subarray(2), 'utf-16le');
  else if (buf[0] === 0xfe && buf[1] === 0xff) return iconv().decode(buf.subarray(2), 'utf-16be');
  else if (buf[0] === 0x3c && buf[1] === 0x00) return iconv().decode(buf, 'utf-16le');
  else if (buf[0] === 0x00 && buf[1] === 0x3c) return iconv().decode(buf, 'utf-16be');
  const decl = /^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(buf.subarray(0, 256).toString('latin1'));
  const declared = (decl?.[1] ?? 'utf-8').toLowerCase();
  if (declared === 'utf-8' || declared === 'utf8') {
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(buf);
    } catch {
      const d = decodeText(buf, file);
      issues.push({ file, row: null, message: `declared UTF-8 but it is not valid UTF-8: read as ${d.encoding}` });
      return d.text;
    }
  }
  // browsers and ELAN alike read Latin-1 labels as Windows-1252 (0x92 is a quote, not a control)
  const enc =
    declared === 'iso-8859-1' || declared === 'latin1' || declared === 'us-ascii' || declared === 'ascii' ? 'windows-1252' : declared;
  if (!iconv().encodingExists(enc)) throw new ImportError(file, `its XML declaration names the encoding '${decl![1]}', which is not known`);
  return iconv().decode(buf, enc);
}

function parseEaf(file: string, issues: ImportIssue[]): XmlNode {
  let xml: string;
  try {
    xml = decodeXmlBytes(fs.readFileSync(file), file, issues);
  } catch (e) {
    if (e instanceof ImportError) throw e;
    throw new ImportError(file, `cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const valid = fastXml().XMLValidator.validate(xml);
  if (valid !== true) throw new ImportError(file, `not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  let doc: XmlNode;
  try {
    doc = new (fastXml().XMLParser)({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      parseTagValue: false,
      parseAttributeValue: false,
      trimValues: false,
      // numeric character references (&#233; &#x1F600;) decoded, as XML wants
      htmlEntities: true,
      isArray: (name) => ARRAYS.has(name),
    }).parse(xml) as XmlNode;
  } catch (e) {
    // the parser's refusals (external entities, entity size and count limits) do not name the file
    throw new ImportError(file, `XML refused: ${(e as Error).message}`);
  }
  if (!('ANNOTATION_DOCUMENT' in doc)) throw new ImportError(file, 'not an ELAN annotation file (no ANNOTATION_DOCUMENT element)');
  const root = doc.ANNOTATION_DOCUMENT;
  return root !== null && typeof root === 'object' ? (root as XmlNode) : {}; // <ANNOTATION_DOCUMENT/> parses as ''
}

function readTiers(root: XmlNode, file: string, issues: ImportIssue[]): Tier[] {
  const header = (root.HEADER ?? {}) as XmlNode;
  if (header.TIME_UNITS && header.TIME_UNITS !== 'milliseconds')
    throw new ImportError(file, `TIME_UNITS '${String(header.TIME_UNITS)}' is not supported (milliseconds only)`);
  const slots = new Map<string, number | null>();
  for (const s of ((root.TIME_ORDER as XmlNode | undefined)?.TIME_SLOT ?? []) as XmlNode[]) {
    const v = s.TIME_VALUE === undefined ? null : Number(s.TIME_VALUE);
    slots.set(String(s.TIME_SLOT_ID), v !== null && Number.isFinite(v) ? v : null);
  }
  const tiers = ((root.TIER ?? []) as XmlNode[]).map((t): Tier => ({
    id: String(t.TIER_ID),
    type: String(t.LINGUISTIC_TYPE_REF ?? ''),
    participant: t.PARTICIPANT ? String(t.PARTICIPANT) : null,
    parent: t.PARENT_REF ? String(t.PARENT_REF) : null,
    annotator: t.ANNOTATOR ? String(t.ANNOTATOR).trim() || null : null,
    anns: ((t.ANNOTATION ?? []) as XmlNode[]).flatMap((a): Ann[] => {
      const al = a.ALIGNABLE_ANNOTATION as XmlNode | undefined;
      if (al) {
        const s = slots.get(String(al.TIME_SLOT_REF1)) ?? null;
        const e = slots.get(String(al.TIME_SLOT_REF2)) ?? null;
        return [{ id: String(al.ANNOTATION_ID), start: s, end: e, value: text(al.ANNOTATION_VALUE).trim(), ref: null }];
      }
      const rf = a.REF_ANNOTATION as XmlNode | undefined;
      return rf
        ? [
            {
              id: String(rf.ANNOTATION_ID),
              start: null,
              end: null,
              value: text(rf.ANNOTATION_VALUE).trim(),
              ref: String(rf.ANNOTATION_REF),
            },
          ]
        : [];
    }),
  }));
  // reference annotations take the times of what they refer to (following chains)
  const byId = new Map(tiers.flatMap((t) => t.anns.map((a) => [a.id, a] as const)));
  const timesOf = (a: Ann, depth = 0): [number | null, number | null] => {
    if (a.start !== null && a.end !== null) return [a.start, a.end];
    const r = a.ref ? byId.get(a.ref) : undefined;
    return r && depth < 20 ? timesOf(r, depth + 1) : [a.start, a.end];
  };
  for (const t of tiers) for (const a of t.anns) [a.start, a.end] = timesOf(a);
  for (const t of tiers) {
    const untimed = t.anns.filter((a) => a.start === null || a.end === null).length;
    if (untimed) issues.push({ file, row: null, message: `tier '${t.id}': ${untimed} annotation(s) without times left out` });
    t.anns = t.anns.filter((a) => a.start !== null && a.end !== null);
    // an empty or reversed span is no segment (extraction would describe the whole recording instead)
    const spanless = t.anns.filter((a) => a.end! <= a.start!);
    if (spanless.length) {
      const shown = spanless.slice(0, 3).map((a) => `${a.id} at ${a.start! / 1000} s - ${a.end! / 1000} s`);
      issues.push({
        file,
        row: null,
        message: `tier '${t.id}': ${spanless.length} annotation(s) whose end is not after their start left out (${shown.join(', ')}${spanless.length > 3 ? ', ...' : ''})`,
      });
      t.anns = t.anns.filter((a) => a.end! > a.start!);
    }
  }
  return tiers;
}

/**
 * The linked media file found on disk (video first), else the media file of the same base name beside
 * the .eaf, and its TIME_ORIGIN: where the annotations' 0 lies in it, in ms.
 */
function linkedMedia(root: XmlNode, file: string, issues: ImportIssue[], forced?: string): { path: string | null; originMs: number } {
  const descs = ((root.HEADER as XmlNode | undefined)?.MEDIA_DESCRIPTOR ?? []) as XmlNode[];
  const candidates: { p: string; video: boolean; origin: unknown }[] = [];
  for (const d of descs) {
    const video = String(d.MIME_TYPE ?? '').startsWith('video');
    for (const u of [d.RELATIVE_MEDIA_URL, d.MEDIA_URL]) {
      if (!u) continue;
      const s = String(u);
      try {
        const p = s.startsWith('file:') ? fileURLToPath(s) : path.resolve(path.dirname(file), decodeURI(s));
        candidates.push({ p, video, origin: d.TIME_ORIGIN });
      } catch {
        // a URL of another scheme (http:) cannot be a local clip
      }
    }
  }
  candidates.sort((a, b) => Number(b.video) - Number(a.video));
  if (forced !== undefined) {
    // --media: that recording, with the TIME_ORIGIN the file gives (its first media's)
    const o = Number(candidates.find((c) => c.origin !== undefined)?.origin ?? 0);
    return { path: recordingOf(file, forced, issues), originMs: Number.isFinite(o) ? o : 0 };
  }
  const found = candidates.find((c) => fs.existsSync(c.p));
  let originMs = 0;
  // a moved .eaf whose links are stale: the media of the same name beside it (same TIME_ORIGIN)
  const beside = found ? null : mediaBeside(file);
  if (!found && descs.length) {
    const urls = descs.map((d) => String(d.MEDIA_URL)).join(', ');
    issues.push({
      file,
      row: null,
      message: beside
        ? `linked media not found (${urls}): using ${path.basename(beside)} beside the file`
        : `linked media not found: ${urls}`,
    });
  }
  const origin = found ? found.origin : candidates[0]?.origin;
  if ((found || beside) && origin !== undefined && String(origin).trim() !== '') {
    const o = Number(origin);
    if (Number.isFinite(o)) originMs = o;
    else issues.push({ file, row: null, message: `TIME_ORIGIN '${String(origin)}' is not a number of milliseconds; ignored` });
  }
  return { path: found?.p ?? beside, originMs };
}

/** The CV-typed linguistic types, and each type's vocabulary in order. */
function vocabularies(root: XmlNode): Map<string, string[]> {
  const cvs = new Map<string, string[]>();
  for (const cv of (root.CONTROLLED_VOCABULARY ?? []) as XmlNode[]) {
    const ml = ((cv.CV_ENTRY_ML ?? []) as XmlNode[]).map((e) => text(((e.CVE_VALUE ?? []) as unknown[])[0]).trim());
    const old = ((cv.CV_ENTRY ?? []) as unknown[]).map((e) => text(e).trim()); // EAF before 2.8
    cvs.set(String(cv.CV_ID), [...ml, ...old].filter(Boolean));
  }
  const out = new Map<string, string[]>();
  for (const lt of (root.LINGUISTIC_TYPE ?? []) as XmlNode[]) {
    if (lt.CONTROLLED_VOCABULARY_REF) out.set(String(lt.LINGUISTIC_TYPE_ID), cvs.get(String(lt.CONTROLLED_VOCABULARY_REF)) ?? []);
  }
  return out;
}

const PREDICTED = /pred/i;
const LABELISH = /\b(emotions?|labels?)\b/i;
/** a label tier of one annotator (issue 13): `emotion (NAME)` (not gold, not a prediction) */
const ANNOTATOR_TIER = /^(?:emotions?|labels?) \((.+)\)$/i;
function annotatorOfTier(t: Tier): string | null {
  if (PREDICTED.test(t.id)) return null;
  const m = ANNOTATOR_TIER.exec(t.id.trim());
  if (m && !/^gold$/i.test(m[1].trim())) return m[1].trim();
  return t.annotator && LABELISH.test(t.id) ? t.annotator : null;
}

export function readEafFile(file: string, opts: EafOptions = {}): ImportBatch {
  const abs = path.resolve(file);
  const issues: ImportIssue[] = [];
  const root = parseEaf(abs, issues);
  const tiers = readTiers(root, abs, issues);
  const cvTypes = vocabularies(root);
  const names = tiers.map((t) => t.id);
  const need = (id: string, what: string) => {
    const t = tiers.find((x) => x.id === id);
    if (!t) throw new ImportError(abs, `no tier '${id}' for the ${what} (its tiers: ${names.map((n) => `'${n}'`).join(', ') || 'none'})`);
    return t;
  };

  let labelTier: Tier | null = null;
  const annotatorTiers = tiers.filter((t) => annotatorOfTier(t) !== null && t.id !== opts.labelTier);
  if (opts.labelTier !== undefined) labelTier = opts.labelTier === '' ? null : need(opts.labelTier, 'labels');
  else {
    labelTier =
      tiers.find((t) => t.id === 'emotion (gold)') ??
      tiers.find((t) => /gold/i.test(t.id) && LABELISH.test(t.id)) ??
      tiers.find((t) => LABELISH.test(t.id) && !PREDICTED.test(t.id) && !annotatorTiers.includes(t)) ??
      null;
  }
  const textTiers = opts.textTiers?.length
    ? opts.textTiers.map((id) => need(id, 'utterances'))
    : tiers.filter(
        (t) => t !== labelTier && !t.parent && !cvTypes.has(t.type) && !PREDICTED.test(t.id) && !LABELISH.test(t.id) && t.anns.length > 0,
      );
  if (!textTiers.length) {
    throw new ImportError(
      abs,
      `no utterance tier found (its tiers: ${names.map((n) => `'${n}'`).join(', ') || 'none'}); name them with --tiers`,
    );
  }

  const split: Split =
    opts.split ??
    (() => {
      const s = splitHint(path.basename(abs, path.extname(abs)));
      return s !== 'unsplit' ? s : splitHint(path.basename(path.dirname(abs)));
    })();
  const { path: mediaPath, originMs } = linkedMedia(root, abs, issues, opts.media);
  const corpusRoot = opts.root ? path.resolve(opts.root) : path.dirname(abs);
  const base = relativeKey(corpusRoot, abs);
  const dialogue = dialogueOf(corpusRoot, mediaPath, abs); // one dialogue per recording
  // an empty annotation is a segment not transcribed yet (voice-activity output, ours or ELAN's): an
  // utterance without text, so its labels and span come back (they were dropped)
  const anns = textTiers.flatMap((t) => t.anns.map((a) => ({ t, a }))).sort((x, y) => x.a.start! - y.a.start! || x.a.end! - y.a.end!);
  const records = anns.map(({ t, a }, i): ImportRecord => ({
    key: `${base}#${t.id}@${a.start}`,
    split,
    dialogue,
    index: i,
    speaker: t.participant ?? t.id,
    text: a.value === '' ? null : a.value,
    label: labelTier ? labelFor(a, labelTier) : null,
    mediaPath,
    startS: (a.start! + originMs) / 1000,
    endS: (a.end! + originMs) / 1000,
    source: abs,
    row: null,
    ...(labelTier && annotatorTiers.length ? { goldTier: true } : {}),
    ...(annotatorTiers.length
      ? {
          annotations: annotatorTiers.flatMap((at) => {
            const l = labelFor(a, at);
            return l !== null ? [{ annotator: annotatorOfTier(at)!, label: l }] : [];
          }),
        }
      : {}),
  }));
  if (!records.length)
    issues.push({
      file: abs,
      row: null,
      message: `the utterance tiers (${textTiers.map((t) => `'${t.id}'`).join(', ')}) hold no annotation`,
    });
  return {
    kind: 'elan-eaf',
    corpusRoot,
    labelSet: [
      ...new Set([...(labelTier ? (cvTypes.get(labelTier.type) ?? []) : []), ...annotatorTiers.flatMap((t) => cvTypes.get(t.type) ?? [])]),
    ],
    records,
    issues,
    missingMedia: mediaPath ? 0 : records.length,
  };
}

/** The label annotation referring to the utterance, else the one overlapping it most (and enough); null if none. */
function labelFor(u: Ann, tier: Tier): string | null {
  const direct = tier.anns.find((l) => l.ref === u.id);
  if (direct) return direct.value || null;
  let best: Ann | null = null;
  let bestOverlap = 0;
  for (const l of tier.anns) {
    const o = Math.min(u.end!, l.end!) - Math.max(u.start!, l.start!);
    if (o > bestOverlap) {
      best = l;
      bestOverlap = o;
    }
  }
  // a label counts only when it covers at least half of the utterance or half of itself
  if (!best || bestOverlap < 0.5 * Math.min(u.end! - u.start!, best.end! - best.start!)) return null;
  return best.value || null;
}
