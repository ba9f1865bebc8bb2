import { z } from 'zod';
import { TIMEFRAMES } from '../core/enums.js';
import { LOG_LEVELS } from '../core/logger.js';
import { isValidSymbol } from '../core/symbol.js';

const url = z
  .string()
  .refine((s) => s === '' || URL.canParse(s), { message: 'must be a URL such as https://host:port/path, or empty' });
const fraction = z.number().gt(0).lte(1);
const count = z.number().int().min(0);

export const PROVIDERS = ['synthetic', 'csv', 'alpaca', 'polygon', 'binance', 'failover'] as const;
export { TIMEFRAMES };

/** The full configuration, snake_case as in YAML files. Every key has a default (DEFAULTS). */
export const configSchema = z.strictObject({
  log: z.strictObject({
    level: z.enum(LOG_LEVELS),
  }),
  market: z.string().min(1),
  data: z.strictObject({
    provider: z.enum(PROVIDERS),
    fallbacks: z.array(z.enum(PROVIDERS)),
    timeframe: z.enum(TIMEFRAMES),
    format: z.enum(['csv', 'parquet']),
    symbols: z.array(z.string().refine(isValidSymbol, 'symbols are letters, digits and . - _ / :')),
    /** Limits of the quality gates: rows beyond them are quarantined (docs/data.md). */
    quality: z.strictObject({
      max_price: z.number().positive(),
      max_volume: z.number().positive(),
      max_jump: z.number().gt(1),
    }),
  }),
  database: z.strictObject({ url }),
  redis: z.strictObject({ url }),
  engine: z.strictObject({
    /** Longest call of a strategy file's hook before the run is stopped; 0 = no limit. */
    hook_timeout_ms: z.number().int().min(0),
  }),
  http: z.strictObject({
    timeout_ms: z.number().int().positive(),
    retries: count,
    backoff_ms: z.number().int().positive(),
  }),
  venues: z.strictObject({
    synthetic: z.strictObject({
      seed: z.number().int(),
    }),
    alpaca: z.strictObject({
      paper: z.boolean(),
      feed: z.enum(['iex', 'sip', 'delayed_sip', 'otc']),
      adjustment: z.enum(['raw', 'split', 'dividend', 'all']),
      trading_url: url,
      data_url: url,
      requests_per_minute: z.number().int().positive(),
      /** Market-data WebSocket base: stocks at `{stream_url}/v2/{feed}`, crypto at `/v1beta3/crypto/us`. */
      stream_url: url,
    }),
    polygon: z.strictObject({
      base_url: url,
      adjusted: z.boolean(),
      requests_per_minute: z.number().int().positive(),
    }),
    binance: z.strictObject({
      testnet: z.boolean(),
      data_url: url,
      trading_url: url,
    }),
  }),
  risk: z.strictObject({
    max_daily_drawdown: fraction,
    max_risk_per_trade: fraction,
    max_position: fraction,
    max_gross_intraday: z.number().gt(0),
    max_gross_swing: z.number().gt(0),
    max_short_of_gross: fraction,
    max_positions: count,
    pause_after_losses: count,
    max_trades_per_day: count,
    max_order_notional: z.number().positive(),
    max_order_qty: z.number().positive(),
    price_collar: fraction,
    max_leverage: z.number().gt(0),
    restricted: z.array(z.string().min(1)),
    symbol_caps: z.record(z.string().min(1), fraction),
    strategy_caps: z.record(z.string().min(1), fraction),
    kill_switch: z.strictObject({
      max_venue_errors: z.number().int().min(1),
      stale_data_seconds: z.number().positive(),
    }),
  }),
});

export type Config = z.infer<typeof configSchema>;

/**
 * Built-in defaults. `config/base.yaml` ships the same values with comments (a test keeps them
 * equal). Paper and sandbox endpoints are the default everywhere.
 */
export const DEFAULTS: Config = {
  log: { level: 'info' },
  market: 'XNYS',
  data: {
    provider: 'synthetic',
    fallbacks: [],
    timeframe: '1d',
    format: 'csv',
    symbols: [],
    quality: { max_price: 1e9, max_volume: 1e18, max_jump: 1000 },
  },
  database: { url: '' },
  redis: { url: '' },
  // Far above any sane hook call, yet an endless loop in a strategy file never hangs a run.
  engine: { hook_timeout_ms: 10_000 },
  http: { timeout_ms: 10_000, retries: 5, backoff_ms: 500 },
  venues: {
    synthetic: { seed: 42 },
    alpaca: {
      paper: true,
      feed: 'iex',
      adjustment: 'all',
      trading_url: 'https://paper-api.alpaca.markets',
      data_url: 'https://data.alpaca.markets',
      requests_per_minute: 200,
      stream_url: 'wss://stream.data.alpaca.markets',
    },
    polygon: { base_url: 'https://api.massive.com', adjusted: true, requests_per_minute: 100 },
    binance: {
      testnet: true,
      data_url: 'https://api.binance.com',
      trading_url: 'https://testnet.binance.vision',
    },
  },
  risk: {
    max_daily_drawdown: 0.02,
    max_risk_per_trade: 0.004,
    max_position: 0.05,
    max_gross_intraday: 0.5,
    max_gross_swing: 1.0,
    max_short_of_gross: 0.5,
    max_positions: 30,
    pause_after_losses: 3,
    max_trades_per_day: 100,
    max_order_notional: 1_000_000,
    max_order_qty: 1_000_000,
    price_collar: 0.1,
    max_leverage: 2,
    restricted: [],
    symbol_caps: {},
    strategy_caps: {},
    kill_switch: { max_venue_errors: 3, stale_data_seconds: 120 },
  },
};
