import { Command, CommanderError, Option } from 'commander';
import { ExitCode } from '../core/error-codes.js';
import { toMomenticError, UsageError, type MomenticError } from '../core/errors.js';
import { CommandContext, type GlobalOptions } from './context.js';
import type { CliIo } from './io.js';
import { renderErrorJson, renderErrorText } from './render-error.js';
import { routeRunFileFlag } from './run-file-flag.js';
import { VERSION } from './version.js';

/** A command handler module is loaded only when its command runs, so `--help` starts fast. */
type Handler = (ctx: CommandContext, opts: Record<string, unknown>) => Promise<number | void>;

function lazy(load: () => Promise<Handler>) {
  return async (...args: unknown[]): Promise<void> => {
    const cmd = args[args.length - 1] as Command;
    const globals = cmd.optsWithGlobals<GlobalOptions>();
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
    .addOption(
      new Option('--log-level <level>', 'log verbosity (logs go to stderr)').choices([
        'fatal',
        'error',
        'warn',
        'info',
        'debug',
        'trace',
        'silent',
      ]),
    )
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      outputError: () => undefined,
    })
    .exitOverride();

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
  const timeframes = ['1d', '1h', '15m', '5m', '1m'];
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
    .addOption(new Option('--timeframe <tf>', 'bar size (default data.timeframe)').choices(timeframes))
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
    .addOption(new Option('--timeframe <tf>', 'bar size (default: inferred from the data)').choices(timeframes))
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
    .addOption(new Option('--timeframe <tf>', 'only this bar size').choices(timeframes))
    .option('--file <path>', 'check a CSV file instead (nothing is written); needs --symbol')
    .option('--symbol <sym>', 'symbol for --file')
    .option('--map <pairs>', 'column mapping for --file')
    .option('--tz <zone>', 'time zone for --file')
    .option('--calendar <code>', 'calendar for --file')
    .action(lazy(async () => (await import('./commands/data.js')).dataValidate));
  data
    .command('ls')
    .description('list the raw zone: symbols, ranges, rows, format and providers')
    .addOption(new Option('--timeframe <tf>', 'only this bar size').choices(timeframes))
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
    .addOption(new Option('--timeframe <tf>', 'bar size').choices(timeframes).default('1d'))
    .option('--force', 'rebuild even when inputs and definitions are unchanged')
    .action(lazy(async () => (await import('./commands/features.js')).featuresBuild));

  program
    .command('indicators')
    .description('compute indicators over a bars CSV and print one row per bar (csv or json)')
    .requiredOption('--input <file>', 'bars CSV (any layout data import accepts)')
    .option(
      '--indicator <spec>',
      'key:params, e.g. rsi:14, macd:12,26,9, bbands:20,2,2 (repeatable)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .addOption(new Option('--format <fmt>', 'output format').choices(['csv', 'json']).default('csv'))
    .option('--map <pairs>', 'column mapping, as for data import')
    .option('--tz <zone>', 'time zone of times without an offset')
    .action(lazy(async () => (await import('./commands/indicators.js')).indicators));

  program
    .command('backtest')
    .description(
      'run a strategy through the event engine and write data/results/{run_id}/ with report.html (no flags: config/strategy/default.yaml on the synthetic universe)',
    )
    .option('--strategy <name>', 'built-in strategy, e.g. sma-cross')
    .option(
      '--config <file>',
      'strategy run file (YAML: strategy, params, symbols, dates, costs); default config/strategy/default.yaml. (The global config layer then goes before the command: momentic --config base.yaml backtest ...)',
    )
    .addOption(new Option('--run-file <file>', 'the run file given as --config after backtest').hideHelp())
    .option('--symbols <list>', 'comma-separated symbols (default: the run file, else the provider universe)')
    .option('--start <date>', 'first session, YYYY-MM-DD')
    .option('--end <date>', 'last session, YYYY-MM-DD')
    .addOption(new Option('--timeframe <tf>', 'bar size').choices(timeframes))
    .option('--param <key=value>', 'strategy parameter (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--cash <amount>', 'initial cash (default 100000)')
    .option('--fees <spec>', 'none | ibkr | bps:N | per-share:U[,MIN] | maker-taker:M,T')
    .option('--slippage <spec>', 'none | bps:N | half-spread:N')
    .addOption(
      new Option('--fill <when>', 'market orders fill at the next open or at the signal bar close').choices([
        'next-open',
        'close',
      ]),
    )
    .option('--out <dir>', 'write the results here instead of data/results/{run_id}')
    .option('--replay <run_id>', 'rerun a recorded run and check every output is byte-identical')
    .action(lazy(async () => (await import('./commands/backtest.js')).backtest));
  program
    .command('report')
    .description('rebuild report.html of a run from its files')
    .argument('<runId>', 'run id (a folder of data/results/)')
    .action(lazy(async () => (await import('./commands/backtest.js')).report));

  for (const cmd of [program, config, calendar, data, features])
    cmd.exitOverride().configureOutput(program.configureOutput());
  return program;
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
    await program.parseAsync(routeRunFileFlag(argv), { from: 'user' });
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
