/**
 * Deterministic bars for the fake Alpaca server: a formula of the symbol and the bar's index,
 * simple enough to derive expected values by hand in tests.
 *
 *   seed   = sum of the symbol's character codes        (AAPL: 65+65+80+76 = 286)
 *   base   = 10 + seed % 90                             (AAPL: 10 + 16 = 26)
 *   i      = daily: days since 1970-01-01 of the session date; intraday: bar start ms / step ms
 *   open   = base + (i % 100) * 0.25
 *   close  = open + ((i % 7) - 3) * 0.1
 *   high   = max(open, close) + 0.5,  low = min(open, close) - 0.5
 *   volume = stocks 1000 + (i % 13) * 100;  crypto (fractional) (1 + i % 13) * 0.125
 *   n      = 10 + i % 5,  vw = (high + low + close) / 3 rounded to 4 decimals
 * Prices are rounded to cents. Daily stock bars are stamped at New York midnight of XNYS
 * sessions (as the real API does); intraday stock bars start inside regular session hours
 * (the first bar of a 1Hour series covers the 09:30 open); crypto bars run 24/7, daily ones at
 * 00:00 UTC.
 */
import { DateTime } from 'luxon';
import { getCalendar } from '../../../src/calendar/registry.js';

export const STEP_MS = {
  '1Min': 60_000,
  '5Min': 300_000,
  '15Min': 900_000,
  '1Hour': 3_600_000,
  '1Day': 86_400_000,
} as const;
export type FakeTimeframe = keyof typeof STEP_MS;

export interface WireBar {
  readonly t: string;
  readonly o: number;
  readonly h: number;
  readonly l: number;
  readonly c: number;
  readonly v: number;
  readonly n: number;
  readonly vw: number;
}

/** A slot in a series: bar start `t` (ms) and the formula index `i`. */
export interface Slot {
  readonly t: number;
  readonly i: number;
}

const MS_PER_DAY = 86_400_000;
const NY = 'America/New_York';

const round = (x: number, decimals: number): number => Number(x.toFixed(decimals));

export function seedOf(symbol: string): number {
  let s = 0;
  for (let k = 0; k < symbol.length; k++) s += symbol.charCodeAt(k);
  return s;
}

/** RFC-3339 as Alpaca writes bar times: seconds, `Z`, no fraction. */
export function rfc3339(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

export function fakeBar(symbol: string, slot: Slot, isCrypto: boolean): WireBar {
  const { i } = slot;
  const base = 10 + (seedOf(symbol) % 90);
  const o = round(base + (i % 100) * 0.25, 2);
  const c = round(o + ((i % 7) - 3) * 0.1, 2);
  const h = round(Math.max(o, c) + 0.5, 2);
  const l = round(Math.min(o, c) - 0.5, 2);
  const v = isCrypto ? (1 + (i % 13)) * 0.125 : 1000 + (i % 13) * 100;
  return { t: rfc3339(slot.t), o, h, l, c, v, n: 10 + (i % 5), vw: round((h + l + c) / 3, 4) };
}

/** Slots with `from <= t <= to` in ascending order (Alpaca's `end` is inclusive). */
export function* slots(isCrypto: boolean, tf: FakeTimeframe, from: number, to: number): Generator<Slot> {
  const step = STEP_MS[tf];
  if (isCrypto) {
    for (let t = Math.ceil(from / step) * step; t <= to; t += step) yield { t, i: t / step };
    return;
  }
  const cal = getCalendar('XNYS');
  const clamp = (d: string): string => (d < cal.firstDate ? cal.firstDate : d > cal.lastDate ? cal.lastDate : d);
  const fromDate = clamp(DateTime.fromMillis(from - MS_PER_DAY, { zone: NY }).toISODate() ?? cal.firstDate);
  const toDate = clamp(DateTime.fromMillis(to + MS_PER_DAY, { zone: NY }).toISODate() ?? cal.lastDate);
  for (const s of cal.sessions(fromDate, toDate)) {
    if (tf === '1Day') {
      const t = DateTime.fromISO(s.date, { zone: NY }).toMillis();
      if (t >= from && t <= to) yield { t, i: Date.parse(`${s.date}T00:00:00Z`) / MS_PER_DAY };
      continue;
    }
    for (let t = Math.floor(s.open / step) * step; t < s.close; t += step) {
      if (t > to) return;
      if (t >= from) yield { t, i: t / step };
    }
  }
}
