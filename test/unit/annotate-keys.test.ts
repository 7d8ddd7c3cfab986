// Label keys beyond 9 and remapping (shared/api-annotation.ts keysFor), and which focused element keeps its keys.
import { describe, expect, it } from 'vitest';
import { keysFor, DEFAULT_KEYS } from '../../src/shared/api-annotation';

const TWELVE = ['anger', 'disgust', 'fear', 'joy', 'neutral', 'sadness', 'surprise', 'contempt', 'boredom', 'pride', 'shame', 'relief'];

describe('label keys', () => {
  it('gives every label a key: 1..9, 0, then letters that are not J K N U', () => {
    const k = keysFor(TWELVE, {});
    expect([...k.keys()]).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '0', 'q', 'w']);
    expect(k.get('0')).toBe('pride');
    expect(k.get('w')).toBe('relief');
    for (const taken of ['j', 'k', 'n', 'u', ' ']) expect(DEFAULT_KEYS).not.toContain(taken);
    expect(new Set(k.values()).size).toBe(TWELVE.length);
  });

  it('a saved map wins; the other labels keep default keys that are still free; labels not in the set are ignored', () => {
    const k = keysFor(TWELVE, { '1': 'relief', x: 'joy', Z: 'boredom2' });
    expect(k.get('1')).toBe('relief');
    expect(k.get('x')).toBe('joy');
    expect([...k.values()].filter((l) => l === 'relief')).toHaveLength(1);
    expect(k.get('2')).toBe('anger'); // '1' is taken: the defaults move on
    expect(new Set(k.values())).toEqual(new Set(TWELVE));
    expect([...k.keys()]).not.toContain('z');
  });
});
