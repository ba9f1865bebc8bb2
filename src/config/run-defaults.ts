/**
 * The venue and order-policy defaults of a run, apart from the zod schema of run-config.ts: the
 * engine's path (runBacktest) reads them without loading any schema.
 */
export const VENUE_DEFAULTS = {
  cash: 100_000,
  /**
   * Costs of config/strategy/default.yaml: a run given only `--strategy` pays what the default run
   * pays, 1 bp of notional per order and 5 bp of slippage per fill; a costless run is asked for
   * (`--fees none --slippage none`), never a silent default. The engine's own `runBacktest` takes
   * fee and slippage models, not these specs.
   */
  fees: 'bps:1',
  slippage: 'bps:5',
  fill: 'next-open',
  participation: null,
  price_rounding: 'none',
  latency_ms: 0,
  /**
   * Buying power as a multiple of equity: 2 is a Reg T margin account's overnight buying power
   * (FINRA Rule 4210 / Regulation T 50% initial margin), room for pairs strategies that short one
   * leg and for a rebalance whose buys go out while its sells still work; 1 is a cash account.
   * The simulated exchange rejects orders beyond it (insufficient_buying_power).
   */
  max_leverage: 2,
} as const;

export const ORDER_DEFAULTS = {
  cancel_after_ms: 0,
  min_fill_ratio: 0.8,
  retries: 3,
  retry_base_ms: 500,
  quiet_open_ms: 0,
  quiet_close_ms: 0,
} as const;

/**
 * Sessions (`momentic paper`, `momentic live`): Alpaca's paper account is the default venue;
 * seed 004 reconciles every 5 minutes. A stream silent for 30 s is lost (Alpaca's streams answer
 * within seconds); 200 bars of history warm the usual indicators (a 200-bar average at most).
 */
export const LIVE_DEFAULTS = {
  venue: 'alpaca',
  paper: true,
  reconcile_every: '5m',
  stale_after: null,
  stream_timeout: '30s',
  warmup_bars: 200,
} as const;
