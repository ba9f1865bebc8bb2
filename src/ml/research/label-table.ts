/**
 * The labels `momentic ml label` writes: per symbol, one row per event with its start and end
 * bar (the label's span: purging and embargo read it), the label, its return, the barrier that
 * ended it, its volatility target and side, and two sample weights (AFML chapter 4): the
 * average uniqueness of the span and the return-attribution weight (scaled to sum to the
 * symbol's number of labels). Concurrency is counted per symbol, on the symbol's own bars.
 */
import { UsageError } from '../../core/errors.js';
import { fixedHorizonLabels } from '../labels/fixed-horizon.js';
import { metaLabels, tripleBarrierLabels, type TripleBarrierLabels } from '../labels/triple-barrier.js';
import { averageUniqueness } from '../labels/uniqueness.js';
import { returnAttributionWeights } from '../labels/return-attribution.js';
import { ewmVolatility } from '../labels/volatility.js';
import { parseLabel, type LabelSpec } from './spec.js';

/** A label spec of `ml label`: the ones `ml train` takes, and meta-labels of a momentum side. */
export type LabelTableSpec =
  | LabelSpec
  | {
      readonly kind: 'meta';
      readonly profitTake: number;
      readonly stopLoss: number;
      readonly horizon: number;
      readonly volSpan: number;
      /** The primary model: the sign of the return over the last `side` bars (past-only). */
      readonly side: number;
    };

const META_HINT = 'write --label meta:pt=1,sl=1,h=10,side=20[,vol=20] (side: the momentum lookback in bars)';

/** Parses `fixed:h=5`, `triple-barrier:pt=2,sl=1,h=10[,vol=20]` or `meta:pt=1,sl=1,h=10,side=20[,vol=20]`. */
export function parseLabelTableSpec(text: string): LabelTableSpec {
  if (!text.startsWith('meta:')) return parseLabel(text);
  const keys = new Map<string, string>();
  for (const p of text.slice(5).split(',')) {
    if (p.trim() === '') continue;
    const [k = '', v] = p.split('=').map((s) => s.trim());
    if (v === undefined || !['pt', 'sl', 'h', 'vol', 'side'].includes(k)) {
      throw new UsageError(
        'USAGE_INVALID_OPTION',
        `--label ${text}: "${p.trim()}" is not one of pt=, sl=, h=, vol=, side=`,
        {
          hint: META_HINT,
          context: { flag: '--label', value: text },
        },
      );
    }
    keys.set(k, v);
  }
  const tb = parseLabel(
    `triple-barrier:pt=${keys.get('pt') ?? ''},sl=${keys.get('sl') ?? ''},h=${keys.get('h') ?? ''}${keys.has('vol') ? `,vol=${keys.get('vol')}` : ''}`,
  );
  const side = Number(keys.get('side'));
  if (!Number.isInteger(side) || side < 1) {
    throw new UsageError(
      'USAGE_INVALID_OPTION',
      `--label ${text}: side ${keys.get('side') ?? 'is missing'}${keys.has('side') ? ' is not a whole number >= 1' : ''}`,
      {
        hint: META_HINT,
        context: { flag: '--label', value: text },
      },
    );
  }
  if (tb.kind !== 'triple-barrier') throw new Error('unreachable');
  return { ...tb, kind: 'meta', side };
}

export interface LabelRows {
  readonly symbol: string;
  /** Start and end time of each label (epoch ms of the t0 and t1 bars). */
  readonly start: Float64Array;
  readonly end: Float64Array;
  readonly label: Float64Array;
  readonly ret: Float64Array;
  /** +1 profit-take, -1 stop-loss, 0 vertical (NaN for fixed-horizon labels). */
  readonly barrier: Float64Array;
  /** σ at the start (NaN for fixed-horizon labels). */
  readonly target: Float64Array;
  readonly side: Float64Array;
  readonly uniqueness: Float64Array;
  readonly weight: Float64Array;
}

export const LABEL_COLUMNS = ['label', 'ret', 'barrier', 'target', 'side', 'uniqueness', 'weight'] as const;

/** One symbol's labels over its bars (`ts` and `close` aligned, increasing). */
export function labelRows(symbol: string, ts: Float64Array, close: Float64Array, spec: LabelTableSpec): LabelRows {
  let t0: Int32Array;
  let t1: Int32Array;
  let label: Float64Array;
  let ret: Float64Array;
  let barrier: Float64Array;
  let target: Float64Array;
  let side: Float64Array;
  if (spec.kind === 'fixed') {
    const l = fixedHorizonLabels(close, { horizon: spec.horizon });
    ({ t0, t1, label, ret } = l);
    barrier = new Float64Array(t0.length).fill(Number.NaN);
    target = new Float64Array(t0.length).fill(Number.NaN);
    side = new Float64Array(t0.length).fill(1);
  } else {
    const sigma = ewmVolatility(close, spec.volSpan);
    const ready = (t: number): boolean => Number.isFinite(sigma[t]) && (sigma[t] as number) > 0;
    const o = {
      target: sigma.map((s) => (Number.isFinite(s) ? s : 0)),
      profitTake: spec.profitTake,
      stopLoss: spec.stopLoss,
      maxHolding: spec.horizon,
      minTarget: 1e-12,
    };
    let l: TripleBarrierLabels;
    if (spec.kind === 'triple-barrier') {
      const events = Int32Array.from({ length: close.length }, (_, i) => i).filter(ready);
      l = tripleBarrierLabels(close, { ...o, events });
    } else {
      const lookback = spec.side;
      const events = Int32Array.from({ length: close.length }, (_, i) => i).filter((t) => t >= lookback && ready(t));
      const sides = Float64Array.from(events, (t) => Math.sign((close[t] as number) - (close[t - lookback] as number)));
      l = metaLabels(close, { ...o, events, side: sides });
    }
    ({ t0, t1, label, ret } = l);
    barrier = Float64Array.from(l.barrier);
    target = l.target;
    side = Float64Array.from(l.side);
  }
  const spans = { t0, t1 };
  const empty = t0.length === 0;
  return {
    symbol,
    start: Float64Array.from(t0, (i) => ts[i] as number),
    end: Float64Array.from(t1, (i) => ts[i] as number),
    label,
    ret,
    barrier,
    target,
    side,
    uniqueness: empty ? new Float64Array(0) : averageUniqueness(spans),
    weight: empty ? new Float64Array(0) : returnAttributionWeights(spans, close),
  };
}
