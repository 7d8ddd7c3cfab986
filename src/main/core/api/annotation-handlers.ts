// Handlers of the annotation-team API (src/shared/api-annotation.ts): annotator name and key map in
// the settings, the annotate id list with filters, dialogue context, agreement, adjudication, gold rule.
import { ApiError, type ApiHandlers } from '../../../shared/api';
import type { AnnotationInfo, ContextUtterance } from '../../../shared/api-annotation';
import { computeAgreement } from '../agreement';
import { adjudicationQueue, ratedItems, AnnotatorsError } from '../store/annotators';
import { adjudicate, annotatorLabels, goldSummary, listAnnotators, parseGoldRule, setGoldRule, LabelError } from '../store/labels';
import { undoAnnotatorChange, UndoConflictError } from '../store/label-undo';
import { labelHistory } from '../store/queries';
import { annotationIds, contextOf } from '../store/annotation-items';
import { readUiSettings, writeUiSettings } from './ui-settings';
import { mediaFileOf } from './media-lookup';
import type { ApiContext } from './context';

type AnnotationMethods =
  | 'annotation.info'
  | 'annotation.setName'
  | 'annotation.setKeymap'
  | 'annotation.ids'
  | 'annotation.item'
  | 'agreement.compute'
  | 'adjudicate.queue'
  | 'adjudicate.set'
  | 'gold.setRule'
  | 'annotation.undo';

function typed<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof UndoConflictError) throw new ApiError('conflict', e.message);
    if (e instanceof LabelError) throw new ApiError(/^no utterance/.test(e.message) ? 'not_found' : 'invalid_input', e.message);
    if (e instanceof AnnotatorsError) throw new ApiError('not_found', e.message);
    throw e;
  }
}

/** The annotator label changes are made under: the settings name, else the context's user. */
export function annotatorName(ctx: ApiContext, fallback: string): string {
  return readUiSettings(ctx.dataDir).annotator ?? fallback;
}

export function annotationHandlers(ctx: ApiContext, who: string): Pick<ApiHandlers, AnnotationMethods> {
  const { db } = ctx;
  const info = (): AnnotationInfo => {
    const s = readUiSettings(ctx.dataDir);
    return {
      annotator: s.annotator ?? who,
      named: !!s.annotator,
      annotators: listAnnotators(db),
      gold: goldSummary(db),
      keymap: s.keymap ?? {},
    };
  };
  return {
    'annotation.info': () => info(),
    'annotation.setName': ({ name }) => {
      writeUiSettings(ctx.dataDir, { annotator: name });
      return info();
    },
    'annotation.setKeymap': ({ keymap }) => {
      const seen = new Set<string>();
      for (const k of Object.keys(keymap)) {
        const low = k.toLowerCase();
        if (['j', 'k', 'n', 'u', ' '].includes(low))
          throw new ApiError('invalid_input', `key '${k}' is taken (J/K move, N next uncertain, U undo, space plays)`);
        if (seen.has(low)) throw new ApiError('invalid_input', `key '${k}' given twice`);
        seen.add(low);
      }
      writeUiSettings(ctx.dataDir, { keymap });
      return info();
    },
    'annotation.ids': (f) => ({ ids: annotationIds(db, f) }),
    'annotation.item': ({ id, before, after }) => {
      const rows = contextOf(db, id, before, after);
      if (!rows) throw new ApiError('not_found', `no utterance with id ${id}`);
      const context: ContextUtterance[] = rows.map((r) => {
        const m = mediaFileOf(db, r.id);
        return { ...r, current: r.id === id, mediaUrl: m?.ok ? ctx.urls.media(r.id) : null };
      });
      return { annotations: annotatorLabels(db, id), context };
    },
    'agreement.compute': ({ split, includeModel }) =>
      typed(() => {
        const { items, labels } = ratedItems(db, { split, includeModel });
        return { ...computeAgreement(items, { labels }), gold_rule: goldSummary(db, split).rule };
      }),
    'adjudicate.queue': (q) => adjudicationQueue(db, q),
    'adjudicate.set': ({ id, label }) =>
      typed(() => {
        const r = adjudicate(db, id, label, annotatorName(ctx, who));
        return { old: r.old, new: r.new, gold_source: r.gold_source, history: labelHistory(db, id) };
      }),
    'annotation.undo': ({ id, change, annotator }) =>
      typed(() => {
        const name = annotatorName(ctx, who);
        const r = undoAnnotatorChange(db, id, annotator ?? name, name, change);
        return { ...r, history: labelHistory(db, id) };
      }),
    'gold.setRule': ({ rule }) =>
      typed(() => {
        const r = setGoldRule(db, parseGoldRule(rule), annotatorName(ctx, who));
        return { ...goldSummary(db), changed: r.changed };
      }),
  };
}
