/**
 * A replay at max speed gives its backtest's orders whatever the warm-ups: the run's `warmup`,
 * the strategy's declared one (`ctx.warmUp`) and `live.warmup_bars` (how much history a venue's
 * feed fetches before a live session). The backtest holds orders for the engine's warm-up (the
 * run's or the strategy's, the larger) and no longer; a replayed file must hold the same bars,
 * not its first `live.warmup_bars` rows.
 */
import { describe, expect, it } from 'vitest';
import { BarSeries, type Bar } from '../../src/core/bar.js';
import { equity } from '../../src/core/instrument.js';
import { RUN_DEFAULTS, type RunConfig } from '../../src/config/run-config.js';
import { ordersCsv } from '../../src/backtest/results-files.js';
import { runConfigured } from '../../src/orchestration/configured-run.js';
import { simulatedExchange } from '../../src/orchestration/paper-venue.js';
import { resolveStrategy } from '../../src/orchestration/node.js';
import { ReplayClock } from '../../src/orchestration/replay-clock.js';
import { ReplayFeed } from '../../src/orchestration/replay-feed.js';
import { runSession } from '../../src/orchestration/session.js';
import { SessionFiles } from '../../src/orchestration/session-files.js';
import { tempDir } from '../support/cli.js';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);
const BARS = 120;

/** A close swinging 5 around 100 with an 8-bar period: the averages cross every few bars. */
function bar(i: number): Bar {
  const c = 100 + 5 * Math.sin((i * 2 * Math.PI) / 8);
  return { symbol: 'AAA', ts: T0 + i * MIN, open: c, high: c + 1, low: c - 1, close: c, volume: 1_000 };
}
const series = BarSeries.fromBars(
  'AAA',
  Array.from({ length: BARS }, (_, i) => bar(i)),
);

function run(warmup: number | null, warmupBars: number): RunConfig {
  return {
    ...RUN_DEFAULTS,
    // SMA(2) over SMA(6): the strategy declares a warm-up of its own (its slowest feature's).
    strategy: { name: 'sma-cross', params: { fast: 2, slow: 6, allowShort: true, qty: 10 } },
    data: { ...RUN_DEFAULTS.data, symbols: ['AAA'], timeframe: '1m' },
    venue: { ...RUN_DEFAULTS.venue, fees: 'none', slippage: 'none' },
    risk: { ...RUN_DEFAULTS.risk, enabled: true },
    live: { ...RUN_DEFAULTS.live, warmup_bars: warmupBars },
    warmup,
  };
}

async function both(r: RunConfig): Promise<{ backtest: string; paper: string; firstOrderBar: number }> {
  const instrument = (s: string) => equity(s, { calendar: '24/7' });
  const backtest = runConfigured(r, { series: [series], instrument }, { runId: 'same-run' }).record;
  const feed = new ReplayFeed({ series, timeframe: '1m', speed: 'max', warmupBars: r.live.warmup_bars });
  const clock = new ReplayClock(feed.firstTs, 'max');
  const { strategy, params } = resolveStrategy(r.strategy.name, r.strategy.params);
  const paper = await runSession({
    runId: 'same-run',
    run: r,
    strategy,
    params,
    instrument,
    clock,
    feed,
    venue: ({ portfolio, symbols }) => {
      const ex = simulatedExchange(r, clock, instrument, symbols, () => portfolio.equity);
      return { execution: ex, market: ex };
    },
    files: new SessionFiles(tempDir('momentic-replay-warmup-'), '1m'),
    signal: new AbortController().signal,
  });
  const text = (lines: Iterable<string>): string => [...lines].join('');
  // Orders the warm-up denied are recorded too (never sent): the first one sent is the one that counts.
  const first = backtest.orders.find((o) => o.status !== 'rejected');
  return {
    backtest: text(ordersCsv('1m', backtest.orders)),
    paper: text(ordersCsv('1m', paper.record.orders)),
    firstOrderBar: first === undefined ? -1 : Math.floor((first.createdAt - T0) / MIN),
  };
}

describe('a replay holds the bars its backtest holds, whatever the warm-ups', () => {
  it('the strategy declares more warm-up than the run (none), live.warmup_bars more than both', async () => {
    const r = await both(run(null, 40));
    // The backtest trades before bar 40: a replay holding its first 40 rows would miss those orders.
    expect(r.firstOrderBar).toBeGreaterThanOrEqual(0);
    expect(r.firstOrderBar).toBeLessThan(40);
    expect(r.backtest.split('\n').length).toBeGreaterThan(10);
    expect(r.paper).toBe(r.backtest);
  });

  it("the run's warmup (10) longer than the strategy's, live.warmup_bars longer still", async () => {
    const r = await both(run(10, 40));
    expect(r.firstOrderBar).toBeGreaterThanOrEqual(10);
    expect(r.firstOrderBar).toBeLessThan(40);
    expect(r.paper).toBe(r.backtest);
  });

  it('live.warmup_bars (5) shorter than the warm-up (30): the warm-up holds in both', async () => {
    const r = await both(run(30, 5));
    expect(r.firstOrderBar).toBeGreaterThanOrEqual(30);
    expect(r.paper).toBe(r.backtest);
  });
});
