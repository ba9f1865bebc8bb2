import { z } from 'zod';
import { DURATION_EXAMPLES, durationMs } from '../core/duration.js';
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

/** Alert severities, lowest first: a channel takes its `min_severity` and every one above it. */
export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;
/** How the email channel protects the SMTP connection (docs/operations.md, "Alerts"). */
export const SMTP_TLS = ['starttls', 'implicit', 'none'] as const;

// An address such as ops@example.com; `from` may also be `Name <ops@example.com>`.
const EMAIL = /^[^\s@<>]+@[^\s@<>]+$/;
const email = z.string().regex(EMAIL, 'must be an address such as ops@example.com');
const sender = z.string().refine((s) => s === '' || EMAIL.test(s) || /^[^<>]*<[^\s@<>]+@[^\s@<>]+>$/.test(s), {
  message: 'must be an address such as ops@example.com or "momentic <ops@example.com>"',
});
/** Routing and rate limit of one alert channel: a token bucket of `burst` alerts refilled at `per_minute`. */
const channel = {
  enabled: z.boolean(),
  min_severity: z.enum(ALERT_SEVERITIES),
  burst: z.number().int().min(1),
  per_minute: z.number().gt(0),
};

const alertsSchema = z
  .strictObject({
    /** The same alert (same dedupe key) is sent once per window; 0 sends every repeat. */
    dedupe_seconds: z.number().min(0),
    /** Further tries of a channel after a transient failure (network, timeout, 5xx, 429, SMTP 4xx). */
    retries: count,
    retry_backoff_ms: z.number().int().positive(),
    log: z.strictObject(channel),
    /** Slack-compatible JSON POST; the URL (it carries the token) only from MOMENTIC_ALERTS_WEBHOOK_URL. */
    webhook: z.strictObject({ ...channel, timeout_ms: z.number().int().positive() }),
    /** SMTP; user and password only from MOMENTIC_ALERTS_SMTP_USER and MOMENTIC_ALERTS_SMTP_PASSWORD. */
    email: z.strictObject({
      ...channel,
      host: z.string(),
      port: z.number().int().min(1).max(65_535),
      tls: z.enum(SMTP_TLS),
      from: sender,
      to: z.array(email),
      timeout_ms: z.number().int().positive(),
    }),
  })
  .superRefine((a, ctx) => {
    // An enabled email channel with nowhere to send is refused at load, not at the first alert.
    if (!a.email.enabled) return;
    const missing = (key: 'host' | 'from' | 'to', what: string, example: string): void =>
      ctx.addIssue({
        code: 'custom',
        path: ['email', key],
        message: `must be set when alerts.email.enabled is true: ${what}`,
        params: { hint: `set alerts.email.${key}, e.g. ${example}; or set alerts.email.enabled: false` },
      });
    if (a.email.host.trim() === '') missing('host', "the SMTP server's host name", 'host: smtp.example.com');
    if (a.email.from === '') missing('from', 'the sender address', 'from: momentic@example.com');
    if (a.email.to.length === 0) missing('to', 'at least one recipient', 'to: [ops@example.com]');
  });

/** What a watchdog does when its check fails (docs/operations.md, "Watchdogs and supervisor"). */
export const WATCHDOG_ACTIONS = ['off', 'log', 'alert', 'reduce', 'halt'] as const;

const duration = z
  .string()
  .refine((t) => durationMs(t) !== undefined, { message: `must be a duration, e.g. ${DURATION_EXAMPLES}` });
const action = z.enum(WATCHDOG_ACTIONS);

/** Health checks run inside a paper or live session, and its heartbeat file. */
const watchdogsSchema = z.strictObject({
  enabled: z.boolean(),
  /** How often the checks run (the broker's has its own period). */
  every: duration,
  /** How often `state/heartbeat/{session}.json` is written. */
  heartbeat_every: duration,
  /** A symbol whose next bar is this late while its market is open. */
  stale_data: z.strictObject({ action, after: duration }),
  /** The venue's market-data stream disconnected this long. */
  stream_lost: z.strictObject({ action, after: duration }),
  /** A cheap read of the broker (its clock) failed this many times in a row. */
  broker_unreachable: z.strictObject({ action, every: duration, failures: z.number().int().min(1) }),
  /** Our clock and the venue's differ by more than this (beyond the read's round trip). */
  clock_skew: z.strictObject({ action, max: duration }),
  /** A trivial query of the ledger failed this many times in a row. */
  ledger_unreachable: z.strictObject({ action, failures: z.number().int().min(1) }),
  /** Free space of the workspace's filesystem below this many MiB. */
  disk_space: z.strictObject({ action, min_free_mb: z.number().positive() }),
});

