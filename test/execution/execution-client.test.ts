import type { Bar } from '../../src/core/bar.js';
import { BacktestClock } from '../../src/core/clock.js';
import { SimulatedExchange } from '../../src/execution/simulated-exchange.js';
import { executionClientContract } from '../contracts/execution-client.contract.js';
import { INSTRUMENTS, day } from './support.js';

executionClientContract('SimulatedExchange', async () => {
  const clock = new BacktestClock(day(0));
  // A cash account of 100,000 (1x): the contract's orders of one share fit, ten times the account does not.
  const ex = new SimulatedExchange({
    instrument: (s) => INSTRUMENTS.get(s),
    clock,
    priceRounding: 'none',
    buyingPower: { account: { equity: () => 100_000 }, leverage: 1 },
  });
  let i = 0;
  const bars = ex.barsOf('AAA');
  // The day before the first trade closes, so orders placed now work from the next bar on.
  const first: Bar = { symbol: 'AAA', ts: day(i), open: 100, high: 100, low: 100, close: 100, volume: 1e6 };
  bars.onBar(first);
  bars.onBarEnd(first);
  return {
    client: ex,
    symbol: 'AAA',
    price: 100,
    trade: async (price) => {
      const bar: Bar = { symbol: 'AAA', ts: day(++i), open: price, high: price, low: price, close: price, volume: 1e6 };
      clock.advanceTo(bar.ts);
      bars.onBar(bar);
      bars.onBarEnd(bar);
    },
    settle: async () => undefined,
    buyingPower: 100_000,
  };
});
