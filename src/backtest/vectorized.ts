/**
 * Vectorized engine for target-weight strategies: equity curves from a
 * time x symbol target-weight matrix with the event engine's fee and slippage models, for many
 * parameter columns in one call. It reproduces what `ctx.targetWeights` does in the event engine
 * (src/engine/context.ts) with `fill: 'next-open'`: targets decided at bar t's close are sized
 * from the equity and close of bar t and filled at bar t+1's open. docs/vectorized.md.
 *
 * Matrices are flat, row-major Float64Arrays: cell (t, s) is at `t * symbols.length + s`.
 */
import { UsageError } from '../core/errors.js';
import type { Side } from '../core/enums.js';
import { NO_FEES, type FeeInput, type FeeModel } from '../execution/fees.js';
import { ceilToTick, floorToTick } from '../core/rounding.js';
import { NO_SLIPPAGE, type SlippageInput, type SlippageModel } from '../execution/slippage.js';
import { FLAT_TOLERANCE } from '../portfolio/position-math.js';

/** Prices of every symbol at every bar (no missing bars: each cell finite and > 0). */
export interface VectorizedMarket {
  /** Symbol of each column (slippage models receive it). */
  readonly symbols: readonly string[];
  /** Bar opens, time x symbol, row-major: fills happen here. */
  readonly open: Float64Array;
  /** Bar closes, time x symbol, row-major: orders are sized and positions marked here. */
  readonly close: Float64Array;
  /** Bar volumes for volume-aware slippage (square-root impact); default: none (0). */
  readonly volume?: Float64Array;
}

export interface VectorizedOptions {
  /** Starting cash; default 100,000 (as `runBacktest`). */
  readonly cash?: number;
  readonly fees?: FeeModel;
  readonly slippage?: SlippageModel;
  /** Quantity step; 0 (default) means fractional quantities without rounding. */
  readonly lotSize?: number;
  /** Tick for conservative fill-price rounding (buys up, sells down); 0 (default) means none. */
  readonly tickSize?: number;
  /** Bars per year for `turnover`; default 252. */
  readonly periodsPerYear?: number;
}

/** One parameter column's run. Curves have one value per bar, taken at the bar's close. */
export interface VectorizedResult {
  readonly equity: Float64Array;
  readonly cash: Float64Array;
  readonly grossExposure: Float64Array;
  /** Fills (one per order: market orders fill whole at the next open). */
  readonly trades: number;
  readonly fees: number;
  /** Sum of |qty x fill price| over all fills. */
  readonly tradedNotional: number;
  /** metrics.json's turnover: tradedNotional / 2 / mean equity / years. */
  readonly turnover: number;
}

type MutableFee = { -readonly [K in keyof FeeInput]: FeeInput[K] };
type MutableSlip = { -readonly [K in keyof SlippageInput]: SlippageInput[K] };

/**
 * Runs every weight matrix (a parameter column, time x symbol row-major) over the market.
 * A NaN weight means "no target for this symbol at this bar" (the symbol is left out of the
 * `targetWeights` call); any other weight is a fraction of equity, negative for short.
 */
export function runVectorized(
  market: VectorizedMarket,
  weights: readonly Float64Array[],
  options: VectorizedOptions = {},
): VectorizedResult[] {
  const n = market.symbols.length;
  const times = checkShapes(market, weights);
  const cash0 = options.cash ?? 100_000;
  if (!(cash0 > 0) || !Number.isFinite(cash0)) bad(`cash ${cash0} must be positive and finite`, 'e.g. cash: 100000');
  const lot = options.lotSize ?? 0;
  const tick = options.tickSize ?? 0;
  if (!(lot >= 0) || !(tick >= 0)) bad(`lotSize ${lot} and tickSize ${tick} must be >= 0`, 'use 0 for none');
  const state: Kernel = {
    n,
    times,
    market,
    volume: market.volume ?? new Float64Array(times * n),
    fees: options.fees ?? NO_FEES,
    slippage: options.slippage ?? NO_SLIPPAGE,
    lot,
    tick,
    cash0,
    qty: new Float64Array(n),
    order: new Float64Array(n),
    fee: { side: 'buy', qty: 0, price: 0, liquidity: 'taker', priorQty: 0, priorNotional: 0 },
    slip: { symbol: '', side: 'buy', price: 0, qty: 0, volume: 0 },
  };
  const years = times / (options.periodsPerYear ?? 252);
  return weights.map((w) => runColumn(state, w, years));
}

interface Kernel {
  readonly n: number;
  readonly times: number;
  readonly market: VectorizedMarket;
  readonly volume: Float64Array;
  readonly fees: FeeModel;
  readonly slippage: SlippageModel;
  readonly lot: number;
  readonly tick: number;
  readonly cash0: number;
  /** Position per symbol, and the signed quantity of the order waiting for the next open. */
  readonly qty: Float64Array;
  readonly order: Float64Array;
  /** Model inputs reused for every fill (no allocation per bar). */
  readonly fee: MutableFee;
  readonly slip: MutableSlip;
}

