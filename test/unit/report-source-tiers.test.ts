// The transcript tiers of the ELAN/Praat exports (report/source-tiers.ts): an imported tier's name from
// the utterance key, a group of its own for an utterance moved to another speaker, speaker names for
// utterances that came from no tier, and no clash with the label tiers' names.
import { describe, expect, it } from 'vitest';
import { sourceTier, speakerTiers } from '../../src/main/core/report/source-tiers';
import type { Segment } from '../../src/main/core/report/timeline';

const seg = (key: string, speaker: string | null, start: number): Segment =>
  ({ row: { key, speaker } as Segment['row'], start, end: start + 1 }) as Segment;

describe('source tiers', () => {
  it('reads the tier from .eaf and .TextGrid keys only', () => {
    expect(sourceTier('day1/talk.eaf#Ann speech@1000')).toBe('Ann speech');
    expect(sourceTier('talk.TextGrid#Bob @ home@1500~2~3')).toBe('Bob @ home');
    expect(sourceTier('a#b.eaf#Ann speech@1000')).toBe('Ann speech');
    expect(sourceTier('talk.srt#1@1000')).toBeNull();
    expect(sourceTier('train/dia0_utt3')).toBeNull();
    expect(sourceTier('clips/a.wav')).toBeNull();
  });

  it('names tiers as imported; a moved utterance and tierless ones are named by speaker', () => {
    const taken = new Set(['emotion (gold)']);
    const t = speakerTiers(
      [
        seg('t.eaf#Ann speech@0', 'Ann', 0),
        seg('t.eaf#Bob speech@1000', 'Bob', 1),
        seg('t.eaf#Ann speech@2000', 'Bob', 2), // moved to Bob on the timeline
        seg('t.eaf#Ann speech@3000', 'Ann', 3),
        seg('vad/seg7', 'Ann', 4),
        seg('vad/seg8', null, 5),
      ],
      taken,
    );
    expect(t.map((x) => [x.id, x.speaker, x.segments.length])).toEqual([
      ['Ann speech', 'Ann', 2],
      ['Bob speech', 'Bob', 1],
      ['Bob', 'Bob', 1],
      ['Ann', 'Ann', 1],
      ['utterance', null, 1],
    ]);
    expect(taken.has('Ann speech')).toBe(true);
    expect(speakerTiers([seg('x.csv:row2', 'emotion (gold)', 0)], new Set(['emotion (gold)']))[0].id).toBe('emotion (gold) (2)');
  });
});
