// What the tool found on this machine: `emotion-studio doctor`.
import { locateFfmpeg } from './media/locate-ffmpeg';
import { launchMode, type LaunchMode } from './media/launcher';
import type { FfmpegInfo } from '../../shared/types';
import { listModels } from './models/store';

export interface DoctorReport {
  ffmpeg: FfmpegInfo | { error: string };
  /** how ffmpeg is started: through a small launcher shell with FIFO outputs, or Node's spawn (media/launcher.ts) */
  ffmpeg_launch: LaunchMode;
  onnxruntime:
    | { version: string; providers: { name: string; bundled: boolean; installed: boolean; auto: boolean }[]; cuda_install: string }
    | { error: string };
  models: { name: string; present: boolean; path: string | null; version: string | null; source: string | null }[];
  database: string;
  data_dir: string;
  node: string;
  platform: string;
}

export function doctor(opts: { ffmpeg?: string; db: string; dataDir: string }): DoctorReport {
  let ffmpeg: DoctorReport['ffmpeg'];
  try {
    ffmpeg = locateFfmpeg(opts.ffmpeg);
  } catch (e) {
    ffmpeg = { error: (e as Error).message };
  }
  let onnxruntime: DoctorReport['onnxruntime'];
  try {
    // loaded lazily: a broken native add-on must not stop the rest of the report
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { providerReport, CUDA_INSTALL } = require('./models/providers') as typeof import('./models/providers');
    onnxruntime = { version: ort.env.versions.node ?? ort.env.versions.common, providers: providerReport(), cuda_install: CUDA_INSTALL };
  } catch (e) {
    onnxruntime = { error: (e as Error).message };
  }
  return {
    ffmpeg,
    ffmpeg_launch: launchMode(),
    onnxruntime,
    models: listModels(opts.dataDir).map(({ manifest, installed }) => ({
      name: manifest.name,
      present: !!installed,
      path: installed?.modelPath ?? null,
      version: installed?.version ?? null,
      source: installed ? installed.info.source : null,
    })),
    database: opts.db,
    data_dir: opts.dataDir,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}
