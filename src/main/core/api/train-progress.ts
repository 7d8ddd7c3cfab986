// Training reports stages (data, fusion epochs, C choice, SVM, ...); the app shows one bar with an
// ETA. Each stage is a share of the whole; within a stage that counts (epochs, C values) the count
// moves the bar. Percent as done/total (total 100); the stage's own message goes in `job`.
import type { ProgressEvent } from '../../../shared/types';
import type { TrainProgress } from '../learn';

const STAGES: TrainProgress['stage'][] = ['data', 'fusion', 'represent', 'choose', 'svm', 'predict', 'store'];
// rough shares of the time each stage takes on MELD-sized data (the fusion epochs dominate)
const SHARE: Record<TrainProgress['stage'], number> = { data: 5, fusion: 55, represent: 5, choose: 20, svm: 8, predict: 5, store: 2 };

export function trainProgressMeter(startedAt = Date.now()) {
  return (p: TrainProgress): ProgressEvent => {
    const k = STAGES.indexOf(p.stage);
    const before = STAGES.slice(0, Math.max(0, k)).reduce((a, s) => a + SHARE[s], 0);
    const within = p.done !== undefined && p.total ? Math.min(1, p.done / p.total) : 0;
    const pct = Math.min(99, before + within * SHARE[p.stage]);
    const elapsed = (Date.now() - startedAt) / 1000;
    const rate = elapsed > 0 ? pct / elapsed : 0;
    return {
      job: `train ${p.stage}: ${p.message}`,
      done: Math.round(pct),
      total: 100,
      errors: 0,
      rate,
      eta_s: pct > 0 && rate > 0 ? (100 - pct) / rate : null,
    };
  };
}
