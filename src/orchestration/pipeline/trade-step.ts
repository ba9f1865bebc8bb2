/**
 * The trade step: the run file's strategy decides on the day's bars and its orders go through
 * the execution client of the pipeline's mode, as any session's do. The day is a session of the
 * pipeline's book (book.ts) fed by the raw zone (day-feed.ts): the sessions before the day warm
 * the indicators, the day's bars are the live ones, the clock follows bar time (so an order is
 * placed at the day's close, as in a backtest). Paper: the simulated exchange, with the orders
 * the book left working yesterday put back to fill at today's open. Live: the venue of
 * `momentic live`, reconciled at the start. No mode reaches the strategy, risk or portfolio code.
 */
import { parseNum, parseTs } from '../../backtest/csv.js';
import { readCsv } from '../../backtest/read-results.js';
import { EQUITY_CSV_COLUMNS } from '../../backtest/results-files.js';
import { RESULT_FILES, runResultsDir } from '../../backtest/results-writer.js';
import { ConfigError, DataError, UsageError } from '../../core/errors.js';
import type { BarSeries } from '../../core/bar.js';
import type { RunConfig } from '../../config/run-config.js';
import { RawStore } from '../../data/raw-store.js';
import { dateToTs } from '../../data/schema.js';
import type { SimulatedExchange } from '../../execution/simulated-exchange.js';
import type { Portfolio } from '../../portfolio/portfolio.js';
import { runLiveJob } from '../live-job.js';
import { runPaperJob } from '../paper-job.js';
import { ReplayClock } from '../replay-clock.js';
import type { SessionFeed, SessionJobOptions, SessionJobResult } from '../session-job.js';
import { dayActivity, findBook, recordedThrough } from './book.js';
import { DayFeed } from './day-feed.js';
import type { StepContext, StepOutcome, StepOutputs } from './step-context.js';

/** The simulated exchange's book at the end of the day, for the reconcile step. */
export interface SimulatedBook {
  readonly positions: Readonly<Record<string, number>>;
  readonly open_orders: readonly {
    readonly client_order_id: string;
    readonly symbol: string;
    readonly side: string;
    readonly qty: number;
    readonly status: string;
    readonly filled_qty: number;
  }[];
}

function checkDates(spec: RunConfig, file: string, date: string): void {
  const outside =
    (spec.data.start !== null && date < spec.data.start) || (spec.data.end !== null && date > spec.data.end);
  if (!outside) return;
  throw new ConfigError(
    'CONFIG_INVALID_VALUE',
    `${file} runs ${spec.data.start ?? '…'}..${spec.data.end ?? '…'}; the pipeline day ${date} is outside it`,
    {
      hint: 'remove start and end from the run file (a pipeline trades the days it is run for), or run a day inside them',
      context: { file, key: spec.data.end !== null && date > spec.data.end ? 'end' : 'start' },
    },
  );
}

/** The day's feed from the raw zone: each symbol must hold the day's bar (validate checked it). */
async function dayFeed(ctx: StepContext, spec: RunConfig, tradedThrough: number): Promise<SessionFeed> {
  const file = ctx.pipeline.trade.run;
  checkDates(spec, file, ctx.date);
  const store = new RawStore(ctx.home, ctx.config.data.format);
  const series: BarSeries[] = [];
  for (const symbol of spec.data.symbols) {
    const s = await store.read(symbol, '1d');
    if (s === undefined) {
      throw new DataError('DATA_NOT_FOUND', `the raw zone has no daily bars of ${symbol}`, {
        hint: `run the day again from its fetch step: momentic pipeline daily --date ${ctx.date} --force fetch`,
        context: { value: symbol },
      });
    }
    series.push(s);
  }
  const feed = new DayFeed({
    series,
    dayTs: dateToTs(ctx.date),
    warmupBars: spec.live.warmup_bars,
    tradedThrough,
  });
  const lacking = spec.data.symbols.filter((s) => !feed.hasDay(s));
  if (lacking.length > 0) {
    throw new DataError('DATA_NOT_FOUND', `the raw zone has no ${ctx.date} bar of ${lacking.join(', ')}`, {
      hint: `fetch the day first: momentic pipeline daily --date ${ctx.date} --force fetch`,
      context: { value: lacking.join(',') },
    });
  }
  return { feed, clock: new ReplayClock(feed.firstTs, 'max') };
}

/** What a traded day left in the ledger (also when an earlier attempt traded it). */
async function dayOutputs(ctx: StepContext, book: string): Promise<StepOutputs> {
  const { orders, fills } = await dayActivity(ctx.ledger, book, ctx.date);
  return {
    book,
    mode: ctx.pipeline.trade.mode,
    dir: runResultsDir(ctx.home, book),
    orders: orders.length,
    fills: fills.length,
  };
}

