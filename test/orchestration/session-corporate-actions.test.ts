/**
 * A paper session's check before the open (session-open-check.ts) through runSession: a held
 * position through a 2-for-1 split, a resting limit order re-sent at half the price with double
 * the quantity, indicators and history with no price step, equity with no step; a symbol change
 * halts the symbol with its reason in the risk events and the restricted list.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Bar } from '../../src/core/bar.js';
import { BacktestClock } from '../../src/core/clock.js';
import { DataError } from '../../src/core/errors.js';
import { equity } from '../../src/core/instrument.js';
import type { CorporateAction } from '../../src/core/reference-data.js';
import { RUN_DEFAULTS, type RunConfig } from '../../src/config/run-config.js';
import { Sma } from '../../src/analytics/indicators/sma.js';
import type { FeedSink, LiveFeed } from '../../src/engine/ports.js';
import { SimulatedExchange } from '../../src/execution/simulated-exchange.js';
import { runSession } from '../../src/orchestration/session.js';
import { SessionFiles } from '../../src/orchestration/session-files.js';
import { sessionActions } from '../../src/orchestration/session-open-check.js';
import type { ReflectedActions } from '../../src/orchestration/corporate-action-open.js';
import { venueReflected } from '../../src/orchestration/session-adjustment.js';
import type { Strategy } from '../../src/strategies/api.js';
import { tempDir } from '../support/cli.js';
import { LedgerJournal } from '../../src/orchestration/ledger-journal.js';
import { createLedger } from '../../src/store/index.js';
import { DEFAULTS } from '../../src/config/schema.js';
import { runPaperJob } from '../../src/orchestration/paper-job.js';
import { sqliteBackend } from '../store/backends.js';

const MIN = 60_000;
const DAY1 = Date.UTC(2024, 0, 2, 14, 30);
const DAY2 = Date.UTC(2024, 0, 3, 14, 30);

const RUN: RunConfig = {
  ...RUN_DEFAULTS,
  data: { ...RUN_DEFAULTS.data, symbols: ['AAA'], timeframe: '1m' },
  venue: { ...RUN_DEFAULTS.venue, fees: 'none', slippage: 'none' },
};

/** Flat bars at `price` (high/low +-0.5): day 1 trades at 100, day 2 at 50, the same value after a 2-for-1 split. */
function bars(ts0: number, price: number, n: number): Bar[] {
  return Array.from({ length: n }, (_, i) => ({
    symbol: 'AAA',
    ts: ts0 + i * MIN,
    open: price,
    high: price + 0.5,
    low: price - 0.5,
    close: price,
    volume: 1_000,
  }));
}

/** A replay of day 1 then day 2, each bar closed as it is pushed. */
function replay(all: readonly Bar[]): LiveFeed {
  return {
    name: 'replay',
    symbols: ['AAA'],
    async run(sink: FeedSink) {
      for (const b of all) {
        sink.bar(b, b.ts + MIN);
        sink.closeThrough(b.ts + MIN);
      }
      return Promise.resolve();
    },
  };
}

interface Seen {
  qty: number;
  sma: number;
  prevClose: number;
}

/**
 * Buys 10 at market and rests a buy of 4 at limit 90 on its first bar; on day 2's first bar
 * records what it sees (position, SMA(3) of close, the previous close) and tries to buy 1.
 */
function holder(seen: Seen[]): Strategy {
  let sma: Sma;
  let n = 0;
  return {
    name: 'holder',
    init(ctx) {
      sma = ctx.indicator('AAA', new Sma(3));
    },
    onBar(ctx, bar) {
      if (n++ === 0) {
        ctx.buy('AAA', 10);
        ctx.buy('AAA', 4, { type: 'limit', limitPrice: 90, tif: 'gtc', clientOrderId: 'rest-1' });
      }
      if (bar.ts === DAY2) {
        seen.push({ qty: ctx.portfolio.qty('AAA'), sma: sma.value, prevClose: ctx.history('AAA').close(1) });
        ctx.buy('AAA', 1);
      }
    },
  };
}

