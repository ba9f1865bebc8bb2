/**
 * Back-adjustment of a symbol's raw bars for its corporate actions (docs/corporate-actions.md).
 * The latest bar stays raw; every bar before an ex-date is multiplied by the action's factor, so a
 * bar's multiplier is the product of the factors of every ex-date after it (the CRSP and Yahoo
 * convention):
 *   split of `ratio` new shares per old share: prices x 1/ratio, volume x ratio;
 *   cash dividend D:  prices x (1 - D / close before the ex-date), volume unchanged.
 * Both use the raw close and raw D, which are in the same shares whatever splits come later.
 * Pure: no files here (src/orchestration/adjust-data.ts writes them).
 */
import { BarSeries } from '../core/bar.js';
import { tsToDate } from '../core/dates.js';
import type { PriceMode } from '../config/run-config.js';
import type { CorporateAction } from './reference-files.js';

export { PRICE_MODES, type PriceMode } from '../config/run-config.js';

/** Splits beyond these ratios are refused: no listed share splits 1000-for-1 or 1-for-1000. */
export const MAX_SPLIT_RATIO = 1000;
/** A split is refused when, applied, the move from the close before to the ex-date open exceeds this... */
const ABSURD_GAP = Math.log(1.5);

/** An action applied to the bars: where, its price factor and the multiplier of the bars before it. */
export interface AppliedAction {
  readonly action: CorporateAction;
  /** Index of the first bar on the ex-date. */
  readonly index: number;
  /** Price factor of this action alone (1/ratio, or 1 - D/close). */
  readonly factor: number;
}

export interface RefusedAction {
  readonly action: CorporateAction;
  readonly reason: string;
}

export interface Adjustment {
  readonly symbol: string;
  /** Accepted splits and dividends, by ex-date. */
  readonly applied: readonly AppliedAction[];
  /** Actions refused, with why (the bars are adjusted for the others). */
  readonly refused: readonly RefusedAction[];
  /** Actions outside the bars' dates, or not price adjustments (symbol changes): no effect, with why. */
  readonly skipped: readonly RefusedAction[];
}

const describe = (a: CorporateAction): string =>
  a.type === 'split'
    ? `split ${a.ratio} on ${a.exDate}`
    : a.type === 'dividend'
      ? `dividend ${a.cashAmount} on ${a.exDate}`
      : `symbol change to ${a.newSymbol} on ${a.exDate}`;

/** Which of a symbol's actions apply to its bars, and why the others do not. */
export function planAdjustment(series: BarSeries, actions: readonly CorporateAction[]): Adjustment {
  const applied: AppliedAction[] = [];
  const refused: RefusedAction[] = [];
  const skipped: RefusedAction[] = [];
  const n = series.length;
  const first = n === 0 ? '' : tsToDate(series.ts[0] as number);
  const last = n === 0 ? '' : tsToDate(series.ts[n - 1] as number);
  const seen = new Set<string>();
  const sorted = [...actions].filter((a) => a.symbol === series.symbol).sort((a, b) => (a.exDate < b.exDate ? -1 : 1));
  for (const a of sorted) {
    if (a.type === 'symbol_change') {
      skipped.push({
        action: a,
        reason: 'a symbol change moves no price (the session halts the symbol on its ex-date)',
      });
      continue;
    }
    if (n === 0 || a.exDate <= first || a.exDate > last) {
      const where = n === 0 ? 'there are no bars' : a.exDate <= first ? `bars start ${first}` : `bars end ${last}`;
      skipped.push({ action: a, reason: `${describe(a)} moves no bar of the data (${where})` });
      continue;
    }
    const key = `${a.type} ${a.exDate}`;
    if (seen.has(key)) {
      refused.push({ action: a, reason: `duplicate: a second ${a.type} for ${a.symbol} on ${a.exDate}` });
      continue;
    }
    const index = firstIndexOn(series, a.exDate);
    const day = tsToDate(series.ts[index] as number);
    if (day !== a.exDate) {
      refused.push({
        action: a,
        reason: `no bar on the ex-date ${a.exDate} (the next bar is ${day}); check the ex-date or the data's gaps`,
      });
      continue;
    }
    const before = series.close[index - 1] as number;
    if (a.type === 'split') {
      const r = a.ratio;
      if (!(r >= 1 / MAX_SPLIT_RATIO && r <= MAX_SPLIT_RATIO)) {
        refused.push({ action: a, reason: `ratio ${r} is outside 1/${MAX_SPLIT_RATIO}..${MAX_SPLIT_RATIO}` });
        continue;
      }
      // Raw data that is already split-adjusted shows no gap; adjusting it again would make one.
      const open = series.open[index] as number;
      const rawGap = Math.abs(Math.log(open / before));
      const adjustedGap = Math.abs(Math.log((open * r) / before));
      if (adjustedGap > ABSURD_GAP && adjustedGap > rawGap) {
        refused.push({
          action: a,
          reason:
            `ratio ${r} would make prices absurd: the close before ${a.exDate} is ${before} and its open ${open}, ` +
            `so the adjusted series would jump x${((open * r) / before).toFixed(3)} overnight (is the raw data already adjusted?)`,
        });
        continue;
      }
      seen.add(key);
      applied.push({ action: a, index, factor: 1 / r });
    } else {
      const d = a.cashAmount;
      if (!(d < before)) {
        refused.push({
          action: a,
          reason: `dividend ${d} is not below the close before the ex-date (${before}): the factor would be <= 0`,
        });
        continue;
      }
      seen.add(key);
      applied.push({ action: a, index, factor: 1 - d / before });
    }
  }
  return { symbol: series.symbol, applied, refused, skipped };
}

