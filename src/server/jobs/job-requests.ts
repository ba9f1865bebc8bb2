/**
 * What `POST /api/backtests`, `POST /api/sweeps` and `POST /api/walkforwards` take: the flags of
 * `momentic backtest`, `momentic sweep` and `momentic walkforward` as JSON (snake_case), or a run file's keys as an object, checked by a strict
 * schema (an unknown field is a 400 naming it). A job runs the CLI itself, so each request becomes
 * the command line a person would type; the CLI then checks what only it can (a strategy's
 * parameters, the data there is) and a failure comes back as the job's error.
 *
 * The service runs built-in strategies only: a strategy file is code, and an API token must not be
 * a way to run code on the server. Strategy files are for the CLI.
 */
import { z } from 'zod';
import { runFileSchema } from '../../backtest/config-file.js';
import { METRIC_KEYS } from '../../backtest/metrics.js';
import { PRICE_ROUNDINGS } from '../../config/run-config.js';
import { isValidIsoDate } from '../../core/dates.js';
import { TIMEFRAMES } from '../../core/enums.js';
import { SYMBOL_PATTERN } from '../../core/symbol.js';
import { isStrategyFile } from '../../strategies/registry.js';
import { folderId } from '../schemas/common.js';

const NO_FILES = 'a built-in strategy name (GET /api/strategies); strategy files run from the CLI only';

const strategyName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, NO_FILES)
  .describe('a built-in strategy (GET /api/strategies)');
const isoDate = z.string().refine(isValidIsoDate, 'a date written YYYY-MM-DD').describe('a session date, YYYY-MM-DD');
const symbol = z.string().min(1).max(32).regex(SYMBOL_PATTERN, 'letters, digits and . - _ / :');
const paramName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'a parameter name (letters, digits, _)');
const scalar = z.union([z.number(), z.boolean(), z.string().min(1).max(200)]);

/** A run file's keys as an object; its strategy must be a built-in one. */
const runFile = runFileSchema
  .refine((f) => !isStrategyFile(f.strategy), { message: NO_FILES, path: ['strategy'] })
  .describe("a strategy run file's keys (docs/backtesting.md), as momentic backtest --config reads them");

/** The data and cost fields of backtest and sweep (`withRunOptions` in the CLI). */
const runFields = {
  strategy: strategyName.optional(),
  run_file: runFile.optional(),
  symbols: z.array(symbol).min(1).max(1000).optional().describe('default: the run file, else the universe'),
  start: isoDate.optional(),
  end: isoDate.optional(),
  timeframe: z.enum(TIMEFRAMES).optional(),
  benchmark: symbol.optional(),
  cash: z.number().positive().optional(),
  fees: z.string().min(1).max(100).optional().describe('none | ibkr | bps:N | per-share:U[,MIN] | maker-taker:M,T'),
  slippage: z.string().min(1).max(100).optional().describe('none | bps:N | half-spread:N'),
  fill: z.enum(['next-open', 'close']).optional(),
  participation: z.number().gt(0).lte(1).optional(),
  price_rounding: z.enum(PRICE_ROUNDINGS).optional(),
  max_leverage: z.number().positive().optional(),
};

export const backtestRequest = z
  .strictObject({
    ...runFields,
    params: z.record(paramName, scalar).optional().describe('strategy parameters, as --param key=value'),
    risk: z.boolean().optional().describe('every order through the risk manager with the config limits (--risk)'),
  })
  .meta({ id: 'BacktestRequest' });
export type BacktestRequest = z.infer<typeof backtestRequest>;

const listItem = z.union([z.number(), z.boolean(), z.string().regex(/^[^,]{1,100}$/, 'a value without commas')]);

export const sweepRequest = z
  .strictObject({
    ...runFields,
    params: z
      .record(
        paramName,
        z.union([
          z.string().min(1).max(200).describe('FROM..TO:STEP, a,b,c or one value, as --param'),
          z.array(listItem).min(1).max(10_000),
          z.number(),
          z.boolean(),
        ]),
      )
      .describe('the swept parameters: a range text ("5..50:5"), a list, or a fixed value'),
    objective: z.enum(METRIC_KEYS).optional().describe('metric to optimize (default sharpe)'),
    random: z.number().int().min(1).optional().describe('draw this many combinations of the grid instead of all'),
    seed: z.number().int().optional(),
    max_trials: z.number().int().min(1).optional(),
    workers: z.number().int().min(1).max(256).optional().describe('worker threads (default: every core)'),
    partitions: z.number().int().min(2).optional().describe('CSCV blocks of the PBO (even)'),
    name: folderId.optional().describe('folder under data/results/sweeps/; a sweep of the same name resumes'),
  })
  .meta({ id: 'SweepRequest' });
export type SweepRequest = z.infer<typeof sweepRequest>;

