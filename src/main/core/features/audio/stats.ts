/** Mean and population standard deviation (ddof = 0, numpy's default) of a series. */
export interface MeanStd {
  mean: number;
  std: number;
}

/** Returns {0, 0} for an empty series so nothing downstream ever sees NaN. */
export function meanStd(x: ArrayLike<number>, n: number = x.length, offset = 0, stride = 1): MeanStd {
  if (n <= 0) return { mean: 0, std: 0 };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += x[offset + i * stride];
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = x[offset + i * stride] - mean;
    ss += d * d;
  }
  return { mean, std: Math.sqrt(ss / n) };
}

/** Replaces a non-finite number by `fallback` (defensive last line before values leave the module). */
export function finite(v: number, fallback = 0): number {
  return Number.isFinite(v) ? v : fallback;
}
