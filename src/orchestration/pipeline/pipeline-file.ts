/**
 * Pipeline files (`config/pipeline/daily.yaml`, `momentic pipeline daily --config FILE`): which
 * symbols a day fetches and from where, how much history, which feature set, which run file
 * trades and how (paper or live), and the drift tolerance. Validated with zod; every error names
 * the file, the line, the key and how to write it (exit 2).
 */
import { existsSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { z } from 'zod';
import { getCalendar } from '../../calendar/registry.js';
import type { TradingCalendar } from '../../calendar/types.js';
import { didYouMean } from '../../core/did-you-mean.js';
import { ConfigError, isMomenticError } from '../../core/errors.js';
import { isValidSymbol } from '../../core/symbol.js';
import { readYamlFile, type YamlFile } from '../../config/yaml-file.js';
import { DATA_PROVIDERS } from '../../venues/registry.js';

export const TRADE_MODES = ['paper', 'live'] as const;
export type TradeMode = (typeof TRADE_MODES)[number];

export const FEATURE_SETS = ['default', 'full'] as const;

export interface PipelineSpec {
  /** Names the days in the ledger and the reports folder (`data/reports/{name}/`). */
  readonly name: string;
  readonly file: string;
  /** The calendar whose sessions are the pipeline's days. */
  readonly calendar: TradingCalendar;
  readonly data: {
    /** A provider or a failover chain (`alpaca,polygon`); undefined: the config's data.provider and fallbacks. */
    readonly provider?: string;
    /** Empty: the run file's symbols. */
    readonly symbols: readonly string[];
    /** Sessions of history the raw zone must hold before the day (fetched when missing). */
    readonly history: number;
  };
  readonly features: { readonly set: (typeof FEATURE_SETS)[number] };
  readonly trade: {
    /** The run file (absolute path): strategy, parameters, symbols, costs, risk limits. */
    readonly run: string;
    readonly mode: TradeMode;
  };
  readonly drift: { readonly toleranceBps: number };
  lineOf(path: readonly string[]): number | undefined;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

const dataSchema = z.strictObject({
  provider: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  symbols: z.array(z.string().refine(isValidSymbol, 'is not a symbol')).optional(),
  history: z.number().int().min(1).optional(),
});
const featuresSchema = z.strictObject({ set: z.enum(FEATURE_SETS).optional() });
const tradeSchema = z.strictObject({ run: z.string().min(1), mode: z.enum(TRADE_MODES).optional() });
const driftSchema = z.strictObject({ tolerance_bps: z.number().min(0).optional() });

const fileSchema = z.strictObject({
  name: z.string().regex(NAME).optional(),
  description: z.string().optional(),
  market: z.string().min(1).optional(),
  data: dataSchema.optional(),
  features: featuresSchema.optional(),
  trade: tradeSchema,
  drift: driftSchema.optional(),
});

const SECTIONS: Readonly<Record<string, z.ZodObject>> = {
  data: dataSchema,
  features: featuresSchema,
  trade: tradeSchema,
  drift: driftSchema,
};

const KEY_HINTS: Readonly<Record<string, string>> = {
  name: 'letters, digits, dot, dash or underscore, e.g. daily',
  description: 'a text',
  market: 'a calendar: XNYS or 24/7',
  provider: `a data provider (${DATA_PROVIDERS.join(', ')}) or a failover chain, e.g. [alpaca, polygon]`,
  symbols: 'a list of symbols, e.g. [ZNTX, VXLY]',
  history: 'a whole number of sessions, e.g. 300',
  set: 'default or full',
  run: 'a run file, relative to the pipeline file, e.g. eod-sma-cross.yaml',
  mode: 'paper (the simulated exchange) or live (the venue of the run file)',
  tolerance_bps: 'a number of basis points, e.g. 25',
  trade: 'a mapping with the run file, e.g. trade: { run: eod-sma-cross.yaml, mode: paper }',
};

export const PIPELINE_DEFAULTS = { history: 300, set: 'default', mode: 'paper', toleranceBps: 25 } as const;

/** Reads and validates a pipeline file; `defaultMarket` is the config's `market` when the file names none. */
export function loadPipeline(file: string, displayName: string, defaultMarket: string): PipelineSpec {
  const y = readYamlFile(file, displayName);
  const parsed = fileSchema.safeParse(y.values);
  if (!parsed.success) {
    // An unknown key first: a misspelt key also shows up as a missing one.
    const issues = parsed.error.issues;
    throw fileError(y, issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0]);
  }
  const v = parsed.data;
  const fail = (path: readonly string[], message: string, hint: string): ConfigError => {
    const key = path.join('.');
    const row = y.lineOf(path);
    return new ConfigError('CONFIG_INVALID_VALUE', `${y.file}: ${key}: ${message}`, {
      hint,
      context: { file: y.file, key, ...(row === undefined ? {} : { row }) },
    });
  };
  let calendar: TradingCalendar;
  try {
    calendar = getCalendar(v.market ?? defaultMarket);
  } catch (e) {
    if (isMomenticError(e)) throw fail(['market'], e.message, e.hint);
    throw e;
  }
  const providers = v.data?.provider === undefined ? [] : [v.data.provider].flat();
  for (const [i, p] of providers.entries()) {
    if (!DATA_PROVIDERS.includes(p)) {
      const path = Array.isArray(v.data?.provider) ? ['data', 'provider', String(i)] : ['data', 'provider'];
      throw fail(
        path,
        `${p} is not a data provider`,
        `${didYouMean(p, DATA_PROVIDERS)}use one of ${DATA_PROVIDERS.join(', ')}`,
      );
    }
  }
  const run = resolve(dirname(resolve(file)), v.trade.run);
  if (!existsSync(run)) {
    throw new ConfigError('CONFIG_FILE_NOT_FOUND', `${y.file}: trade.run: run file ${run} does not exist`, {
      hint: 'give the run file relative to the pipeline file, e.g. trade: { run: eod-sma-cross.yaml }',
      context: {
        file: y.file,
        key: 'trade.run',
        ...(y.lineOf(['trade', 'run']) === undefined ? {} : { row: y.lineOf(['trade', 'run']) as number }),
      },
    });
  }
  return {
    name: v.name ?? basename(file, extname(file)),
    file: y.file,
    calendar,
    data: {
      ...(providers.length === 0 ? {} : { provider: providers.join(',') }),
      symbols: (v.data?.symbols ?? []).map((s) => s.toUpperCase()),
      history: v.data?.history ?? PIPELINE_DEFAULTS.history,
    },
    features: { set: v.features?.set ?? PIPELINE_DEFAULTS.set },
    trade: { run, mode: v.trade.mode ?? PIPELINE_DEFAULTS.mode },
    drift: { toleranceBps: v.drift?.tolerance_bps ?? PIPELINE_DEFAULTS.toleranceBps },
    lineOf: (path) => y.lineOf(path),
  };
}

/** The first schema issue as an error naming the file, line and key, and how to write it. */
function fileError(y: YamlFile, issue: z.core.$ZodIssue | undefined): ConfigError {
  const path = (issue?.path ?? []).map(String);
  if (issue?.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '?';
    const full = [...path, key];
    const section = path[0] === undefined ? undefined : SECTIONS[path[0]];
    const known = Object.keys(section === undefined ? fileSchema.shape : section.shape);
    const row = y.lineOf(full);
    return new ConfigError('CONFIG_UNKNOWN_KEY', `${y.file}: unknown key ${full.join('.')}`, {
      hint: `${didYouMean(key, known)}known keys${path.length > 0 ? ` of ${path.join('.')}` : ''}: ${known.join(', ')}`,
      context: { file: y.file, key: full.join('.'), ...(row === undefined ? {} : { row }) },
    });
  }
  const key = path.join('.') || '(top level)';
  const row = y.lineOf(path);
  let value: unknown = y.values;
  for (const k of path) value = (value as Record<string, unknown> | undefined)?.[k];
  const what =
    issue?.code === 'invalid_type' && value === undefined
      ? `is missing${Object.keys(y.values).length === 0 ? ' (the file is empty)' : ''}`
      : `${JSON.stringify(value)} ${issue?.message ?? 'is invalid'}`;
  const last = path.filter((p) => !/^\d+$/.test(p)).at(-1) ?? '';
  return new ConfigError('CONFIG_INVALID_VALUE', `${y.file}: ${key} ${what}`, {
    hint: `set ${key} to ${KEY_HINTS[last] ?? 'a valid value'}`,
    context: { file: y.file, key, ...(row === undefined ? {} : { row }) },
  });
}
