// The share of the work when several extractors run on one database (serve's job and a CLI
// `extract`): each media task (a clip or a recording, keyed by its media file), and each item of a
// pretrained encoder, is claimed right before it is decoded, and skipped when another live extractor
// holds it or has finished it meanwhile.
import type { Db } from '../store/db';
import { Lease } from '../store/claims';
import { mediaVersionReader } from '../store/extract-queries';
import type { MediaTask } from './worker-pool';
import { MEDIA_STAGE_VERSION, SEGMENT_SUFFIX } from './media-tasks';

export class MediaClaims {
  private readonly lease: Lease;
  private readonly version: (utteranceId: number) => string | undefined;
  /** utterances left to another extractor (held there, or done there meanwhile) */
  elsewhere = 0;

  constructor(
    db: Db,
    private readonly stageVersion: string,
  ) {
    this.lease = new Lease(db, 'extract');
    this.version = mediaVersionReader(db);
  }

  static key(t: MediaTask): string {
    return `media:${t.file}`;
  }

  /** True when this run should decode `t` now (claimed here and not done meanwhile). */
  accept(t: MediaTask): boolean {
    if (this.lease.take(MediaClaims.key(t), () => this.pending(t))) return true;
    this.elsewhere += t.segments?.length ?? 1;
    return false;
  }

  /** Gives every claim of this run back (call once the run's results are committed). */
  close(): void {
    this.lease.close();
  }

  private pending(t: MediaTask): boolean {
    const sfx = t.segments ? SEGMENT_SUFFIX : '';
    const done = new Set([MEDIA_STAGE_VERSION + sfx, this.stageVersion + sfx]);
    return (t.segments ?? [{ id: t.id }]).some((s) => !done.has(this.version(s.id) as string));
  }
}

/** Per-utterance claims for a stage that goes item by item (a pretrained encoder). */
export class ItemClaims {
  private readonly lease: Lease;
  /** items left to another extractor */
  elsewhere = 0;

  /** `done(id)`: the item has this stage's result now (checked inside the claim) */
  constructor(
    db: Db,
    private readonly prefix: string,
    private readonly done: (id: number) => boolean,
  ) {
    this.lease = new Lease(db, 'extract');
  }

  accept(id: number): boolean {
    if (this.lease.take(`${this.prefix}:${id}`, () => !this.done(id))) return true;
    this.elsewhere++;
    return false;
  }

  close(): void {
    this.lease.close();
  }
}
