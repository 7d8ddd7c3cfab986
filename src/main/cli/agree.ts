// Annotation-team commands (issue 13): agreement, gold-rule, adjudicate, disagreements, annotators.
// Registered on the main program by main.ts.
import { Option, type Command } from 'commander';
import os from 'node:os';
import type { CliContext } from './learn';
import { computeAgreement, type AgreementReport } from '../core/agreement';
import { adjudicationQueue, ratedItems } from '../core/store/annotators';
import {
  adjudicate,
  getGoldRule,
  goldRuleName,
  goldSummary,
  listAnnotators,
  parseGoldRule,
  setGoldRule,
  LabelError,
} from '../core/store/labels';
import { readUiSettings } from '../core/api/ui-settings';
import { SPLITS } from '../../shared/types';

/** Who label changes are made by: --annotator, else the name in the settings, else the OS user. */
export function defaultAnnotator(dataDir: string): string {
  return readUiSettings(dataDir).annotator ?? safeUser();
}

function safeUser(): string {
  try {
    return process.env.USER || os.userInfo().username || 'cli';
  } catch {
    return 'cli';
  }
}

const f3 = (x: number | null) => (x === null ? '-' : (Number(x.toFixed(3)) || 0).toFixed(3)); // no '-0.000'

export function agreementText(r: AgreementReport): string {
  if (r.annotators.length < 2)
    return `agreement: ${r.annotators.length} annotator(s) over ${r.n_items} items: nothing to compare (label with --annotator NAME, or import annotator=COL)`;
  const lines = [
    `annotators: ${r.annotators.map((a) => `${a} (${r.ratings_per_annotator[a]})`).join(', ')}; ${r.n_items} items with a label`,
    `Krippendorff's alpha (nominal): ${f3(r.krippendorff_alpha)}${r.krippendorff_alpha_ci95 ? ` [95% CI ${f3(r.krippendorff_alpha_ci95[0])}, ${f3(r.krippendorff_alpha_ci95[1])}]` : ''} over ${r.krippendorff_n_items} items with 2+ labels`,
    `Fleiss' kappa: ${f3(r.fleiss_kappa)} over the ${r.fleiss_n_items} items every annotator labelled`,
    'pairwise:',
    ...r.pairwise.map(
      (p) =>
        `  ${p.a} vs ${p.b}: n=${p.n}, agreement ${p.percent_agreement === null ? '-' : p.percent_agreement.toFixed(1) + '%'}, Cohen's kappa ${f3(p.cohen_kappa)}`,
    ),
    // kappa and the first count on the same items (every annotator labelled them); all items named apart
    `per label (one vs rest, over the ${r.fleiss_n_items} items every annotator labelled):`,
    ...r.per_label.map(
      (l) =>
        `  ${l.label}: kappa ${f3(l.kappa)} (${l.ratings_complete} labels on those ${l.n_items} items; ${l.ratings} over all ${r.n_items} items)`,
    ),
  ];
  return lines.join('\n');
}

function positiveInt(v: string | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new LabelError(`${what} must be a positive whole number (got ${v})`);
  return n;
}