function session(
  actions: readonly CorporateAction[],
  seen: Seen[],
  broadcast: string[] = [],
  o: { readonly day1?: number; readonly reflected?: ReflectedActions | undefined } = {},
) {
  const clock = new BacktestClock(DAY1);
  return runSession({
    runId: 'ca-session',
    run: RUN,
    strategy: holder(seen),
    params: {},
    instrument: (s) => equity(s),
    clock,
    feed: replay([...bars(DAY1, o.day1 ?? 100, 4), ...bars(DAY2, 50, 3)]),
    venue: ({ portfolio, symbols }) => {
      const ex = new SimulatedExchange({
        instrument: (s) => (symbols.includes(s) ? equity(s) : undefined),
        buyingPower: { account: { equity: () => portfolio.equity }, leverage: 2 },
        clock,
        timeframe: '1m',
      });
      return { execution: ex, market: ex };
    },
    corporateActions: actions,
    ...(o.reflected === undefined ? {} : { reflectedActions: o.reflected }),
    broadcast: {
      order: () => {},
      fill: () => {},
      equity: () => {},
      position: () => {},
      signal: () => {},
      risk: (_id, r) => void (r.reason !== undefined && broadcast.push(r.reason)),
    },
    files: new SessionFiles(tempDir('momentic-ca-session-'), '1m'),
    signal: new AbortController().signal,
  });
}

const action = (over: Partial<CorporateAction>): CorporateAction => ({
  symbol: 'AAA',
  type: 'split',
  exDate: '2024-01-03',
  ratio: Number.NaN,
  cashAmount: Number.NaN,
  newSymbol: '',
  recordDate: '',
  payDate: '',
  source: 'test',
  ...over,
});

describe('a paper session through a 2-for-1 split on day 2', () => {
  it('doubles the position, re-sends the resting limit at half price and double qty, no step in equity or indicators', async () => {
    const seen: Seen[] = [];
    const shown: string[] = [];
    const r = await session([action({ ratio: 2 })], seen, shown);
    expect(r.error).toBeUndefined();
    // The market buy of 10 filled on day 1 at 100 (flat bars); before day 2's first bar 10 x 2 = 20.
    // SMA(3) on split-adjusted history: day 1's closes 100 / 2 = 50, then day 2's 50: 50 (83.33 unadjusted).
    expect(seen).toEqual([{ qty: 20, sma: 50, prevClose: 50 }]);
    const orders = r.record.orders;
    const rest = orders.find((o) => o.clientOrderId === 'rest-1');
    const again = orders.find((o) => o.clientOrderId === 'rest-1-split');
    expect(rest?.status).toBe('cancelled');
    // 4 at 90 becomes 8 at 45; day 2's lows are 49.5, so it rests (the old 90 would have filled at 50).
    expect(again).toMatchObject({ qty: 8, limitPrice: 45, filledQty: 0 });
    expect(again?.status).not.toBe('filled');
    // Cash 1e5 - 10 x 100 = 99_000; day 1: 10 x 100; day 2: 20 x 50 until the buy of 1 at 50 (cash -50, +1 x 50).
    const eq = [...r.record.equity.column('equity')];
    expect(eq.length).toBe(7);
    for (const v of eq) expect(v).toBeCloseTo(RUN.venue.cash, 9);
    const events = r.risk.events.filter((e) => e.kind === 'corporate_action');
    expect(events.map((e) => e.reason)).toEqual([
      'split 2 of AAA: position 10 -> 20, 1 open order(s) sent again at prices / 2, indicators warmed again on split-adjusted history',
    ]);
    expect(shown).toEqual(events.map((e) => e.reason));
  });

  it('without the split listed the same session sees the step (the check is what removes it)', async () => {
    const seen: Seen[] = [];
    const r = await session([], seen);
    // SMA(3) = (100 + 100 + 50) / 3; the limit at 90 fills at day 2's open of 50 (10 + 4 held).
    expect(seen).toEqual([{ qty: 14, sma: 250 / 3, prevClose: 100 }]);
    // Equity drops 10 x (100 - 50) = 500 at day 2's first bar: the step the split check removes.
    const eq = r.record.equity.column('equity');
    expect((eq[3] as number) - (eq[4] as number)).toBeCloseTo(500, 9);
    expect(r.record.orders.find((o) => o.clientOrderId === 'rest-1')?.status).toBe('filled');
  });
});

