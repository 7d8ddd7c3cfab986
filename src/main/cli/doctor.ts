// `doctor`: what the tool found (ffmpeg, ONNX Runtime and its providers, models, database, Electron's
// native build). Registered on the main program by main.ts.
import type { Command } from 'commander';
import { doctor } from '../core/doctor';
import { electronStatus } from '../core/native-abi';
import type { MainCliContext } from './context';

export function registerDoctorCommand(program: Command, ctx: MainCliContext): void {
  program
    .command('doctor')
    .description('what the tool found: ffmpeg, ONNX Runtime and its providers, models, database')
    .action(() => {
      const g = ctx.globals();
      const r = { ...doctor({ ffmpeg: g.ffmpeg, db: g.dbPath, dataDir: g.dir }), electron: electronStatus() };
      const el = r.electron.package
        ? `electron: ${r.electron.package}, binary ${r.electron.binary ? `present (${r.electron.binary})` : 'absent'}, better-sqlite3 built for ${r.electron.better_sqlite3.for}${r.electron.notes.map((n) => `\n  ${n}`).join('')}`
        : `electron: not installed${r.electron.notes.map((n) => `\n  ${n}`).join('')}`;
      const f =
        'error' in r.ffmpeg
          ? `ffmpeg: NOT FOUND: ${r.ffmpeg.error}`
          : `ffmpeg: ${r.ffmpeg.path} (${r.ffmpeg.version}, from ${r.ffmpeg.source}; started ${r.ffmpeg_launch === 'shell' ? 'by a launcher shell, outputs through FIFOs' : "by Node's spawn"})`;
      const o =
        'error' in r.onnxruntime
          ? `onnxruntime: unavailable: ${r.onnxruntime.error}`
          : `onnxruntime: ${r.onnxruntime.version}, providers: ${r.onnxruntime.providers.map((p) => p.name + (!p.installed ? ' (not installed)' : p.auto ? '' : ' (no GPU found)')).join(', ')}${r.onnxruntime.providers.some((p) => p.name === 'cuda' && !p.installed) ? `\n  CUDA provider libraries (CUDA 12 + cuDNN 9 machines): ${r.onnxruntime.cuda_install}` : ''}`;
      ctx.out(
        r,
        [
          f,
          o,
          `models: ${r.models.map((m) => `${m.name} ${m.present ? 'present' : 'absent (built-in encoders used)'}`).join('; ')}`,
          el,
          `database: ${r.database}`,
          `data folder: ${r.data_dir}`,
        ].join('\n'),
      );
    });
}
