import { z } from 'zod';
import { FEATURES, FeatureStream, type FeatureDef } from '../../analytics/features/index.js';
import { normCdf } from '../../analytics/stats/normal.js';
import { closest } from '../../core/did-you-mean.js';
import { ConfigError, DataError } from '../../core/errors.js';
import { resolveModel, type SignalModel } from '../../ml/signal-model.js';
import type { Strategy, StrategyContext } from '../api.js';
import { defineStrategy } from '../define.js';

const params = z.object({
  model: z
    .string()
    .min(1)
    .describe(
      'the path of a model file (a momentic GBDT artifact .json, an XGBoost JSON or a LightGBM text model), or a registered model: NAME-vN, NAME@STAGE or NAME (its production version)',
    ),
  features: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
    .optional()
    .describe(
      "the feature-store names of the model's columns, in its order, as a list or comma-separated text (default: the names stored in the model)",
    ),
  threshold: z
    .number()
    .gt(0.5)
    .lt(1)
    .default(0.55)
    .describe('probability above which to go long (and below 1 - threshold short, with allowShort), in (0.5, 1)'),
  allowShort: z
    .boolean()
    .default(false)
    .describe('true: short when the probability is below 1 - threshold; false: flat'),
  sizing: z
    .enum(['afml', 'linear'])
    .default('afml')
    .describe(
      'afml (|2 Phi(z) - 1| with z = (p - 0.5) / sqrt(p (1 - p)), AFML 10.1) or linear (|2p - 1|), then capped by maxWeight',
    ),
  maxWeight: z
    .number()
    .positive()
    .max(10)
    .default(1)
    .describe('cap of the bet size before the split over symbols, > 0 (1: no leverage per position)'),
  rebalanceBand: z
    .number()
    .min(0)
    .default(0.1)
    .describe(
      're-target a held position when its bet size (before the split over symbols) moves by more than this, >= 0',
    ),
  benchmark: z
    .string()
    .min(1)
    .optional()
    .describe('a symbol of the run whose closes feed the cross-asset features (beta_60...); it is not traded'),
  periodsPerYear: z
    .number()
    .positive()
    .default(252)
    .describe('bars per year to annualize volatility features: 252 for daily equity bars, 365 for 24/7 markets'),
});

export type MlSignalParams = z.output<typeof params>;

/**
 * The bet size of a probability `p` of the up class, in [0, 1] before the cap: López de Prado,
 * "Advances in Financial Machine Learning" (2018), 10.1, m = 2 Phi(z) - 1 with
 * z = (p - 1/2) / sqrt(p (1 - p)) for two outcomes; or |2p - 1| (linear).
 */
export function betSize(p: number, sizing: MlSignalParams['sizing']): number {
  if (sizing === 'linear') return Math.abs(2 * p - 1);
  if (p <= 0 || p >= 1) return 1;
  return Math.abs(2 * normCdf((p - 0.5) / Math.sqrt(p * (1 - p))) - 1);
}

const BY_NAME: ReadonlyMap<string, FeatureDef> = new Map(FEATURES.map((d) => [d.name, d]));

/** The feature definitions of the model's columns; every mismatch names the feature and the model file. */
export function modelFeatures(model: SignalModel, p: MlSignalParams): FeatureDef[] {
  const given = typeof p.features === 'string' ? p.features.split(',').map((s) => s.trim()) : p.features;
  const names = given ?? model.featureNames;
  if (names === undefined) {
    throw new ConfigError('CONFIG_INVALID_VALUE', `model ${model.file} stores no feature names`, {
      hint: `give its ${model.numFeatures} columns' feature names in order: --param features=ret_1d,rsi_14,...`,
      context: { file: model.file, key: 'params.features' },
    });
  }
  if (names.length !== model.numFeatures) {
    throw new DataError(
      'ML_FEATURE_MISSING',
      `model ${model.file} has ${model.numFeatures} features but ${names.length} feature names were given (${names.join(', ')})`,
      {
        hint: `list exactly ${model.numFeatures} feature names in the model's column order, or leave features out to use the model's own`,
        context: { file: model.file, key: 'params.features' },
      },
    );
  }
  return names.map((name) => {
    const def = BY_NAME.get(name);
    if (def === undefined) {
      const guess = closest(name, [...BY_NAME.keys()]);
      throw new DataError(
        'ML_FEATURE_MISSING',
        `model ${model.file} needs feature "${name}", which the feature store does not define`,
        {
          hint: `${guess === undefined ? '' : `did you mean "${guess}"? `}name the model's columns with feature-store names (docs/features.md) through the features parameter`,
          context: { file: model.file, key: 'params.features', value: name },
        },
      );
    }
    if (def.needsBenchmark === true && p.benchmark === undefined) {
      throw new ConfigError('CONFIG_INVALID_VALUE', `feature ${name} of model ${model.file} needs a benchmark`, {
        hint: 'add the benchmark symbol to the run and set --param benchmark=SYMBOL',
        context: { file: model.file, key: 'params.benchmark', value: name },
      });
    }
    return def;
  });
}

/**
 * Brings a symbol's feature stream up to the bars visible now: the latest bar is appended when
 * the stream holds the one before it, else (first bar seen, a gap) the stream is rebuilt from the
 * visible history. A feature at bar t reads bars 0..t only, so its value equals the column
 * `momentic features build` writes, without any later bar.
 */
