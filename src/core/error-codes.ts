/**
 * The one catalogue of stable error codes. Every code is documented in docs/errors.md
 * (a test fails when one is missing there). Codes never change meaning once published.
 */
export const ExitCode = {
  Ok: 0,
  Internal: 1,
  Usage: 2,
  Data: 3,
  Venue: 4,
  Risk: 5,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export const ErrorKind = {
  Config: 'config',
  Usage: 'usage',
  Data: 'data',
  Venue: 'venue',
  Risk: 'risk',
  Internal: 'internal',
} as const;
export type ErrorKind = (typeof ErrorKind)[keyof typeof ErrorKind];

interface CodeInfo {
  readonly kind: ErrorKind;
  readonly summary: string;
}

export const ERROR_CODES = {
  // configuration (exit 2)
  CONFIG_FILE_NOT_FOUND: {
    kind: 'config',
    summary: 'a config or run file named by --config or MOMENTIC_CONFIG does not exist or is not a readable file',
  },
  CONFIG_PARSE: { kind: 'config', summary: 'a config file is not valid YAML' },
  CONFIG_UNKNOWN_KEY: {
    kind: 'config',
    summary: 'a config file, environment variable or flag names a key the schema does not know',
  },
  CONFIG_INVALID_VALUE: { kind: 'config', summary: 'a config value has the wrong type or is out of range' },
  CONFIG_SECRET_IN_FILE: {
    kind: 'config',
    summary: 'a secret (API key, password) was put in a config file instead of the environment',
  },
  CONFIG_ENV_FILE: { kind: 'config', summary: 'the workspace .env file cannot be read' },
  STRATEGY_FILE_INVALID: {
    kind: 'config',
    summary:
      'a strategy file (--strategy ./file.ts) is missing, fails to load or does not export a strategy definition',
  },
  STRATEGY_RUNTIME_ERROR: {
    kind: 'config',
    summary: "a user's strategy file threw in create or a hook (init, onBar, onSlice, onFill, onOrderRejected, onStop)",
  },
  STRATEGY_HOOK_TIMEOUT: {
    kind: 'config',
    summary: "a hook of a user's strategy file ran longer than engine.hook_timeout_ms and was stopped",
  },
  // usage (exit 2)
  USAGE_UNKNOWN_COMMAND: { kind: 'usage', summary: 'the command or subcommand does not exist' },
  USAGE_UNKNOWN_OPTION: { kind: 'usage', summary: 'an option (flag) is not known to the command' },
  USAGE_MISSING_OPTION: { kind: 'usage', summary: 'a required option or argument is missing' },
  USAGE_INVALID_OPTION: { kind: 'usage', summary: 'an option value is malformed' },
  USAGE_INVALID_DATE: { kind: 'usage', summary: 'a date is not a real YYYY-MM-DD date' },
  USAGE_INVALID_TIMESTAMP: { kind: 'usage', summary: 'a timestamp is not valid ISO-8601 with a time zone or offset' },
  USAGE_INVALID_RANGE: { kind: 'usage', summary: 'a range has its start after its end' },
  USAGE_FUTURE_DATE: { kind: 'usage', summary: 'a start date lies after today: no data exists for it yet' },
  USAGE_NO_WORKSPACE: {
    kind: 'usage',
    summary: 'the workspace folder (--home or MOMENTIC_HOME) does not exist or is not a folder',
  },
  USAGE_INVALID_SYMBOL: {
    kind: 'usage',
    summary: 'a symbol is empty or has characters other than letters, digits and . - _ / :',
  },
  USAGE_OUTPUT_PATH: {
    kind: 'usage',
    summary:
      'an output path (--out) is inside a data zone, state/ or another run folder, or is a folder that is not empty',
  },
  USAGE_INVALID_ORDER: {
    kind: 'usage',
    summary: 'a strategy placed an order with a non-finite or non-positive quantity, or a non-finite price',
  },
  ADMIN_REFUSED: {
    kind: 'usage',
    summary: 'a running trading node refused an admin command (momentic admin): the message says why',
  },
  CALENDAR_UNKNOWN_MARKET: { kind: 'usage', summary: 'no trading calendar is registered under that market code' },
  CALENDAR_OUT_OF_RANGE: { kind: 'usage', summary: 'a date lies outside the years a calendar covers' },
  CALENDAR_NOT_A_SESSION: { kind: 'usage', summary: 'a date asked for session times is not a trading day' },
  // the service's API (docs/service.md): each answers with its own HTTP status
  API_UNAUTHORIZED: {
    kind: 'usage',
    summary: 'a request to momentic serve has no API token, or one that is unknown, malformed or revoked (401)',
  },
  API_FORBIDDEN: { kind: 'usage', summary: "a request's API token has a role below the one the route needs (403)" },
  API_NOT_FOUND: {
    kind: 'usage',
    summary: 'no route of the API answers that method and path, or it has no such item (a strategy, a channel) (404)',
  },
  API_INVALID_REQUEST: {
    kind: 'usage',
    summary:
      'a request body is not valid JSON, or a body, query or path parameter breaks its schema or has fields the route does not know (400)',
  },
  API_BODY_TOO_LARGE: { kind: 'usage', summary: 'a request body is larger than 1 MB (413)' },
  API_RATE_LIMITED: {
    kind: 'usage',
    summary: 'a token (or an address without one) sent more requests than serve.rate_limit allows (429)',
  },
  API_CONFLICT: {
    kind: 'usage',
    summary: 'the item is in a state that does not allow the request, such as cancelling a job that has ended (409)',
  },
  // data (exit 3)
  DATA_INVALID: { kind: 'data', summary: 'input data breaks its schema or a quality gate' },
  DATA_NOT_FOUND: { kind: 'data', summary: 'an expected data file or series does not exist' },
  DATA_UNKNOWN_SYMBOL: {
    kind: 'data',
    summary: 'a symbol has no data in the workspace and the data provider does not serve it',
  },
  DATA_WRITE_FAILED: {
    kind: 'data',
    summary: 'a data file could not be written (disk full, permissions); the previous file is intact',
  },
  DATA_MANIFEST: {
    kind: 'data',
    summary:
      "a data zone's manifest is missing or unreadable, or disagrees with the zone's files (a file not registered, missing, or changed since it was written)",
  },
  ML_MODEL_INVALID: {
    kind: 'data',
    summary:
      'a model file (ml predict --model) is not a model momentic reads, is truncated, or breaks its format (XGBoost JSON, LightGBM text)',
  },
  ML_MODEL_UNSUPPORTED: {
    kind: 'data',
    summary:
      'a model file uses what momentic does not score: categorical splits, several classes or targets, dart or linear boosters, an unknown objective',
  },
  ML_FEATURE_MISSING: {
    kind: 'data',
    summary:
      'a features file lacks a column the model needs (by name), or has the wrong number of columns (by position)',
  },
  LEDGER_NOT_FOUND: { kind: 'data', summary: 'a run or order id is not in the ledger' },
  LEDGER_CONFLICT: {
    kind: 'data',
    summary: 'a ledger write contradicts what is recorded (an id reused for a different order or run)',
  },
  LEDGER_SCHEMA: {
    kind: 'data',
    summary: 'the ledger database has migrations this version does not know, or a migration failed',
  },
  // venue (exit 4)
  VENUE_AUTH: {
    kind: 'venue',
    summary: 'the venue rejected the credentials (401/403); set the named environment variables',
  },
  VENUE_UNAVAILABLE: {
    kind: 'venue',
    summary: 'a venue, database or cache could not be reached or answered with a server error',
  },
  LEDGER_UNAVAILABLE: {
    kind: 'venue',
    summary: 'the ledger database (SQLite file or PostgreSQL) cannot be opened or reached',
  },
  LEDGER_CORRUPT: {
    kind: 'venue',
    summary:
      'the ledger database is damaged (SQLITE_CORRUPT, SQLITE_NOTADB, or PostgreSQL data corruption): move it away or restore a backup, then re-record runs',
  },
  VENUE_RATE_LIMITED: { kind: 'venue', summary: 'the venue asked us to slow down (429/418) and retries ran out' },
  VENUE_BAD_RESPONSE: {
    kind: 'venue',
    summary: 'the venue answered with a payload that does not match its published schema',
  },
  VENUE_STREAM_LOST: {
    kind: 'venue',
    summary: "a venue's live stream stayed disconnected longer than the session allows",
  },
  ADMIN_NO_NODE: {
    kind: 'venue',
    summary:
      'no paper or live session is running to take an admin command (no heartbeat in the ledger in the last seconds)',
  },
  ADMIN_NO_ACK: {
    kind: 'venue',
    summary:
      'the trading node did not acknowledge an admin command in time; the command was withdrawn, never to be applied',
  },
  ALERT_CHANNEL_FAILED: {
    kind: 'venue',
    summary: 'an alert channel (webhook, email) could not deliver an alert after its retries',
  },
  // risk (exit 5)
  RISK_LIMIT: { kind: 'risk', summary: 'a risk limit or promotion gate was breached' },
  RISK_RECONCILE: {
    kind: 'risk',
    summary: "the ledger and the broker's books disagree in a way reconciliation cannot explain",
  },
  SUPERVISOR_HALTED: {
    kind: 'risk',
    summary:
      'a supervised session (--supervise) crashed once more than supervisor.max_restarts allows within supervisor.window, or after its kill switch HALTED; the supervisor recorded the kill switch HALTED and stopped',
  },
  DRIFT_DETECTED: {
    kind: 'risk',
    summary:
      'a session and its replay through the backtester differ: a signal or an order, or a fill past the slippage tolerance',
  },
  ML_GATE_FAILED: {
    kind: 'risk',
    summary:
      'a model failed a promotion gate (ml.gates.*): out-of-sample AUC or IC, deflated Sharpe, PBO or feature stability; its stage is unchanged',
  },
  // internal (exit 1)
  INTERNAL: { kind: 'internal', summary: 'a bug in momentic; please report it with the command and the log' },
} as const satisfies Record<string, CodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

export const EXIT_CODE_OF_KIND: Readonly<Record<ErrorKind, ExitCode>> = {
  config: ExitCode.Usage,
  usage: ExitCode.Usage,
  data: ExitCode.Data,
  venue: ExitCode.Venue,
  risk: ExitCode.Risk,
  internal: ExitCode.Internal,
};
