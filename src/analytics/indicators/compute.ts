import {
  batchBars,
  batchPairs,
  batchValues,
  type Indicator,
  type OhlcvBar,
  type OhlcvColumns,
  type PairValue,
} from './indicator.js';
import type { IndicatorDef } from './spec.js';

/**
 * Runs an indicator in batch over bar columns according to its input kind: `value` reads the
 * close, `bar` the whole bar, `pair` the close (x) against `pairWith` (y). One array per output.
 */
export function computeIndicator(
  def: IndicatorDef,
  params: readonly number[],
  cols: OhlcvColumns,
  pairWith?: ArrayLike<number>,
): Float64Array[] {
  const ind = def.create(params);
  if (def.input === 'value') return batchValues(ind as Indicator<number>, cols.close);
  if (def.input === 'bar') return batchBars(ind as Indicator<OhlcvBar>, cols);
  if (pairWith === undefined) throw new RangeError(`${def.key} needs a second series`);
  return batchPairs(ind as Indicator<PairValue>, cols.close, pairWith);
}
