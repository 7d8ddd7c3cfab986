// Counts, rate and ETA for long jobs; the CLI prints them on stderr, the app shows them as events.
import type { ProgressEvent } from '../../../shared/types';

export class ProgressMeter {
  private readonly started = Date.now();
  done = 0;
  errors = 0;

  constructor(
    readonly job: string,
    readonly total: number,
  ) {}

  event(): ProgressEvent {
    const elapsed = (Date.now() - this.started) / 1000;
    const rate = elapsed > 0 ? this.done / elapsed : 0;
    const left = this.total - this.done;
    return { job: this.job, done: this.done, total: this.total, errors: this.errors, rate, eta_s: rate > 0 ? left / rate : null };
  }
}

export function formatProgress(e: ProgressEvent): string {
  // a number that is not finite (nothing done yet, a zero elapsed time) reads '--', never NaN
  const eta = e.eta_s === null || !Number.isFinite(e.eta_s) ? '--' : formatDuration(e.eta_s);
  const rate = Number.isFinite(e.rate) ? `${e.rate.toFixed(1)}/s` : '--/s';
  return `${e.job}: ${e.done}/${e.total} (${e.errors} with errors) ${rate} ETA ${eta}`;
}

export function formatDuration(s: number): string {
  if (s < 60) return `${Math.ceil(s)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.ceil(s % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
