import type { Indicator, OhlcvBar } from '../analytics/indicators/indicator.js';
import type { Bar } from '../core/bar.js';
import { UsageError } from '../core/errors.js';
import type { PriceField } from '../strategies/api.js';

/** Field codes for indicator inputs (a switch, not a keyed property load, per bar). */
export const FIELD = { open: 0, high: 1, low: 2, close: 3, volume: 4, bar: 5 } as const;

export interface Registration {
  readonly indicator: Indicator<number> | Indicator<OhlcvBar>;
  readonly field: number;
}

/** The engine's reusable bar of one symbol, rewritten in place for every new bar. */
export class MutableBar implements Bar {
  ts = NaN;
  open = NaN;
  high = NaN;
  low = NaN;
  close = NaN;
  volume = NaN;
  constructor(readonly symbol: string) {}
}

/** A registration checked for its input field. */
export function registration(
  indicator: Indicator<number> | Indicator<OhlcvBar>,
  field: PriceField | 'bar',
): Registration {
  if (!(field in FIELD)) {
    throw new UsageError('USAGE_INVALID_OPTION', `ctx.indicator(): unknown input field "${String(field)}"`, {
      hint: `use one of ${Object.keys(FIELD).join(', ')}`,
    });
  }
  return { indicator, field: FIELD[field] };
}

/** Feeds one bar to a registered indicator. */
export function feed(r: Registration, b: MutableBar): void {
  switch (r.field) {
    case FIELD.open:
      (r.indicator as Indicator<number>).update(b.open);
      return;
    case FIELD.high:
      (r.indicator as Indicator<number>).update(b.high);
      return;
    case FIELD.low:
      (r.indicator as Indicator<number>).update(b.low);
      return;
    case FIELD.close:
      (r.indicator as Indicator<number>).update(b.close);
      return;
    case FIELD.volume:
      (r.indicator as Indicator<number>).update(b.volume);
      return;
    default:
      (r.indicator as Indicator<OhlcvBar>).update(b);
  }
}
