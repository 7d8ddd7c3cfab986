// Reused scratch arrays for the audio features' transient buffers (spectrograms, mel bands, prefix sums):
// a fresh typed array of a few hundred kB per clip costs page faults, zeroing and GC every time.

/** Buffers larger than this many elements are not kept (a long recording's segment: allocate). */
const MAX_KEPT = 1 << 22;
const f64 = new Map<string, Float64Array>();
const i32 = new Map<string, Int32Array>();

/**
 * A Float64Array of length n owned by the caller `key` until that key is asked for again: its
 * contents are left over from the last use (not zeroed), so the caller must write every element
 * it reads. Single-threaded and synchronous use only (one map per worker thread).
 */
export function scratchF64(key: string, n: number): Float64Array {
  if (n > MAX_KEPT) return new Float64Array(n);
  let a = f64.get(key);
  if (!a || a.length < n) {
    a = new Float64Array(Math.max(n, Math.floor((a?.length ?? 0) * 1.5)));
    f64.set(key, a);
  }
  return a.subarray(0, n);
}

/** As {@link scratchF64}, for Int32Array. */
export function scratchI32(key: string, n: number): Int32Array {
  if (n > MAX_KEPT) return new Int32Array(n);
  let a = i32.get(key);
  if (!a || a.length < n) {
    a = new Int32Array(Math.max(n, Math.floor((a?.length ?? 0) * 1.5)));
    i32.set(key, a);
  }
  return a.subarray(0, n);
}
