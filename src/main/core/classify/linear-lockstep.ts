// Several TRONs side by side (up to 8 of a C-search fold's problems, linear-cv.ts; a model's classes in
// the threaded fit, linear-parallel.ts): each runs as a generator of its Hessian products (linear-tron.ts
// tronSteps), and the products they ask for together are answered in one pass over the rows
// (LinearRows.hessVecs, linear-rows-simd.ts).
/*
 * Each TRON's arithmetic is its own, in its own order, whatever runs beside it: lockstep only decides
 * when its products are computed, and hessVecs gives each the bits of its own product, so every
 * weight is the one TRON alone gives (test/unit/linear-lockstep.test.ts).
 */
import type { LinearRows } from './linear-rows';
import type { HessVecAsk } from './linear-tron';

/** CPU seconds a lane has used: its own steps, plus its share of the passes it was part of. */
export interface LaneClock {
  seconds: number;
  /** performance.now() when its current step began */
  since: number;
}

/** One lane: a generator of Hessian products (a TRON, or a chain of them) and its clock. */
export interface Lane {
  steps: Generator<HessVecAsk, void, void>;
  clock: LaneClock;
}

/** A new clock at zero. */
export const laneClock = (): LaneClock => ({ seconds: 0, since: performance.now() });

/** Seconds on `clock` up to now (inside a step: the step so far included). */
export const laneSeconds = (clock: LaneClock): number => clock.seconds + (performance.now() - clock.since) / 1000;

/**
 * Runs every lane to its end: each advances to its next Hessian product, then the products of all
 * lanes still running are computed together (X.hessVecs), and so on. A lane's error (a stop) ends the
 * run with it.
 */
export function runLockstep(X: LinearRows, lanes: readonly Lane[]): void {
  const step = (l: Lane): HessVecAsk | null => {
    l.clock.since = performance.now();
    const r = l.steps.next();
    l.clock.seconds += (performance.now() - l.clock.since) / 1000;
    return r.done ? null : r.value;
  };
  let waiting: Lane[] = [];
  let asks: HessVecAsk[] = [];
  for (const l of lanes) {
    const a = step(l);
    if (a) {
      waiting.push(l);
      asks.push(a);
    }
  }
  while (waiting.length > 0) {
    const t0 = performance.now();
    X.hessVecs(asks);
    const share = (performance.now() - t0) / 1000 / waiting.length;
    const still: Lane[] = [];
    const next: HessVecAsk[] = [];
    for (const l of waiting) {
      l.clock.seconds += share;
      const a = step(l);
      if (a) {
        still.push(l);
        next.push(a);
      }
    }
    waiting = still;
    asks = next;
  }
}
