// Frames prepared for an image encoder (ResNet-50: shorter side resized, centre crop, rgb24) by the
// same ffmpeg run that decodes the analysis frames (a split in the filter graph to a second pipe):
// the filter both decode paths use, and a keeper that holds one clip's or segment's crops during its
// pass, bounded by a memory budget, until its frames are selected by entropy.
import { FrameStore } from './frame-store';

/** Shorter side resized to `resize` (bilinear), centre crop `crop` x `crop`: ImageNet preprocessing. */
export interface CropSpec {
  resize: number;
  crop: number;
}

/** The filter chain after which a frame is the encoder's input (output it as rgb24). */
export function cropFilter(c: CropSpec): string {
  return `scale='if(gt(iw,ih),-2,${c.resize})':'if(gt(iw,ih),${c.resize},-2)':flags=bilinear,crop=${c.crop}:${c.crop}`;
}

export const cropBytes = (c: CropSpec): number => c.crop * c.crop * 3;

/** Selected frames' crops, rgb24 one after another in `frames` order (ascending indices). */
export interface Crops {
  frames: number[];
  rgb: Uint8Array;
}

/** Crops kept during a pass, 48 MiB by default (~330 at 224 x 224); past it the highest-entropy ones. */
export const CROP_BUDGET_BYTES = 48 * 1024 * 1024;

/**
 * One clip's or segment's crops, indexed from its frame 0. A crop and its frame's entropy come from
 * two pipes in either order; a crop waits (copied) until its entropy is known, then is kept if the
 * budget allows it.
 */
export class CropKeeper {
  private readonly store: FrameStore;
  private readonly waiting = new Map<number, Uint8Array>();
  private readonly entropy = new Map<number, number>();

  constructor(
    private readonly bytes: number,
    budgetBytes = CROP_BUDGET_BYTES,
  ) {
    this.store = new FrameStore(Math.max(16, Math.floor(budgetBytes / bytes)));
  }

  /** Frame `i`'s crop (only valid during the call: copied when kept). */
  crop(i: number, rgb: Uint8Array): void {
    const e = this.entropy.get(i);
    if (e === undefined) {
      this.waiting.set(i, Uint8Array.from(rgb));
      return;
    }
    this.entropy.delete(i);
    if (this.store.wants(e)) this.store.keep(i, e, Uint8Array.from(rgb));
  }

  /** Frame `i`'s entropy (from the analysis frame). */
  frameEntropy(i: number, e: number): void {
    const w = this.waiting.get(i);
    if (!w) {
      this.entropy.set(i, e);
      return;
    }
    this.waiting.delete(i);
    if (this.store.wants(e)) this.store.keep(i, e, w);
  }

  /** The crops of `selected`, or null when one of them was not kept (decoded again later instead). */
  take(selected: number[]): Crops | null {
    const frames = [...new Set(selected)].sort((a, b) => a - b);
    const out = new Uint8Array(frames.length * this.bytes);
    for (let k = 0; k < frames.length; k++) {
      const c = this.store.map.get(frames[k]);
      if (!c) return null;
      out.set(c, k * this.bytes);
    }
    return { frames, rgb: out };
  }
}

/** A segment of a recording's pass as the router sees it: its frames [k0, k1) of the pass. */
export interface CropTarget {
  k0: number;
  k1: number;
  crops: CropKeeper | null;
  /** set once the crop of its last frame has come */
  cropsDone: boolean;
}

/** Routes the crops of a recording's pass (crop k: frame k of the pass) to the segments holding frame k. */
export class CropRouter {
  private index = 0;
  private next = 0;
  private open: CropTarget[] = [];

  /** `byK0`: the segments by first frame; `onClosed` runs when segments got their last crop */
  constructor(
    private readonly byK0: CropTarget[],
    private readonly bytes: number,
    private readonly onClosed: () => void,
  ) {}

  push(rgb: Uint8Array): void {
    const k = this.index++;
    while (this.next < this.byK0.length && this.byK0[this.next].k0 <= k) {
      const s = this.byK0[this.next++];
      if (s.k1 > k) {
        s.crops ??= new CropKeeper(this.bytes);
        this.open.push(s);
      } else s.cropsDone = true;
    }
    let closed = false;
    for (const s of this.open) {
      s.crops!.crop(k - s.k0, rgb);
      if (k + 1 >= s.k1) {
        s.cropsDone = true;
        closed = true;
      }
    }
    if (closed) {
      this.open = this.open.filter((s) => !s.cropsDone);
      this.onClosed();
    }
  }
}
