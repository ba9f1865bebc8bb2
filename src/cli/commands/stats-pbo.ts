import { MAX_PARTITIONS, probabilityOfBacktestOverfitting, type PboMetric } from '../../analytics/stats/pbo.js';
import { UsageError } from '../../core/errors.js';
import { formatTable } from '../../core/text-table.js';
import { parseTrialsCsv } from '../../data/returns-csv.js';
import type { CommandContext } from '../context.js';
import { missingFlag, numberFlag } from '../options.js';
import { fmt, num, readInput } from '../stats-input.js';

/**
 * `momentic stats pbo --input FILE --partitions S [--metric sharpe|mean]`: PBO by CSCV over a
 * CSV of trials (columns) by periods (rows) of returns. docs/statistics.md.
 */
export async function statsPbo(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  if (opts.partitions === undefined)
    throw missingFlag('--partitions', 'pass an even number of blocks, e.g. --partitions 16');
  const S = numberFlag(opts.partitions, '--partitions', { integer: true, min: 2, example: '--partitions 16' });
  const bad = (why: string, hint: string): UsageError =>
    new UsageError('USAGE_INVALID_OPTION', `--partitions ${S}: ${why}`, {
      hint,
      context: { flag: '--partitions', value: String(S) },
    });
  if (S % 2 !== 0) throw bad('S must be even (the halves are in and out of sample)', `use ${S - 1} or ${S + 1}`);
  if (S > MAX_PARTITIONS) throw bad(`C(S, S/2) grows too fast above ${MAX_PARTITIONS}`, 'use 16, the usual choice');
  const file = String(opts.input);
  const m = parseTrialsCsv(readInput(ctx, file, '--input'), file);
  const T = m.columns[0]!.length;
  if (S > T) throw bad(`more blocks than the ${T} rows of ${file}`, `use an even S <= ${T - (T % 2)}`);
  const metric = (opts.metric ?? 'sharpe') as PboMetric;
  if (metric === 'sharpe' && Math.floor(T / S) * (S / 2) < 2) {
    throw bad(`each half of ${file} would hold fewer than 2 rows`, 'use fewer partitions, more rows or --metric mean');
  }
  const r = probabilityOfBacktestOverfitting(m.columns, { partitions: S, metric });
  const picks = new Map<number, number>();
  for (const c of r.combinations) picks.set(c.best, (picks.get(c.best) ?? 0) + 1);
  const C = r.combinations.length;
  if (ctx.json) {
    ctx.outJson({
      file,
      metric,
      partitions: S,
      trials: r.trials,
      rows: r.rows,
      rows_dropped: r.rowsDropped,
      combinations: C,
      pbo: r.pbo,
      probability_of_loss: r.probabilityOfLoss,
      degradation: { slope: num(r.degradation.slope), intercept: num(r.degradation.intercept) },
      in_sample_winners: [...picks].sort((a, b) => b[1] - a[1]).map(([j, k]) => ({ trial: m.names[j], times: k })),
      logits: r.combinations.map((c) => ({
        in_sample: c.inSample,
        best: m.names[c.best],
        in_sample_performance: num(c.inSamplePerformance),
        out_of_sample_performance: num(c.outOfSamplePerformance),
        rank: c.rank,
        logit: c.logit,
      })),
    });
    return 0;
  }
  const top = [...picks].sort((a, b) => b[1] - a[1]).slice(0, 5);
  const rows = [
    ['pbo', fmt(r.pbo)],
    ['probability of loss (OOS < 0)', fmt(r.probabilityOfLoss)],
    ['degradation slope (OOS on IS)', fmt(r.degradation.slope)],
    ['degradation intercept', fmt(r.degradation.intercept)],
    ['metric', `${metric}${metric === 'sharpe' ? ' (per period)' : ''}`],
    ['trials', String(r.trials)],
    ['partitions S', String(S)],
    ['combinations C(S, S/2)', String(C)],
    ['rows used', `${r.rows} (${r.rowsDropped} earliest dropped)`],
    ...top.map(([j, k], i) => [i === 0 ? 'in-sample winners' : '', `${m.names[j]}: ${k} of ${C}`]),
  ];
  ctx.out(formatTable(['statistic', 'value'], rows));
  return 0;
}
