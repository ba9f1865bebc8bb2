/**
 * Fixed-horizon labels (AFML 3.2): the return from a bar to the bar `horizon` bars later, as a
 * value or as its sign with a dead zone |r| <= τ labelled 0. The simplest label and the one the
 * triple barrier improves on; kept as a baseline and for regression targets.
 *
 * @see M. López de Prado, Advances in Financial Machine Learning, Wiley 2018, section 3.2.
 */
import { DataError } from '../../core/errors.js';
import { checkEvents, checkInteger, checkNumber, checkPrices, checkSameLength } from '../check.js';

export const FixedHorizonKind = { Sign: 'sign', Value: 'value' } as const;
export type FixedHorizonKind = (typeof FixedHorizonKind)[keyof typeof FixedHorizonKind];

export interface FixedHorizonOptions {
  /** h >= 1: the label of bar t reads close[t + h]. */
  readonly horizon: number;
  /** 'sign' (default): -1, 0, +1; 'value': the return itself. */
  readonly kind?: FixedHorizonKind;
  /** τ >= 0 of the sign label: one value, or one per bar (e.g. a volatility estimate). Default 0. */
  readonly threshold?: number | ArrayLike<number>;
  /** Bars to label (increasing); default every bar that has h bars after it. */
  readonly events?: ArrayLike<number>;
}

export interface FixedHorizonLabels {
  /** Start bar of each label. */
  readonly t0: Int32Array;
  /** End bar, t0 + h. */
  readonly t1: Int32Array;
  /** The return close[t1] / close[t0] - 1. */
  readonly ret: Float64Array;
  /** Its sign (with the dead zone), or the return itself. */
  readonly label: Float64Array;
}

/** Events within h bars of the end are dropped: their horizon lies beyond the data. */
export function fixedHorizonLabels(close: ArrayLike<number>, o: FixedHorizonOptions): FixedHorizonLabels {
  checkPrices('close', close);
  const n = close.length;
  checkInteger('horizon', o.horizon, 1, Number.MAX_SAFE_INTEGER, 'pass the label horizon in bars, e.g. 20');
  const tau = o.threshold ?? 0;
  if (typeof tau === 'number') checkNumber('threshold', tau, 0, Number.MAX_VALUE);
  else checkSameLength('close', close, 'threshold', tau);
  const events = o.events ?? Int32Array.from({ length: Math.max(0, n - o.horizon) }, (_, i) => i);
  checkEvents('events', events, n);
  const starts = Array.from(events).filter((e) => e + o.horizon < n);
  const m = starts.length;
  const t0 = Int32Array.from(starts);
  const t1 = Int32Array.from(starts, (e) => e + o.horizon);
  const ret = new Float64Array(m);
  const label = new Float64Array(m);
  const isValue = o.kind === 'value';
  for (let i = 0; i < m; i++) {
    const r = close[t1[i]!]! / close[t0[i]!]! - 1;
    ret[i] = r;
    const th = typeof tau === 'number' ? tau : tau[t0[i]!]!;
    if (!(th >= 0 && th < Infinity)) {
      throw new DataError('DATA_INVALID', `threshold[${t0[i]}] is ${th}: a dead zone must be a finite number >= 0`, {
        hint: 'start the events after the volatility estimate is ready, or fill its warm-up bars',
        context: { key: 'threshold', row: t0[i]! },
      });
    }
    label[i] = isValue ? r : r > th ? 1 : r < -th ? -1 : 0;
  }
  return { t0, t1, ret, label };
}
