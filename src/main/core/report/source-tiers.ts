// The transcript tiers of the ELAN and Praat exports: the tier each utterance was imported from keeps
// its name ("Ann speech" comes back as "Ann speech", not as its speaker "Ann"); utterances from no
// tier (CSV, folders, VAD) get a tier per speaker as before.
import type { Segment } from './timeline';

/** The tier an utterance was imported from: .eaf and .TextGrid keys are FILE#TIER@MS, with ~N after a
 * duplicate start or a split on the timeline (corpus/eaf.ts, corpus/transcript.ts, store/segments.ts);
 * null for any other key. */
export function sourceTier(key: string): string | null {
  const m = /^.*?\.(?:eaf|textgrid)#(.+)@-?\d+(?:\.\d+)?(?:~\d+)*$/i.exec(key);
  return m && m[1].trim() ? m[1] : null;
}

export interface SpeakerTier {
  id: string;
  speaker: string | null;
  segments: Segment[];
}

/**
 * One tier per (speaker, source tier), in order of first appearance. A source tier's name goes to the
 * group of that tier with the most utterances (an utterance moved to another speaker makes a group of
 * its own, named after the speaker); the rest are named after their speaker ('utterance' for none).
 * Names already in `taken` (the label tiers) or given before get ' (2)', ' (3)', ...; `taken` gains them.
 */
export function speakerTiers(segs: Segment[], taken: Set<string>): SpeakerTier[] {
  const groups = new Map<string, { speaker: string | null; tier: string | null; segments: Segment[] }>();
  for (const s of segs) {
    const tier = sourceTier(s.row.key);
    const k = `${s.row.speaker ?? '\u0001'}\u0000${tier ?? ''}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { speaker: s.row.speaker, tier, segments: [] }));
    g.segments.push(s);
  }
  const list = [...groups.values()];
  const owner = new Map<string, (typeof list)[number]>();
  for (const g of list) {
    if (g.tier === null) continue;
    const o = owner.get(g.tier);
    if (!o || g.segments.length > o.segments.length) owner.set(g.tier, g);
  }
  // the source tiers' names first, so that a speaker-named group never takes one of them
  const ids = new Map<(typeof list)[number], string>();
  const name = (g: (typeof list)[number], base: string) => {
    let id = base;
    for (let k = 2; taken.has(id); k++) id = `${base} (${k})`;
    taken.add(id);
    ids.set(g, id);
  };
  for (const g of list) if (g.tier !== null && owner.get(g.tier) === g) name(g, g.tier);
  for (const g of list) if (!ids.has(g)) name(g, g.speaker ?? 'utterance');
  return list.map((g) => ({ id: ids.get(g)!, speaker: g.speaker, segments: g.segments }));
}
