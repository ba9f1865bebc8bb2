import type { Side } from '../core/enums.js';
import { assertNonNegative } from './model-params.js';

/** One fill before slippage: the fill rule's price, the quantity and the bar it fills on. */
export interface SlippageInput {
  readonly symbol: string;
  readonly side: Side;
  /** The price the fill rule chose (open, limit, stop or close). */
  readonly price: number;
  readonly qty: number;
  /** Volume of the bar the fill happens on. */
  readonly volume: number;
}

/**
 * A slippage model returns an adverse price distance (>= 0, in price units); the exchange adds
 * it to buys and subtracts it from sells, then caps limit fills at the limit.
 */
export interface SlippageModel {
  readonly name: string;
  slippage(input: SlippageInput): number;
}

/**
 * A per-bar volatility estimate of a symbol as a fraction of price (e.g. the standard deviation
 * of bar returns, 0.02 for 2%), kept current by the caller before each bar reaches the exchange.
 * NaN (an indicator still warming up) means "unknown": the model then adds no slippage.
 */
export type VolatilityEstimate = (symbol: string) => number;

export const NO_SLIPPAGE: SlippageModel = { name: 'none', slippage: () => 0 };

/** A fixed fraction of the price: `price x bps / 10_000`. */
export function fixedBpsSlippage(bps: number): SlippageModel {
  assertNonNegative('slippage model', 'bps', bps);
  return { name: `fixed ${bps} bps`, slippage: (s) => (s.price * bps) / 10_000 };
}

/** Crossing half of a quoted spread given in bps of price: `price x spreadBps / 2 / 10_000`. */
export function halfSpreadSlippage(spreadBps: number): SlippageModel {
  assertNonNegative('slippage model', 'spreadBps', spreadBps);
  return { name: `half-spread of ${spreadBps} bps`, slippage: (s) => (s.price * spreadBps) / 20_000 };
}

export interface VolatilitySlippageOptions {
  readonly k: number;
  readonly volatility: VolatilityEstimate;
}

/** `k x sigma x price`, with sigma the caller's per-bar volatility estimate of the symbol. */
export function volatilitySlippage(options: VolatilitySlippageOptions): SlippageModel {
  const { k, volatility } = options;
  assertNonNegative('slippage model', 'k', k);
  return {
    name: `volatility-scaled k=${k}`,
    slippage(s) {
      const sigma = volatility(s.symbol);
      return sigma >= 0 ? k * sigma * s.price : 0;
    },
  };
}

/**
 * Square-root market impact: `k x sigma x sqrt(qty / barVolume) x price`. The participation
 * ratio is capped at 1 (a bar with no volume counts as full participation).
 * @see Almgren, Thum, Hauptmann & Li (2005), "Direct Estimation of Equity Market Impact", Risk 18(7)
 * @see Tóth et al. (2011), "Anomalous price impact and the critical nature of liquidity", PRX 1, 021006
 */
export function sqrtImpactSlippage(options: VolatilitySlippageOptions): SlippageModel {
  const { k, volatility } = options;
  assertNonNegative('slippage model', 'k', k);
  return {
    name: `square-root impact k=${k}`,
    slippage(s) {
      const sigma = volatility(s.symbol);
      if (!(sigma >= 0)) return 0;
      const participation = s.volume > 0 ? Math.min(1, s.qty / s.volume) : 1;
      return k * sigma * Math.sqrt(participation) * s.price;
    },
  };
}
