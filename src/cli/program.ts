import { Command, CommanderError, Option } from 'commander';
import { LOG_LEVELS, TIMEFRAMES } from '../core/enums.js';
import { ExitCode } from '../core/error-codes.js';
import { toMomenticError, UsageError, type MomenticError } from '../core/errors.js';
import { CommandContext, type GlobalOptions } from './context.js';
import type { CliIo } from './io.js';
import { renderErrorJson, renderErrorText } from './render-error.js';
import { addStatsCommands } from './stats-program.js';
import { VERSION } from './version.js';

/** A command handler module is loaded only when its command runs, so `--help` starts fast. */
type Handler = (ctx: CommandContext, opts: Record<string, unknown>) => Promise<number | void>;

function lazy(load: () => Promise<Handler>) {
  return async (...args: unknown[]): Promise<void> => {
    const cmd = args[args.length - 1] as Command;
    // Global options are given before the command (`momentic --config base.yaml backtest`);
    // --home, --json and --log-level may also follow it (see `acceptGlobalsAfter`). A command's
    // own `--config` (`backtest --config RUNFILE`) is its own, never the config layer.
    const own = cmd.opts<GlobalOptions>();
    const globals: GlobalOptions = {
      ...(cmd.parent ?? cmd).optsWithGlobals<GlobalOptions>(),
      ...(own.home === undefined ? {} : { home: own.home }),
      ...(own.json === undefined ? {} : { json: own.json }),
      ...(own.logLevel === undefined ? {} : { logLevel: own.logLevel }),
    };
    const ctx = currentRun.makeContext(globals);
    const handler = await load();
    // Positional arguments join the options under their names (e.g. `report <runId>` -> runId).
    const positional = Object.fromEntries(cmd.registeredArguments.map((a, i) => [a.name(), cmd.processedArgs[i]]));
    const code = await handler(ctx, { ...cmd.opts(), ...positional });
    currentRun.exitCode = typeof code === 'number' ? code : ExitCode.Ok;
  };
}

const currentRun: { exitCode: number; makeContext: (g: GlobalOptions) => CommandContext } = {
  exitCode: 0,
  makeContext: () => {
    throw new Error('no run in progress');
  },
};

