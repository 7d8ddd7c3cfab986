// The API for the views: calls unwrap ApiResult and throw ApiCallError; every failure reaches the
// snackbar through `report` (errors are shown, never swallowed).
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { ApiErrorCode, ApiInput, ApiMethod, ApiOutput, EmotionStudioApi, JobEvent } from '../../shared/api';

export class ApiCallError extends Error {
  constructor(
    readonly method: string,
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
  }
}

interface ApiContextValue {
  api: EmotionStudioApi;
  call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>>;
  report(e: unknown): void;
}

const Ctx = createContext<ApiContextValue | null>(null);

export function ApiProvider(props: { api: EmotionStudioApi; report: (message: string) => void; children: ReactNode }) {
  const { api, report: show } = props;
  const report = useCallback(
    (e: unknown) => {
      const m = e instanceof ApiCallError ? `${e.method}: ${e.message}` : e instanceof Error ? e.message : String(e);
      console.warn('[emotion-studio]', m); // warn, not error: an API refusal is shown to the user, not a crash
      show(m);
    },
    [show],
  );
  const call = useCallback(
    async <M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>> => {
      const r = await api.call(method, input);
      if (!r.ok) throw new ApiCallError(method, r.error.code, r.error.message);
      return r.value;
    },
    [api],
  );
  const value = useRef<ApiContextValue>({ api, call, report });
  value.current = { api, call, report };
  return <Ctx.Provider value={value.current}>{props.children}</Ctx.Provider>;
}

export function useApi(): ApiContextValue {
  const v = useContext(Ctx);
  if (!v) throw new Error('useApi outside ApiProvider');
  return v;
}

/** Loads `method(input)` whenever `key` changes; errors go to the snackbar and to `error`. */
export function useApiData<M extends ApiMethod>(method: M, input: ApiInput<M> | null, key: unknown[]) {
  const { call, report } = useApi();
  const [state, setState] = useState<{ data: ApiOutput<M> | null; error: string | null; loading: boolean }>({
    data: null,
    error: null,
    loading: input !== null,
  });
  const [tick, setTick] = useState(0);
  const inputRef = useRef(input);
  inputRef.current = input;
  useEffect(() => {
    const inp = inputRef.current;
    if (inp === null) {
      setState({ data: null, error: null, loading: false });
      return;
    }
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    call(method, inp).then(
      (data) => live && setState({ data, error: null, loading: false }),
      (e: unknown) => {
        if (!live) return;
        report(e);
        setState({ data: null, error: e instanceof Error ? e.message : String(e), loading: false });
      },
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [method, tick, call, report, ...key]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload, setData: (data: ApiOutput<M>) => setState({ data, error: null, loading: false }) };
}

/** Subscribes to job events for the component's lifetime. */
export function useJobEvents(listener: (e: JobEvent) => void): void {
  const { api } = useApi();
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => api.onJob((e) => ref.current(e)), [api]);
}