export function registerAgreementCommands(program: Command, ctx: CliContext & { dataDir: () => string }): void {
  program
    .command('agreement')
    .description(
      "inter-annotator agreement: pairwise Cohen's kappa, Fleiss' kappa, Krippendorff's alpha with a bootstrap 95% interval, per-label kappa",
    )
    .addOption(new Option('--split <split>', 'only this split').choices(SPLITS))
    .option('--include-model <version>', 'count this model version as one more rater (model:V)')
    .option('--seed <n>', 'bootstrap seed', '1')
    .option('--draws <n>', 'bootstrap resamples', '1000')
    .action(async (o) => {
      await ctx.withDb((db) => {
        const { items, labels } = ratedItems(db, { split: o.split, includeModel: positiveInt(o.includeModel, '--include-model') });
        const r = computeAgreement(items, { labels, seed: positiveInt(o.seed, '--seed'), draws: positiveInt(o.draws, '--draws') });
        const gold = goldSummary(db, o.split);
        ctx.out({ ...r, split: o.split ?? null, gold_rule: gold.rule }, agreementText(r));
      });
    });

  program
    .command('annotators')
    .description('the annotators and how many current labels each has')
    .addOption(new Option('--split <split>', 'only this split').choices(SPLITS))
    .action(async (o) => {
      await ctx.withDb((db) => {
        const a = listAnnotators(db, o.split);
        ctx.out(a, a.length ? a.map((x) => `${x.name}\t${x.labels}`).join('\n') : 'no annotator labels yet');
      });
    });

  program
    .command('gold-rule')
    .description(
      'show or set how the gold label of items nobody adjudicated is made: latest (default), majority (ties left open), annotator=NAME',
    )
    .argument('[rule]')
    .action(async (rule: string | undefined) => {
      await ctx.withDb((db) => {
        if (rule === undefined) {
          const s = goldSummary(db);
          ctx.out(
            s,
            `gold rule: ${s.rule}; gold labels by source: ${
              Object.entries(s.by_source)
                .map(([k, v]) => `${k} ${v}`)
                .join(', ') || 'none'
            }; left open: ${s.open}`,
          );
          return;
        }
        const r = setGoldRule(db, parseGoldRule(rule), defaultAnnotator(ctx.dataDir()));
        ctx.out({ ...r, ...goldSummary(db) }, `gold rule: ${r.rule} (${r.changed} gold labels changed)`);
      });
    });

  program
    .command('adjudicate')
    .description('set the adjudicated gold label of one utterance (wins over the gold rule); --clear returns it to the rule')
    .argument('<id>')
    .argument('[label]')
    .option('--clear', 'remove the adjudication')
    .option('--annotator <name>', 'the adjudicator (default: the name in the settings, else the OS user)')
    .option('--who <name>', 'same as --annotator (older name)')
    .action(async (id: string, label: string | undefined, o) => {
      if (!/^\d+$/.test(id)) throw new LabelError(`not an utterance id: ${id}`);
      if (!o.clear && label === undefined) throw new LabelError('give the gold label, or --clear');
      await ctx.withDb((db) => {
        const r = adjudicate(db, Number(id), o.clear ? null : label!, o.annotator ?? o.who ?? defaultAnnotator(ctx.dataDir()));
        ctx.out({ id: Number(id), ...r }, `#${id}: gold ${r.old ?? '-'} -> ${r.new ?? '-'} (${r.gold_source ?? '-'})`);
      });
    });

  program
    .command('disagreements')
    .description(
      'the adjudication queue: items where annotators disagree or a tie left the gold open (--with-model: also where the latest model disagrees with the gold)',
    )
    .addOption(new Option('--split <split>', 'only this split').choices(SPLITS))
    .option('--with-model', 'also items the latest model predicts differently from the gold label')
    .option('--all', 'include items already adjudicated')
    .option('--limit <n>', 'at most this many items')
    .action(async (o) => {
      await ctx.withDb((db) => {
        const q = adjudicationQueue(db, {
          split: o.split,
          withModel: !!o.withModel,
          includeAdjudicated: !!o.all,
          limit: positiveInt(o.limit, '--limit'),
        });
        ctx.out(
          q,
          q.length
            ? q
                .map(
                  (x) =>
                    `${x.id}\t${x.reason}\tgold ${x.gold ?? '-'}\t${Object.entries(x.annotators)
                      .map(([a, l]) => `${a}:${l}`)
                      .join(' ')}${x.prediction ? `\tmodel:${x.prediction.label}` : ''}\t${x.text ?? ''}`,
                )
                .join('\n')
            : `nothing to adjudicate (gold rule ${goldRuleName(getGoldRule(db))})`,
        );
      });
    });
}
