/**
 * A `momentic serve` started after a session: its snapshots start from the session's state, not
 * from its next message. From the running publishers' state in the real Redis (127.0.0.1:6379,
 * a prefix per test) when the feed crosses processes, else from the ledger's latest running
 * session (its orders, fills, positions and equity, against values derived by hand here).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULTS, type Config } from '../../src/config/schema.js';
import { createApiToken } from '../../src/server/auth/token-admin.js';
import type { WsChannel, WsPayload } from '../../src/server/ws/protocol.js';
import { RedisFeedPublisher, stateKey } from '../../src/server/ws/redis-feed.js';
import { startService, type RunningService } from '../../src/server/serve.js';
import { createLedger } from '../../src/store/ledger.js';
import { tempDir } from '../support/cli.js';
import { FeedClient } from './ws-client.js';

const REDIS = process.env.MOMENTIC_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const T0 = Date.parse('2026-01-06T14:30:00Z');
const at = (min: number): string => new Date(T0 + min * 60_000).toISOString();

async function viewerToken(config: Config, home: string): Promise<string> {
  const ledger = await createLedger(config, home);
  try {
    return (await createApiToken(ledger, { name: 'seed test', role: 'viewer', actor: 'test', now: Date.now() })).token;
  } finally {
    await ledger.close();
  }
}

/** Subscribes and returns each channel's snapshot items. */
async function snapshots(
  service: RunningService,
  token: string,
  channels: WsChannel[],
): Promise<{ client: FeedClient; items: Partial<Record<WsChannel, unknown[]>> }> {
  const client = new FeedClient(`${service.url.replace('http', 'ws')}/ws`, { authorization: `Bearer ${token}` });
  await client.opened;
  client.send({ type: 'subscribe', channels });
  await client.until(() => client.ofType('snapshot').length === channels.length, 'the snapshots');
  const items: Partial<Record<WsChannel, unknown[]>> = {};
  for (const s of client.ofType('snapshot')) items[s.channel] = s.items;
  return { client, items };
}

const closers: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of closers.reverse()) await c();
});

describe('seeding from Redis', () => {
  it("a server started after two sessions shows both sessions' last state, then their next messages", async () => {
    const prefix = `momentic-test:${randomUUID()}:feed:`;
    const a = await RedisFeedPublisher.open(REDIS, { prefix });
    const b = await RedisFeedPublisher.open(REDIS, { prefix });
    const raw = new Redis(REDIS);
    closers.push(() => raw.disconnect());
    const pos = (run: string, symbol: string, qty: number, price: number): WsPayload<'positions'> => ({
      run_id: run,
      symbol,
      qty,
      avg_price: price,
      market_value: qty * price,
      unrealized_pnl: 0,
    });
    // Session A buys AAPL, then MSFT, then sells AAPL flat; session B holds TSLA.
    a.publish('positions', pos('run-a', 'AAPL', 10, 100));
    a.publish('positions', pos('run-a', 'MSFT', 5, 300));
    a.publish('positions', pos('run-a', 'AAPL', 0, 100));
    a.publish('risk', { run_id: 'run-a', state: 'REDUCING', reason: 'drawdown', paused: false, time: at(2) });
    b.publish('positions', pos('run-b', 'TSLA', -3, 200));
    for (let i = 0; i < 3; i++) {
      a.publish('equity', {
        run_id: 'run-a',
        time: at(i * 2),
        equity: 1000 + i,
        cash: 500,
        drawdown: 0,
        gross_exposure: 0.5,
        net_exposure: 0.5,
      });
      b.publish('equity', {
        run_id: 'run-b',
        time: at(i * 2 + 1),
        equity: 2000 + i,
        cash: 900,
        drawdown: 0,
        gross_exposure: 0.3,
        net_exposure: -0.3,
      });
    }
    const written = async () => (await raw.hkeys(stateKey(prefix, a.origin))).length > 0;
    for (let t0 = Date.now(); !(await written());) {
      if (Date.now() - t0 > 5_000) throw new Error('state never written');
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 400));
    expect(await raw.pttl(stateKey(prefix, a.origin))).toBeGreaterThan(60_000);

    const home = tempDir('momentic-seed-redis-');
    mkdirSync(join(home, 'state'), { recursive: true });
    const config: Config = { ...DEFAULTS, redis: { ...DEFAULTS.redis, url: REDIS } };
    const token = await viewerToken(config, home);
    const service = await startService({ home, config, port: 0, version: 'test', feedPrefix: prefix });
    closers.push(() => service.close());
    const { client, items } = await snapshots(service, token, ['positions', 'equity', 'risk']);
    closers.push(() => client.close());
    // Flat AAPL is gone; the other two positions of two sessions remain.
    // (Positions carry no time: the sessions' come in no set order.)
    const byRun = [...(items.positions as WsPayload<'positions'>[])].sort((x, y) => x.run_id.localeCompare(y.run_id));
    expect(byRun).toEqual([pos('run-a', 'MSFT', 5, 300), pos('run-b', 'TSLA', -3, 200)]);
    // Both sessions' points, in time order.
    expect((items.equity as WsPayload<'equity'>[]).map((e) => [e.run_id, e.equity])).toEqual([
      ['run-a', 1000], ['run-b', 2000], ['run-a', 1001], ['run-b', 2001], ['run-a', 1002], ['run-b', 2002],
    ]); // prettier-ignore
    expect(items.risk).toEqual([
      { run_id: 'run-a', state: 'REDUCING', reason: 'drawdown', paused: false, time: at(2) },
    ]);
    const snapSeq = client.ofType('snapshot').find((s) => s.channel === 'positions')?.seq ?? -1;

    // The next message is an event after the snapshot.
    a.publish('positions', pos('run-a', 'MSFT', 7, 300));
    await client.until(() => client.ofType('event').length > 0, 'the next event');
    expect(client.ofType('event')[0]).toMatchObject({
      channel: 'positions',
      seq: snapSeq + 1,
      data: pos('run-a', 'MSFT', 7, 300),
    });

    // A session that ends takes its state with it.
    await b.close();
    expect(await raw.exists(stateKey(prefix, b.origin))).toBe(0);
    await a.close();
    expect(await raw.exists(stateKey(prefix, a.origin))).toBe(0);
  }, 30_000);
});

