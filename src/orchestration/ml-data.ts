/**
 * The workspace's bars as a research dataset for `momentic ml train|cv|importance`: the raw
 * zone's daily bars of the symbols (the synthetic universe is generated first when it is the
 * configured provider and the data is missing, as `momentic backtest` does), the features
 * computed by the code `momentic features build` runs (each reads only bars up to its own), and
 * the labels. Recomputed rather than read from the processed zone, so a model always trains on
 * the definitions its feature hash names.
 */
import { featureSet, featureSetHash, FEATURES, type FeatureDef } from '../analytics/features/index.js';
import { periodsPerYear } from '../backtest/record-builder.js';
import type { Config } from '../config/schema.js';
import { UsageError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { datasetFromBars, type MlDataset } from '../ml/research/dataset.js';
import type { LabelSpec } from '../ml/research/spec.js';
import { loadRunData } from './run-data.js';

/** `default`, `full`, or a comma list of feature names. */
export function featureDefs(text: string): { defs: readonly FeatureDef[]; name: string } {
  if (text === 'default' || text === 'full') return { defs: featureSet(text), name: text };
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const defs = names.map((n) => {
    const d = FEATURES.find((f) => f.name === n);
    if (d === undefined) {
      throw new UsageError('USAGE_INVALID_OPTION', `--features: unknown feature "${n}"`, {
        hint: `use default, full, or names from momentic features ls (e.g. ${FEATURES.slice(0, 3)
          .map((f) => f.name)
          .join(', ')})`,
        context: { flag: '--features', value: n },
      });
    }
    return d;
  });
  return { defs, name: 'custom' };
}

/** One symbol's daily bars as ML datasets read them, cut to the asked range. */
export interface MlBars {
  readonly symbol: string;
  readonly calendar: string;
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/**
 * The workspace's daily bars of `symbols` (fetched first when synthetic), split-adjusted, each
 * cut to `start..end` (whole days): what every ML dataset and label table is built from.
 */
export async function loadMlBars(o: {
  readonly home: string;
  readonly config: Config;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly symbols: readonly string[];
  readonly start?: string;
  readonly end?: string;
  readonly logger?: Logger;
}): Promise<MlBars[]> {
  const data = await loadRunData({
    home: o.home,
    config: o.config,
    env: o.env,
    spec: {
      data: {
        symbols: [...o.symbols],
        timeframe: '1d',
        start: o.start ?? null,
        end: o.end ?? null,
        benchmark: null,
        prices: 'split',
      },
      seed: o.config.venues.synthetic.seed,
    },
    ...(o.logger === undefined ? {} : { logger: o.logger }),
  });
  const from = o.start === undefined ? -Infinity : Date.parse(o.start);
  const to = o.end === undefined ? Infinity : Date.parse(o.end) + 86_400_000 - 1;
  return data.series.map((s, i) => {
    const keep = Array.from(s.ts, (t) => t >= from && t <= to);
    const cut = (a: Float64Array): Float64Array => a.filter((_, k) => keep[k]);
    const symbol = data.symbols[i]!;
    return {
      symbol,
      calendar: data.calendars.get(symbol) ?? 'XNYS',
      ts: cut(s.ts),
      open: cut(s.open),
      high: cut(s.high),
      low: cut(s.low),
      close: cut(s.close),
      volume: cut(s.volume),
    };
  });
}

export async function loadWorkspaceDataset(o: {
  readonly home: string;
  readonly config: Config;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly symbols: readonly string[];
  readonly features: string;
  readonly label: LabelSpec;
  readonly start?: string;
  readonly end?: string;
  readonly logger?: Logger;
}): Promise<MlDataset> {
  const { defs } = featureDefs(o.features);
  const bars = (await loadMlBars(o)).map((b) => ({
    symbol: b.symbol,
    input: {
      ts: b.ts,
      open: b.open,
      high: b.high,
      low: b.low,
      close: b.close,
      volume: b.volume,
      periodsPerYear: periodsPerYear('1d', [b.calendar]),
    },
  }));
  const d = datasetFromBars(bars, defs, o.label, featureSetHash(defs));
  return { ...d, source: { ...d.source, features: o.features } };
}
