// The renderer's EmotionStudioApi: the preload's bridge inside Electron, HTTP + WebSocket in browser
// mode (`emotion-studio serve`). The browser-mode token comes from the page URL (?token=...) and is
// sent with every request; the server refuses requests without it.
import type { ApiInput, ApiMethod, ApiOutput, ApiResult, EmotionStudioApi, JobEvent } from '../../shared/api';

declare global {
  interface Window {
    emotionStudio?: Partial<EmotionStudioApi> & { version?: string };
  }
}

export function createApi(): EmotionStudioApi {
  const bridge = window.emotionStudio;
  if (bridge && typeof bridge.call === 'function' && typeof bridge.onJob === 'function') return bridge as EmotionStudioApi;
  return createHttpApi(new URLSearchParams(location.search).get('token') ?? '');
}

/** Where the app runs; the page says so before app.info answers. */
export const runsInElectron = (): boolean => typeof window.emotionStudio?.call === 'function';

function createHttpApi(token: string): EmotionStudioApi {
  const listeners = new Set<(e: JobEvent) => void>();
  let socket: WebSocket | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;

  const connect = (): void => {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${proto}//${location.host}/events?token=${encodeURIComponent(token)}`);
    socket = ws;
    ws.onmessage = (m) => {
      let e: JobEvent;
      try {
        e = JSON.parse(String(m.data)) as JobEvent;
      } catch {
        return; // not a job event (the server only sends JSON job events)
      }
      for (const l of listeners) l(e);
    };
    // reconnect while someone listens: the server may restart, a laptop may sleep
    ws.onclose = () => {
      socket = null;
      if (listeners.size > 0 && retry === null) retry = setTimeout(() => ((retry = null), connect()), 2000);
    };
  };

  return {
    async call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiResult<ApiOutput<M>>> {
      let res: Response;
      try {
        res = await fetch(`/api/${method}?token=${encodeURIComponent(token)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(input ?? {}),
        });
      } catch (e) {
        return {
          ok: false,
          error: { code: 'unavailable', message: `the Emotion Studio server cannot be reached (${(e as Error).message})` },
        };
      }
      const body = await res.text();
      try {
        const parsed = JSON.parse(body) as ApiResult<ApiOutput<M>>;
        if (parsed && typeof parsed === 'object' && 'ok' in parsed) return parsed;
      } catch {
        /* not JSON: reported below */
      }
      const message =
        res.status === 401 || res.status === 403
          ? 'the server refused the request: the page URL lacks the right ?token='
          : `HTTP ${res.status}: ${body.slice(0, 200)}`;
      return { ok: false, error: { code: res.status === 404 ? 'not_found' : 'internal', message } };
    },
    onJob(listener) {
      listeners.add(listener);
      if (!socket) connect();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && socket) {
          socket.onclose = null;
          socket.close();
          socket = null;
        }
      };
    },
  };
}
