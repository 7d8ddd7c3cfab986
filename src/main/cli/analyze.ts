// `analyze`, the main job: import + extract, then train (fusion + linear SVM) on the training split,
// evaluate the labelled held-out splits and write the HTML report. Registered on the main program by main.ts.
import { Option, type Command } from 'commander';
import { openDb, type Db } from '../core/store/db';
import { splitCounts, trainLabelCount } from '../core/store/corpus-summary';
import { writeReport } from '../core/report';
import { trainModel, evaluateSplit, type EvaluateResult, type TrainResult } from '../core/learn';
import { availableModalities } from '../core/learn/dataset';
import { defaultReportPath, reportLine } from './report';
import { addVadOptions, doImport, doVadImport, importLine, segmentationLine, splitOption } from './corpus';
import { doExtract, extractLine } from './extract';
import type { MainCliContext } from './context';

/** The learning half of the main job: the seed architecture (fusion + SVM) on whatever modalities
 * have features, fit on train only, then scored on each labelled held-out split. */
async function trainAndEvaluate(ctx: MainCliContext, db: Db): Promise<{ train: TrainResult | null; evaluations: EvaluateResult[] }> {
  const classes = trainLabelCount(db);
  const modalities = availableModalities(db);
  if (classes < 2 || modalities.length === 0) return { train: null, evaluations: [] };
  const fusion = modalities.length > 1 ? 'seed' : 'none';
  ctx.progress(`training: fusion ${fusion}, linear SVM, modalities ${modalities.join(',')}`);
  const train = await trainModel(db, {
    fusion,
    classifier: 'linear',
    modalities,
    context: false,
    seed: 1,
    onProgress: (p) => ctx.progress(`${p.stage}: ${p.message}`),
  });
  const evaluations = (['dev', 'test'] as const).map((split) => evaluateSplit(db, split, train.version)).filter((e) => e.n > 0);
  return { train, evaluations };
}

/** Why no model was trained, in the user's terms: no training split at all, too few classes in it, or no features. */
function noModelLine(counts: { split: string; n: number }[], trainClasses: number): string {
  const total = counts.reduce((a, c) => a + c.n, 0);
  if (!counts.some((c) => c.split === 'train' && c.n > 0))
    return `no model trained: none of the ${total} utterances is in the training split (${counts.map((c) => `${c.n} ${c.split}`).join(', ')}); import with --split train, or put train, dev or test in the file or folder names`;
  if (trainClasses < 2) return 'no model trained: the training split needs labels of at least 2 classes';
  return 'no model trained: no features were extracted (see list --status error)';
}

export function registerAnalyzeCommand(program: Command, ctx: MainCliContext): void {
  const cmd = program
    .command('analyze')
    .description('the main job: import + extract (+ train, evaluate and report where available)')
    .argument('<paths...>')
    .addOption(splitOption)
    .option('--columns <mapping>', 'for a non-MELD CSV, as in import')
    .option('--labels <list>', 'label set (comma-separated)');
  // a recording without a transcript yet: --segment vad cuts it into speech segments first
  addVadOptions(cmd)
    .option('--workers <n>', 'parallel clips (default: the number of cores)')
    .addOption(
      new Option('--device <device>', 'execution provider for the pretrained encoders (and the VAD model)')
        .choices(['auto', 'cpu', 'cuda', 'webgpu'])
        .default('auto'),
    )
    .option('--report <path>', 'the HTML report (default: next to the database, <db name>-report.html)')
    .option('--no-report', 'write no report')
    .action(async (paths: string[], o) => {
      const g = ctx.globals();
      const db = openDb(g.dbPath);
      try {
        let segmentation: Awaited<ReturnType<typeof doVadImport>>['segmentation'] | undefined;
        let imports;
        if (o.segment === 'vad') {
          ({ imports, segmentation } = await doVadImport(ctx, db, paths, o));
          for (const r of segmentation) ctx.progress(segmentationLine(r));
        } else imports = doImport(ctx, db, paths, o);
        for (const s of imports) ctx.progress(importLine(s));
        const extract = await doExtract(ctx, db, o);
        ctx.progress(extractLine(extract));
        const counts = splitCounts(db);
        if (extract.cancelled) {
          ctx.out({ database: g.dbPath, imports, extract, splits: counts }, `database: ${g.dbPath}\n${extractLine(extract)}`);
          process.exitCode = 130;
          return;
        }
        const { train, evaluations } = await trainAndEvaluate(ctx, db);
        // the report closes the main job; if it cannot be written the rest of the job still stands
        let report: string | null = null;
        let reportText = 'report: not written (--no-report)';
        if (o.report !== false) {
          try {
            const r = await writeReport(db, { format: 'html', out: typeof o.report === 'string' ? o.report : defaultReportPath(g.dbPath) });
            report = r.path;
            reportText = reportLine(r, 'html');
          } catch (e) {
            reportText = `report: not written: ${(e as Error).message}`;
            ctx.progress(`warning: ${reportText}`);
          }
        }
        const onDev = train?.selection.method === 'dev'; // a dev figure is then not an unbiased estimate
        ctx.out(
          { database: g.dbPath, imports, ...(segmentation ? { segmentation } : {}), extract, splits: counts, train, evaluations, report },
          [
            `database: ${g.dbPath}`,
            extractLine(extract),
            train
              ? `model version ${train.version}: fit on ${train.nTrain} training items${onDev ? `, C chosen on the dev split (${train.nDev} items)` : ''}`
              : noModelLine(counts, trainLabelCount(db)),
            ...evaluations.map(
              (e) =>
                `${e.split} split (model ${e.model_version}): n=${e.n}, accuracy ${(e.accuracy * 100).toFixed(1)}%, weighted F1 ${(e.weighted_f1 * 100).toFixed(1)}%, macro F1 ${(e.macro_f1 * 100).toFixed(1)}%` +
                (onDev && e.split === 'dev' ? ' (the split C was chosen on: optimistic)' : ''),
            ),
            reportText,
          ].join('\n'),
        );
      } finally {
        db.close();
      }
    });
}
