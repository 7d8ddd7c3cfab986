// Frame selection by entropy and the built-in weight-free video descriptor.

/**
 * Stored with the video features; change it when entropy, selection, thumbnails or the descriptor
 * change meaning (it says what they are, so stored rows can be told apart).
 */
export const VIDEO_FEATURE_VERSION = 'video-v1:luma-entropy256;nearest320;top10-spacing-n/2k;desc8';

/** Length of {@link videoFeatureVector}'s output. */
export const VIDEO_FEATURE_DIM = 8;

/** Names of the {@link videoFeatureVector} dimensions, in order. */
export const VIDEO_FEATURE_NAMES = [
  'entropy_mean',
  'entropy_std',
  'entropy_min',
  'entropy_max',
  'motion_mean',
  'motion_std',
  'luma_mean',
  'luma_std',
] as const;

/**
 * Default minimum index distance between two selected frames: max(1, floor(n / (2k))).
 * So the k picks can spread over at most half the clip's length in exclusion zones, a 3.6 s clip at
 * 24 fps (87 frames, k = 10) keeps picks at least 4 frames (~170 ms) apart, and a clip shorter than
 * 2k frames allows any distinct frames (so it still yields min(n, k) picks).
 */
export function defaultMinSpacing(n: number, k: number): number {
  if (k <= 0) return 1;
  return Math.max(1, Math.floor(n / (2 * k)));
}

/**
 * The k most informative frames: greedily takes the frame with the highest entropy, then the next
 * highest whose index is at least `minSpacing` away from every frame already taken, and so on.
 * Ties go to the earlier frame; NaN entropies are never taken. Returns frame indices sorted
 * ascending; fewer than k when the clip is short (or spacing leaves no room).
 */
export function selectTopFrames(entropy: ArrayLike<number>, k = 10, minSpacing?: number): number[] {
  const n = entropy.length;
  if (n === 0 || k <= 0) return [];
  const spacing = Math.max(1, Math.floor(minSpacing ?? defaultMinSpacing(n, k)));
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (!Number.isNaN(entropy[i])) order.push(i);
  order.sort((a, b) => entropy[b] - entropy[a] || a - b);
  const blocked = new Uint8Array(n);
  const picked: number[] = [];
  for (const i of order) {
    if (picked.length >= k) break;
    if (blocked[i]) continue;
    picked.push(i);
    const lo = Math.max(0, i - spacing + 1);
    const hi = Math.min(n - 1, i + spacing - 1);
    for (let j = lo; j <= hi; j++) blocked[j] = 1;
  }
  return picked.sort((a, b) => a - b);
}

function meanStd(x: ArrayLike<number>): [number, number] {
  const n = x.length;
  if (n === 0) return [0, 0];
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  const m = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i] - m) * (x[i] - m);
  return [m, Math.sqrt(v / n)];
}

/**
 * A small weight-free clip descriptor (Float32Array(8), names in {@link VIDEO_FEATURE_NAMES}):
 * entropy mean/std/min/max over frames (bits / 8), motion mean/std (mean abs luma difference / 255)
 * and luma mean/std (/ 255), so every value lies in 0..1. Population std. All zeros for no frames.
 * Motion skips frame 0, whose motion is 0 by definition.
 */
export function videoFeatureVector(entropy: ArrayLike<number>, motion: ArrayLike<number>, luma: ArrayLike<number>): Float32Array {
  const out = new Float32Array(VIDEO_FEATURE_DIM);
  const n = entropy.length;
  if (n === 0) return out;
  const [em, es] = meanStd(entropy);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    lo = Math.min(lo, entropy[i]);
    hi = Math.max(hi, entropy[i]);
  }
  const mot = motion.length > 1 ? (Array.prototype.slice.call(motion, 1) as number[]) : [];
  const [mm, ms] = meanStd(mot);
  const [lm, ls] = meanStd(luma);
  out.set([em / 8, es / 8, lo / 8, hi / 8, mm / 255, ms / 255, lm / 255, ls / 255]);
  return out;
}