function runColumn(k: Kernel, w: Float64Array, years: number): VectorizedResult {
  const { n, times, lot, tick, qty, order } = k;
  const { open, close, symbols } = k.market;
  const volume = k.volume;
  const equityOut = new Float64Array(times);
  const cashOut = new Float64Array(times);
  const grossOut = new Float64Array(times);
  qty.fill(0);
  order.fill(0);
  let cash = k.cash0;
  let trades = 0;
  let fees = 0;
  let traded = 0;
  let equitySum = 0;
  for (let t = 0; t < times; t++) {
    const row = t * n;
    // 1. orders from the previous close fill at this bar's open (SimulatedExchange, 'next-open')
    if (t > 0) {
      for (let s = 0; s < n; s++) {
        const o = order[s]!;
        if (o === 0) continue;
        order[s] = 0;
        const side: Side = o > 0 ? 'buy' : 'sell';
        const q = o > 0 ? o : -o;
        const rule = open[row + s]!;
        const sl = k.slip;
        sl.symbol = symbols[s]!;
        sl.side = side;
        sl.price = rule;
        sl.qty = q;
        sl.volume = volume[row + s]!;
        const slip = k.slippage.slippage(sl);
        let price = o > 0 ? rule + slip : rule - slip;
        if (tick > 0) price = o > 0 ? ceilToTick(price, tick) : floorToTick(price, tick);
        const fi = k.fee;
        fi.side = side;
        fi.qty = q;
        fi.price = price;
        const fee = k.fees.fee(fi);
        cash -= o * price + fee;
        fees += fee;
        traded += q * price;
        trades++;
        qty[s] = addQty(qty[s]!, o);
      }
    }
    // 2. marks at the close and the equity row (Portfolio.markAt, recordBar)
    let equity = cash;
    let gross = 0;
    for (let s = 0; s < n; s++) {
      const v = qty[s]! * close[row + s]!;
      equity += v;
      gross += v < 0 ? -v : v;
    }
    equityOut[t] = equity;
    cashOut[t] = cash;
    grossOut[t] = gross;
    equitySum += equity;
    // 3. targets at the close, sized as EngineContext.targetWeights does
    if (t === times - 1) break;
    const base = equity > 0 ? equity : 0;
    for (let s = 0; s < n; s++) {
      const ws = w[row + s]!;
      if (ws !== ws) continue;
      const c = close[row + s]!;
      const aw = ws < 0 ? -ws : ws;
      const size = lot > 0 ? floorToTick((aw * base) / c, lot) : (aw * base) / c;
      const target = ws < 0 ? -size : size;
      const d = target - qty[s]!;
      const ad = d < 0 ? -d : d;
      const q = lot > 0 ? floorToTick(ad, lot) : ad;
      if (q > 0) order[s] = d > 0 ? q : -q;
    }
  }
  const meanEquity = equitySum / times;
  return {
    equity: equityOut,
    cash: cashOut,
    grossExposure: grossOut,
    trades,
    fees,
    tradedNotional: traded,
    turnover: meanEquity > 0 ? traded / 2 / meanEquity / years : NaN,
  };
}

/** A position after a fill, snapped to zero as PositionBook.fill does when it closes. */
function addQty(q: number, signed: number): number {
  const next = q + signed;
  if (q !== 0 && q > 0 !== signed > 0) {
    const scale = Math.max(Math.abs(q), Math.abs(signed));
    if (Math.abs(next) <= FLAT_TOLERANCE * scale) return 0;
  }
  return next;
}

/** The number of bars; throws when a matrix does not have time x symbol cells. */
function checkShapes(market: VectorizedMarket, weights: readonly Float64Array[]): number {
  const n = market.symbols.length;
  if (n === 0) bad('the market has no symbols', 'give at least one symbol');
  const cells = market.close.length;
  const times = cells / n;
  if (!Number.isInteger(times) || times === 0) {
    bad(
      `close has ${cells} cells, not a positive multiple of ${n} symbols`,
      'lay matrices out row-major: t * symbols + s',
    );
  }
  const check = (name: string, m: Float64Array): void => {
    if (m.length !== cells)
      bad(`${name} has ${m.length} cells, close has ${cells}`, 'give every matrix time x symbol cells');
  };
  check('open', market.open);
  if (market.volume !== undefined) check('volume', market.volume);
  weights.forEach((m, i) => check(`weights[${i}]`, m));
  return times;
}

function bad(message: string, hint: string): never {
  throw new UsageError('USAGE_INVALID_OPTION', `vectorized backtest: ${message}`, { hint });
}
