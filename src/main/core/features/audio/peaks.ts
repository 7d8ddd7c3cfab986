// Waveform peaks (min and max per bin) of a recording's PCM, streamed: what the timeline draws, small
// enough to store (2 h at 50 bins/s is 720 kB) so a long recording's overview opens at once.

export interface Peaks {
  binsPerSecond: number;
  /** time of bin 0 in the recording */
  offsetS: number;
  /** per bin, min and max sample scaled to -127..127 */
  min: Int8Array;
  max: Int8Array;
}

export class PeakAccumulator {
  private readonly perBin: number;
  private mins: number[] = [];
  private maxs: number[] = [];
  private curMin = Infinity;
  private curMax = -Infinity;
  private inBin = 0;

  constructor(
    sampleRate: number,
    readonly binsPerSecond: number,
  ) {
    this.perBin = Math.max(1, Math.round(sampleRate / binsPerSecond));
  }

  /** Adds samples pcm[from..to). */
  push(pcm: ArrayLike<number>, from: number, to: number): void {
    for (let i = from; i < to; i++) {
      const v = pcm[i];
      if (v < this.curMin) this.curMin = v;
      if (v > this.curMax) this.curMax = v;
      if (++this.inBin === this.perBin) this.flush();
    }
  }

  result(offsetS = 0): Peaks {
    if (this.inBin > 0) this.flush();
    const q = (v: number) => Math.max(-127, Math.min(127, Math.round(v * 127)));
    return { binsPerSecond: this.binsPerSecond, offsetS, min: Int8Array.from(this.mins, q), max: Int8Array.from(this.maxs, q) };
  }

  private flush(): void {
    this.mins.push(this.curMin);
    this.maxs.push(this.curMax);
    this.curMin = Infinity;
    this.curMax = -Infinity;
    this.inBin = 0;
  }
}
