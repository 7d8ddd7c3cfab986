// Learning commands (train, evaluate): registered on the main program by main.ts.
import { Option, type Command } from 'commander';
import type { Db } from '../core/store/db';
import {
  availableModalities,
  nothingToTrainOn,
  evaluateSplit,
  trainModel,
  type EvaluateResult,
  type FusionChoice,
  type Modality,
} from '../core/learn';
import { trainInWorker } from '../core/learn/train-in-worker';
import { contextAblation } from '../core/learn/context-ablation';
import { sparseLinear } from '../../shared/model-config';
import { bootstrapWords, NO_INTERVAL } from '../../shared/bootstrap-words';
import { cancelJob, finishJob, reapOrphanJobs, reportProgress, startJob } from '../core/jobs/job-store';
import { trainProgressMeter } from '../core/api/train-progress';

export interface CliContext {
  /** opens the --db database (must exist), runs fn, closes it */
  withDb<T>(fn: (db: Db) => Promise<T> | T): Promise<T>;
  /** prints the JSON (with --json) or the human text on stdout */
  out(json: unknown, human: string): void;
  /** a progress line on stderr (unless --quiet) */
  progress(line: string): void;
}

class LearnUsageError extends Error {}

function parseModalities(s: string | undefined, db: Db): Modality[] {
  if (!s) {
    const found = availableModalities(db);
    if (!found.length) throw new LearnUsageError(nothingToTrainOn(db));
    return found;
  }
  const out: Modality[] = [];
  for (const part of s
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    if (part !== 'audio' && part !== 'text' && part !== 'video')
      throw new LearnUsageError(`unknown modality '${part}' (audio, text, video)`);
    if (!out.includes(part)) out.push(part);
  }
  if (!out.length) throw new LearnUsageError('--modalities names no modality');
  return out;
}

function pct(x: number): string {
  return (100 * x).toFixed(1);
}

/** ' [a, b]'; ' [n/a]' when there is no interval (too few items); '' when none was asked for */
const ci = (i: [number, number] | null | undefined) => (i ? ` [${pct(i[0])}, ${pct(i[1])}]` : i === null ? ' [n/a]' : '');

