/**
 * Feature components: any registered indicator output, a bar field, a past return, and the
 * session-VWAP z-score of seed 004's intraday strategy. Each is a `FeatureSpec`; strategies name
 * them (`features: { fast: indicator('sma:10'), slow: indicator('sma:30') }`).
 */
import type { Indicator, OhlcvBar } from '../../analytics/indicators/indicator.js';
import { parseIndicatorSpec } from '../../analytics/indicators/parse-spec.js';
import { INDICATORS } from '../../analytics/indicators/registry.js';
import { Vwap } from '../../analytics/indicators/vwap.js';
import { UsageError } from '../../core/errors.js';
import type { PriceField } from '../api.js';
import type { FeatureSpec } from './types.js';
import { RollingStd } from './rolling-std.js';

export interface IndicatorFeatureOptions {
  /** The output to read (`bb_dn`, `macd_signal`); default the first. */
  readonly output?: string;
  /** The bar field a single-series indicator reads; default close. */
  readonly field?: PriceField;
}

/** An indicator of the registry by its `--indicator` spec: `indicator('sma:20')`, `indicator('bbands:20,2,2', { output: 'bb_dn' })`. */
export function indicator(spec: string, options: IndicatorFeatureOptions = {}): FeatureSpec {
  const req = parseIndicatorSpec(spec, INDICATORS, 'indicator feature');
  const { def, params } = req;
  if (def.input === 'pair') {
    throw new UsageError('USAGE_INVALID_OPTION', `indicator feature ${spec}: ${def.key} reads two series`, {
      hint: 'use a single-series or whole-bar indicator as a strategy feature',
      context: { value: spec },
    });
  }
  const out = options.output === undefined ? 0 : def.outputs.indexOf(options.output);
  if (out < 0) {
    throw new UsageError('USAGE_INVALID_OPTION', `indicator ${def.key} has no output "${options.output}"`, {
      hint: `outputs of ${def.key}: ${def.outputs.join(', ')}`,
      context: { value: spec },
    });
  }
  const field = options.field ?? 'close';
  const probe = def.create(params);
  return {
    key: `${def.key}(${params.join(',')})${def.input === 'bar' ? '' : `[${field}]`}.${def.outputs[out] as string}`,
    warmup: probe.warmup,
    attach(ctx, symbol) {
      const ind = def.create(params);
      if (def.input === 'bar') ctx.indicator(symbol, ind as Indicator<OhlcvBar>, 'bar');
      else ctx.indicator(symbol, ind as Indicator<number>, field);
      return out === 0 ? () => ind.value : () => ind.output(out);
    },
  };
}

/** A field of the latest bar. */
export function price(field: PriceField = 'close'): FeatureSpec {
  return {
    key: `bar.${field}`,
    warmup: 1,
    attach(ctx, symbol) {
      const h = ctx.history(symbol);
      switch (field) {
        case 'open':
          return () => h.open(0);
        case 'high':
          return () => h.high(0);
        case 'low':
          return () => h.low(0);
        case 'volume':
          return () => h.volume(0);
        default:
          return () => h.close(0);
      }
    },
  };
}

/**
 * The simple return from `lookback` bars ago to `skip` bars ago: close[skip] / close[lookback] - 1.
 * `returns(252, 21)` is the 12-1 month momentum of daily bars (Jegadeesh and Titman 1993).
 */
export function returns(lookback: number, skip = 0): FeatureSpec {
  if (!Number.isInteger(lookback) || !Number.isInteger(skip) || skip < 0 || lookback <= skip) {
    throw new UsageError(
      'USAGE_INVALID_OPTION',
      `returns(${lookback}, ${skip}): need whole numbers 0 <= skip < lookback`,
      {
        hint: 'e.g. returns(252, 21) for 12-1 month momentum on daily bars',
      },
    );
  }
  return {
    key: `returns(${lookback},${skip})`,
    warmup: lookback + 1,
    attach(ctx, symbol) {
      const h = ctx.history(symbol);
      return () => (h.length > lookback ? h.close(skip) / h.close(lookback) - 1 : NaN);
    },
  };
}

/**
 * Seed 004's intraday z-score: (close - session VWAP) / sigma, where sigma is the population
 * standard deviation of close - VWAP over the last `window` bars (NaN until `window` bars). The
 * VWAP restarts at each trading session of the symbol's calendar (`ctx.session`).
 */
export function vwapZscore(window = 30): FeatureSpec {
  return {
    key: `vwap_z(${window})`,
    warmup: window,
    attach(ctx, symbol) {
      const vwap = ctx.indicator(symbol, new Vwap({ sessionOf: () => ctx.session(symbol)?.open ?? NaN }), 'bar');
      const h = ctx.history(symbol);
      const std = new RollingStd(window);
      let lastTs = NaN;
      let z = NaN;
      return () => {
        const ts = h.ts(0);
        if (ts !== lastTs) {
          lastTs = ts;
          const d = h.close(0) - vwap.value;
          const s = std.update(d);
          z = s > 0 ? d / s : Number.isNaN(s) ? NaN : 0;
        }
        return z;
      };
    },
  };
}
