/**
 * The pre-trade checks: each a pure function of the order, the account snapshot and the limits,
 * returning allow or deny with a reason. Orders that only reduce a position pass every check but
 * the kill switch's HALTED state (so a breached account can still get out). docs/risk.md.
 */
import { signedQty } from '../core/order.js';
import { EPS } from './exposure-book.js';
import type { RiskCheckName, RiskDecision, RiskLimits, RiskOrder, RiskState } from './types.js';

export type RiskCheck = (o: RiskOrder, s: RiskState, l: RiskLimits) => RiskDecision;

const OK: RiskDecision = { ok: true };
const deny = (check: RiskCheckName, reason: string): RiskDecision => ({ ok: false, check, reason });
const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
const money = (x: number): string => x.toFixed(2);

/** What the position arithmetic reads of an order and of the account. */
type Sized = Pick<RiskOrder, 'symbol' | 'side' | 'qty'>;
type Held = Pick<RiskState, 'positions' | 'pending'>;

/** Held plus pending quantity of the order's symbol, before and after it. */
export function projected(o: Sized, s: Held): { before: number; after: number } {
  const before = (s.positions.get(o.symbol) ?? 0) + (s.pending.get(o.symbol) ?? 0);
  return { before, after: before + signedQty(o.side, o.qty) };
}

/** The order moves the position toward zero without crossing it. */
export function isReducing(o: Sized, s: Held): boolean {
  const { before, after } = projected(o, s);
  return before !== 0 && Math.abs(after) < Math.abs(before) && Math.sign(after) !== -Math.sign(before);
}

function priceOf(s: RiskState, symbol: string, fallback: number): number {
  return s.prices.get(symbol) ?? fallback;
}

/** Gross and short market value of held plus pending, with the order's symbol at `after`. */
function exposures(o: RiskOrder, s: RiskState, after: number): { gross: number; short: number; count: number } {
  let gross = 0;
  let short = 0;
  let count = 0;
  const symbols = new Set([...s.positions.keys(), ...s.pending.keys(), o.symbol]);
  for (const sym of symbols) {
    const q = sym === o.symbol ? after : (s.positions.get(sym) ?? 0) + (s.pending.get(sym) ?? 0);
    if (q === 0) continue;
    const v = Math.abs(q) * priceOf(s, sym, o.price);
    gross += v;
    if (q < 0) short += v;
    count++;
  }
  return { gross, short, count };
}

/**
 * `exposures` from the running sums, in O(1), with `slack`: how far gross and short may be from
 * what `exposures` computes (the running sums' rounding, and the summation order of both);
 * undefined without running sums.
 */
function quickExposures(
  o: RiskOrder,
  s: RiskState,
  after: number,
): { gross: number; short: number; count: number; slack: number } | undefined {
  const x = s.exposure;
  if (x === undefined) return undefined;
  const t = x.term(o.symbol);
  const v = after === 0 ? 0 : Math.abs(after) * priceOf(s, o.symbol, o.price);
  const gross = x.gross - t.gross + v;
  const short = x.short - t.short + (after < 0 ? v : 0);
  const count = x.count - (t.counted ? 1 : 0) + (after === 0 ? 0 : 1);
  // Summing n terms rounds each partial sum; these three operations and the comparison round too.
  const slack = 2 * (x.slack + (x.count + 4) * EPS * (x.gross + t.gross + v));
  return { gross, short, count, slack };
}

export const killSwitchCheck: RiskCheck = (o, s) => {
  if (s.killSwitch === 'HALTED') return deny('kill_switch', 'the kill switch is HALTED: no orders until it is reset');
  if (s.killSwitch === 'REDUCING' && !isReducing(o, s)) {
    return deny('kill_switch', 'the kill switch is REDUCING: only orders that reduce a position pass');
  }
  return OK;
};

export const restrictedCheck: RiskCheck = (o, _s, l) =>
  l.restricted.includes(o.symbol) ? deny('restricted', `${o.symbol} is on the restricted list`) : OK;

export const shortableCheck: RiskCheck = (o, s) => {
  const { before, after } = projected(o, s);
  const addsShort = after < 0 && after < Math.min(0, before);
  return addsShort && !s.isShortable(o.symbol) ? deny('shortable', `${o.symbol} cannot be sold short`) : OK;
};

export const dailyDrawdownCheck: RiskCheck = (o, s, l) => {
  const dd = s.dayHigh > 0 ? s.equity / s.dayHigh - 1 : 0;
  if (dd <= -l.maxDailyDrawdown && !isReducing(o, s)) {
    return deny('daily_drawdown', `equity is ${pct(-dd)} below the day's high (limit ${pct(l.maxDailyDrawdown)})`);
  }
  return OK;
};

export const consecutiveLossesCheck: RiskCheck = (o, s, l) =>
  s.consecutiveLosses >= l.pauseAfterLosses && !isReducing(o, s)
    ? deny(
        'consecutive_losses',
        `${s.consecutiveLosses} losing trades in a row: new exposure paused until the next day (limit ${l.pauseAfterLosses})`,
      )
    : OK;

export const tradesPerDayCheck: RiskCheck = (o, s, l) =>
  s.tradesToday >= l.maxTradesPerDay && !isReducing(o, s)
    ? deny('trades_per_day', `${s.tradesToday} orders today (limit ${l.maxTradesPerDay})`)
    : OK;

export const orderQtyCheck: RiskCheck = (o, _s, l) =>
  o.qty > l.maxOrderQty
    ? deny('order_qty', `${o.qty} units is over the fat-finger limit of ${l.maxOrderQty} per order`)
    : OK;