export function buildProgram(io: CliIo): Command {
  const program = new Command('momentic')
    .description('momentic: data, features, backtests, paper and live trading under hard risk limits')
    .version(VERSION, '-V, --version')
    .option('--home <dir>', 'workspace folder (data/, state/, config/); default MOMENTIC_HOME or the current folder')
    .option('--config <file>', 'extra YAML config layered over config/base.yaml')
    .option('--json', 'machine-readable JSON on stdout')
    .addOption(new Option('--log-level <level>', 'log verbosity (logs go to stderr)').choices(LOG_LEVELS))
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      outputError: () => undefined,
    })
    .exitOverride()
    .enablePositionalOptions();

  program
    .command('doctor')
    .description(
      'check Node, workspace folders, config, database and Redis reachability, and which venue credentials are set',
    )
    .option('--fix', 'create missing workspace folders')
    .action(lazy(async () => (await import('./commands/doctor.js')).doctor));

  const config = program.command('config').description('inspect the effective configuration');
  config
    .command('show')
    .description('print every config key, its value and where it came from (secrets redacted)')
    .action(lazy(async () => (await import('./commands/config-show.js')).configShow));

  const calendar = program.command('calendar').description('trading calendars: sessions, open/closed, holidays');
  calendar
    .command('sessions')
    .description('list sessions as date,open_utc,close_utc (one line each) between two dates, inclusive')
    .option('--market <code>', 'market calendar: XNYS or 24/7', 'XNYS')
    .requiredOption('--from <date>', 'first date, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last date, YYYY-MM-DD')
    .option('--header', 'print a CSV header line first')
    .action(lazy(async () => (await import('./commands/calendar.js')).calendarSessions));
  calendar
    .command('is-open')
    .description('say whether the market is open at an instant (default: now)')
    .option('--market <code>', 'market calendar: XNYS or 24/7', 'XNYS')
    .option('--at <iso>', 'ISO-8601 timestamp with a zone, e.g. 2024-07-03T14:00:00Z')
    .action(lazy(async () => (await import('./commands/calendar.js')).calendarIsOpen));
  calendar
    .command('holidays')
    .description('list full-day closures and early closes of a year')
    .option('--market <code>', 'market calendar', 'XNYS')
    .requiredOption('--year <yyyy>', 'calendar year')
    .action(lazy(async () => (await import('./commands/calendar.js')).calendarHolidays));

  const data = program.command('data').description('market data: fetch, import, validate and list the raw zone');
  data
    .command('fetch')
    .description('fetch bars into data/raw, only what is missing (an interrupted fetch resumes on rerun)')
    .option(
      '--provider <name>',
      'synthetic, csv, alpaca, polygon, binance, failover, or a chain like alpaca,polygon (default data.provider)',
    )
    .option('--symbols <list>', 'comma-separated symbols (default data.symbols, else the provider universe)')
    .option('--start <date>', 'first session, YYYY-MM-DD (default five years before --end)')
    .option('--end <date>', 'last session, YYYY-MM-DD (default the last completed session)')
    .addOption(new Option('--timeframe <tf>', 'bar size (default data.timeframe)').choices(TIMEFRAMES))
    .addOption(new Option('--format <fmt>', 'raw file format (default data.format)').choices(['csv', 'parquet']))
    .option('--force', 'refetch the whole range and replace rows that differ (old files are backed up)')
    .action(lazy(async () => (await import('./commands/data.js')).dataFetch));
  data
    .command('import')
    .description('import a CSV file of bars: good rows into data/raw, bad rows into data/quarantine with the reason')
    .requiredOption(
      '--file <path>',
      'CSV file (Date,Open,High,Low,Close[,Adj Close],Volume; Date,Time,...; or canonical)',
    )
    .requiredOption('--symbol <sym>', 'symbol to file the bars under')
    .option('--map <pairs>', 'column mapping, e.g. "date=Date,close=Close,adj_close=Adj Close"')
    .option('--tz <zone>', 'IANA zone of times without an offset (default: the calendar time zone)')
    .option('--adjusted', 'use the adjusted close (open, high and low scaled alike)')
    .option('--calendar <code>', 'trading calendar for gap checks: XNYS, 24/7 or 24/5 (default: market)')
    .addOption(new Option('--timeframe <tf>', 'bar size (default: inferred from the data)').choices(TIMEFRAMES))
    .addOption(new Option('--format <fmt>', 'raw file format (default data.format)').choices(['csv', 'parquet']))
    .addOption(
      new Option(
        '--layout <kind>',
        'file layout: auto (default), csv, or binance (kline dump, also detected by its file name)',
      ).choices(['auto', 'csv', 'binance']),
    )
    .option('--force', 'replace rows that differ from the raw zone (old files are backed up)')
    .action(lazy(async () => (await import('./commands/data.js')).dataImport));
  data
    .command('validate')
    .description(
      'quality report of the raw zone per symbol (rows, coverage, gaps, rejected rows, outliers); exit 3 when a gate fails',
    )
    .option('--symbols <list>', 'only these symbols')
    .addOption(new Option('--timeframe <tf>', 'only this bar size').choices(TIMEFRAMES))
    .option('--file <path>', 'check a CSV file instead (nothing is written); needs --symbol')
    .option('--symbol <sym>', 'symbol for --file')
    .option('--map <pairs>', 'column mapping for --file')
    .option('--tz <zone>', 'time zone for --file')
    .option('--calendar <code>', 'calendar for --file')
    .action(lazy(async () => (await import('./commands/data.js')).dataValidate));
  data
    .command('ls')
    .description('list the raw zone: symbols, ranges, rows, format and providers')
    .addOption(new Option('--timeframe <tf>', 'only this bar size').choices(TIMEFRAMES))
    .action(lazy(async () => (await import('./commands/data.js')).dataLs));

  const features = program.command('features').description('engineered features and processed datasets');
  features
    .command('build')
    .description(
      'build data/processed from data/raw: processed CSVs (DESIGN.md columns), feature tables (Parquet) and pairs',
    )
    .option('--symbols <list>', 'symbols to build (default: every daily dataset in data/raw)')
    .addOption(
      new Option('--set <name>', 'feature set of the Parquet table').choices(['default', 'full']).default('default'),
    )
    .option('--pairs <list>', 'pairs LONG:SHORT, comma-separated, written to data/processed/pairs/')
    .addOption(
      new Option('--hedge-mode <mode>', 'pair hedge ratio: rolling OLS, or static from the first window')
        .choices(['rolling', 'static'])
        .default('rolling'),
    )
    .option('--benchmark <symbol>', 'raw symbol used as benchmark for cross-asset features')
    .addOption(new Option('--timeframe <tf>', 'bar size').choices(TIMEFRAMES).default('1d'))
    .option('--force', 'rebuild even when inputs and definitions are unchanged')
    .action(lazy(async () => (await import('./commands/features.js')).featuresBuild));

  program
    .command('indicators')
    .description('compute indicators over a bars CSV and print one row per bar (csv or json)')
    .requiredOption('--input <file>', 'bars CSV (any layout data import accepts)')
    .option('--indicator <spec>', 'key:params, e.g. rsi:14, macd:12,26,9, bbands:20,2,2 (repeatable)', repeatable)
    .addOption(new Option('--format <fmt>', 'output format').choices(['csv', 'json']).default('csv'))
    .option('--map <pairs>', 'column mapping, as for data import')
    .option('--tz <zone>', 'time zone of times without an offset')
    .action(lazy(async () => (await import('./commands/indicators.js')).indicators));

  const strategies = program.command('strategies').description('built-in strategies and their parameters');
  strategies
    .command('ls')
    .description('list the built-in strategies with their parameters')
    .action(lazy(async () => (await import('./commands/strategies.js')).strategiesLs));
  strategies
    .command('show')
    .description('parameters of a strategy (built-in name or ./file.ts): types, defaults and meaning')
    .argument('<name>', 'strategy name or file')
    .action(lazy(async () => (await import('./commands/strategies.js')).strategiesShow));

  const backtest = program
    .command('backtest')
    .description(
      'run a strategy through the event engine and write data/results/{run_id}/ with report.html (no flags: config/strategy/default.yaml on the synthetic universe)',
    )
    .option('--strategy <name>', 'built-in strategy (momentic strategies ls), or your own file: ./my-strategy.ts')
    .option(
      '--config <file>',
      'strategy run file (YAML: strategy, params, symbols, dates, costs); default config/strategy/default.yaml. (The global config layer then goes before the command: momentic --config base.yaml backtest ...)',
    )
    .option('--param <key=value>', 'strategy parameter (repeatable)', repeatable);
  withRunOptions(backtest, true)
    .option('--out <dir>', 'write the results here instead of data/results/{run_id}')
    .option('--risk', 'run every order through the risk manager with the config limits (docs/risk.md)')
    .option('--replay <run_id>', 'rerun a recorded run and check every output is byte-identical')
    .option(
      '--explain-config',
      'print every value of the run and where it came from (default, run file:line, flag); run nothing',
    )
    .action(lazy(async () => (await import('./commands/backtest.js')).backtest));
  const sweep = program
    .command('sweep')
    .description(
      'run a strategy over a grid (or a random sample) of parameters on every core; records every trial and the deflated Sharpe of the best (data/results/sweeps/{id}/)',
    )
    .option('--strategy <name>', 'built-in strategy or ./file.ts')
    .option('--config <file>', 'strategy run file (YAML) giving the data, dates, costs and fixed params')
    .option(
      '--param <name=spec>',
      'a swept parameter: FROM..TO:STEP (fast=5..50:5), a list (a,b,c) or one value (repeatable)',
      repeatable,
    )
    .option(
      '--objective <metric>',
      'metric to maximize (sharpe, total_return, calmar...; lower for volatility)',
      'sharpe',
    )
    .option('--random <n>', 'draw n distinct combinations of the grid instead of all')
    .option('--seed <n>', 'seed of the random search (default 1)')
    .option('--workers <n>', 'worker threads (default: every core)')
    .option('--partitions <s>', 'CSCV blocks for the probability of backtest overfitting (even; default 16)')
    .option('--name <id>', 'folder name under data/results/sweeps/ (default: from the sweep spec; rerun to resume)');
  withRunOptions(sweep, true).action(lazy(async () => (await import('./commands/sweep.js')).sweep));
  const walkforward = program
    .command('walkforward')
    .description(
      'walk a sweep forward: optimize on each train window, trade the winner on the next test window, stitch the out-of-sample equity and check the promotion gates (exit 5 when one fails)',
    )
    .option(
      '--sweep <id>',
      'the sweep to walk forward (data/results/sweeps/{id}); without it, the sweep flags run one first',
    )
    .option('--train <bars>', 'train window in sessions (default 252)')
    .option('--test <bars>', 'test window in sessions (default 63)')
    .option('--step <bars>', 'sessions between folds (default 21)')
    .addOption(
      new Option('--mode <mode>', 'rolling or anchored train windows')
        .choices(['rolling', 'anchored'])
        .default('rolling'),
    )
    .option(
      '--gate <metric op value>',
      'a promotion gate over the defaults (sharpe>1, max_drawdown>-0.1, trades>=100, win_rate>0.45, dsr>=0.95, pbo<=0.5); metric=off drops one (repeatable)',
      repeatable,
    )
    .option('--workers <n>', 'worker threads (default: every core)')
    .option('--strategy <name>', 'built-in strategy or ./file.ts (when no --sweep)')
    .option('--config <file>', 'strategy run file (when no --sweep)')
    .option('--param <name=spec>', 'swept parameter as in momentic sweep (repeatable)', repeatable)
    .option('--objective <metric>', 'metric to optimize on each train window (default sharpe)');
  withRunOptions(walkforward, false).action(lazy(async () => (await import('./commands/walkforward.js')).walkforward));
  program
    .command('compare')
    .description('compare runs: metrics side by side, and one HTML page with their equity overlaid')
    .argument('<runIds...>', 'two or more run ids (folders of data/results/)')
    .option('--out <file>', 'where to write the HTML page (default data/results/compare-A-vs-B.html)')
    .action(lazy(async () => (await import('./commands/compare.js')).compare));
  const risk = program.command('risk').description('risk limits and the kill switch');
  risk
    .command('show')
    .description('the risk limits in force and the kill-switch state')
    .action(lazy(async () => (await import('./commands/risk.js')).riskShow));

  program
    .command('report')
    .description('rebuild report.html of a run from its files')
    .argument('<runId>', 'run id (a folder of data/results/)')
    .action(lazy(async () => (await import('./commands/backtest.js')).report));

  const runs = program.command('runs').description('runs recorded in the ledger (backtests, paper and live)');
  runs
    .command('ls')
    .description('list runs, most recently started first: id, kind, strategy, period, status, trades, total return')
    .option('--limit <n>', 'at most this many runs (default 20)')
    .addOption(new Option('--kind <kind>', 'only runs of this kind').choices(['backtest', 'paper', 'live']))
    .action(lazy(async () => (await import('./commands/runs.js')).runsLs));
  runs
    .command('show')
    .description("a run's spec, params, metrics, counts of orders, events and fills, and its results folder")
    .argument('<runId>', 'run id (momentic runs ls)')
    .action(lazy(async () => (await import('./commands/runs.js')).runsShow));

  const orders = program.command('orders').description('orders recorded in the ledger');
  orders
    .command('ls')
    .description('list orders, most recent first, with their status, fills and reason')
    .option('--run <runId>', 'only the orders of this run')
    .addOption(
      new Option('--status <status>', 'only orders in this status').choices([
        'new',
        'accepted',
        'partially_filled',
        'filled',
        'cancelled',
        'rejected',
        'expired',
      ]),
    )
    .option('--symbol <sym>', 'only orders of this symbol')
    .option('--limit <n>', 'at most this many orders (default 50)')
    .action(lazy(async () => (await import('./commands/orders.js')).ordersLs));

  const stats = addStatsCommands(program, lazy);

  for (const cmd of [program, config, calendar, data, features, stats, runs, orders])
    cmd.exitOverride().configureOutput(program.configureOutput());
  acceptGlobalsAfter(program);
  return program;
}