function diffLine(
  what: string,
  d: NonNullable<EvaluateResult['compare']> | NonNullable<EvaluateResult['baselines']>['majority']['model_minus_baseline'],
): string {
  const f = d.weighted_f1;
  const pts = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}`;
  if (!f.ci95) return `${what}: weighted F1 ${pts(f.diff)} points [${NO_INTERVAL}]`;
  return `${what}: weighted F1 ${pts(f.diff)} points [${pts(f.ci95[0])}, ${pts(f.ci95[1])}]${d.within_noise ? ': within noise (the interval holds 0)' : ''}`;
}

function baselineLines(r: EvaluateResult): string[] {
  const out: string[] = [];
  const b = r.baselines;
  if (b) {
    out.push(
      `baseline majority class (${b.majority.label}): weighted F1 ${pct(b.majority.weighted_f1)}%${ci(b.majority.ci95 && b.majority.ci95.weighted_f1)}, accuracy ${pct(b.majority.accuracy)}%`,
    );
    out.push(`  ${diffLine('model minus majority', b.majority.model_minus_baseline)}`);
    if (b.linear) {
      out.push(
        `baseline plain linear SVM (C=1, unweighted, ${b.linear.text_encoder} text, ${b.linear.n_train} train items): weighted F1 ${pct(b.linear.weighted_f1)}%${ci(b.linear.ci95 && b.linear.ci95.weighted_f1)}, accuracy ${pct(b.linear.accuracy)}%`,
      );
      out.push(`  ${diffLine('model minus plain linear', b.linear.model_minus_baseline)}`);
    } else out.push('baseline plain linear SVM: no text features on the training split');
  }
  if (r.compare) out.push(diffLine(`v${r.model_version} minus v${r.compare.version} (paired, n=${r.compare.n})`, r.compare));
  return out;
}

export function metricsTable(r: EvaluateResult): string {
  const lines = [
    `model v${r.model_version} (${r.fusion === 'none' ? 'no fusion' : r.fusion + ' fusion'}, ${r.classifier} SVM${r.C !== null ? `, C=${r.C}` : ''}, ${r.modalities.join('+')}${r.context ? ', context' : ''}) on the ${r.split} split: n=${r.n}`,
    `accuracy ${pct(r.accuracy)}%${ci(r.ci95 && r.ci95.accuracy)}  weighted F1 ${pct(r.weighted_f1)}%${ci(r.ci95 && r.ci95.weighted_f1)}  macro F1 ${pct(r.macro_f1)}%${ci(r.ci95 && r.ci95.macro_f1)}  macro AUC ${r.macro_auc === null ? '-' : r.macro_auc.toFixed(3)}`,
    ...(r.bootstrap
      ? [
          r.bootstrap.method === 'none'
            ? `(95% intervals: ${bootstrapWords(r.bootstrap)})`
            : `(95% intervals: ${bootstrapWords(r.bootstrap)}, ${r.bootstrap.resamples} resamples, seed ${r.bootstrap.seed})`,
        ]
      : []),
    ...baselineLines(r),
    '',
    `${'class'.padEnd(10)} ${'prec'.padStart(6)} ${'recall'.padStart(6)} ${'F1'.padStart(6)} ${'AUC'.padStart(6)} ${'n'.padStart(6)}`,
  ];
  for (const l of r.labels) {
    const c = r.per_class[l];
    const auc = r.auc[l];
    lines.push(
      `${l.padEnd(10)} ${pct(c.precision).padStart(6)} ${pct(c.recall).padStart(6)} ${pct(c.f1).padStart(6)} ${(auc === null ? '-' : auc.toFixed(3)).padStart(6)} ${String(c.support).padStart(6)}`,
    );
  }
  lines.push('', 'confusion (rows gold, columns predicted):', ' '.repeat(10) + r.labels.map((l) => l.slice(0, 6).padStart(7)).join(''));
  r.confusion.forEach((row, g) => lines.push(r.labels[g].padEnd(10) + row.map((v) => String(v).padStart(7)).join('')));
  if (r.missing_predictions > 0)
    lines.push(`warning: ${r.missing_predictions} labelled items have no prediction of this model (imported after training?)`);
  return lines.join('\n');
}

export function registerLearnCommands(program: Command, ctx: CliContext): void {
  program
    .command('train')
    .description(
      'fit on the training split only (vocabulary, standardisation, fusion, SVM); C chosen by grouped cross-validation on train (--select) for the linear SVM without fusion or with --fusion dialogue, on dev otherwise; predictions for every utterance stored as a new model version',
    )
    .addOption(
      new Option(
        '--fusion <kind>',
        "fusion network: seed (the published architecture), concat (baseline), dialogue (a BiLSTM over each dialogue's utterances, speaker changes as input, trained on training dialogues), none (SVM on the standardised concatenation); auto = seed with 2+ modalities, none with one",
      )
        .choices(['auto', 'seed', 'concat', 'dialogue', 'none'])
        .default('auto'),
    )
    .addOption(
      new Option('--classifier <kind>', 'SVM kernel: linear (fast) or rbf (the seed system)').choices(['linear', 'rbf']).default('linear'),
    )
    .option('--modalities <list>', 'comma-separated from audio,text,video (default: those with stored features)')
    .option(
      '--context',
      'add the dialogue context: the preceding utterances (the linear SVM without fusion: the last 3, decayed; otherwise the previous one) and whether the speaker changed',
    )
    .option(
      '--lexicon',
      'add six sentiment-lexicon columns (VADER and AFINN-165 scores of the raw text) to the linear SVM without fusion or with --fusion dialogue',
    )
    .option('--seed <n>', 'random seed', '1')
    .option(
      '--C <value>',
      'fixed SVM C (default: chosen as --select says for the linear SVM without fusion; on dev by weighted F1 otherwise, else 1)',
    )
    .option('--balanced', "class-weighted SVM ('balanced', as the seed system)")
    .option('--no-balanced', 'all class weights 1 (default: chosen with C for the linear SVM without fusion, else unweighted)')
    .option(
      '--vocab <k>',
      'text vocabulary size (hashed TF-IDF indices with the highest train document frequency; default: all of them for the linear SVM without fusion, else 4096)',
    )
    .option('--epochs <n>', 'fusion network: maximum epochs (default 30, early stopping on a held-out part of train)')
    .addOption(
      new Option(
        '--select <how>',
        'how the linear SVM without fusion chooses C and the class weighting: cv (3-fold cross-validation on train, grouped by dialogue; dev only confirms) or dev (best dev weighted F1)',
      )
        .choices(['cv', 'dev'])
        .default('cv'),
    )
    .option(
      '--search',
      'choose C and the class weighting by a new search (default with --select cv: reused from the latest model whose search had the same configuration, when at most 5% of the training items changed since)',
    )
    .action(async (o) => {
      await ctx.withDb(async (db) => {
        const modalities = parseModalities(o.modalities, db);
        const fusion: FusionChoice = o.fusion === 'auto' ? (modalities.length > 1 ? 'seed' : 'none') : o.fusion;
        const seed = Number(o.seed);
        const C = o.C !== undefined ? Number(o.C) : undefined;
        const vocab = o.vocab !== undefined ? Number(o.vocab) : undefined;
        if (!Number.isInteger(seed)) throw new LearnUsageError(`--seed must be an integer (got ${o.seed})`);
        if (C !== undefined && !(C > 0)) throw new LearnUsageError(`--C must be > 0 (got ${o.C})`);
        if (C !== undefined && o.search) throw new LearnUsageError('--search chooses C: leave out --C, or --search');
        if (vocab !== undefined && !(Number.isInteger(vocab) && vocab > 0))
          throw new LearnUsageError(`--vocab must be a positive integer (got ${o.vocab})`);
        ctx.progress(
          `training: fusion ${fusion}, ${o.classifier} SVM, modalities ${modalities.join(',')}${o.context ? ', with dialogue context' : ''}${o.lexicon ? ', with lexicon columns' : ''}`,
        );
        // a stored job as the app's: its row holds the parameters, the last progress and the result
        // (or the error); Ctrl-C cancels it between training steps and is recorded as 'cancelled'
        reapOrphanJobs(db);
        const params = {
          fusion,
          classifier: o.classifier,
          modalities,
          context: !!o.context,
          lexicon: !!o.lexicon,
          seed,
          C: C ?? null,
          balanced: o.balanced ?? null,
          vocab: vocab ?? null,
          search: !!o.search,
        };
        const job = startJob(db, 'train', params);
        const onSigint = () => {
          ctx.progress('cancelling: the training stops at its next step');
          cancelJob(job.id);
        };
        process.once('SIGINT', onSigint);
        const meter = trainProgressMeter();
        let lastStored = 0;
        try {
          // in a worker thread: Ctrl-C is handled at once and reaches the C search and the solvers
          const r = await trainInWorker(db.name, {
            fusion,
            classifier: o.classifier,
            modalities,
            context: !!o.context,
            lexicon: !!o.lexicon,
            seed,
            C,
            balanced: o.balanced as boolean | undefined,
            vocabSize: vocab,
            fusionEpochs: o.epochs !== undefined ? Number(o.epochs) : undefined,
            select: o.select as 'cv' | 'dev',
            reuseSearch: !o.search,
            signal: job.signal,
            onProgress: (p) => {
              ctx.progress(`${p.stage}: ${p.message}`);
              if (Date.now() - lastStored > 250) {
                lastStored = Date.now();
                reportProgress(db, job.id, meter(p));
              }
            },
          });
          const dev = r.metrics.dev;
          const sec = r.seconds;
          const human = [
            `model version ${r.version}: trained on ${r.nTrain} training items, C=${r.C}${r.selection.chosen.balanced ? ', balanced class weights' : ''}`,
            r.selection.method === 'reused'
              ? `C ${r.C}${r.selection.chosen.balanced ? ' balanced' : ''} reused from model ${r.selection.from_model} (chosen by ${r.selection.folds}-fold CV on ${r.selection.reuse!.n_train_searched.toLocaleString('en-US')} training rows; ${r.selection.reuse!.changed_items} training item${r.selection.reuse!.changed_items === 1 ? '' : 's'} changed since); --search to choose again`
              : `chosen by ${r.selection.method === 'cv' ? ((r.selection.folds ?? 0) > 1 ? `${r.selection.folds}-fold cross-validation on train (grouped by dialogue)` : 'held-out training dialogues') : r.selection.method === 'dev' ? `the dev split (${r.nDev} items)` : 'no search'}: ${r.selection.why}${r.selection.score !== null ? ` (score ${pct(r.selection.score)}%)` : ''}`,
            `gold labels: rule ${r.gold.rule} (${Object.entries(r.gold.by_source)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')}${r.gold.open ? `; ${r.gold.open} left open by ties, not trained on` : ''})`,
            `time: ${sec.total.toFixed(1)} s (data ${sec.data.toFixed(1)}, fusion ${sec.fusion.toFixed(1)}, C choice ${sec.choose.toFixed(1)}, SVM ${sec.svm.toFixed(1)}, predict ${sec.predict.toFixed(1)})`,
            dev
              ? `dev split: n=${dev.n}, accuracy ${pct(dev.accuracy)}%, weighted F1 ${pct(dev.weighted_f1)}%, macro F1 ${pct(dev.macro_f1)}%`
              : 'dev split: no labelled items (nothing to report; C not tuned)',
          ].join('\n');
          const result = {
            job: job.id,
            version: r.version,
            n_train: r.nTrain,
            C: r.C,
            grid: r.grid,
            selection: r.selection,
            seconds: r.seconds,
            fusion,
            fusion_info: r.fusionInfo,
            dev: dev ?? null,
            gold: r.gold,
          };
          reportProgress(db, job.id, { job: 'train store: done', done: 100, total: 100, errors: 0, rate: 0, eta_s: 0 });
          finishJob(db, job.id, { status: 'done', result });
          ctx.out(result, human);
        } catch (e) {
          if (job.signal.aborted) {
            const msg = 'cancelled (Ctrl-C): no model stored, earlier versions unchanged';
            finishJob(db, job.id, { status: 'cancelled', error: msg });
            ctx.progress(`training job ${job.id} ${msg}`);
            process.exitCode = 130;
            return;
          }
          finishJob(db, job.id, { status: 'failed', error: e instanceof Error ? e.message : String(e) });
          throw e;
        } finally {
          process.off('SIGINT', onSigint);
        }
      });
    });

  program
    .command('evaluate')
    .description('metrics of a stored model on a split: its predictions against the current labels')
    .addOption(new Option('--split <split>', 'split to score').choices(['train', 'dev', 'test']).makeOptionMandatory())
    .option('--model <n>', 'model version (default: the latest)')
    .option('--compare <v>', 'paired bootstrap difference with this model version on the same items')
    .option('--no-baselines', 'leave out the majority-class and plain linear baselines (the linear one is fit here: seconds)')
    .action(async (o) => {
      await ctx.withDb((db) => {
        const v = o.model !== undefined ? Number(o.model) : undefined;
        if (v !== undefined && !Number.isInteger(v)) throw new LearnUsageError(`--model must be a version number (got ${o.model})`);
        const cmp = o.compare !== undefined ? Number(o.compare) : undefined;
        if (cmp !== undefined && !Number.isInteger(cmp)) throw new LearnUsageError(`--compare must be a version number (got ${o.compare})`);
        const r = evaluateSplit(db, o.split, v, { baselines: o.baselines !== false, compare: cmp });
        if (r.n === 0) ctx.progress(`warning: the ${o.split} split has no labelled utterance`);
        // no items: no figure (the table would show 0% with NaN intervals)
        ctx.out(r, r.n === 0 ? `model v${r.model_version} on the ${r.split} split: n=0, no labelled utterance to score` : metricsTable(r));
      });
    });

  program
    .command('ablate')
    .description('modality ablations in one go: a model per combination of the modalities with features, each scored on the dev split')
    .addOption(new Option('--classifier <kind>', 'SVM kernel').choices(['linear', 'rbf']).default('linear'))
    .option('--C <value>', 'fixed SVM C (default: chosen for each combination as train chooses it)')
    .option(
      '--context',
      'compare dialogue context instead of modalities: the modalities with features without context, with the previous utterance (--context) and with --fusion dialogue, each on dev with its 95% interval and the paired difference to no context',
    )
    .option('--lexicon', 'add the six sentiment-lexicon columns (train --lexicon) to every model (linear SVM only)')
    .action(async (o) => {
      await ctx.withDb(async (db) => {
        const all = availableModalities(db);
        const C = o.C !== undefined ? Number(o.C) : undefined;
        if (C !== undefined && !(C > 0)) throw new LearnUsageError(`--C must be > 0 (got ${o.C})`);
        const lexicon = !!o.lexicon;
        if (lexicon && !sparseLinear('none', o.classifier))
          throw new LearnUsageError('--lexicon adds columns to the linear SVM only (--classifier linear)');
        if (o.context) {
          const crows = await contextAblation(db, {
            modalities: all,
            classifier: o.classifier,
            C,
            lexicon,
            onRow: (w) => ctx.progress(`ablation: ${all.join('+')}, context ${w}`),
          });
          const iv = (c?: [number, number]) => (c ? `(${pct(c[0])}-${pct(c[1])})` : '(n/a)');
          const dd = (r: (typeof crows)[number]) => {
            const d = r.minus_none?.weighted_f1;
            if (!d) return '';
            const p = (v: number) => `${v >= 0 ? '+' : ''}${(100 * v).toFixed(1)}`;
            if (!d.ci95) return `${p(d.diff)} (${NO_INTERVAL})`;
            return `${p(d.diff)} (${p(d.ci95[0])} to ${p(d.ci95[1])})${r.minus_none!.within_noise ? ' within noise' : ''}`;
          };
          ctx.out(
            crows,
            [
              `context (${all.join('+')}${lexicon ? ', +lexicon' : ''})    model  dev n  weighted F1 (95% interval)   macro F1   weighted F1 minus no context (paired)`,
              ...crows.map(
                (r) =>
                  `${r.context.padEnd(22)}${String(r.model_version).padStart(5)}  ${String(r.n).padStart(5)}  ${`${pct(r.weighted_f1)} ${iv(r.ci95?.weighted_f1)}`.padEnd(27)}  ${pct(r.macro_f1).padStart(8)}   ${dd(r)}`,
              ),
            ].join('\n'),
          );
          return;
        }
        const rows: { modalities: Modality[]; version: number; dev: EvaluateResult }[] = [];
        // every non-empty subset, singletons first; fusion 'none' so the rows differ by modality only
        const subsets = [...Array(2 ** all.length).keys()]
          .slice(1)
          .map((mask) => all.filter((_, k) => mask & (1 << k)))
          .sort((a, b) => a.length - b.length);
        for (const modalities of subsets) {
          ctx.progress(`ablation: ${modalities.join('+')}`);
          const r = await trainModel(db, { fusion: 'none', classifier: o.classifier, modalities, context: false, lexicon, seed: 1, C });
          rows.push({ modalities, version: r.version, dev: evaluateSplit(db, 'dev', r.version) });
        }
        const human = [
          `modalities            model  dev n  accuracy  weighted F1  macro F1   (split: dev${lexicon ? '; every model +lexicon' : ''})`,
          ...rows.map(
            (r) =>
              `${r.modalities.join('+').padEnd(22)}${String(r.version).padStart(5)}  ${String(r.dev.n).padStart(5)}  ${pct(r.dev.accuracy).padStart(8)}  ${pct(r.dev.weighted_f1).padStart(11)}  ${pct(r.dev.macro_f1).padStart(8)}`,
          ),
        ].join('\n');
        ctx.out(
          rows.map((r) => ({
            modalities: r.modalities,
            model_version: r.version,
            lexicon,
            split: 'dev',
            n: r.dev.n,
            accuracy: r.dev.accuracy,
            weighted_f1: r.dev.weighted_f1,
            macro_f1: r.dev.macro_f1,
          })),
          human,
        );
      });
    });
}
