// The one bridge between the sandboxed renderer and the main process: window.emotionStudio, the
// EmotionStudioApi of src/shared/api.ts over ipcRenderer.invoke('api:<method>'), the 'job' and 'menu' channels.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ApiResult, EmotionStudioApi, JobEvent, MenuCommand } from '../shared/api';

const call = async (method: string, input: unknown): Promise<ApiResult<unknown>> => {
  if (typeof method !== 'string' || !/^[a-z]+\.[A-Za-z]+$/.test(method)) {
    return { ok: false, error: { code: 'invalid_input', message: `unknown API method '${String(method)}'` } };
  }
  try {
    return (await ipcRenderer.invoke(`api:${method}`, input)) as ApiResult<unknown>;
  } catch (e) {
    // no handler for that name: an unknown method
    return { ok: false, error: { code: 'invalid_input', message: `API call ${method} failed: ${(e as Error).message}` } };
  }
};

const bridge: EmotionStudioApi & { version: string } = {
  version: '0.1.0',
  call: call as EmotionStudioApi['call'],
  onJob(listener: (e: JobEvent) => void) {
    const h = (_e: IpcRendererEvent, ev: JobEvent) => listener(ev);
    ipcRenderer.on('job', h);
    return () => {
      ipcRenderer.removeListener('job', h);
    };
  },
  onMenu(listener: (m: MenuCommand) => void) {
    const h = (_e: IpcRendererEvent, m: MenuCommand) => listener(m);
    ipcRenderer.on('menu', h);
    return () => {
      ipcRenderer.removeListener('menu', h);
    };
  },
};

contextBridge.exposeInMainWorld('emotionStudio', bridge);
