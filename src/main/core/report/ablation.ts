// Modality ablation for the report's --ablate: one model per non-empty combination of the modalities
// with features (fusion 'none', so rows differ by modality only), each scored on dev. The same
// procedure as the `ablate` command; it trains, so the report runs it only when asked.
import type { Db } from '../store/db';
import { availableModalities, evaluateSplit, trainModel, type Modality } from '../learn';

export async function runAblation(db: Db, onProgress?: (line: string) => void): Promise<number[]> {
  const all = availableModalities(db);
  const subsets = [...Array(2 ** all.length).keys()]
    .slice(1)
    .map((mask) => all.filter((_, k) => mask & (1 << k)))
    .sort((a, b) => a.length - b.length);
  const versions: number[] = [];
  for (const modalities of subsets as Modality[][]) {
    onProgress?.(`ablation: ${modalities.join('+')}`);
    const r = await trainModel(db, { fusion: 'none', classifier: 'linear', modalities, context: false, seed: 1 });
    evaluateSplit(db, 'dev', r.version); // stores the dev metrics the report's table reads
    versions.push(r.version);
  }
  return versions;
}
