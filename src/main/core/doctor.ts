// What the tool found on this machine: `emotion-studio doctor`.
import { locateFfmpeg } from './media/locate-ffmpeg';
import type { FfmpegInfo } from '../../shared/types';

export interface DoctorReport {
  ffmpeg: FfmpegInfo | { error: string };
  onnxruntime: { version: string; providers: { name: string; bundled: boolean }[] } | { error: string };
  models: { name: string; present: boolean; path: string | null }[];
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
    onnxruntime = { version: ort.env.versions.node ?? ort.env.versions.common, providers: ort.listSupportedBackends() };
  } catch (e) {
    onnxruntime = { error: (e as Error).message };
  }
  return {
    ffmpeg,
    onnxruntime,
    models: ['wav2vec2-base-960h', 'resnet-50', 'all-MiniLM-L6-v2'].map((name) => ({ name, present: false, path: null })),
    database: opts.db,
    data_dir: opts.dataDir,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}
