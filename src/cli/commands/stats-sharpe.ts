import { deflatedSharpe, expectedMaxSharpe } from '../../analytics/stats/dsr.js';
import {
  minTrackRecordLength,
  probabilisticSharpe,
  sharpeStandardError,
  sharpeVarianceFactor,
} from '../../analytics/stats/psr.js';
import { estimateSharpe } from '../../analytics/stats/sharpe-estimate.js';
import { DataError, UsageError } from '../../core/errors.js';
import { formatTable } from '../../core/text-table.js';
import type { CommandContext } from '../context.js';
import { missingFlag, numberFlag } from '../options.js';
import { exclusive, fmt, num, periodsFlag, readReturns, riskFreeFlag } from '../stats-input.js';

/**
 * `momentic stats psr|mintrl|dsr`: Sharpe ratio inference from flags or from a returns file.
 * Every Sharpe ratio is per period inside; with --periods-per-year P the Sharpe flags are
 * annualised and divided by √P (the trials variance by P). docs/statistics.md.
 */

interface Inputs {
  /** Per-period Sharpe ratio. */
  readonly sharpe: number;
  readonly observations: number | undefined;
  readonly skew: number;
  readonly kurtosis: number;
  readonly benchmark: number;
  readonly periodsPerYear: number | undefined;
  readonly source: string;
}

function inputs(opts: Record<string, unknown>, ctx: CommandContext, needObservations: boolean): Inputs {
  const P = periodsFlag(opts);
  const scale = P === undefined ? 1 : Math.sqrt(P);
  const benchmark =
    opts.benchmarkSharpe === undefined
      ? 0
      : numberFlag(opts.benchmarkSharpe, '--benchmark-sharpe', { example: '--benchmark-sharpe 0.5' }) / scale;
  if (typeof opts.returns === 'string') {
    exclusive(opts, '--returns', {
      sharpe: '--sharpe',
      observations: '--observations',
      skew: '--skew',
      kurtosis: '--kurtosis',
    });
    const file = opts.returns;
    const e = estimateSharpe(readReturns(ctx, file, '--returns').returns, riskFreeFlag(opts));
    if (!Number.isFinite(e.sharpe)) {
      throw new DataError(
        'DATA_INVALID',
        `${file}: no Sharpe ratio (${e.observations < 2 ? 'fewer than 2 returns' : 'the returns have zero variance'})`,
        {
          hint: 'the returns file needs at least 2 returns that are not all equal',
          context: { file },
        },
      );
    }
    return { ...e, benchmark, periodsPerYear: P, source: file };
  }
  if (opts.riskFree !== undefined) {
    throw new UsageError('USAGE_INVALID_OPTION', '--risk-free applies to --returns only', {
      hint: 'pass the excess-return Sharpe ratio as --sharpe, or use --returns FILE --risk-free R',
      context: { flag: '--risk-free' },
    });
  }
  if (opts.sharpe === undefined) {
    throw missingFlag(
      '--sharpe',
      'pass --sharpe (per period, or annualised with --periods-per-year), or --returns FILE',
    );
  }
  const sharpe = numberFlag(opts.sharpe, '--sharpe', { example: '--sharpe 0.08' }) / scale;
  let observations: number | undefined;
  if (opts.observations !== undefined) {
    observations = numberFlag(opts.observations, '--observations', {
      integer: true,
      min: 2,
      example: '--observations 1250',
    });
  } else if (needObservations) {
    throw missingFlag('--observations', 'pass the number of returns behind the Sharpe ratio, e.g. --observations 1250');
  }
  const skew = opts.skew === undefined ? 0 : numberFlag(opts.skew, '--skew', { example: '--skew -0.5' });
  const kurtosis =
    opts.kurtosis === undefined
      ? 3
      : numberFlag(opts.kurtosis, '--kurtosis', {
          min: 1,
          example: '--kurtosis 5 (non-excess: 3 for normal returns; add 3 to an excess kurtosis)',
        });
  if (!(sharpeVarianceFactor(sharpe, skew, kurtosis) > 0)) {
    throw new UsageError(
      'USAGE_INVALID_OPTION',
      `1 - skew*SR + (kurtosis-1)/4*SR^2 is not positive for --skew ${skew} --kurtosis ${kurtosis}`,
      {
        hint: 'check --skew and --kurtosis: kurtosis is non-excess and at least skew^2 + 1 for any distribution',
        context: { flag: '--kurtosis' },
      },
    );
  }
  return { sharpe, observations, skew, kurtosis, benchmark, periodsPerYear: P, source: 'flags' };
}

