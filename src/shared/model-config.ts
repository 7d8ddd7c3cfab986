// A model version's configuration in words (fusion, classifier, C, modalities, encoders, training
// labels), for every place versions are listed, compared or chosen, and the retrain defaults it implies.
import type { ModelVersionInfo } from './api';

export type Fusion = 'seed' | 'concat' | 'dialogue' | 'none';
export type Classifier = 'linear' | 'rbf';
export type Modality = 'text' | 'audio' | 'video';

export interface TrainConfig {
  fusion: Fusion;
  classifier: Classifier;
  context: boolean;
  /** the sentiment-lexicon columns (only with a linear SVM and fusion none or dialogue) */
  lexicon: boolean;
  modalities: Modality[];
}

/** With no model yet: the fastest configuration, also the best measured on MELD text (docs/evaluation.md). */
export const FIRST_TRAIN_DEFAULTS: Omit<TrainConfig, 'modalities'> = {
  fusion: 'none',
  classifier: 'linear',
  context: false,
  lexicon: false,
};

/**
 * Whether a configuration trains the linear SVM over sparse rows (fusion none or dialogue, linear
 * classifier: learn/train-sparse.ts), the only one whose rows can carry the lexicon columns.
 */
export function sparseLinear(fusion: Fusion, classifier: Classifier): boolean {
  return classifier === 'linear' && (fusion === 'none' || fusion === 'dialogue');
}

/** The configuration of the model a retrain replaces (the latest version), or null when there is none. */
export function configOf(m: ModelVersionInfo | null | undefined): TrainConfig | null {
  if (!m) return null;
  return {
    fusion: (['seed', 'concat', 'dialogue', 'none'] as const).find((f) => f === m.fusion) ?? FIRST_TRAIN_DEFAULTS.fusion,
    classifier: m.classifier === 'rbf' ? 'rbf' : 'linear',
    context: !!m.context,
    lexicon: !!m.lexicon,
    modalities: m.modalities.filter((x): x is Modality => x === 'text' || x === 'audio' || x === 'video'),
  };
}

export function latestModel(models: readonly ModelVersionInfo[]): ModelVersionInfo | null {
  return models.reduce<ModelVersionInfo | null>((a, m) => (a === null || m.version > a.version ? m : a), null);
}

/** "fusion none · linear SVM C=0.2 balanced · text+audio (+context) · 9,989 training labels" */
export function configText(m: ModelVersionInfo): string {
  const svm = `${m.classifier} SVM${m.C !== null && m.C !== undefined ? ` C=${m.C}` : ''}${m.balanced ? ' balanced' : ''}`;
  const mods = `${m.modalities.join('+')}${m.context ? ' +context' : ''}${m.lexicon ? ' +lexicon' : ''}`;
  const enc = Object.entries(m.encoders ?? {})
    .filter(([, names]) => names.length > 0)
    .map(([mod, names]) => `${mod}: ${names.join(', ')}`)
    .join('; ');
  const n = m.n_train !== null && m.n_train !== undefined ? `${m.n_train.toLocaleString('en')} training labels` : null;
  return [`fusion ${m.fusion}`, svm, mods, enc ? `encoders ${enc}` : null, n].filter(Boolean).join(' · ');
}

/** "v3 (fusion none · linear SVM C=0.2 · text · 9,989 training labels)": a version as a choice. */
export function versionLabel(m: ModelVersionInfo): string {
  return `v${m.version} (${configText(m)})`;
}

/** "v3 · none · linear C=0.2 · text+audio": a chosen version in a closed select (the list shows versionLabel). */
export function versionShort(m: ModelVersionInfo): string {
  return `v${m.version} · ${m.fusion} · ${m.classifier}${m.C !== null && m.C !== undefined ? ` C=${m.C}` : ''} · ${m.modalities.join('+')}${m.context ? ' +context' : ''}${m.lexicon ? ' +lexicon' : ''}`;
}
