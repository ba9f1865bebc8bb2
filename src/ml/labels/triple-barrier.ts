/**
 * Triple-barrier labels (AFML 3.4-3.6) and meta-labels (AFML 3.6). From each event bar t0 the
 * path of returns close[t] / close[t0] - 1 (times the bet's side) is followed until it first
 * reaches the profit-take barrier +pt·σ, the stop-loss barrier -sl·σ, or the vertical barrier
 * t0 + maxHolding bars; σ is the event's target (a volatility estimate such as ewmVolatility at
 * t0), so the barriers widen in volatile markets. The label is the sign of the return at t1; a
 * meta-label is 1 when the primary model's bet made money (return > 0 at t1), else 0.
 *
 * Departure from AFML's code: an event whose vertical barrier lies beyond the data is dropped
 * (AFML moves it to the last bar), so every label is judged over the same maximum horizon and
 * events near the end do not enter with a shortened one.
 *
 * @see M. López de Prado, Advances in Financial Machine Learning, Wiley 2018, snippets 3.2-3.7.
 */
import { DataError } from '../../core/errors.js';
import { checkEvents, checkInteger, checkNumber, checkPrices, checkSameLength } from '../check.js';

/** Which barrier ended a label. */
export const Barrier = { Stop: -1, Vertical: 0, Profit: 1 } as const;
export type Barrier = (typeof Barrier)[keyof typeof Barrier];

export interface TripleBarrierOptions {
  /** σ per bar of close (e.g. ewmVolatility(close, 100)): the unit of both horizontal barriers. */
  readonly target: ArrayLike<number>;
  /** pt >= 0: profit-take at +pt·σ; 0 removes the barrier. */
  readonly profitTake: number;
  /** sl >= 0: stop-loss at -sl·σ; 0 removes the barrier. */
  readonly stopLoss: number;
  /** The vertical barrier: at most this many bars after t0 (>= 1). */
  readonly maxHolding: number;
  /** Bars to label, increasing (e.g. CUSUM filter events); default every bar. */
  readonly events?: ArrayLike<number>;
  /** Events whose σ is below this are dropped (AFML's minRet); default 0. */
  readonly minTarget?: number;
  /**
   * Label when the vertical barrier is hit first: 'sign' of the return (AFML snippet 3.5, the
   * default) or 'zero' (a common variant: time ran out, so no call).
   */
  readonly verticalLabel?: 'sign' | 'zero';
}

export interface TripleBarrierLabels {
  readonly t0: Int32Array;
  /** The bar of the first barrier touched. */
  readonly t1: Int32Array;
  /** Which barrier that was: Barrier.Profit, Barrier.Stop or Barrier.Vertical. */
  readonly barrier: Int8Array;
  /** close[t1] / close[t0] - 1, times the side for meta-labels. */
  readonly ret: Float64Array;
  /** σ at t0. */
  readonly target: Float64Array;
  /** The bet's side: +1 for plain labels, the primary model's side for meta-labels. */
  readonly side: Int8Array;
  /** -1, 0, +1 (plain) or 0, 1 (meta). */
  readonly label: Float64Array;
}

export interface MetaLabelOptions extends Omit<TripleBarrierOptions, 'verticalLabel' | 'events'> {
  /** The bars where the primary model bets (increasing). */
  readonly events: ArrayLike<number>;
  /** Its side at each event: +1 long, -1 short, 0 no bet (the event is skipped). */
  readonly side: ArrayLike<number>;
}

export function tripleBarrierLabels(close: ArrayLike<number>, o: TripleBarrierOptions): TripleBarrierLabels {
  const events = o.events ?? Int32Array.from({ length: close.length }, (_, i) => i);
  return label(close, o, events, undefined, o.verticalLabel ?? 'sign');
}

/** Meta-labels: 1 when the side's return is positive at t1 (the profit barrier came first, or the horizon ended in profit). */
export function metaLabels(close: ArrayLike<number>, o: MetaLabelOptions): TripleBarrierLabels {
  checkSameLength('events', o.events, 'side', o.side);
  for (let i = 0; i < o.side.length; i++) {
    const s = o.side[i];
    if (s !== 1 && s !== -1 && s !== 0) {
      throw new DataError('DATA_INVALID', `side[${i}] is ${s}: a side is +1 (long), -1 (short) or 0 (no bet)`, {
        hint: "pass the primary model's side as the sign of its signal",
        context: { key: 'side', row: i },
      });
    }
  }
  return label(close, o, o.events, o.side, 'meta');
}

function label(
  close: ArrayLike<number>,
  o: Omit<TripleBarrierOptions, 'events'>,
  events: ArrayLike<number>,
  sides: ArrayLike<number> | undefined,
  mode: 'sign' | 'zero' | 'meta',
): TripleBarrierLabels {
  checkPrices('close', close);
  const n = close.length;
  checkSameLength('close', close, 'target', o.target);
  checkNumber(
    'profitTake',
    o.profitTake,
    0,
    Number.MAX_VALUE,
    false,
    'pass a multiple of the target, e.g. 1; 0 removes the barrier',
  );
  checkNumber(
    'stopLoss',
    o.stopLoss,
    0,
    Number.MAX_VALUE,
    false,
    'pass a multiple of the target, e.g. 1; 0 removes the barrier',
  );
  checkInteger('maxHolding', o.maxHolding, 1, Number.MAX_SAFE_INTEGER, 'pass the vertical barrier in bars, e.g. 20');
  const minTarget = o.minTarget ?? 0;
  checkNumber('minTarget', minTarget, 0, Number.MAX_VALUE);
  checkEvents('events', events, n);
  const rows: { t0: number; t1: number; barrier: number; ret: number; target: number; side: number }[] = [];
  for (let i = 0; i < events.length; i++) {
    const t0 = events[i]!;
    const side = sides === undefined ? 1 : sides[i]!;
    const sigma = o.target[t0]!;
    const end = t0 + o.maxHolding;
    // NaN σ (a volatility still warming up) is skipped like a σ under minTarget.
    if (side === 0 || !(sigma >= minTarget) || !Number.isFinite(sigma) || end >= n) continue;
    const upper = o.profitTake > 0 ? o.profitTake * sigma : Infinity;
    const lower = o.stopLoss > 0 ? -o.stopLoss * sigma : -Infinity;
    const p0 = close[t0]!;
    let t1 = end;
    let barrier: number = Barrier.Vertical;
    for (let t = t0 + 1; t <= end; t++) {
      const r = (close[t]! / p0 - 1) * side;
      if (r >= upper) {
        t1 = t;
        barrier = Barrier.Profit;
        break;
      }
      if (r <= lower) {
        t1 = t;
        barrier = Barrier.Stop;
        break;
      }
    }
    rows.push({ t0, t1, barrier, ret: (close[t1]! / p0 - 1) * side, target: sigma, side });
  }
  const m = rows.length;
  const out = {
    t0: new Int32Array(m),
    t1: new Int32Array(m),
    barrier: new Int8Array(m),
    ret: new Float64Array(m),
    target: new Float64Array(m),
    side: new Int8Array(m),
    label: new Float64Array(m),
  };
  rows.forEach((r, i) => {
    out.t0[i] = r.t0;
    out.t1[i] = r.t1;
    out.barrier[i] = r.barrier;
    out.ret[i] = r.ret;
    out.target[i] = r.target;
    out.side[i] = r.side;
    out.label[i] =
      mode === 'meta' ? (r.ret > 0 ? 1 : 0) : mode === 'zero' && r.barrier === Barrier.Vertical ? 0 : Math.sign(r.ret);
  });
  return out;
}
