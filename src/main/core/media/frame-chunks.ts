// Raw video arrives from ffmpeg's pipe in chunks that do not line up with frames: this cuts the
// stream into whole frames, handing a frame that lies inside one chunk straight from the chunk and
// assembling only those that straddle two chunks (in a buffer the caller owns, reused per frame).

/** Feeds `push` with pipe chunks; `onFrame` sees each whole frame (valid only during the call). */
export class FrameChunker {
  /** bytes of the frame being assembled (0: none; > 0 at the end: the last frame was cut short) */
  fill = 0;

  constructor(
    private readonly frameBytes: number,
    private readonly buf: Uint8Array,
    private readonly onFrame: (frame: Uint8Array) => void,
  ) {}

  push(b: Uint8Array): void {
    const frameBytes = this.frameBytes;
    // a plain Uint8Array view: copies from and indexing into Buffer (a subclass) take slower paths
    const chunk = new Uint8Array(b.buffer, b.byteOffset, b.length);
    let off = 0;
    while (off < chunk.length) {
      if (this.fill === 0 && chunk.length - off >= frameBytes) {
        this.onFrame(chunk.subarray(off, off + frameBytes));
        off += frameBytes;
        continue;
      }
      const n = Math.min(frameBytes - this.fill, chunk.length - off);
      this.buf.set(chunk.subarray(off, off + n), this.fill);
      this.fill += n;
      off += n;
      if (this.fill === frameBytes) {
        this.fill = 0;
        this.onFrame(this.buf);
      }
    }
  }
}
