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
}

export function defaultAnnotator(): string {
  try {
    return os.userInfo().username || 'annotator';
  } catch {
    return process.env.USER ?? 'annotator';
  }
}
