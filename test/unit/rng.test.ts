// One seeded generator for the whole core: classify and fusion import the same class, so the same
// seed gives the same stream in both; the stream itself is pinned (mulberry32 with a mixed seed).
import { describe, expect, it } from 'vitest';
import { Rng as CoreRng } from '../../src/main/core/rng';
import { Rng as ClassifyRng } from '../../src/main/core/classify/rng';
import { Rng as FusionRng } from '../../src/main/core/fusion/rng';

describe('Rng', () => {
  it('classify and fusion use the one class: same seed, same stream', () => {
    expect(ClassifyRng).toBe(CoreRng);
    expect(FusionRng).toBe(CoreRng);
    const a = new ClassifyRng(7);
    const b = new FusionRng(7);
    const xs = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(xs);
  });

  it('a pinned stream, floats in [0, 1), shuffles that are permutations', () => {
    const r = new CoreRng(1);
    expect(Array.from({ length: 4 }, () => r.nextU32())).toEqual(PINNED);
    const u = new CoreRng(3);
    for (let i = 0; i < 1000; i++) {
      const v = u.next();
      expect(v >= 0 && v < 1).toBe(true);
      const w = u.uniform(-2, 5);
      expect(w >= -2 && w < 5).toBe(true);
      const k = u.int(3);
      expect([0, 1, 2]).toContain(k);
    }
    const a = Array.from({ length: 50 }, (_, i) => i);
    const s = new CoreRng(5).shuffle([...a]);
    expect(s).not.toEqual(a);
    expect([...s].sort((x, y) => x - y)).toEqual(a);
    const part = Int32Array.from(a);
    new CoreRng(5).shuffle(part, 10);
    expect(Array.from(part.slice(10))).toEqual(a.slice(10)); // only the first len entries move
    expect(Array.from(part.slice(0, 10)).sort((x, y) => x - y)).toEqual(a.slice(0, 10));
    expect(new CoreRng(1).next()).not.toBe(new CoreRng(2).next());
  });
});

// the classifiers' stream before the two classes were merged (fusion's changed to it)
const PINNED = [4125249511, 554864772, 2483894173, 1953448699];