describe('a session whose history is already split-adjusted (a venue’s adjusted warm-up, started on the ex-date)', () => {
  it('splits the position and the orders but does not rescale the history or the indicators again', async () => {
    const seen: Seen[] = [];
    // Day 1 arrives already split-adjusted (100 / 2 = 50), as Alpaca's history with adjustment: all.
    const reflected = venueReflected('all', '2024-01-03');
    const r = await session([action({ ratio: 2 })], seen, [], { day1: 50, reflected });
    expect(r.error).toBeUndefined();
    // The history stays at 50: SMA(3) 50 and the previous close 50 (rescaled again: 25 and 37.5).
    // The position of 10 came from a fill, in the shares before the split: 10 -> 20. (The limit at
    // 90 is 80% above day 1's 50: the price collar denies it, so no order rests.)
    expect(seen).toEqual([{ qty: 20, sma: 50, prevClose: 50 }]);
    expect(r.risk.events.filter((e) => e.kind === 'corporate_action').map((e) => e.reason)).toEqual([
      'split 2 of AAA: position 10 -> 20, 0 open order(s) sent again at prices / 2, history already split-adjusted (not rescaled again)',
    ]);
  });

  it('reads only the splits up to the start day as in the history, and none without adjustment', () => {
    const r = venueReflected('split', '2024-01-03');
    expect(r?.has(action({ ratio: 2 }))).toBe(true);
    expect(r?.has(action({ ratio: 2, exDate: '2024-01-04' }))).toBe(false);
    expect(r?.has(action({ type: 'dividend', cashAmount: 1 }))).toBe(false);
    expect(r?.traded).toBe(false);
    expect(venueReflected('raw', '2024-01-03')).toBeUndefined();
    expect(venueReflected('dividend', '2024-01-03')).toBeUndefined();
  });
});

describe('a paper session through a symbol change on day 2', () => {
  it('halts the symbol with the reason: restricted, the resting order cancelled, new buys denied', async () => {
    const seen: Seen[] = [];
    const r = await session([action({ type: 'symbol_change', newSymbol: 'AAB' })], seen);
    const reason =
      "AAA halted: AAA becomes AAB on 2024-01-03: trade it under the new symbol (update the session's symbols)";
    expect(r.risk.events.filter((e) => e.kind === 'corporate_action').map((e) => e.reason)).toEqual([reason]);
    expect(r.risk.config.restricted).toContain('AAA');
    expect(r.record.orders.find((o) => o.clientOrderId === 'rest-1')?.status).toBe('cancelled');
    // The position is left alone (10, no split) and day 2's buy of 1 is denied by the restricted list.
    expect(seen).toEqual([{ qty: 10, sma: 250 / 3, prevClose: 100 }]);
    expect(r.risk.events.some((e) => e.kind === 'denied' && e.symbol === 'AAA')).toBe(true);
  });
});