function firstIndexOn(series: BarSeries, day: string): number {
  let i = 0;
  while (i < series.length && tsToDate(series.ts[i] as number) < day) i++;
  return i;
}

/** Whether an applied action changes a mode's prices (raw: none; split: splits; total-return: both). */
export function movesPrices(mode: PriceMode, a: AppliedAction): boolean {
  return mode === 'total-return' || (mode === 'split' && a.action.type === 'split');
}

/** One row of a factors file: the action's factor and the multiplier of every bar before its ex-date. */
export interface FactorRow {
  readonly exDate: string;
  readonly type: 'split' | 'dividend';
  readonly factor: number;
  readonly cumulative: number;
}

/** The factors of a mode, by ex-date; `cumulative` multiplies the prices of the bars before `exDate`. */
export function factorRows(adj: Adjustment, mode: PriceMode): FactorRow[] {
  const used = adj.applied.filter((a) => movesPrices(mode, a));
  const rows: FactorRow[] = [];
  let cumulative = 1;
  for (let k = used.length - 1; k >= 0; k--) {
    const a = used[k] as AppliedAction;
    cumulative *= a.factor;
    rows.push({ exDate: a.action.exDate, type: a.action.type as 'split' | 'dividend', factor: a.factor, cumulative });
  }
  return rows.reverse();
}

/** The bars of a mode (raw: the same series). Volume is scaled by splits only (x ratio). */
export function adjustSeries(series: BarSeries, adj: Adjustment, mode: PriceMode): BarSeries {
  const used = adj.applied.filter((a) => movesPrices(mode, a));
  if (used.length === 0) return series;
  const n = series.length;
  const price = new Float64Array(n).fill(1);
  const volume = new Float64Array(n).fill(1);
  for (const a of used) {
    const v = a.action.type === 'split' ? a.action.ratio : 1;
    for (let i = 0; i < a.index; i++) {
      price[i] = (price[i] as number) * a.factor;
      volume[i] = (volume[i] as number) * v;
    }
  }
  const scale = (col: Float64Array, m: Float64Array): Float64Array => col.map((x, i) => x * (m[i] as number));
  return new BarSeries(series.symbol, {
    ts: series.ts,
    open: scale(series.open, price),
    high: scale(series.high, price),
    low: scale(series.low, price),
    close: scale(series.close, price),
    volume: scale(series.volume, volume),
  });
}

/** What happens to a position held into an ex-date, in a mode (the backtest's corporate events). */
export interface PositionEvent {
  /** The first bar on the ex-date (applied before it opens). */
  readonly ts: number;
  readonly symbol: string;
  readonly kind: 'split' | 'dividend';
  /** split: new shares per share held; dividend: cash per share held (in the mode's shares). */
  readonly value: number;
}

/**
 * The events a mode books on positions: raw trades raw shares, so splits multiply positions and
 * dividends are paid per raw share; split trades split-adjusted shares (one of today's shares),
 * so a dividend before a later split is paid per adjusted share at D x the later splits' 1/ratio;
 * total-return has dividends in its prices and no events.
 */
export function positionEvents(series: BarSeries, adj: Adjustment, mode: PriceMode): PositionEvent[] {
  if (mode === 'total-return') return [];
  const out: PositionEvent[] = [];
  for (const a of adj.applied) {
    const ts = series.ts[a.index] as number;
    if (a.action.type === 'split') {
      if (mode === 'raw') out.push({ ts, symbol: adj.symbol, kind: 'split', value: a.action.ratio });
      continue;
    }
    let perShare = a.action.cashAmount;
    if (mode === 'split') {
      // splits on or after the ex-date: the dividend was paid on the shares before them
      for (const s of adj.applied) if (s.action.type === 'split' && s.index >= a.index) perShare *= s.factor;
    }
    out.push({ ts, symbol: adj.symbol, kind: 'dividend', value: perShare });
  }
  return out;
}