export const orderNotionalCheck: RiskCheck = (o, _s, l) => {
  const notional = o.qty * o.price;
  return notional > l.maxOrderNotional
    ? deny('order_notional', `order notional ${money(notional)} is over ${money(l.maxOrderNotional)}`)
    : OK;
};

export const priceCollarCheck: RiskCheck = (o, s, l) => {
  const ref = priceOf(s, o.symbol, o.price);
  for (const [name, p] of [
    ['limit', o.limitPrice],
    ['stop', o.stopPrice],
  ] as const) {
    if (p === undefined || !(ref > 0)) continue;
    const off = Math.abs(p / ref - 1);
    // A price exactly on the collar passes (1e-12: the rounding of p / ref).
    if (off > l.priceCollar + 1e-12)
      return deny(
        'price_collar',
        `${name} price ${p} is ${pct(off)} from the last price ${ref} (collar ${pct(l.priceCollar)})`,
      );
  }
  return OK;
};

export const positionCheck: RiskCheck = (o, s, l) => {
  if (isReducing(o, s)) return OK;
  const { after } = projected(o, s);
  const cap = l.symbolCaps[o.symbol] ?? l.maxPosition;
  const value = Math.abs(after) * priceOf(s, o.symbol, o.price);
  return value > cap * s.equity
    ? deny('position', `${o.symbol} would be ${pct(value / s.equity)} of equity (limit ${pct(cap)})`)
    : OK;
};

export const grossExposureCheck: RiskCheck = (o, s, l) => {
  if (isReducing(o, s)) return OK;
  const limit = s.horizon === 'intraday' ? l.maxGrossIntraday : l.maxGrossSwing;
  const { after } = projected(o, s);
  const quick = quickExposures(o, s, after);
  if (quick !== undefined && quick.gross + quick.slack <= limit * s.equity) return OK;
  const { gross } = exposures(o, s, after);
  return gross > limit * s.equity
    ? deny(
        'gross_exposure',
        `gross exposure would be ${pct(gross / s.equity)} of equity (limit ${pct(limit)} ${s.horizon})`,
      )
    : OK;
};

export const shortExposureCheck: RiskCheck = (o, s, l) => {
  const { before, after } = projected(o, s);
  if (!(after < 0 && after < Math.min(0, before))) return OK;
  const quick = quickExposures(o, s, after);
  if (quick !== undefined && quick.short + quick.slack <= l.maxShortOfGross * (quick.gross - quick.slack)) return OK;
  const { gross, short } = exposures(o, s, after);
  return short > l.maxShortOfGross * gross
    ? deny('short_exposure', `short exposure would be ${pct(short / gross)} of gross (limit ${pct(l.maxShortOfGross)})`)
    : OK;
};

export const maxPositionsCheck: RiskCheck = (o, s, l) => {
  const { before, after } = projected(o, s);
  if (before !== 0 || after === 0) return OK;
  // The running count is exact (whole numbers).
  const count = quickExposures(o, s, after)?.count ?? exposures(o, s, after).count;
  return count > l.maxPositions
    ? deny('max_positions', `a new position would make ${count} (limit ${l.maxPositions})`)
    : OK;
};

export const leverageCheck: RiskCheck = (o, s, l) => {
  if (isReducing(o, s) || !(s.equity > 0)) return OK;
  const { after } = projected(o, s);
  const quick = quickExposures(o, s, after);
  if (quick !== undefined && (quick.gross + quick.slack) / s.equity <= l.maxLeverage) return OK;
  const { gross } = exposures(o, s, after);
  return gross / s.equity > l.maxLeverage
    ? deny('leverage', `leverage would be ${(gross / s.equity).toFixed(2)}x (limit ${l.maxLeverage}x)`)
    : OK;
};

export const riskPerTradeCheck: RiskCheck = (o, s, l) => {
  const stop = o.stopLoss;
  if (stop === undefined || isReducing(o, s)) return OK;
  const entry = o.limitPrice ?? o.price;
  const risk = o.qty * Math.abs(entry - stop);
  return risk > l.maxRiskPerTrade * s.equity
    ? deny(
        'risk_per_trade',
        `the loss at the stop ${stop} would be ${pct(risk / s.equity)} of equity (limit ${pct(l.maxRiskPerTrade)})`,
      )
    : OK;
};

export const strategyCapCheck: RiskCheck = (o, s, l) => {
  if (o.strategy === undefined || isReducing(o, s)) return OK;
  const cap = l.strategyCaps[o.strategy];
  if (cap === undefined) return OK;
  const value = (s.strategyGross.get(o.strategy) ?? 0) + o.qty * o.price;
  return value > cap * s.equity
    ? deny('strategy_cap', `strategy ${o.strategy} would hold ${pct(value / s.equity)} of equity (cap ${pct(cap)})`)
    : OK;
};

/** Every check, in the order they run: the first denial is the answer. */
export const CHECKS: readonly RiskCheck[] = [
  killSwitchCheck, restrictedCheck, shortableCheck, dailyDrawdownCheck, consecutiveLossesCheck, tradesPerDayCheck,
  orderQtyCheck, orderNotionalCheck, priceCollarCheck, positionCheck, grossExposureCheck, shortExposureCheck,
  maxPositionsCheck, leverageCheck, riskPerTradeCheck, strategyCapCheck,
]; // prettier-ignore

export function checkOrder(o: RiskOrder, s: RiskState, l: RiskLimits): RiskDecision {
  for (const c of CHECKS) {
    const d = c(o, s, l);
    if (!d.ok) return d;
  }
  return OK;
}
