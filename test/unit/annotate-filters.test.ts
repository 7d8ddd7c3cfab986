// Annotate's filters in the URL hash (renderer annotate/filters.ts): read back as written, unknown or
// mangled values left off, the position (u=ID) and other parameters kept, values with ; and = encoded.
import { describe, expect, it } from 'vitest';
import { filtersFromHash, hashWithFilters, withChosen } from '../../src/renderer/src/annotate/filters';

describe('Annotate filters in the hash', () => {
  const none = { split: '', speaker: '', by: '', unlabelled: false, disagree: false } as const;

  it('writes only the filters that are on, after the position, and reads them back', () => {
    const f = { split: 'dev', speaker: 'Ann; u=5', by: 'ben', unlabelled: true, disagree: true } as const;
    const h = hashWithFilters('#annotate;u=12', f);
    expect(h).toBe('#annotate;u=12;split=dev;speaker=Ann%3B%20u%3D5;by=ben;unlabelled=1;disagree=1');
    expect(filtersFromHash(h)).toEqual(f);
    expect(/;u=(\d+)/.exec(h)![1]).toBe('12'); // the position reader still finds the item
    expect(hashWithFilters(h, none)).toBe('#annotate;u=12');
    expect(hashWithFilters('#annotate', { ...none, split: 'train' })).toBe('#annotate;split=train');
  });

  it('leaves unknown or mangled values off', () => {
    expect(filtersFromHash('#annotate;u=3;split=nonsense;speaker=%E0%A4;unlabelled=yes;x=1')).toEqual(none);
    expect(filtersFromHash('')).toEqual(none);
  });

  it('keeps a chosen name among the options', () => {
    expect(withChosen(['ana'], 'ben')).toEqual(['ana', 'ben']);
    expect(withChosen(['ana', 'ben'], 'ben')).toEqual(['ana', 'ben']);
    expect(withChosen([], '')).toEqual([]);
  });
});