/** The data and cost fields any of the three requests carries. */
type RunRequest = { [K in keyof typeof runFields]?: z.infer<(typeof runFields)[K]> };

/** `--flag=value`: a value starting with `-` is never read as another option. */
const flag = (name: string, value: string | number): string => `--${name}=${value}`;

function runArgs(r: RunRequest, runFilePath: string | undefined): string[] {
  const out: string[] = [];
  const add = (name: string, v: string | number | undefined): void => {
    if (v !== undefined) out.push(flag(name, v));
  };
  add('strategy', r.strategy);
  add('config', runFilePath);
  add('symbols', r.symbols?.join(','));
  add('start', r.start);
  add('end', r.end);
  add('timeframe', r.timeframe);
  add('benchmark', r.benchmark);
  add('cash', r.cash);
  add('fees', r.fees);
  add('slippage', r.slippage);
  add('fill', r.fill);
  add('participation', r.participation);
  add('price-rounding', r.price_rounding);
  add('max-leverage', r.max_leverage);
  return out;
}

/** The command line of `momentic backtest` for a request (after the global options). */
export function backtestArgv(r: BacktestRequest, runFilePath: string | undefined): string[] {
  const params = Object.entries(r.params ?? {}).map(([k, v]) => flag('param', `${k}=${String(v)}`));
  return ['backtest', ...runArgs(r, runFilePath), ...params, ...(r.risk === true ? ['--risk'] : [])];
}

/** The command line of `momentic sweep` for a request (after the global options). */
export function sweepArgv(r: SweepRequest, runFilePath: string | undefined): string[] {
  const params = Object.entries(r.params).map(([k, v]) =>
    flag('param', `${k}=${Array.isArray(v) ? v.map(String).join(',') : String(v)}`),
  );
  const out = ['sweep', ...runArgs(r, runFilePath), ...params];
  const add = (name: string, v: string | number | undefined): void => {
    if (v !== undefined) out.push(flag(name, v));
  };
  add('objective', r.objective);
  add('random', r.random);
  add('seed', r.seed);
  add('max-trials', r.max_trials);
  add('workers', r.workers);
  add('partitions', r.partitions);
  add('name', r.name);
  return out;
}

/** A promotion gate as `--gate` takes it: `sharpe>1`, `max_drawdown>-0.1`, `pbo=off`. */
const gate = z
  .string()
  .regex(/^[a-z_]{1,40}\s*(>=|<=|>|<|=)\s*[-+.0-9a-z]{1,40}$/, 'a gate: metric op value (sharpe>1, pbo<=0.5, dsr=off)');
const sessions = z.number().int().min(1).max(100_000);
/** No timeframe nor fill: walk-forward windows are daily sessions with the sweep's fills. */
const walkforwardRunFields = (({ timeframe, fill, ...rest }) => (void timeframe, void fill, rest))(runFields);

export const walkforwardRequest = z
  .strictObject({
    ...walkforwardRunFields,
    sweep: folderId
      .optional()
      .describe('the sweep to walk forward (GET /api/sweeps); without it, the sweep fields run one first'),
    params: sweepRequest.shape.params.optional(),
    objective: sweepRequest.shape.objective,
    train: sessions.optional().describe('train window in sessions (default 252)'),
    test: sessions.optional().describe('test window in sessions (default 63)'),
    step: sessions.optional().describe('sessions between folds (default 21)'),
    mode: z.enum(['rolling', 'anchored']).optional().describe('rolling (default) or anchored train windows'),
    gates: z.array(gate).max(20).optional().describe('promotion gates over the defaults, as --gate'),
    workers: sweepRequest.shape.workers,
  })
  .refine((r) => r.sweep !== undefined || r.strategy !== undefined || r.run_file !== undefined, {
    message: 'walk forward a sweep (sweep), or give a strategy (or run_file) and params to sweep first',
    path: ['sweep'],
  })
  .meta({ id: 'WalkforwardRequest' });
export type WalkforwardRequest = z.infer<typeof walkforwardRequest>;

/** The command line of `momentic walkforward` for a request (after the global options). */
export function walkforwardArgv(r: WalkforwardRequest, runFilePath: string | undefined): string[] {
  const out = ['walkforward'];
  const add = (name: string, v: string | number | undefined): void => {
    if (v !== undefined) out.push(flag(name, v));
  };
  add('sweep', r.sweep);
  // No --timeframe nor --fill: walk-forward windows are daily sessions with the sweep's fills.
  out.push(...runArgs(r, runFilePath));
  for (const [k, v] of Object.entries(r.params ?? {})) {
    out.push(flag('param', `${k}=${Array.isArray(v) ? v.map(String).join(',') : String(v)}`));
  }
  add('objective', r.objective);
  add('train', r.train);
  add('test', r.test);
  add('step', r.step);
  add('mode', r.mode);
  for (const g of r.gates ?? []) out.push(flag('gate', g));
  add('workers', r.workers);
  return out;
}
