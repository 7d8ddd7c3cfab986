// The one bridge between the sandboxed renderer and the main process (typed API: see src/shared).
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('emotionStudio', { version: '0.1.0' });