/** Collects a repeatable option's values. */
function repeatable(v: string, prev: string[] = []): string[] {
  return [...prev, v];
}

/**
 * The data and cost options shared by backtest, sweep and walkforward; `bars` adds the bar size
 * and fill timing (walk-forward windows are daily sessions with the sweep's fills).
 */
function withRunOptions(cmd: Command, bars: boolean): Command {
  cmd
    .option('--symbols <list>', 'comma-separated symbols (default: the run file, else the provider universe)')
    .option('--start <date>', "first session, YYYY-MM-DD (default: the first session all symbols' data share)")
    .option('--end <date>', "last session, YYYY-MM-DD (default: the last session all symbols' data share)")
    .option('--benchmark <symbol>', 'symbol to measure alpha, beta and the information ratio against');
  if (bars) cmd.addOption(new Option('--timeframe <tf>', 'bar size').choices(TIMEFRAMES));
  cmd
    .option('--cash <amount>', 'initial cash (default 100000)')
    .option('--fees <spec>', 'none | ibkr | bps:N | per-share:U[,MIN] | maker-taker:M,T')
    .option('--slippage <spec>', 'none | bps:N | half-spread:N')
    .option(
      '--participation <fraction>',
      "most of a bar's volume a symbol's orders may fill, in (0, 1] (default: no cap)",
    )
    .addOption(
      new Option(
        '--price-rounding <mode>',
        'fill prices as the rule gives them, or rounded to the tick against you',
      ).choices(['none', 'conservative']),
    );
  if (bars) {
    cmd.addOption(
      new Option('--fill <when>', 'market orders fill at the next open or at the signal bar close').choices([
        'next-open',
        'close',
      ]),
    );
  }
  return cmd;
}

