// `emotion-studio models list|pull NAME|import FILE --as NAME [--tokenizer FILE]`: the pretrained
// encoders in the data folder (registered on the main program by main.ts).
import type { Command } from 'commander';
import { listModels } from '../core/models/store';
import { pullModel, importModel, type InstallResult } from '../core/models/install';
import { MODEL_NAMES, ModelError } from '../core/models/manifest';
import type { EncoderRun } from '../core/jobs/encoder-stage';

export interface ModelsCliContext {
  out(json: unknown, human: string): void;
  progress(line: string): void;
  dataDir(): string;
}

/** The extract summary's part about the pretrained encoders ('' when none ran). */
export function encodersLine(runs: EncoderRun[] | undefined): string {
  if (!runs?.length) return '';
  return '; ' + runs.map((r) => `${r.model}: ${r.encoded} encoded (${r.failed} failed) on ${r.provider}`).join(', ');
}

function mb(n: number): string {
  return `${(n / 1048576).toFixed(1)} MB`;
}

/** A progress bar on a terminal, a line every 10% otherwise (stderr). */
function progressBar(write: (s: string) => void) {
  let lastPct = -1;
  let lastFile = '';
  return (file: string, done: number, total: number | null) => {
    const tty = process.stderr.isTTY;
    const pct = total ? Math.floor((100 * done) / total) : -1;
    if (file !== lastFile) {
      lastFile = file;
      lastPct = -1;
    }
    if (tty) {
      const w = 30;
      const bar = total ? '#'.repeat(Math.round((w * done) / total)).padEnd(w, '.') : '';
      process.stderr.write(`\r\x1b[K${file} [${bar}] ${mb(done)}${total ? ` / ${mb(total)} ${pct}%` : ''}`);
      if (total && done >= total) process.stderr.write('\n');
    } else if (pct >= 0 && Math.floor(pct / 10) !== Math.floor(lastPct / 10)) {
      write(`${file}: ${mb(done)} / ${mb(total!)} (${pct}%)`);
    }
    lastPct = pct;
  };
}

function installedLine(r: InstallResult): string {
  const i = r.model.info;
  return [
    `${i.name} installed in ${r.model.dir} (${mb(i.size)}, sha256 ${i.sha256.slice(0, 16)}...)`,
    ...r.resumed.map((x) => `resumed ${x.file} from byte ${x.from}`),
    ...(r.tapped ? [`output ${i.output} exposed from the graph tensor ${r.tapped} (the input of its task head)`] : []),
  ].join('\n');
}

export function registerModelsCommands(program: Command, ctx: ModelsCliContext): void {
  const models = program.command('models').description(`pretrained encoders in the data folder (${MODEL_NAMES.join(', ')})`);

  models
    .command('list')
    .description('the known models, whether each is installed, and where')
    .action(() => {
      const rows = listModels(ctx.dataDir()).map(({ manifest: m, installed: i }) => ({
        name: m.name,
        modality: m.modality,
        dim: m.dim,
        license: m.license,
        source: m.source,
        installed: !!i,
        path: i?.modelPath ?? null,
        version: i?.version ?? null,
        size: i?.info.size ?? null,
        installed_from: i ? `${i.info.source} ${i.info.from}` : null,
      }));
      ctx.out(
        rows,
        rows
          .map(
            (r) =>
              `${r.name.padEnd(20)} ${r.modality.padEnd(6)} ${String(r.dim).padStart(5)}-d  ${r.installed ? `installed ${r.path} (${mb(r.size!)})` : 'not installed (built-in encoder used)'}`,
          )
          .join('\n'),
      );
    });

  models
    .command('pull')
    .description('download a model (and its tokenizer) from its published URL; resumes an interrupted download')
    .argument('<name>', MODEL_NAMES.join(' | '))
    .option('--base-url <url>', 'a mirror laid out as URL/NAME/FILE (default: the manifest URLs; also EMOTION_STUDIO_MODEL_BASE_URL)')
    .option('--timeout <seconds>', 'give up when the server sends nothing for this long', '60')
    .action(async (name: string, o: { baseUrl?: string; timeout: string }) => {
      const t = Number(o.timeout);
      if (!(t > 0)) throw new ModelError(`--timeout must be a positive number of seconds (got ${o.timeout})`);
      const r = await pullModel(ctx.dataDir(), name, {
        baseUrl: o.baseUrl ?? process.env.EMOTION_STUDIO_MODEL_BASE_URL,
        idleTimeoutMs: t * 1000,
        onProgress: progressBar(ctx.progress),
      });
      ctx.out(summary(r), installedLine(r));
    });

  models
    .command('import')
    .description('install a model file copied in by hand, after checking its inputs and output against the manifest')
    .argument('<file>', 'the .onnx file')
    .requiredOption('--as <name>', MODEL_NAMES.join(' | '))
    .option('--tokenizer <file>', "the model's tokenizer.json (all-MiniLM-L6-v2)")
    .action(async (file: string, o: { as: string; tokenizer?: string }) => {
      const r = await importModel(ctx.dataDir(), o.as, file, o.tokenizer);
      ctx.out(summary(r), installedLine(r));
    });
}

function summary(r: InstallResult) {
  return { ...r.model.info, path: r.model.modelPath, version: r.model.version, tapped: r.tapped, resumed: r.resumed };
}