function syncStream(ctx: StrategyContext, symbol: string, stream: FeatureStream, benchmark: string | undefined): void {
  const h = ctx.history(symbol);
  const ts = h.values('ts', 2);
  const now = ts[ts.length - 1] as number;
  if (stream.lastTs === now) return;
  const benchmarkAt = (t: number): number => {
    if (benchmark === undefined) return Number.NaN;
    const b = ctx.history(benchmark);
    return b.length > 0 && b.values('ts', 1)[0] === t ? (b.values('close', 1)[0] as number) : Number.NaN;
  };
  if (ts.length === 2 && stream.lastTs === ts[0]) {
    stream.push({
      ts: now,
      open: h.values('open', 1)[0] as number,
      high: h.values('high', 1)[0] as number,
      low: h.values('low', 1)[0] as number,
      close: h.values('close', 1)[0] as number,
      volume: h.values('volume', 1)[0] as number,
      benchmarkClose: benchmarkAt(now),
    });
    return;
  }
  const all = { ts: h.values('ts'), o: h.values('open'), hi: h.values('high'), lo: h.values('low') };
  const close = h.values('close');
  const volume = h.values('volume');
  const bench = new Map<number, number>();
  if (benchmark !== undefined) {
    const b = ctx.history(benchmark);
    const bts = b.values('ts');
    const bc = b.values('close');
    for (let i = 0; i < bts.length; i++) bench.set(bts[i] as number, bc[i] as number);
  }
  stream.clear();
  for (let i = 0; i < all.ts.length; i++) {
    const t = all.ts[i] as number;
    stream.push({
      ts: t,
      open: all.o[i] as number,
      high: all.hi[i] as number,
      low: all.lo[i] as number,
      close: close[i] as number,
      volume: volume[i] as number,
      benchmarkClose: bench.get(t) ?? Number.NaN,
    });
  }
}

/**
 * Trades a model's probability that a symbol goes up: long above `threshold`, short below
 * `1 - threshold` (with allowShort), flat in between; the size is the bet size of the probability
 * capped at maxWeight, split equally over the traded symbols. docs/strategies/ml-signal.md.
 */
export const mlSignal = defineStrategy({
  name: 'ml-signal',
  description: "trades a model's probability of an up move, computed on the feature store's features at each bar",
  params,
  create: (p, env): Strategy => {
    const model = resolveModel(p.model, env?.models);
    if (model.output !== 'probability') {
      throw new ConfigError('CONFIG_INVALID_VALUE', `model ${model.file} is a regression model, not a classifier`, {
        hint: 'train a binary classifier (objective binary, binary:logistic) whose probability is of an up move',
        context: { file: model.file, key: 'params.model' },
      });
    }
    const defs = modelFeatures(model, p);
    const warmup = defs.reduce((m, d) => Math.max(m, d.warmup), 0);
    const row = new Float64Array(defs.length);
    const targets = new Map<string, number>();
    const streams = new Map<string, FeatureStream>();
    let traded: readonly string[] = [];
    return {
      name: 'ml-signal',
      init(ctx) {
        if (p.benchmark !== undefined && !ctx.symbols.includes(p.benchmark)) {
          throw new ConfigError('CONFIG_INVALID_VALUE', `benchmark ${p.benchmark} is not a symbol of the run`, {
            hint: `add ${p.benchmark} to --symbols (it is read, never traded)`,
            context: { key: 'params.benchmark', value: p.benchmark },
          });
        }
        traded = ctx.symbols.filter((s) => s !== p.benchmark);
      },
      onSlice(ctx, slice) {
        // Every bar feeds the features, warm-up bars included, so they are ready when trading starts.
        for (const bar of slice.bars) {
          if (bar.symbol === p.benchmark) continue;
          let stream = streams.get(bar.symbol);
          if (stream === undefined) streams.set(bar.symbol, (stream = new FeatureStream(defs, p.periodsPerYear)));
          syncStream(ctx, bar.symbol, stream, p.benchmark);
        }
        // Orders are denied during a declared warm-up: a target set then would never be placed.
        if (ctx.isWarmingUp) return;
        const changes = new Map<string, number>();
        for (const bar of slice.bars) {
          if (bar.symbol === p.benchmark) continue;
          const stream = streams.get(bar.symbol) as FeatureStream;
          // The first `warmup` bars of a symbol are the features' warm-up (NaN in the store too).
          if (stream.length <= warmup) continue;
          stream.latest(row);
          const prob = model.score(row);
          const dir = prob > p.threshold ? 1 : p.allowShort && prob < 1 - p.threshold ? -1 : 0;
          const weight = (dir * Math.min(p.maxWeight, betSize(prob, p.sizing))) / traded.length;
          const held = targets.get(bar.symbol) ?? 0;
          const turned = Math.sign(weight) !== Math.sign(held);
          if (!turned && Math.abs(weight - held) * traded.length <= p.rebalanceBand) continue;
          targets.set(bar.symbol, weight);
          changes.set(bar.symbol, weight);
          if (turned) {
            ctx.signal(bar.symbol, dir > 0 ? 'long' : dir < 0 ? 'short' : 'flat', {
              targetWeight: weight,
              confidence: Math.max(prob, 1 - prob),
              meta: { probability: prob },
            });
          }
        }
        if (changes.size > 0) ctx.targetWeights(changes);
      },
      onOrderRejected(_ctx, rejection) {
        // The target was not reached: forget it, so the next bar's decision places it again.
        targets.delete(rejection.symbol);
      },
    };
  },
});
