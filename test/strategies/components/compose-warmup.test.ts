import { describe, expect, it } from 'vitest';
import { composeStrategy } from '../../../src/strategies/components/compose.js';
import { returns } from '../../../src/strategies/components/features.js';
import { momentum } from '../../../src/strategies/components/signals.js';
import { fixedUnits } from '../../../src/strategies/components/sizers.js';
import { runBacktest } from '../../../src/orchestration/node.js';
import { flat } from '../../backtest/support.js';

describe('composeStrategy warm-up', () => {
  it('lets the first bar with every feature ready trade (a warm-up counts that bar)', () => {
    // returns(2) = close[0] / close[2] - 1 is first defined at bar 2 (12 / 10 - 1 > 0): a long
    // signal there must reach the venue, filled at bar 3's open (13). Its warm-up is 3 bars (an
    // indicator's convention: ready at bar `warmup`), so the default gate is bars 0 and 1 only.
    const s = flat('AAA', [10, 11, 12, 13, 14]);
    const strategy = composeStrategy({
      name: 'probe',
      features: { m: returns(2) },
      signal: momentum('m'),
      sizer: fixedUnits(1),
    });
    const rec = runBacktest({ strategy, series: [s], runId: 't', priceRounding: 'none' });
    expect(rec.orders.map((o) => [o.status, s.indexAtOrBefore(o.createdAt)])).toEqual([['filled', 2]]);
    expect(rec.trades[0]?.entryPrice).toBe(13);
  });
});
