import { type Command, Option } from 'commander';
import type { Lazy } from './lazy.js';

/** `momentic stats metrics|psr|mintrl|dsr|pbo` (docs/statistics.md, docs/metrics.md). */
export function registerStats(program: Command, lazy: Lazy): void {
  const stats = program
    .command('stats')
    .description('performance metrics and overfitting statistics: PSR, MinTRL, DSR, PBO');
  const load = async () => import('../commands/stats-sharpe.js');
  stats
    .command('metrics')
    .description('return metrics of a CSV of date,return rows (simple returns as fractions)')
    .requiredOption('--returns <file>', 'CSV of date,return rows (header optional)')
    .option('--benchmark <file>', 'benchmark CSV of date,return rows, paired by date')
    .option('--periods-per-year <n>', 'annualisation: 252 for equities (default), 365 for 24/7 markets')
    .option('--risk-free <r>', 'risk-free return per period (default 0)')
    .action(lazy(async () => (await import('../commands/stats-metrics.js')).statsMetrics));
  const sharpeFlags = (cmd: Command, benchmark: boolean): Command => {
    cmd
      .option('--sharpe <sr>', 'Sharpe ratio (per period; annualised with --periods-per-year)')
      .option('--observations <n>', 'number of returns behind the Sharpe ratio')
      .option('--skew <g3>', 'skewness of the returns (default 0)')
      .option('--kurtosis <g4>', 'non-excess kurtosis of the returns (default 3, the normal value)')
      .option('--periods-per-year <n>', 'the Sharpe inputs are annualised: divide by sqrt(n)')
      .option('--returns <file>', 'estimate sharpe, observations, skew and kurtosis from a date,return CSV')
      .option('--risk-free <r>', 'risk-free return per period, with --returns (default 0)');
    if (benchmark) cmd.option('--benchmark-sharpe <sr>', 'benchmark Sharpe ratio SR* (default 0)');
    return cmd;
  };
  sharpeFlags(stats.command('psr'), true)
    .description('probabilistic Sharpe ratio: P(true Sharpe > benchmark) given length, skew and kurtosis')
    .action(lazy(async () => (await load()).statsPsr));
  sharpeFlags(stats.command('mintrl'), true)
    .description('minimum track record length for PSR to reach --probability')
    .option('--probability <p>', 'confidence level (default 0.95)')
    .action(lazy(async () => (await load()).statsMinTrl));
  sharpeFlags(stats.command('dsr'), false)
    .description('deflated Sharpe ratio: PSR against the expected maximum Sharpe of N unskilled trials')
    .option('--trials <n>', 'number of configurations tried')
    .option('--trials-variance <v>', 'variance of the trials\u2019 Sharpe ratios (annualised with --periods-per-year)')
    .action(lazy(async () => (await load()).statsDsr));
  stats
    .command('pbo')
    .description('probability of backtest overfitting by CSCV over a CSV of trials (columns) x periods (rows)')
    .requiredOption('--input <file>', 'CSV: header of trial names, one row of returns per period, optional date column')
    .option('--partitions <S>', 'even number of row blocks S (16 is usual)')
    .addOption(
      new Option('--metric <m>', 'performance of a trial on a set of rows')
        .choices(['sharpe', 'mean'])
        .default('sharpe'),
    )
    .action(lazy(async () => (await import('../commands/stats-pbo.js')).statsPbo));
}
