/**
 * One run's configuration (nautilus_trader's BacktestRunConfig; DESIGN.md "A run's
 * configuration"): what runs (strategy), on what (data), against which simulated venue (venue),
 * under which limits (risk), and where it would trade for real (live). A backtest, each sweep
 * trial and each walk-forward fold consume the same RunConfig; defaults live here only.
 * Layering (defaults <- app config <- run file <- flags) is in run-config-layers.ts.
 */
import { z } from 'zod';
import { isValidIsoDate } from '../core/dates.js';
import { DURATION_EXAMPLES, durationMs } from '../core/duration.js';
import { isValidSymbol } from '../core/symbol.js';
import { LIVE_DEFAULTS, ORDER_DEFAULTS, VENUE_DEFAULTS } from './run-defaults.js';
import { configSchema, DEFAULTS, TIMEFRAMES } from './schema.js';

const isoDate = z.string().refine(isValidIsoDate, { message: 'must be a date written YYYY-MM-DD' });

const duration = z
  .string()
  .refine((t) => durationMs(t) !== undefined, { message: `must be a duration, e.g. ${DURATION_EXAMPLES}` });

/** Where a session's bars come from and, for `momentic live`, where its orders go. */
export const LIVE_VENUES = ['alpaca', 'simulated'] as const;

/** The prices a run trades on (`data.prices`; docs/corporate-actions.md). */
export const PRICE_MODES = ['raw', 'split', 'total-return'] as const;
export type PriceMode = (typeof PRICE_MODES)[number];
export const UNIVERSE_EXITS = ['close', 'hold'] as const;

export const FILL_TIMINGS = ['next-open', 'close'] as const;
export const PRICE_ROUNDINGS = ['none', 'conservative'] as const;

export const runConfigSchema = z.strictObject({
  strategy: z.strictObject({
    /** A built-in name, or the absolute path of a strategy file. */
    name: z.string().min(1),
    params: z.record(z.string(), z.unknown()),
  }),
  data: z.strictObject({
    /** Empty: the data provider's default universe. */
    symbols: z.array(z.string().refine(isValidSymbol, 'symbols are letters, digits and . - _ / :')),
    timeframe: z.enum(TIMEFRAMES),
    /** Inclusive session dates; null: the first (last) session every chosen symbol has data for. */
    start: isoDate.nullable(),
    end: isoDate.nullable(),
    /** Symbol whose returns alpha, beta and the information ratio are measured against. */
    benchmark: z.string().min(1).nullable(),
    /**
     * Which prices the run trades on (docs/corporate-actions.md): `split` (split-adjusted, cash
     * dividends paid to positions held on the ex-date), `total-return` (split- and
     * dividend-adjusted, no cash) or `raw` (as traded, splits multiply positions, dividends paid).
     */
    prices: z.enum(PRICE_MODES),
    /**
     * `core`, `extended` or a membership file: the symbols are the universe's, and each reaches
     * the strategy only while a member (docs/universe.md); null: `symbols`.
     */
    universe: z.string().min(1).nullable(),
    /** What leaving the universe does to a position: `close` it (tagged `universe-exit`) or `hold` it. */
    universe_exit: z.enum(UNIVERSE_EXITS),
  }),
  venue: z.strictObject({
    cash: z.number().positive(),
    /** Cost specs (src/backtest/costs.ts): `none`, `ibkr`, `bps:N`, ... */
    fees: z.string().min(1),
    slippage: z.string().min(1),
    fill: z.enum(FILL_TIMINGS),
    /** Largest fraction of a bar's volume the orders of a symbol may fill; null: no cap. */
    participation: z.number().gt(0).lte(1).nullable(),
    price_rounding: z.enum(PRICE_ROUNDINGS),
    latency_ms: z.number().min(0),
    /** Buying power as a multiple of equity; orders beyond it are rejected (insufficient_buying_power). */
    max_leverage: z.number().positive(),
  }),
  risk: z.strictObject({
    /** Every order passes the risk manager (always in paper and live). */
    enabled: z.boolean(),
    limits: configSchema.shape.risk,
  }),
  /**
   * The OrderManager's execution policies (docs/orders.md). Timed cancels and quiet windows are
   * off unless set: a 60 s timer means nothing to a daily bar, whose next chance to fill is a
   * day later; seed 004's values (60 s, 80%, 5 min) suit minute bars and live trading.
   */
  orders: z.strictObject({
    cancel_after_ms: z.number().min(0),
    min_fill_ratio: z.number().min(0).max(1),
    retries: z.number().int().min(1),
    retry_base_ms: z.number().min(0),
    quiet_open_ms: z.number().min(0),
    quiet_close_ms: z.number().min(0),
  }),
  /**
   * Paper and live sessions (docs/live.md); a backtest ignores this section. `venue` is the
   * venue whose market-data stream feeds the bars (and which takes the orders of `momentic
   * live`; `momentic paper` always fills on the simulated exchange); `simulated` has no stream,
   * so its sessions replay a file (`--source replay:FILE`).
   */
  live: z.strictObject({
    venue: z.enum(LIVE_VENUES),
    paper: z.boolean(),
    /** How often the ledger is compared with the venue (open orders, positions, cash). */
    reconcile_every: duration,
    /**
     * A bar that reaches the session later than this after its close trips the kill switch as
     * stale data (REDUCING); null: the risk limit `kill_switch.stale_data_seconds`.
     */
    stale_after: duration.nullable(),
    /** A market-data stream lost for longer than this ends the feed: the kill switch halts. */
    stream_timeout: duration,
    /** Bars of history delivered before the first live bar (indicators warm at the open). */
    warmup_bars: z.number().int().min(0),
  }),
  /** Bars at the start without orders (indicators warm up on them); null: the strategy's own. */
  warmup: z.number().int().min(0).nullable(),
  /** Seed of every random choice of the run (the synthetic data provider's universe). */
  seed: z.number().int(),
});

export type RunConfig = z.infer<typeof runConfigSchema>;

/**
 * Every default of a run. Prices are used as they come (`price_rounding: none`): imported
 * adjusted prices are not on a tick, and rounding them would move fills away from the data; the
 * golden runs are made that way. `conservative` rounds buys up and sells down to the tick.
 */
export const RUN_DEFAULTS: RunConfig = {
  strategy: { name: 'sma-cross', params: {} },
  data: {
    symbols: [],
    timeframe: DEFAULTS.data.timeframe,
    start: null,
    end: null,
    benchmark: null,
    prices: 'split',
    universe: null,
    universe_exit: 'close',
  },
  venue: VENUE_DEFAULTS,
  risk: { enabled: false, limits: DEFAULTS.risk },
  orders: ORDER_DEFAULTS,
  live: LIVE_DEFAULTS,
  warmup: null,
  seed: DEFAULTS.venues.synthetic.seed,
};