/**
 * With positional options the program's options go before the command; these three are also
 * accepted after it (`momentic backtest --json`), on every command that runs something.
 */
function acceptGlobalsAfter(cmd: Command): void {
  for (const sub of cmd.commands) {
    if (sub.commands.length > 0) {
      acceptGlobalsAfter(sub);
      continue;
    }
    const has = (flag: string): boolean => sub.options.some((o) => o.long === flag);
    if (!has('--home')) sub.option('--home <dir>', 'workspace folder (as before the command)');
    if (!has('--json')) sub.option('--json', 'machine-readable JSON on stdout');
    if (!has('--log-level')) {
      sub.addOption(new Option('--log-level <level>', 'log verbosity').choices(LOG_LEVELS));
    }
  }
}

const COMMANDER_CODES: Readonly<Record<string, { code: MomenticError['code']; hint: string }>> = {
  'commander.unknownCommand': { code: 'USAGE_UNKNOWN_COMMAND', hint: 'run momentic --help to list the commands' },
  'commander.unknownOption': { code: 'USAGE_UNKNOWN_OPTION', hint: 'run the command with --help to list its options' },
  'commander.excessArguments': {
    code: 'USAGE_UNKNOWN_COMMAND',
    hint: 'run the command with --help to see what it takes',
  },
  'commander.missingArgument': {
    code: 'USAGE_MISSING_OPTION',
    hint: 'run the command with --help to see what it takes',
  },
  'commander.optionMissingArgument': { code: 'USAGE_MISSING_OPTION', hint: 'give the option a value' },
  'commander.missingMandatoryOptionValue': { code: 'USAGE_MISSING_OPTION', hint: 'add the required option' },
  'commander.invalidArgument': { code: 'USAGE_INVALID_OPTION', hint: 'use one of the allowed values' },
};

