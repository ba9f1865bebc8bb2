import type { Config } from '../config/schema.js';
import type { KillSwitchOptions } from './kill-switch.js';
import type { RiskLimits } from './types.js';

/** The limits in force from the `risk:` config section (config/base.yaml documents each key). */
export function limitsFromConfig(risk: Config['risk']): RiskLimits {
  return {
    maxDailyDrawdown: risk.max_daily_drawdown,
    maxRiskPerTrade: risk.max_risk_per_trade,
    maxPosition: risk.max_position,
    maxGrossIntraday: risk.max_gross_intraday,
    maxGrossSwing: risk.max_gross_swing,
    maxShortOfGross: risk.max_short_of_gross,
    maxPositions: risk.max_positions,
    pauseAfterLosses: risk.pause_after_losses,
    maxTradesPerDay: risk.max_trades_per_day,
    maxOrderNotional: risk.max_order_notional,
    priceCollar: risk.price_collar,
    maxOrderQty: risk.max_order_qty,
    maxLeverage: risk.max_leverage,
    restricted: risk.restricted,
    symbolCaps: risk.symbol_caps,
    strategyCaps: risk.strategy_caps,
  };
}

export function killSwitchFromConfig(risk: Config['risk']): KillSwitchOptions {
  return { maxVenueErrors: risk.kill_switch.max_venue_errors, staleDataMs: risk.kill_switch.stale_data_seconds * 1000 };
}

/** One line per limit, for `momentic risk show`: [key, value, meaning]. */
export function describeLimits(risk: Config['risk']): [string, string, string][] {
  const pct = (x: number): string => `${+(x * 100).toFixed(4)}%`;
  const caps = (r: Readonly<Record<string, number>>): string =>
    Object.keys(r).length === 0
      ? 'none'
      : Object.entries(r)
          .map(([k, v]) => `${k} ${pct(v)}`)
          .join(', ');
  return [
    [
      'max_daily_drawdown',
      pct(risk.max_daily_drawdown),
      "below the day's equity high: new exposure denied, kill switch HALTED",
    ],
    ['max_risk_per_trade', pct(risk.max_risk_per_trade), 'loss at the stop of an order with a stop, of equity'],
    ['max_position', pct(risk.max_position), 'market value of one position, of equity'],
    ['max_gross_intraday', pct(risk.max_gross_intraday), 'gross exposure of intraday books, of equity'],
    ['max_gross_swing', pct(risk.max_gross_swing), 'gross exposure of daily (swing) books, of equity'],
    ['max_short_of_gross', pct(risk.max_short_of_gross), 'short market value, of gross exposure'],
    ['max_positions', String(risk.max_positions), 'open positions'],
    [
      'pause_after_losses',
      String(risk.pause_after_losses),
      'consecutive losing trades before new exposure pauses for the day',
    ],
    ['max_trades_per_day', String(risk.max_trades_per_day), 'orders a day (exits always pass)'],
    ['max_order_notional', String(risk.max_order_notional), 'notional of one order (fat finger)'],
    ['max_order_qty', String(risk.max_order_qty), 'units of one order (fat finger)'],
    ['price_collar', pct(risk.price_collar), 'limit and stop prices around the last price'],
    ['max_leverage', `${risk.max_leverage}x`, 'gross exposure over equity'],
    ['restricted', risk.restricted.length === 0 ? 'none' : risk.restricted.join(', '), 'symbols never traded'],
    ['symbol_caps', caps(risk.symbol_caps), 'per-symbol position caps'],
    ['strategy_caps', caps(risk.strategy_caps), 'per-strategy gross caps'],
    [
      'kill_switch.max_venue_errors',
      String(risk.kill_switch.max_venue_errors),
      'consecutive venue errors that halt trading',
    ],
    [
      'kill_switch.stale_data_seconds',
      String(risk.kill_switch.stale_data_seconds),
      'data older than this: REDUCING (exits only)',
    ],
  ];
}
