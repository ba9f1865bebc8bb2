import type { Indicator, OhlcvBar, PairValue } from './indicator.js';

/** What an indicator reads: one series (close by default), whole bars, or two series. */
export type InputKind = 'value' | 'bar' | 'pair';

export interface ParamDef {
  readonly name: string;
  readonly default: number;
  /** Smallest allowed value (inclusive). */
  readonly min: number;
  readonly max?: number;
  readonly integer: boolean;
}

/**
 * Registry entry of one indicator: the key of `--indicator key:p1,p2`, its parameters, its
 * output columns and a factory. Column names are `{output}_{params joined by _}`, e.g.
 * `rsi_14`, `macd_signal_12_26_9`, `bb_up_20_2`.
 */
export interface IndicatorDef {
  readonly key: string;
  readonly title: string;
  readonly input: InputKind;
  readonly params: readonly ParamDef[];
  /** Output names (column prefixes) in the order of `Indicator.outputs`. */
  readonly outputs: readonly string[];
  /** The TA-Lib function with the same definition, when there is one (parity-tested). */
  readonly talib?: string;
  /** Where the definition comes from (paper, book, vendor doc). */
  readonly source: string;
  create(params: readonly number[]): Indicator<number> | Indicator<OhlcvBar> | Indicator<PairValue>;
}

/** Column names of an indicator for given params: `rsi_14`, `macd_hist_12_26_9`. */
export function columnNames(def: IndicatorDef, params: readonly number[]): string[] {
  const suffix = params.map((p) => String(p)).join('_');
  return def.outputs.map((o) => (suffix === '' ? o : `${o}_${suffix}`));
}