function fromCommander(e: CommanderError, argv: readonly string[]): MomenticError | undefined {
  const known = COMMANDER_CODES[e.code];
  if (known === undefined) return undefined;
  const message = e.message.replace(/^error: /, '');
  const flag = /'(--?[\w-]+)/.exec(message)?.[1] ?? /option '([^']+)'/.exec(message)?.[1];
  const hint =
    e.code === 'commander.unknownCommand' && message.includes('Did you mean')
      ? `${message.split('\n')[1] ?? ''} ${known.hint}`.trim()
      : known.hint;
  const first = message.split('\n')[0] ?? message;
  const context = flag === undefined ? { value: argv.join(' ') } : { flag: flag.split(' ')[0] ?? flag };
  return new UsageError(known.code, first, { hint, context });
}

/** Runs the CLI and returns its exit code; never calls process.exit. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  let json = argv.includes('--json');
  currentRun.exitCode = ExitCode.Ok;
  currentRun.makeContext = (g) => {
    json = g.json === true;
    return new CommandContext(io, g);
  };
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return ExitCode.Ok;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return currentRun.exitCode;
  } catch (raw) {
    if (raw instanceof CommanderError) {
      if (raw.code === 'commander.helpDisplayed' || raw.code === 'commander.version' || raw.code === 'commander.help') {
        return ExitCode.Ok;
      }
      const mapped = fromCommander(raw, argv);
      if (mapped !== undefined) {
        if (json) io.stdout(renderErrorJson(mapped));
        else io.stderr(renderErrorText(mapped));
        return mapped.exitCode;
      }
    }
    const e = toMomenticError(raw);
    if (json) io.stdout(renderErrorJson(e));
    else io.stderr(renderErrorText(e));
    if (e.kind === 'internal' && raw instanceof Error && raw.stack !== undefined && io.env.MOMENTIC_DEBUG === '1') {
      io.stderr(raw.stack + '\n');
    }
    return e.exitCode;
  }
}