describe('sessionActions: the workspace file', () => {
  it('none without the file; a bad row of a traded symbol names the file and line', () => {
    const home = tempDir('momentic-ca-home-');
    expect(sessionActions(home, ['AAA'])).toBeUndefined();
    mkdirSync(join(home, 'data', 'reference'), { recursive: true });
    const file = join(home, 'data', 'reference', 'corporate-actions.csv');
    writeFileSync(
      file,
      'symbol,type,ex_date,ratio,cash_amount,new_symbol,record_date,pay_date,source\n' +
        'AAA,split,2024-01-03,2,,,,,test\nBBB,split,2024-01-03,2,,,,,test\nAAA,split,2024-13-01,2,,,,,test\n',
    );
    expect(() => sessionActions(home, ['AAA'])).toThrow(DataError);
    expect(() => sessionActions(home, ['AAA'])).toThrow(/corporate-actions\.csv:4: /);
    // The bad row is of AAA: a session of BBB only reads its own action.
    expect(sessionActions(home, ['BBB'])?.map((a) => a.symbol)).toEqual(['BBB']);
  });
});

describe('the journal of a session with a corporate action', () => {
  it('writes each decision to the audit log (actor session), not as a risk event', async () => {
    const backend = sqliteBackend();
    const db = await backend.fresh();
    const ledger = await createLedger(db.config, db.home);
    try {
      await ledger.startRun({ id: 'ca-run', kind: 'paper', strategy: 'holder', params: {}, spec: {}, startedAt: DAY1 });
      const journal = new LedgerJournal(ledger, 'ca-run');
      const reason = 'AAA halted: AAA becomes AAB on 2024-01-03';
      journal.riskEvent({ ts: DAY2, kind: 'corporate_action', symbol: 'AAA', reason });
      await journal.drained();
      const audit = await ledger.auditLog(10);
      expect(audit).toEqual([
        expect.objectContaining({
          ts: DAY2,
          actor: 'session',
          action: 'corporate_action',
          subject: 'AAA',
          detail: { run_id: 'ca-run', reason },
        }),
      ]);
    } finally {
      await ledger.close();
      await backend.cleanup();
    }
  });
});

describe('runPaperJob reads the workspace file', () => {
  const RUN_FILE = 'strategy: sma-cross\nparams: { fast: 1, slow: 2, qty: 10 }\nsymbols: [AAA]\ntimeframe: 1m\n';

  async function paperJob(csv: string | undefined) {
    const home = tempDir('momentic-ca-job-');
    const runFile = join(home, 'run.yaml');
    writeFileSync(runFile, RUN_FILE);
    if (csv !== undefined) {
      mkdirSync(join(home, 'data', 'reference'), { recursive: true });
      writeFileSync(join(home, 'data', 'reference', 'corporate-actions.csv'), csv);
    }
    const result = await runPaperJob({
      home,
      config: DEFAULTS,
      cwd: home,
      flags: { configFile: runFile },
      signals: false,
      venueFeed: () => replay([...bars(DAY1, 100, 4), ...bars(DAY2, 50, 3)]),
    });
    const ledger = await createLedger(DEFAULTS, home);
    try {
      return { result, audit: await ledger.auditLog(10) };
    } finally {
      await ledger.close();
    }
  }

  it('a symbol change on day 2 halts AAA: the audit log names it and why', async () => {
    const { result, audit } = await paperJob(
      'symbol,type,ex_date,ratio,cash_amount,new_symbol,record_date,pay_date,source\n' +
        'AAA,symbol_change,2024-01-03,,,AAB,,,test\n',
    );
    expect(result.bars).toBe(7);
    expect(audit.filter((a) => a.action === 'corporate_action')).toEqual([
      expect.objectContaining({
        ts: DAY2,
        actor: 'session',
        subject: 'AAA',
        detail: {
          run_id: result.sessionId,
          reason:
            "AAA halted: AAA becomes AAB on 2024-01-03: trade it under the new symbol (update the session's symbols)",
        },
      }),
    ]);
  });

  it('without the file the session runs as before and audits nothing', async () => {
    const { result, audit } = await paperJob(undefined);
    expect(result.bars).toBe(7);
    expect(audit.filter((a) => a.action === 'corporate_action')).toEqual([]);
  });
});
