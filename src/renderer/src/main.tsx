// Renderer entry: one React root; the API is the preload bridge (Electron) or HTTP (browser mode).
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createApi } from './api-client';

const root = document.getElementById('root');
if (!root) throw new Error('index.html lacks #root');
createRoot(root).render(<App api={createApi()} />);
