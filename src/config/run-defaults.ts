/**
 * The venue and order-policy defaults of a run, apart from the zod schema of run-config.ts: the
 * engine's path (runBacktest) reads them without loading any schema.
 */
export const VENUE_DEFAULTS = {
  cash: 100_000,
  fees: 'none',
  slippage: 'none',
  fill: 'next-open',
  participation: null,
  price_rounding: 'none',
  latency_ms: 0,
} as const;

export const ORDER_DEFAULTS = {
  cancel_after_ms: 0,
  min_fill_ratio: 0.8,
  retries: 3,
  retry_base_ms: 500,
  quiet_open_ms: 0,
  quiet_close_ms: 0,
} as const;
