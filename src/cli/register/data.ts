import { type Command, Option } from 'commander';
import { TIMEFRAMES } from '../../core/enums.js';
import { DATE_FORMATS } from '../../data/date-layout.js';
import type { Lazy } from './lazy.js';

function dateFormatOption(): Option {
  return new Option(
    '--date-format <layout>',
    'layout of the date cells when it cannot be told from the data (e.g. MM/DD/YYYY; default: found from the data)',
  ).choices(DATE_FORMATS);
}

/** `momentic data fetch|import|validate|repair|reference|ls`: the raw zone of market data. */
export function registerData(program: Command, lazy: Lazy): void {
  const data = program
    .command('data')
    .description('market data: fetch, import, validate, repair, adjust and list the raw zone');
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
    .action(lazy(async () => (await import('../commands/data.js')).dataFetch));
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
    .addOption(dateFormatOption())
    .addOption(new Option('--format <fmt>', 'raw file format (default data.format)').choices(['csv', 'parquet']))
    .addOption(
      new Option(
        '--layout <kind>',
        'file layout: auto (default), csv, or binance (kline dump, also detected by its file name)',
      ).choices(['auto', 'csv', 'binance']),
    )
    .option('--force', 'replace rows that differ from the raw zone (old files are backed up)')
    .action(lazy(async () => (await import('../commands/data.js')).dataImport));
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
    .addOption(dateFormatOption())
    .action(lazy(async () => (await import('../commands/data.js')).dataValidate));
  data
    .command('repair')
    .description(
      'rebuild the manifests of data/raw, data/processed and data/quarantine from their files, checking every recorded sha256; exit 3 when a raw file changed, went missing or is unreadable',
    )
    .option(
      '--accept-edits',
      'record raw files edited by hand as they are now (default: keep their record and report them)',
    )
    .option('--dry-run', 'report what would be rebuilt, write nothing')
    .action(lazy(async () => (await import('../commands/data-repair.js')).dataRepair));
  for (const [name, what] of [
    [
      'push',
      'copy the raw zone into the shared PostgreSQL bar store at MOMENTIC_DATABASE_URL (datasets it holds as is add nothing)',
    ],
    [
      'pull',
      'copy the shared PostgreSQL bar store at MOMENTIC_DATABASE_URL into the raw zone, file for file as its manifest records',
    ],
  ] as const) {
    data
      .command(name)
      .description(`${what}; exit 3 when a dataset failed (the others still move), 4 when the database is out of reach`)
      .option('--symbols <list>', 'only these symbols')
      .addOption(new Option('--timeframe <tf>', 'only this bar size').choices(TIMEFRAMES))
      .option('--force', "replace the target's bars where they differ (raw data is otherwise immutable)")
      .action(
        lazy(async () => {
          const m = await import('../commands/data-sync.js');
          return name === 'push' ? m.dataPush : m.dataPull;
        }),
      );
  }
  data
    .command('reference')
    .description(
      'fetch reference data into data/reference (assets point in time, corporate actions, events); bad records go to data/quarantine/reference; exit 3 when any was quarantined',
    )
    .option(
      '--provider <name>',
      'synthetic, alpaca, polygon or massive (default data.provider; none with only --events)',
    )
    .option('--symbols <list>', 'comma-separated symbols (default data.symbols, else the provider universe)')
    .option('--from <date>', 'first ex-date or event date, YYYY-MM-DD (default five years before --to)')
    .option('--to <date>', 'last ex-date or event date, YYYY-MM-DD (default today)')
    .option('--as-of <dates>', 'comma-separated days to snapshot asset records on (default --to)')
    .option(
      '--events <file>',
      'import a CSV of scheduled events (symbol,date,event,time) into data/reference/events.csv',
    )
    .action(lazy(async () => (await import('../commands/data-reference.js')).dataReference));
  data
    .command('adjust')
    .description(
      'write split- and dividend-adjusted bars and their factors into data/processed/adjusted from data/reference/corporate-actions.csv (raw stays raw); exit 3 when an action is refused',
    )
    .option('--symbols <list>', 'only these symbols (default: every symbol with bars or actions)')
    .addOption(new Option('--timeframe <tf>', 'bar size (default data.timeframe)').choices(TIMEFRAMES))
    .action(lazy(async () => (await import('../commands/data-adjust.js')).dataAdjust));
  data
    .command('ls')
    .description('list the raw zone: symbols, ranges, rows, format and providers')
    .addOption(new Option('--timeframe <tf>', 'only this bar size').choices(TIMEFRAMES))
    .action(lazy(async () => (await import('../commands/data.js')).dataLs));
}
