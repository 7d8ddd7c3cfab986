// Decoded frames kept during a clip's pass (bounded by a memory budget), and the per-thread buffers
// reused from clip to clip.

/**
 * Keeps decoded frames for the thumbnails made at the end: every frame
 * up to `capacity`, then only the highest-entropy ones (the lowest is evicted).
 */
export class FrameStore {
  readonly map = new Map<number, Uint8Array>();
  private readonly ent = new Map<number, number>();
  private minFrame = -1;
  constructor(private readonly capacity: number) {}

  /** Whether a frame with this entropy would be kept. */
  wants(entropy: number): boolean {
    if (this.capacity <= 0) return false;
    if (this.map.size < this.capacity) return true;
    return entropy > this.ent.get(this.minFrame)!;
  }

  /** Keeps `frame` (taking ownership); returns the evicted frame's buffer for reuse, or null. */
  keep(index: number, entropy: number, frame: Uint8Array): Uint8Array | null {
    let evicted: Uint8Array | null = null;
    if (this.map.size >= this.capacity) {
      evicted = this.map.get(this.minFrame)!;
      this.map.delete(this.minFrame);
      this.ent.delete(this.minFrame);
    }
    this.map.set(index, frame);
    this.ent.set(index, entropy);
    if (this.map.size >= this.capacity) {
      let mf = -1;
      let me = Infinity;
      for (const [f, e] of this.ent) if (e < me) [mf, me] = [f, e];
      this.minFrame = mf;
    }
    return evicted;
  }
}

// Frame buffers are reused from clip to clip (per thread): allocating ~90 kB ArrayBuffers for
// every kept frame (zero-filled, externally accounted, collected later) cost more than the
// entropy pass itself. Bounded (a MELD clip has ~90 frames), so a long clip does not pin its
// memory budget for good.
const POOL_MAX_FRAMES = 128;
let poolFrameBytes = 0;
const framePool: Uint8Array[] = [];

let assembly = new Uint8Array(0);
let assemblyInUse = false;

/**
 * The thread's frame assembly buffer (a view of exactly `bytes`), or a private one while another
 * decode in this thread holds it; give it back with {@link releaseAssembly}.
 */
export function assemblyBuffer(bytes: number): Uint8Array {
  if (assemblyInUse) return new Uint8Array(bytes);
  assemblyInUse = true;
  if (assembly.length < bytes) assembly = new Uint8Array(bytes);
  return assembly.subarray(0, bytes);
}

export function releaseAssembly(buf: Uint8Array): void {
  if (buf.buffer === assembly.buffer) assemblyInUse = false;
}

export function takeFrame(bytes: number): Uint8Array {
  if (bytes !== poolFrameBytes) {
    framePool.length = 0;
    poolFrameBytes = bytes;
  }
  return framePool.pop() ?? new Uint8Array(bytes);
}

export function releaseFrames(frames: Iterable<Uint8Array>): void {
  for (const f of frames) {
    if (framePool.length >= POOL_MAX_FRAMES) return;
    if (f.length === poolFrameBytes && f.byteOffset === 0) framePool.push(f);
  }
}
