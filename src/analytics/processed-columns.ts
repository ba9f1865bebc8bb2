import { atrDef } from './indicators/atr.js';
import { bbandsDef } from './indicators/bbands.js';
import { computeIndicator } from './indicators/compute.js';
import { emaDef } from './indicators/ema.js';
import type { OhlcvColumns } from './indicators/indicator.js';
import { linregDef } from './indicators/linreg.js';
import { macdDef } from './indicators/macd.js';
import { rsiDef } from './indicators/rsi.js';
import { smaDef } from './indicators/sma.js';

/** The feature columns of `data/processed/{SYMBOL}.csv`, in DESIGN.md's order. */
export const PROCESSED_COLUMNS = [
  'ret_1d',
  'ret_5d',
  'sma_20',
  'sma_50',
  'ema_20',
  'rsi_14',
  'macd',
  'macd_signal',
  'bb_mid',
  'bb_up',
  'bb_dn',
  'atr_14',
  'slope_20',
] as const;

function ret(close: ArrayLike<number>, k: number): Float64Array {
  const out = new Float64Array(close.length).fill(Number.NaN);
  for (let i = k; i < close.length; i++) out[i] = (close[i] as number) / (close[i - k] as number) - 1;
  return out;
}

/**
 * Seed 001's processed columns: simple returns over 1 and 5 bars, SMA 20/50, EMA 20, RSI 14,
 * MACD 12/26/9 line and signal, Bollinger 20/2 middle, upper and lower, ATR 14 and the slope of
 * the least-squares line through the last 20 closes. NaN during warm-up.
 */
export function processedColumns(cols: OhlcvColumns): Float64Array[] {
  const one = (def: Parameters<typeof computeIndicator>[0], params: number[], out = 0): Float64Array =>
    computeIndicator(def, params, cols)[out] as Float64Array;
  const [macdLine, macdSignal] = computeIndicator(macdDef, [12, 26, 9], cols) as [Float64Array, Float64Array];
  const bb = computeIndicator(bbandsDef, [20, 2, 2], cols);
  const at = (name: string): Float64Array => bb[bbandsDef.outputs.indexOf(name)] as Float64Array;
  return [
    ret(cols.close, 1),
    ret(cols.close, 5),
    one(smaDef, [20]),
    one(smaDef, [50]),
    one(emaDef, [20]),
    one(rsiDef, [14]),
    macdLine,
    macdSignal,
    at('bb_mid'),
    at('bb_up'),
    at('bb_dn'),
    one(atrDef, [14]),
    one(linregDef, [20], linregDef.outputs.indexOf('linreg_slope')),
  ];
}
