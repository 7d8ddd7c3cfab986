// The encoder crops kept during a pass (media/crop-frames.ts): a crop and its frame's entropy come
// from two pipes in either order; past the budget the highest-entropy crops are kept, and a selected
// frame whose crop was not kept gives null (the item is decoded again later); the router hands a
// recording's crop k to every segment holding frame k.
import { describe, expect, it } from 'vitest';
import { CropKeeper, CropRouter, cropFilter, type CropTarget } from '../../src/main/core/media/crop-frames';

const BYTES = 12; // a 2x2 rgb24 crop
const crop = (v: number) => new Uint8Array(BYTES).fill(v);

describe('CropKeeper', () => {
  it('pairs each crop with its entropy whichever comes first, and copies what it keeps', () => {
    const k = new CropKeeper(BYTES);
    const reused = crop(1);
    k.crop(0, reused); // crop first
    reused.fill(9); // the pipe's buffer is reused: the keeper must have copied
    k.frameEntropy(0, 3);
    k.frameEntropy(1, 4); // entropy first
    k.crop(1, crop(2));
    const got = k.take([1, 0, 1])!;
    expect(got.frames).toEqual([0, 1]);
    expect([...got.rgb]).toEqual([...crop(1), ...crop(2)]);
  });

  it('keeps the highest-entropy crops past its budget; a selected frame not kept gives null', () => {
    const k = new CropKeeper(BYTES, 16 * BYTES); // room for 16
    for (let i = 0; i < 40; i++) {
      k.frameEntropy(i, i % 2 ? 1 : 5 + i / 100); // even frames are the informative ones
      k.crop(i, crop(i));
    }
    // the 16 kept: even frames 8..38
    expect(k.take([8, 30, 38])!.rgb[BYTES]).toBe(30);
    expect(k.take([6, 30])).toBeNull();
    expect(k.take([30, 31])).toBeNull();
  });
});

describe('CropRouter', () => {
  it('gives each segment the crops of its frames [k0, k1), overlapping segments alike', () => {
    const segs: CropTarget[] = [
      { k0: 0, k1: 3, crops: null, cropsDone: false },
      { k0: 2, k1: 5, crops: null, cropsDone: false },
      { k0: 4, k1: 4, crops: null, cropsDone: false }, // no frame
    ];
    let closed = 0;
    const r = new CropRouter(segs, BYTES, () => closed++);
    for (let i = 0; i < 6; i++) r.push(crop(10 + i));
    expect(segs.map((s) => s.cropsDone)).toEqual([true, true, true]);
    expect(closed).toBe(2);
    // the analysis pipe's entropies, after the crops
    for (const s of segs.slice(0, 2)) for (let f = 0; f < s.k1 - s.k0; f++) s.crops!.frameEntropy(f, 1);
    expect([...segs[0].crops!.take([0, 2])!.rgb].filter((_, i) => i % BYTES === 0)).toEqual([10, 12]);
    expect([...segs[1].crops!.take([0, 2])!.rgb].filter((_, i) => i % BYTES === 0)).toEqual([12, 14]);
    expect(segs[2].crops).toBeNull();
  });

  it('the filter is the ImageNet resize and crop', () => {
    expect(cropFilter({ resize: 256, crop: 224 })).toBe("scale='if(gt(iw,ih),-2,256)':'if(gt(iw,ih),256,-2)':flags=bilinear,crop=224:224");
  });
});
