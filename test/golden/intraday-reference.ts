/**
 * intraday-mean-reversion's rules (docs/strategies/intraday-mean-reversion.md) re-derived bar by
 * bar from raw minute bars, for the golden tests: an independent session VWAP and z-score, RSI
 * and ATR given, and the order and fill rules of the simulated exchange (market orders at the
 * next open, the stop from the bar after the entry fill, at the open when gapped through).
 */
import type { Bars, Trip } from './reference.js';

const MIN = 60_000;

export interface MinuteInput {
  readonly bars: Bars;
  /** Bar starts, epoch ms. */
  readonly ts: readonly number[];
  /** The session [open, close) of a bar start, or undefined outside every session. */
  readonly session: (ts: number) => { readonly open: number; readonly close: number } | undefined;
  readonly rsi: readonly number[];
  readonly atr: readonly number[];
  readonly allowShort: boolean;
  /** Fills move this fraction against the order (0.0001 = 1 bp). */
  readonly slip: number;
  readonly cash: number;
}

const iso = (ts: number): string => new Date(ts).toISOString().replace('.000Z', 'Z');

/** The round trips of one symbol (a reversal closes one trip and opens the next at the same fill). */
export function intradayReference(x: MinuteInput): Trip[] {
  const { bars: b, ts, rsi, atr, slip } = x;
  const trips: Trip[] = [];
  // z-score: close - session VWAP of the typical price, over the population sd of the last 30.
  const window: number[] = [];
  let key = NaN;
  let pv = 0;
  let vol = 0;
  // The strategy's last acted-on signal.
  let last = 0; // every symbol starts flat
  // Position, pending market order (signed quantity), resting stop.
  let cash = x.cash;
  let qty = 0;
  let entry: [string, number] | undefined;
  let order = 0;
  let orderAtr = NaN;
  let stop = NaN;
  let stopFrom = Infinity;
  const fill = (i: number, delta: number, raw: number): void => {
    const price = raw * (1 + Math.sign(delta) * slip);
    const before = qty;
    cash -= delta * price;
    qty += delta;
    if (before !== 0 && Math.sign(qty) !== Math.sign(before)) {
      trips.push([...(entry as [string, number]), iso(ts[i] as number), price, Math.abs(before)]);
      stop = NaN;
    }
    if (qty !== 0 && Math.sign(qty) !== Math.sign(before)) {
      entry = [iso(ts[i] as number), price];
      stop = price - Math.sign(qty) * 1.5 * orderAtr;
      stopFrom = i + 1;
    }
  };
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i] as number;
    const [open, high, low, close] = [b.open[i], b.high[i], b.low[i], b.close[i]] as number[] as [
      number,
      number,
      number,
      number,
    ];
    if (order !== 0) fill(i, order, open);
    order = 0;
    if (qty !== 0 && i >= stopFrom && !Number.isNaN(stop)) {
      const hit =
        qty > 0 ? (open <= stop ? open : low <= stop ? stop : NaN) : open >= stop ? open : high >= stop ? stop : NaN;
      if (!Number.isNaN(hit)) fill(i, -qty, hit);
    }
    const session = x.session(t);
    if (session !== undefined && session.open !== key) {
      key = session.open;
      pv = 0;
      vol = 0;
    }
    pv += ((high + low + close) / 3) * (b.volume[i] as number);
    vol += b.volume[i] as number;
    const d = close - pv / vol;
    if (!Number.isNaN(d)) {
      window.push(d);
      if (window.length > 30) window.shift();
    }
    let z = NaN;
    if (window.length === 30) {
      const sd = Math.sqrt(window.reduce((a, v) => a + v * v, 0) / 30 - (window.reduce((a, v) => a + v, 0) / 30) ** 2);
      z = sd > 0 ? d / sd : 0;
    }
    // End of day (a bar-close exit: the signal is not evaluated on that bar).
    if (qty !== 0) {
      const heldOver = session !== undefined && i > 0 && (ts[i - 1] as number) < session.open;
      const out = session === undefined || heldOver || t + 2 * MIN >= session.close;
      if (out) {
        order = -qty;
        stop = NaN;
        continue;
      }
    }
    // meanReversion(z, entry 2, exit 0.5, RSI 30 / 70).
    let want = NaN;
    if (!Number.isNaN(z)) {
      const r = rsi[i] as number;
      if (z <= -2 && r < 30) want = 1;
      else if (z >= 2 && r > 70) want = -1;
      else if (Math.abs(z) < 0.5) want = 0;
    }
    if (Number.isNaN(want) || want === last) continue;
    last = want;
    const dir = want > 0 ? 1 : want < 0 && x.allowShort ? -1 : 0;
    if (dir !== 0 && (session === undefined || t + 3 * MIN >= session.close)) continue;
    const a = atr[i] as number;
    const equity = cash + qty * close;
    const size = dir === 0 ? 0 : Math.min((0.004 * equity) / (1.5 * a), (0.05 * equity) / close);
    if (!(size >= 0)) continue;
    if (dir !== Math.sign(qty)) stop = NaN;
    const delta = dir * size - qty;
    order = Math.sign(delta) * Math.floor(Math.abs(delta));
    orderAtr = a;
  }
  return trips;
}