/** Shared leading rows and JSON fields. */
function inputRows(i: Inputs): { rows: string[][]; json: Record<string, unknown> } {
  const ann = (x: number): number | null => (i.periodsPerYear === undefined ? null : x * Math.sqrt(i.periodsPerYear));
  const rows = [
    ['sharpe (per period)', fmt(i.sharpe)],
    ...(i.periodsPerYear === undefined ? [] : [['sharpe (annualised)', fmt(ann(i.sharpe))]]),
    ['benchmark sharpe (per period)', fmt(i.benchmark)],
    ...(i.periodsPerYear === undefined ? [] : [['benchmark sharpe (annualised)', fmt(ann(i.benchmark))]]),
    ['observations', fmt(i.observations)],
    ['skewness', fmt(i.skew)],
    ['kurtosis (non-excess)', fmt(i.kurtosis)],
  ];
  const json = {
    source: i.source,
    periods_per_year: i.periodsPerYear ?? null,
    sharpe: i.sharpe,
    sharpe_annualized: ann(i.sharpe),
    benchmark_sharpe: i.benchmark,
    benchmark_sharpe_annualized: ann(i.benchmark),
    observations: i.observations ?? null,
    skew: i.skew,
    kurtosis: i.kurtosis,
  };
  return { rows, json };
}

function print(ctx: CommandContext, rows: string[][], json: Record<string, unknown>): number {
  if (ctx.json) ctx.outJson(json);
  else ctx.out(formatTable(['statistic', 'value'], rows));
  return 0;
}

export async function statsPsr(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const i = inputs(opts, ctx, true);
  const n = i.observations!;
  const se = sharpeStandardError(i.sharpe, n, i.skew, i.kurtosis);
  const psr = probabilisticSharpe(i.sharpe, n, i.skew, i.kurtosis, i.benchmark);
  const { rows, json } = inputRows(i);
  rows.push(['std error of sharpe (per period)', fmt(se)], ['psr', fmt(psr)]);
  return print(ctx, rows, { ...json, std_error: num(se), psr: num(psr) });
}

export async function statsMinTrl(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const i = inputs(opts, ctx, false);
  const p =
    opts.probability === undefined
      ? 0.95
      : numberFlag(opts.probability, '--probability', {
          min: 0,
          max: 1,
          minExclusive: true,
          maxExclusive: true,
          example: '--probability 0.95',
        });
  const m = minTrackRecordLength(i.sharpe, i.skew, i.kurtosis, i.benchmark, p);
  const isFinite = Number.isFinite(m);
  const years = isFinite && i.periodsPerYear !== undefined ? m / i.periodsPerYear : undefined;
  const enough = i.observations === undefined || !isFinite ? undefined : i.observations >= m;
  const reason = isFinite ? null : 'the Sharpe ratio does not exceed the benchmark: no track record length suffices';
  const { rows, json } = inputRows(i);
  rows.push(['probability', fmt(p)], ['min track record (observations)', isFinite ? fmt(m) : 'inf']);
  if (years !== undefined) rows.push(['min track record (years)', fmt(years)]);
  if (enough !== undefined) rows.push(['track record long enough', enough ? 'yes' : 'no']);
  if (reason !== null) rows.push(['note', reason]);
  return print(ctx, rows, {
    ...json,
    probability: p,
    min_trl: num(m),
    min_trl_years: num(years),
    enough: enough ?? null,
    reason,
  });
}

export async function statsDsr(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const i = inputs(opts, ctx, true);
  if (opts.trials === undefined)
    throw missingFlag('--trials', 'pass how many configurations were tried, e.g. --trials 100');
  const N = numberFlag(opts.trials, '--trials', { integer: true, min: 1, example: '--trials 100' });
  let V = 0;
  if (opts.trialsVariance !== undefined) {
    V = numberFlag(opts.trialsVariance, '--trials-variance', { min: 0, example: '--trials-variance 0.5' });
    if (i.periodsPerYear !== undefined) V /= i.periodsPerYear;
  } else if (N > 1) {
    throw missingFlag(
      '--trials-variance',
      'pass the variance of the trials\u2019 Sharpe ratios (annualised with --periods-per-year), e.g. --trials-variance 0.5',
    );
  }
  const n = i.observations!;
  const sr0 = expectedMaxSharpe(N, V);
  const dsr = deflatedSharpe(i.sharpe, n, i.skew, i.kurtosis, N, V);
  const psr = probabilisticSharpe(i.sharpe, n, i.skew, i.kurtosis);
  const P = i.periodsPerYear;
  const { rows, json } = inputRows(i);
  const shown = rows.filter((r) => !r[0]!.startsWith('benchmark')); // DSR's benchmark is SR0
  shown.push(['trials', fmt(N)], ['trials sharpe variance (per period)', fmt(V)]);
  shown.push(['expected max sharpe SR0 (per period)', fmt(sr0)]);
  if (P !== undefined) shown.push(['expected max sharpe SR0 (annualised)', fmt(sr0 * Math.sqrt(P))]);
  shown.push(['psr (vs 0)', fmt(psr)], ['dsr', fmt(dsr)]);
  const rest = Object.fromEntries(Object.entries(json).filter(([k]) => !k.startsWith('benchmark')));
  return print(ctx, shown, {
    ...rest,
    trials: N,
    trials_variance: V,
    expected_max_sharpe: num(sr0),
    expected_max_sharpe_annualized: P === undefined ? null : num(sr0 * Math.sqrt(P)),
    psr: num(psr),
    dsr: num(dsr),
  });
}
