/**
 * The node's side of the admin commands, on a real session (runSession with the simulated
 * exchange, a scripted feed and the session's own clock): each command applied between bars
 * through the session's controls, and what the book, the orders and the kill switch then do.
 */
import { describe, expect, it } from 'vitest';
import { BacktestClock } from '../../../src/core/clock.js';
import type { Bar } from '../../../src/core/bar.js';
import { equity } from '../../../src/core/instrument.js';
import type { OrderRecord } from '../../../src/engine/ports.js';
import { RUN_DEFAULTS, type RunConfig } from '../../../src/config/run-config.js';
import type { FeedSink, LiveFeed } from '../../../src/engine/ports.js';
import { SimulatedExchange } from '../../../src/execution/simulated-exchange.js';
import { applyCommand, type CommandOutcome } from '../../../src/orchestration/admin/apply-command.js';
import type { NodeControls } from '../../../src/orchestration/admin/session-controls.js';
import { runSession, type SessionResult } from '../../../src/orchestration/session.js';
import { SessionFiles } from '../../../src/orchestration/session-files.js';
import type { Strategy } from '../../../src/strategies/api.js';
import type { AdminCommand } from '../../../src/store/admin-types.js';
import { tempDir } from '../../support/cli.js';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);

/** Bar i opens at 100 + i and closes at 100.5 + i; its low (99 + i) never reaches a limit 5 under the previous close. */
function bar(i: number): Bar {
  const o = 100 + i;
  return { symbol: 'AAA', ts: T0 + i * MIN, open: o, high: o + 1, low: o - 1, close: o + 0.5, volume: 1_000 };
}

/**
 * Buys 10 at market on its first bar; on every bar cancels its resting limit buy and rests a new
 * one 5 under the close: a position and an open order all along, and one new order per bar.
 */
function probe(rejections: string[]): Strategy {
  let entered = false;
  return {
    name: 'probe',
    onBar(ctx, b) {
      if (!entered) {
        entered = true;
        ctx.buy('AAA', 10);
      }
      for (const o of ctx.openOrders('AAA')) if (o.type === 'limit') ctx.cancel(o.clientOrderId);
      ctx.buy('AAA', 1, { type: 'limit', limitPrice: b.close - 5 });
    },
    onOrderRejected(_ctx, r) {
      rejections.push(r.reason);
    },
  };
}

type Step = number | ((node: NodeControls, clock: BacktestClock) => void);

let seq = 0;
/** A command as the ledger hands it to the node. */
function cmd(action: string, args: string[] = [], reason?: string): AdminCommand {
  return {
    id: ++seq,
    runId: 'test-session',
    action,
    args,
    actor: 'ops@desk',
    ...(reason === undefined ? {} : { reason }),
    issuedAt: 0,
    expiresAt: Number.MAX_SAFE_INTEGER,
    status: 'pending',
  };
}

interface Run {
  readonly result: SessionResult;
  readonly rejections: string[];
  /** Open orders of the session after the last step. */
  readonly openAtEnd: number;
}

/** Runs the session over `steps`: a number delivers that bar (stepped at once), a function acts on the controls. */
async function script(steps: readonly Step[]): Promise<Run> {
  const rejections: string[] = [];
  let node: NodeControls | undefined;
  let openAtEnd = NaN;
  const clock = new BacktestClock(T0);
  const feed: LiveFeed = {
    name: 'script',
    symbols: ['AAA'],
    async run(sink: FeedSink) {
      for (const s of steps) {
        if (typeof s === 'number') {
          sink.bar(bar(s), Date.now());
          sink.closeThrough(bar(s).ts + MIN);
        } else s(node as NodeControls, clock);
      }
      openAtEnd = (node as NodeControls).openOrders();
    },
  };
  const run: RunConfig = {
    ...RUN_DEFAULTS,
    strategy: { name: 'probe', params: {} },
    data: { ...RUN_DEFAULTS.data, symbols: ['AAA'], timeframe: '1m' },
    venue: { ...RUN_DEFAULTS.venue, fees: 'none', slippage: 'none' },
  };
  const result = await runSession({
    runId: 'test-session',
    run,
    strategy: probe(rejections),
    params: {},
    instrument: (s) => equity(s),
    clock,
    feed,
    venue: ({ portfolio, symbols }) => {
      const ex = new SimulatedExchange({
        instrument: (s) => (symbols.includes(s) ? equity(s) : undefined),
        buyingPower: { account: { equity: () => portfolio.equity }, leverage: 2 },
        clock,
        timeframe: '1m',
      });
      return { execution: ex, market: ex };
    },
    files: new SessionFiles(tempDir('momentic-admin-session-'), '1m'),
    signal: new AbortController().signal,
    control: (n) => {
      node = n;
      return () => undefined;
    },
  });
  return { result, rejections, openAtEnd };
}

