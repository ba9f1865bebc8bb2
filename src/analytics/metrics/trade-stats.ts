import { mean, sampleStd } from './return-stats.js';

/**
 * Statistics of closed round trips (docs/metrics.md). P&L is net of fees, in the account
 * currency; a zero-P&L trade counts as a trade but is neither a win nor a loss.
 */

export const TRADE_STAT_KEYS = [
  'hit_rate',
  'avg_win',
  'avg_loss',
  'win_loss_ratio',
  'profit_factor',
  'expectancy',
  'sqn',
  'avg_bars_held',
] as const;
export type TradeStatKey = (typeof TRADE_STAT_KEYS)[number];

export interface TradeStats {
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  /** NaN where undefined; `reasons` says why. */
  readonly values: Readonly<Record<TradeStatKey, number>>;
  readonly reasons: Readonly<Partial<Record<TradeStatKey, string>>>;
}

/**
 * - hit_rate: wins / trades
 * - avg_win: mean P&L of the winners (> 0); avg_loss: mean P&L of the losers (< 0, so negative)
 * - win_loss_ratio: avg_win / |avg_loss|; profit_factor: gross won / gross lost
 * - expectancy: mean P&L per trade
 * - sqn: √trades · mean(P&L) / std(P&L, ddof = 1) (Van Tharp's system quality number on P&L,
 *   as backtesting.py computes it)
 * - avg_bars_held: mean bars held, when `barsHeld` is given
 * A non-finite P&L makes every statistic NaN with the trade named.
 */
export function tradeStats(pnl: ArrayLike<number>, barsHeld?: ArrayLike<number>): TradeStats {
  const n = pnl.length;
  let wins = 0;
  let losses = 0;
  let won = 0;
  let lost = 0;
  let bad = -1;
  for (let i = 0; i < n; i++) {
    const p = pnl[i]!;
    if (!Number.isFinite(p) && bad < 0) bad = i;
    if (p > 0) {
      wins++;
      won += p;
    } else if (p < 0) {
      losses++;
      lost -= p;
    }
  }
  const values = {} as Record<TradeStatKey, number>;
  const reasons: Partial<Record<TradeStatKey, string>> = {};
  const put = (key: TradeStatKey, value: number, reason: string): void => {
    values[key] = bad >= 0 ? NaN : value;
    if (!Number.isFinite(values[key]))
      reasons[key] = bad >= 0 ? `closed trade ${bad + 1} has a non-finite pnl` : reason;
  };
  const none = 'no closed trades';
  put('hit_rate', n > 0 ? wins / n : NaN, none);
  put('avg_win', wins > 0 ? won / wins : NaN, n === 0 ? none : 'no winning trades');
  put('avg_loss', losses > 0 ? -lost / losses : NaN, n === 0 ? none : 'no losing trades');
  put(
    'win_loss_ratio',
    wins > 0 && losses > 0 ? won / wins / (lost / losses) : NaN,
    n === 0 ? none : wins === 0 ? 'no winning trades' : 'no losing trades',
  );
  put('profit_factor', n > 0 && losses > 0 ? won / lost : NaN, n === 0 ? none : 'no losing trades');
  put('expectancy', mean(pnl), none);
  const sd = sampleStd(pnl);
  put(
    'sqn',
    sd > 0 ? (Math.sqrt(n) * mean(pnl)) / sd : NaN,
    n === 0 ? none : n === 1 ? 'needs at least 2 closed trades' : 'trade P&L has zero variance',
  );
  put('avg_bars_held', barsHeld === undefined ? NaN : mean(barsHeld), n === 0 ? none : 'bars held not recorded');
  return { trades: n, wins, losses, values, reasons };
}