/** `momentic paper|live --supervise`: restarts of a crashed session, and when to give up. */
const supervisorSchema = z.strictObject({
  /** Restarts allowed within `window`; the crash after them halts. */
  max_restarts: count,
  window: duration,
  /** Wait before a restart: `backoff_base` doubled per restart in the window, at most `backoff_max`. */
  backoff_base: duration,
  backoff_max: duration,
  /** How long a session asked to stop (SIGTERM) has before it is killed. */
  stop_timeout: duration,
  /** A session whose heartbeat is older than this is hung: killed and restarted; `off`: never. */
  hang_after: z.string().refine((t) => t === 'off' || durationMs(t) !== undefined, {
    message: `must be a duration, e.g. ${DURATION_EXAMPLES}, or off`,
  }),
});
const serveDuration = z
  .string()
  .refine((t) => durationMs(t) !== undefined, { message: `must be a duration, e.g. ${DURATION_EXAMPLES}` });

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
    /** Where runs read bars: the workspace's raw zone, or the shared PostgreSQL bar store at `database.url` (docs/storage.md). */
    store: z.enum(['files', 'postgres']),
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
  /** Where a sweep's trials run (docs/scale.md): this machine's threads, or the Redis queue's workers. */
  execution: z.strictObject({
    queue: z.enum(['local', 'redis']),
    /** The BullMQ queue's name: submitters and workers of one deployment share it. */
    queue_name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'letters, digits and . _ - (no colon)'),
    /** Tries of a trial that crashes its worker before it is recorded failed. */
    attempts: z.number().int().min(1).max(100),
    /** The code version workers compare with a trial's (a git commit, an image tag); empty = the package version. */
    code_version: z.string().regex(/^[A-Za-z0-9._+-]{0,100}$/, 'letters, digits and . _ + -'),
  }),
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
  /** Operator alerts: kill switch, failed sessions and pipelines, reconciliation, restarts, gates. */
  alerts: alertsSchema,
  watchdogs: watchdogsSchema,
  supervisor: supervisorSchema,
  /** `momentic serve`: the HTTP API (docs/service.md). The host is a flag only: binding beyond loopback is explicit. */
  serve: z.strictObject({
    port: z.number().int().min(1).max(65_535),
    rate_limit: z.strictObject({
      /** Requests per window, per token (per address for requests without one). */
      max: z.number().int().min(1),
      window: serveDuration,
    }),
    /** `/readyz`: a hosted node whose heartbeat is older than this is not ready. */
    heartbeat_max_age: serveDuration,
    /** Backtests and sweeps asked of the API (`POST /api/backtests`, `/api/sweeps`). */
    jobs: z.strictObject({
      /** Jobs run at once; the rest wait in line, first come first served. */
      concurrency: z.number().int().min(1).max(64),
    }),
  }),
  /** Machine-learning models (docs/ml/registry.md). */
  ml: z.strictObject({
    /** `momentic ml promote`: a model moves up a stage only when it passes every gate. */
    gates: z.strictObject({
      /** Pooled out-of-sample AUC of the CV predictions, at least. */
      min_auc: z.number().min(0).max(1),
      /** Out-of-sample information coefficient (Spearman, prediction vs label return), at least. */
      min_ic: z.number().min(-1).max(1),
      /** Deflated Sharpe ratio of the out-of-sample strategy over the search's trials, at least. */
      min_dsr: z.number().min(0).max(1),
      /** Probability of backtest overfitting of the search (CSCV over the trials' CPCV returns), at most. */
      max_pbo: z.number().min(0).max(1),
      /** Top-k features by MDI compared across folds. */
      stability_top_k: z.number().int().min(1),
      /** Mean pairwise Jaccard similarity of the folds' top-k feature sets, at least. */
      min_feature_jaccard: z.number().min(0).max(1),
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
    store: 'files',
    symbols: [],
    quality: { max_price: 1e9, max_volume: 1e18, max_jump: 1000 },
  },
  database: { url: '' },
  redis: { url: '' },
  execution: { queue: 'local', queue_name: 'momentic-trials', attempts: 3, code_version: '' },
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
  // The log channel only: webhook and email need their endpoints, and secrets from the environment.
  alerts: {
    dedupe_seconds: 600,
    retries: 3,
    retry_backoff_ms: 1000,
    log: { enabled: true, min_severity: 'info', burst: 60, per_minute: 60 },
    webhook: { enabled: false, min_severity: 'warning', burst: 10, per_minute: 2, timeout_ms: 5000 },
    email: {
      enabled: false,
      min_severity: 'critical',
      burst: 5,
      per_minute: 0.5,
      host: '',
      port: 587,
      tls: 'starttls',
      from: '',
      to: [],
      timeout_ms: 10_000,
    },
  },
  // Alerts where a symbol may simply be quiet (IEX prints no bar in a minute without a trade)
  // or where the session's own limit acts later (live.stream_timeout halts); the kill switch
  // where the session cannot trade safely: a broker it cannot read, a ledger it cannot journal to.
  watchdogs: {
    enabled: true,
    every: '5s',
    heartbeat_every: '10s',
    stale_data: { action: 'alert', after: '10m' },
    stream_lost: { action: 'alert', after: '15s' },
    broker_unreachable: { action: 'halt', every: '30s', failures: 3 },
    clock_skew: { action: 'alert', max: '2s' },
    ledger_unreachable: { action: 'reduce', failures: 2 },
    disk_space: { action: 'alert', min_free_mb: 1024 },
  },
  supervisor: {
    max_restarts: 3,
    window: '1h',
    backoff_base: '5s',
    backoff_max: '5m',
    // Under the scheduler's 30 s before it kills a job: the supervisor ends first.
    stop_timeout: '20s',
    hang_after: '2m',
  },
  serve: { port: 8750, rate_limit: { max: 1200, window: '1m' }, heartbeat_max_age: '30s', jobs: { concurrency: 1 } },
  ml: {
    gates: { min_auc: 0.52, min_ic: 0.02, min_dsr: 0.95, max_pbo: 0.5, stability_top_k: 3, min_feature_jaccard: 0.5 },
  },
};