/** Applies a command between bars, keeping its outcome. */
const apply =
  (outcomes: CommandOutcome[], c: AdminCommand): Step =>
  (node) =>
    outcomes.push(applyCommand(node, c));

/** The book's quantity after the session: the sum of its fills. */
const held = (r: SessionResult): number =>
  (r.record.fills ?? []).reduce((q, f) => q + (f.side === 'buy' ? f.qty : -f.qty), 0);

const tagged = (r: SessionResult, tag: string): OrderRecord[] => r.record.orders.filter((o) => o.tag === tag);

describe('admin commands on a running session', () => {
  it('halt then flatten: the closing order passes the HALTED kill switch; after the next bar nothing is held or open', async () => {
    const out: CommandOutcome[] = [];
    const r = await script([0, 1, apply(out, cmd('halt', [], 'drill')), apply(out, cmd('flatten', [], 'drill')), 2]);
    expect(out.map((o) => o.status)).toEqual(['done', 'done']);
    expect(out[0]?.message).toBe(
      'kill switch ACTIVE -> HALTED: no new orders; positions are flattened at the next bar',
    );
    // The position of 10 bought at bar 1's open, closed at bar 2's open by the operator's order.
    const [close] = tagged(r.result, 'admin-flatten');
    expect(close).toMatchObject({ side: 'sell', qty: 10, status: 'filled', avgFillPrice: 102 });
    expect(out[1]?.detail).toMatchObject({ orders: [close?.clientOrderId], refused: [] });
    expect((out[1]?.detail?.cancelled as string[]).length).toBe(1);
    expect(held(r.result)).toBe(0);
    expect(r.openAtEnd).toBe(0);
    // The halt's own flatten was this one: no second closing order.
    expect(tagged(r.result, 'kill-switch')).toEqual([]);
    // The strategy's order at bar 2 met the HALTED kill switch.
    expect(r.rejections).toEqual(['risk kill_switch: the kill switch is HALTED: no orders until it is reset']);
    expect(r.result.risk.manager.killSwitch.history.map((t) => t.reason)).toEqual([
      'halted by ops@desk (admin halt): drill',
    ]);
  });

  it("a command in the middle of a bar: the operator's closing order stands, the halt's flatten at that bar does not replace it", async () => {
    const out: CommandOutcome[] = [];
    const r = await script([
      0,
      1,
      // Half a minute into bar 2: it opened before the order, which fills at bar 3's open.
      (_node, clock) => clock.advanceTo(bar(2).ts + 30_000),
      apply(out, cmd('halt', [], 'drill')),
      apply(out, cmd('flatten', [], 'drill')),
      2,
      3,
    ]);
    expect(tagged(r.result, 'admin-flatten')).toMatchObject([{ qty: 10, status: 'filled', avgFillPrice: 103 }]);
    expect(tagged(r.result, 'kill-switch')).toEqual([]);
    expect(held(r.result)).toBe(0);
  });

  it("a halt alone flattens at the next bar with the kill switch's orders, even while the strategy is paused", async () => {
    const out: CommandOutcome[] = [];
    const r = await script([0, 1, apply(out, cmd('pause', ['probe'])), apply(out, cmd('halt', [], 'drill')), 2, 3]);
    const [close] = tagged(r.result, 'kill-switch');
    expect(close).toMatchObject({ side: 'sell', qty: 10, status: 'filled' });
    expect(held(r.result)).toBe(0);
  });

  it("pause holds the strategy's new orders with the operator's words; unpause lets them out again", async () => {
    const out: CommandOutcome[] = [];
    const r = await script([
      0,
      1,
      apply(out, cmd('pause', ['probe'], 'lunch')),
      2,
      3,
      apply(out, cmd('unpause', ['probe'])),
      4,
    ]);
    expect(out.map((o) => o.message)).toEqual([
      'strategy probe paused: its new orders are held until unpause',
      'strategy probe unpaused: its orders go out again',
    ]);
    expect(r.rejections).toEqual([
      'paused by ops@desk (admin pause): lunch',
      'paused by ops@desk (admin pause): lunch',
    ]);
    // Limit orders reached the venue at bars 0, 1 and 4: none while paused.
    const limits = r.result.record.orders.filter((o) => o.type === 'limit' && o.status !== 'rejected');
    expect(limits.map((o) => o.createdAt)).toEqual([bar(1).ts, bar(2).ts, bar(5).ts]);
  });

  it('pause of a strategy the node does not run is refused, naming the one it runs', async () => {
    const out: CommandOutcome[] = [];
    await script([0, apply(out, cmd('pause', ['other']))]);
    expect(out).toEqual([
      {
        status: 'refused',
        message: 'strategy other does not run on this node; it runs probe',
        detail: { running: ['probe'] },
      },
    ]);
  });

  it('set-limit puts the new limit in force from the next order on', async () => {
    const out: CommandOutcome[] = [];
    const r = await script([0, 1, apply(out, cmd('set-limit', ['max_order_qty', '0.5'], 'tighten')), 2]);
    expect(out[0]).toEqual({
      status: 'done',
      message: 'max_order_qty: 1000000 -> 0.5 from the next order on',
      detail: { key: 'max_order_qty', from: 1_000_000, to: 0.5 },
    });
    expect(r.result.risk.config.max_order_qty).toBe(0.5);
    expect(r.result.risk.manager.limits.maxOrderQty).toBe(0.5);
    expect(r.rejections).toEqual(['risk order_qty: 1 units is over the fat-finger limit of 0.5 per order']);
  });

  it('reduce lets only reducing orders through; resume after a halt, before its flatten ran, calls the flatten off', async () => {
    const out: CommandOutcome[] = [];
    const r = await script([
      0,
      1,
      apply(out, cmd('reduce')),
      2,
      apply(out, cmd('halt', [], 'mistake')),
      apply(out, cmd('resume', [], 'it was a mistake')),
      3,
    ]);
    expect(out.map((o) => o.message)).toEqual([
      'kill switch ACTIVE -> REDUCING: only orders that reduce a position pass',
      'kill switch REDUCING -> HALTED: no new orders; positions are flattened at the next bar',
      'kill switch HALTED -> ACTIVE: trading as the limits allow',
    ]);
    expect(r.rejections).toEqual([
      'risk kill_switch: the kill switch is REDUCING: only orders that reduce a position pass',
    ]);
    expect(tagged(r.result, 'kill-switch')).toEqual([]);
    expect(held(r.result)).toBe(10);
  });

  it('cancel-all cancels every open order', async () => {
    const out: CommandOutcome[] = [];
    const r = await script([0, 1, apply(out, cmd('cancel-all'))]);
    const cancelled = out[0]?.detail?.cancelled as string[];
    expect(cancelled).toHaveLength(1);
    expect(r.result.record.orders.find((o) => o.clientOrderId === cancelled[0])).toMatchObject({
      type: 'limit',
      status: 'cancelled',
    });
    expect(r.openAtEnd).toBe(0);
  });
});