describe('seeding from the ledger', () => {
  it("without Redis, the latest running session's orders, fills, positions and equity", async () => {
    const home = tempDir('momentic-seed-ledger-');
    mkdirSync(join(home, 'state'), { recursive: true });
    const config: Config = { ...DEFAULTS, redis: { ...DEFAULTS.redis, url: '' } };
    const ledger = await createLedger(config, home);
    try {
      // An older session and a backtest still marked running: neither is the one shown.
      await ledger.startRun({
        id: 'old',
        kind: 'paper',
        strategy: 's',
        params: {},
        spec: {},
        startedAt: T0 - 86_400_000,
      });
      await ledger.startRun({ id: 'bt', kind: 'backtest', strategy: 's', params: {}, spec: {}, startedAt: T0 + 1 });
      await ledger.persistOrder('old', { clientOrderId: 'o-old', symbol: 'IBM', side: 'buy', type: 'market', qty: 1, tif: 'day' }, T0 - 86_000_000); // prettier-ignore
      await ledger.startRun({ id: 'live-1', kind: 'paper', strategy: 's', params: {}, spec: {}, startedAt: T0 });
      const buy = { symbol: 'ORCL', side: 'buy', type: 'market', tif: 'day' } as const;
      await ledger.persistOrder('live-1', { ...buy, clientOrderId: 'c-1', qty: 100 }, T0);
      await ledger.markSent('live-1', 'c-1', T0 + 1);
      await ledger.recordFill('live-1', { clientOrderId: 'c-1', symbol: 'ORCL', side: 'buy', qty: 60, price: 10, fee: 0.5, ts: T0 + 60_000, execId: 'x1' }); // prettier-ignore
      await ledger.recordFill('live-1', { clientOrderId: 'c-1', symbol: 'ORCL', side: 'buy', qty: 40, price: 12.5, fee: 0.5, ts: T0 + 120_000, execId: 'x2' }); // prettier-ignore
      await ledger.persistOrder('live-1', { clientOrderId: 'c-2', symbol: 'ORCL', side: 'sell', type: 'limit', qty: 50, limitPrice: 15, tif: 'day' }, T0 + 180_000); // prettier-ignore
      for (const [i, equity] of [10_000, 10_200, 9_690, 9_800].entries()) {
        await ledger.recordEquity({ runId: 'live-1', ts: T0 + i * 60_000, equity, cash: 8_900, grossExposure: 0.11, netExposure: 0.11 }); // prettier-ignore
      }
    } finally {
      await ledger.close();
    }
    const token = await viewerToken(config, home);
    const service = await startService({ home, config, port: 0, version: 'test' });
    closers.push(() => service.close());
    const { client, items } = await snapshots(service, token, ['orders', 'fills', 'positions', 'equity']);
    closers.push(() => client.close());

    expect(items.orders).toEqual([
      expect.objectContaining({ run_id: 'live-1', client_order_id: 'c-1', status: 'filled', qty: 100, filled_qty: 100, avg_fill_price: 11 }),
      expect.objectContaining({ run_id: 'live-1', client_order_id: 'c-2', status: 'new', limit_price: 15, filled_qty: 0, avg_fill_price: null }),
    ]); // prettier-ignore
    expect(items.fills).toEqual([
      { run_id: 'live-1', client_order_id: 'c-1', symbol: 'ORCL', side: 'buy', qty: 60, price: 10, fee: 0.5, time: at(1) },
      { run_id: 'live-1', client_order_id: 'c-1', symbol: 'ORCL', side: 'buy', qty: 40, price: 12.5, fee: 0.5, time: at(2) },
    ]); // prettier-ignore
    // 100 at an average 11 (60 x 10 + 40 x 12.5), valued at the last fill, 12.5.
    expect(items.positions).toEqual([
      { run_id: 'live-1', symbol: 'ORCL', qty: 100, avg_price: 11, market_value: 1250, unrealized_pnl: 150 },
    ]);
    // Drawdown from the high-water mark 10,200: 9,690 is 5% under it.
    const dd = (items.equity as WsPayload<'equity'>[]).map((e) => [e.equity, Number(e.drawdown.toFixed(6))]);
    expect(dd).toEqual([[10_000, 0], [10_200, 0], [9_690, -0.05], [9_800, Number((9_800 / 10_200 - 1).toFixed(6))]]); // prettier-ignore
  }, 30_000);
});
