// What the API handlers need from their transport (Electron IPC or the `serve` HTTP server).
import os from 'node:os';
import type { Db } from '../store/db';
import type { JobRunner } from './job-runner';
import type { HtmlToPdf } from '../report';

/** URLs the renderer can load media from: `/media/ID?token=...` in browser mode, `es-media://...` in Electron. */
export interface ApiUrls {
  media(id: number): string;
  thumbnail(id: number, frame: number): string;
  /** where the renderer can download an exported single-file report (absent or null: nowhere, the path is shown) */
  report?(file: string): string | null;
}

export interface ApiContext {
  db: Db;
  dbPath: string;
  dataDir: string;
  mode: 'electron' | 'browser';
  urls: ApiUrls;
  jobs: JobRunner;
  /** ffmpeg setting (--ffmpeg); else the usual search */
  ffmpeg?: string;
  /** extraction workers (default: the number of cores) */
  workers?: number;
  /** HTML -> PDF for PDF reports (Electron: printToPDF); default: Chromium through playwright-core */
  pdfPrinter?: HtmlToPdf;
  /** the annotator's name in the label history (default: the OS user) */
  who?: string;
  /** browser mode: the folders the file browser may show and import from (`serve --root`); realpaths */
  browseRoots?: string[];
  /** desktop: the native dialogs (Electron main); absent in browser mode */
  desktop?: DesktopDialogs;
}

/** The Electron main process's dialogs, for the API handlers that need the user to choose a path. */
export interface DesktopDialogs {
  /** native open dialog; [] when cancelled */
  pickPaths(kind: 'folder' | 'files'): Promise<string[]>;
  /** native save dialog for a file (or a folder chooser when `folder`); null when cancelled */
  savePath(o: { title: string; defaultName: string; folder: boolean }): Promise<string | null>;
  /** shows a written file or folder in the file manager */
  reveal(file: string): void;
}

export function defaultAnnotator(): string {
  try {
    return os.userInfo().username || 'annotator';
  } catch {
    return process.env.USER ?? 'annotator';
  }
}
