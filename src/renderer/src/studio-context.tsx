// App-wide state the views share: the corpus summary (label set, counts, latest model), app info,
// which view is shown and which utterance is open, and a counter bumped when a model is trained
// (so Evaluation refreshes after a retrain started anywhere).
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { AppInfo, CorpusSummary } from '../../shared/api';
import { useApiData, useJobEvents } from './api-context';

export const VIEWS = [
  'import',
  'corpus',
  'utterance',
  'timeline',
  'annotate',
  'adjudicate',
  'agreement',
  'evaluation',
  'jobs',
  'reports',
] as const;
export type View = (typeof VIEWS)[number];

interface StudioValue {
  summary: CorpusSummary | null;
  info: AppInfo | null;
  reloadSummary(): void;
  view: View;
  setView(v: View): void;
  utteranceId: number | null;
  openUtterance(id: number): void;
  /** the utterance a view is on, kept in the hash without switching view (Annotate's position) */
  selectUtterance(id: number): void;
  /** bumped whenever a train job finishes or labels change: views depending on models reload */
  modelsTick: number;
  bumpModels(): void;
  /** bumped when the annotator's name changes: the top bar's badge reloads */
  annotatorTick: number;
  bumpAnnotator(): void;
  setInfo(i: AppInfo): void;
}

const Ctx = createContext<StudioValue | null>(null);

export function StudioProvider(props: { children: ReactNode }) {
  const summaryQ = useApiData('corpus.summary', {}, []);
  const infoQ = useApiData('app.info', {}, []);
  const [view, setViewState] = useState<View>(() => viewFromHash());
  const [utteranceId, setUtteranceId] = useState<number | null>(() => idFromHash());
  const [modelsTick, setModelsTick] = useState(0);
  const [annotatorTick, setAnnotatorTick] = useState(0);

  // the hash keeps the view and the open utterance across reloads: #evaluation;u=12
  const setView = useCallback((v: View) => setViewState(v), []);
  const openUtterance = useCallback((id: number) => {
    setUtteranceId(id);
    setViewState('utterance');
  }, []);
  const selectUtterance = useCallback((id: number) => setUtteranceId(id), []);
  useEffect(() => {
    // a view's own parameters (Annotate's filters: annotate/filters.ts) stay while that view is shown
    const [shown, ...params] = location.hash.replace(/^#/, '').split(';');
    const own = shown === view ? params.filter((p) => p !== '' && !p.startsWith('u=')).map((p) => `;${p}`) : [];
    const u = utteranceId !== null ? `;u=${utteranceId}` : '';
    history.replaceState(null, '', `${location.pathname}${location.search}#${view}${u}${own.join('')}`);
  }, [view, utteranceId]);
  const bumpModels = useCallback(() => setModelsTick((t) => t + 1), []);
  const bumpAnnotator = useCallback(() => setAnnotatorTick((t) => t + 1), []);
  const { reload: reloadSummary } = summaryQ;

  useJobEvents((e) => {
    if (e.type === 'finished' && e.job.kind !== 'report') {
      bumpModels();
      reloadSummary();
    }
  });

  const value = useMemo<StudioValue>(
    () => ({
      summary: summaryQ.data,
      info: infoQ.data,
      reloadSummary,
      view,
      setView,
      utteranceId,
      openUtterance,
      selectUtterance,
      modelsTick,
      bumpModels,
      annotatorTick,
      bumpAnnotator,
      setInfo: infoQ.setData,
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [summaryQ.data, infoQ.data, view, utteranceId, modelsTick, annotatorTick],
  );
  return <Ctx.Provider value={value}>{props.children}</Ctx.Provider>;
}

export function useStudio(): StudioValue {
  const v = useContext(Ctx);
  if (!v) throw new Error('useStudio outside StudioProvider');
  return v;
}

function viewFromHash(): View {
  const h = location.hash.replace(/^#/, '').split(';')[0] as View;
  return VIEWS.includes(h) ? h : 'corpus';
}
function idFromHash(): number | null {
  const m = /;u=(\d+)/.exec(location.hash);
  return m ? Number(m[1]) : null;
}
