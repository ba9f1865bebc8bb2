import { parseFees, parseSlippage } from '../backtest/costs.js';
import type { RunConfig } from '../config/run-config.js';
import type { Instrument } from '../core/instrument.js';
import type { EngineClock } from '../engine/ports.js';
import { fixedLatency, NO_LATENCY } from '../execution/latency.js';
import { SimulatedExchange } from '../execution/simulated-exchange.js';

/**
 * The exchange of a paper session: the backtest's SimulatedExchange with the run's venue models
 * (fees, slippage, fill timing, latency, participation, price rounding, buying power), built from
 * the same RunConfig keys as a backtest's (configured-run.ts), so a session and its backtest fill
 * alike.
 */
export function simulatedExchange(
  spec: RunConfig,
  clock: EngineClock,
  instrument: (symbol: string) => Instrument,
  symbols: readonly string[],
  equity: () => number,
  positions?: Readonly<Record<string, number>>,
): SimulatedExchange {
  const v = spec.venue;
  return new SimulatedExchange({
    instrument: (s) => (symbols.includes(s) ? instrument(s) : undefined),
    buyingPower: { account: { equity }, leverage: v.max_leverage },
    clock,
    fill: v.fill,
    fees: parseFees(v.fees, { key: 'venue.fees' }),
    slippage: parseSlippage(v.slippage, { key: 'venue.slippage' }),
    latency: v.latency_ms === 0 ? NO_LATENCY : fixedLatency(v.latency_ms),
    timeframe: spec.data.timeframe,
    ...(v.participation === null ? {} : { participation: v.participation }),
    priceRounding: v.price_rounding,
    ...(positions === undefined ? {} : { positions }),
  });
}