export async function tradeStep(ctx: StepContext): Promise<StepOutcome> {
  const { pipeline: p, ledger, date } = ctx;
  const dayTs = dateToTs(date);
  // This step's own row was cleared as it started: the book it recorded before comes first.
  const recorded = ctx.previous?.outputs?.['book'];
  const book = typeof recorded === 'string' ? recorded : await findBook(ledger, p.name);
  let through = -Infinity;
  if (book !== undefined) {
    const traded = (await ledger.equity(book)).map((s) => s.ts);
    if (traded.includes(dayTs)) {
      // The book traded the day already (an earlier attempt, or --force trade): its orders are
      // placed once. The simulated book recorded then is kept for reconcile.
      const before = ctx.previous?.outputs?.['simulated_book'];
      return {
        outputs: {
          ...(await dayOutputs(ctx, book)),
          already_traded: true,
          ...(before === undefined ? {} : { simulated_book: before }),
        },
      };
    }
    const last = Math.max(...traded);
    if (last > dayTs) {
      throw new UsageError(
        'USAGE_INVALID_OPTION',
        `the book ${book} has traded through ${new Date(last).toISOString().slice(0, 10)}: ${date} comes before it`,
        {
          hint: 'a book trades its days in order; run a later day (a missed day is not traded: its bars warm the next)',
          context: { flag: '--date', value: date },
        },
      );
    }
    through = recordedThrough(runResultsDir(ctx.home, book));
  }
  let exchange: SimulatedExchange | undefined;
  let portfolio: Portfolio | undefined;
  const session: Omit<SessionJobOptions, 'mode' | 'venue'> = {
    home: ctx.home,
    config: ctx.config,
    cwd: ctx.cwd,
    flags: { configFile: p.trade.run },
    ...(ctx.appSources === undefined ? {} : { appSources: ctx.appSources }),
    ...(ctx.logger === undefined ? {} : { logger: ctx.logger.child({ component: 'pipeline.trade' }) }),
    ...(ctx.alerts === undefined ? {} : { alerts: ctx.alerts }),
    signals: false,
    feed: ({ spec }) => dayFeed(ctx, spec, through),
    ...(book === undefined ? {} : { continueSession: book }),
    keepOpen: true,
  };
  let result: SessionJobResult;
  if (p.trade.mode === 'paper') {
    result = await runPaperJob({
      ...session,
      onExchange: (x, pf) => {
        exchange = x;
        portfolio = pf;
      },
    });
  } else {
    result = await runLiveJob({
      ...session,
      env: ctx.env,
      confirmLive: ctx.confirmLive,
      adopt: false,
    });
  }
  const metrics = result.metrics as unknown as Record<string, unknown>;
  const last = lastEquityRow(result.dir, dayTs);
  await ledger.recordEquity({
    runId: result.sessionId,
    ts: dayTs,
    equity: portfolio?.equity ?? last.equity,
    cash: portfolio?.cash ?? last.cash,
    grossExposure: portfolio?.grossExposure ?? last.gross,
    netExposure: portfolio?.netExposure ?? last.net,
  });
  const outputs: StepOutputs = {
    ...(await dayOutputs(ctx, result.sessionId)),
    bars: result.bars,
    symbols: result.spec.data.symbols,
    equity: portfolio?.equity ?? last.equity,
    cash: portfolio?.cash ?? last.cash,
    total_return: metrics['total_return'] ?? null,
  };
  if (exchange === undefined) return { outputs };
  const x = exchange;
  const simulated: SimulatedBook = {
    positions: Object.fromEntries(
      result.spec.data.symbols.filter((s) => x.position(s) !== 0).map((s) => [s, x.position(s)]),
    ),
    open_orders: x.openOrders().map((o) => ({
      client_order_id: o.clientOrderId,
      symbol: o.symbol,
      side: o.side,
      qty: o.qty,
      status: o.status,
      filled_qty: o.filledQty,
    })),
  };
  return { outputs: { ...outputs, simulated_book: simulated } };
}

/** The day's row of the session's equity.csv (a live book's account, which the step does not hold). */
function lastEquityRow(dir: string, dayTs: number): { equity: number; cash: number; gross: number; net: number } {
  const rows = readCsv(dir, RESULT_FILES.equity, EQUITY_CSV_COLUMNS);
  const row = rows.find((r) => parseTs(r['timestamp'] ?? '') === dayTs) ?? rows.at(-1);
  if (row === undefined) return { equity: NaN, cash: NaN, gross: NaN, net: NaN };
  return {
    equity: parseNum(row['equity'] ?? ''),
    cash: parseNum(row['cash'] ?? ''),
    gross: parseNum(row['gross_exposure'] ?? ''),
    net: parseNum(row['net_exposure'] ?? ''),
  };
}
