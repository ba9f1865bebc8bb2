/**
 * Universe files (`config/universe/default.yaml`, `momentic universe build --config FILE`): the
 * liquidity filters, tier sizes and score weights of the morning universe build (seed 004).
 * Every key is optional (the defaults are seed 004's); an unknown key is refused with the
 * closest known one, every bad value names the file, line and key (exit 2).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { didYouMean } from '../core/did-you-mean.js';
import { ConfigError } from '../core/errors.js';
import { readYamlFile, type YamlFile } from '../config/yaml-file.js';
import { packageFile } from '../core/package-files.js';

export const SPREAD_ESTIMATORS = ['corwin-schultz', 'roll'] as const;
export type SpreadEstimator = (typeof SPREAD_ESTIMATORS)[number];

export interface UniverseConfig {
  /** Sessions of history the ADV, spread and volatility are measured over. */
  readonly lookback: number;
  readonly minAdvUsd: number;
  readonly maxSpreadBps: number;
  readonly spreadEstimator: SpreadEstimator;
  readonly minPrice: number;
  readonly maxPrice: number;
  /** Applied only where the reference data gives a market cap. */
  readonly minMarketCap: number;
  /** When true, names the venue cannot lend are excluded. */
  readonly shorting: boolean;
  /** No scheduled event within this many calendar days of the session, before or after. */
  readonly eventBlackoutDays: number;
  readonly tiers: { readonly core: number; readonly extended: number };
  readonly scoreWeights: { readonly adv: number; readonly spread: number; readonly volatility: number };
}

/** Seed 004: ADV floor, spread under 50 bps, $5-$500, cap over $100M, no earnings within 2 days, Core 200 / Extended 1000. */
export const UNIVERSE_DEFAULTS: UniverseConfig = {
  lookback: 20,
  minAdvUsd: 1_000_000,
  maxSpreadBps: 50,
  spreadEstimator: 'corwin-schultz',
  minPrice: 5,
  maxPrice: 500,
  minMarketCap: 100_000_000,
  shorting: true,
  eventBlackoutDays: 2,
  tiers: { core: 200, extended: 1000 },
  scoreWeights: { adv: 0.5, spread: 0.3, volatility: 0.2 },
};

const tiersSchema = z.strictObject({
  core: z.number().int().min(0).optional(),
  extended: z.number().int().min(0).optional(),
});
const weightsSchema = z.strictObject({
  adv: z.number().min(0).optional(),
  spread: z.number().min(0).optional(),
  volatility: z.number().min(0).optional(),
});
const fileSchema = z.strictObject({
  lookback: z.number().int().min(2).optional(),
  min_adv_usd: z.number().min(0).optional(),
  max_spread_bps: z.number().min(0).optional(),
  spread_estimator: z.enum(SPREAD_ESTIMATORS).optional(),
  min_price: z.number().min(0).optional(),
  max_price: z.number().positive().optional(),
  min_market_cap: z.number().min(0).optional(),
  shorting: z.boolean().optional(),
  event_blackout_days: z.number().int().min(0).optional(),
  tiers: tiersSchema.optional(),
  score_weights: weightsSchema.optional(),
});

const SECTIONS: Readonly<Record<string, z.ZodObject>> = { tiers: tiersSchema, score_weights: weightsSchema };

const KEY_HINTS: Readonly<Record<string, string>> = {
  lookback: 'a whole number of sessions >= 2, e.g. 20',
  min_adv_usd: 'US dollars a day, e.g. 1000000',
  max_spread_bps: 'basis points, e.g. 50',
  spread_estimator: SPREAD_ESTIMATORS.join(' or '),
  min_price: 'US dollars, e.g. 5',
  max_price: 'US dollars, e.g. 500',
  min_market_cap: 'US dollars, e.g. 100000000',
  shorting: 'true or false',
  event_blackout_days: 'a whole number of calendar days, e.g. 2',
  core: 'a whole number of symbols, e.g. 200',
  extended: 'a whole number of symbols, e.g. 1000',
  adv: 'a weight >= 0, e.g. 0.5',
  spread: 'a weight >= 0, e.g. 0.3',
  volatility: 'a weight >= 0, e.g. 0.2',
};

/** The universe configuration shipped with momentic. */
export const SHIPPED_UNIVERSE_CONFIG = packageFile('config', 'universe', 'default.yaml');

/** The workspace's `config/universe/default.yaml`, else the shipped one. */
export function universeConfigFile(home: string): string {
  const own = join(home, 'config', 'universe', 'default.yaml');
  return existsSync(own) ? own : SHIPPED_UNIVERSE_CONFIG;
}

/** Reads and validates a universe file; missing keys take UNIVERSE_DEFAULTS. */
export function loadUniverseConfig(file: string, displayName: string = file): UniverseConfig {
  const y = readYamlFile(file, displayName);
  const parsed = fileSchema.safeParse(y.values);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    throw fileError(y, issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0]);
  }
  const v = parsed.data;
  const d = UNIVERSE_DEFAULTS;
  const config: UniverseConfig = {
    lookback: v.lookback ?? d.lookback,
    minAdvUsd: v.min_adv_usd ?? d.minAdvUsd,
    maxSpreadBps: v.max_spread_bps ?? d.maxSpreadBps,
    spreadEstimator: v.spread_estimator ?? d.spreadEstimator,
    minPrice: v.min_price ?? d.minPrice,
    maxPrice: v.max_price ?? d.maxPrice,
    minMarketCap: v.min_market_cap ?? d.minMarketCap,
    shorting: v.shorting ?? d.shorting,
    eventBlackoutDays: v.event_blackout_days ?? d.eventBlackoutDays,
    tiers: { core: v.tiers?.core ?? d.tiers.core, extended: v.tiers?.extended ?? d.tiers.extended },
    scoreWeights: {
      adv: v.score_weights?.adv ?? d.scoreWeights.adv,
      spread: v.score_weights?.spread ?? d.scoreWeights.spread,
      volatility: v.score_weights?.volatility ?? d.scoreWeights.volatility,
    },
  };
  const bad = (key: string, message: string, hint: string): ConfigError => {
    const row = y.lineOf(key.split('.'));
    return new ConfigError('CONFIG_INVALID_VALUE', `${y.file}: ${key}: ${message}`, {
      hint,
      context: { file: y.file, key, ...(row === undefined ? {} : { row }) },
    });
  };
  if (config.minPrice >= config.maxPrice)
    throw bad(
      'min_price',
      `${config.minPrice} is not below max_price ${config.maxPrice}`,
      'e.g. min_price: 5, max_price: 500',
    );
  if (config.tiers.extended < config.tiers.core)
    throw bad(
      'tiers.extended',
      `${config.tiers.extended} is smaller than tiers.core ${config.tiers.core} (Extended holds Core)`,
      'e.g. tiers: { core: 200, extended: 1000 }',
    );
  const w = config.scoreWeights;
  if (w.adv + w.spread + w.volatility <= 0)
    throw bad(
      'score_weights',
      'the weights are all 0',
      'e.g. score_weights: { adv: 0.5, spread: 0.3, volatility: 0.2 }',
    );
  return config;
}

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
  const last = path.at(-1) ?? '';
  return new ConfigError(
    'CONFIG_INVALID_VALUE',
    `${y.file}: ${key} ${JSON.stringify(value)} ${issue?.message ?? 'is invalid'}`,
    {
      hint: `set ${key} to ${KEY_HINTS[last] ?? 'a valid value'}`,
      context: { file: y.file, key, ...(row === undefined ? {} : { row }) },
    },
  );
}
