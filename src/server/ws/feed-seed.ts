/**
 * What a server started after a session has to show before the session's next message: the
 * snapshot seeded from the running node's last published state (in Redis, when the feed crosses
 * processes) or from the ledger (the orders, fills, positions and equity of the latest running
 * paper or live session). Without it, a dashboard opened on a fresh `momentic serve` would show
 * an empty book until the session next traded.
 */
import type { LedgerStore } from '../../store/ledger.js';
import type { LedgerRun } from '../../store/types.js';
import { SNAPSHOT_LIMITS } from './channel-state.js';
import type { FeedHub } from './hub.js';
import type { WsChannel, WsPayload } from './protocol.js';

const iso = (ts: number): string => new Date(ts).toISOString();
const finiteOr = <T>(x: number, otherwise: T): number | T => (Number.isFinite(x) ? x : otherwise);

export interface SeedReport {
  readonly source: 'redis' | 'ledger' | 'none';
  /** The runs the seed holds state of. */
  readonly runs: readonly string[];
  /** Items seeded per channel. */
  readonly items: Partial<Record<WsChannel, number>>;
}

/** The latest running paper or live session in the ledger. */
async function latestSession(ledger: LedgerStore): Promise<LedgerRun | undefined> {
  const running = await ledger.listRuns({ status: 'running', limit: 1000 });
  return running.filter((r) => r.kind !== 'backtest').sort((a, b) => b.startedAt - a.startedAt)[0];
}

/**
 * The latest running session's orders (every working one, the latest ended ones), fills and
 * equity (the latest points) and open positions, as the feed's payloads. A position is valued at
 * its symbol's last fill price, the latest price the ledger knows, until the session's next update.
 */
export async function ledgerFeedState(
  ledger: LedgerStore,
): Promise<
  { runId: string; state: { [C in 'orders' | 'fills' | 'positions' | 'equity']: WsPayload<C>[] } } | undefined
> {
  const run = await latestSession(ledger);
  if (run === undefined) return undefined;
  const l = SNAPSHOT_LIMITS;
  const orders = (await ledger.listOrders({ runId: run.id, limit: l.open + l.ended }))
    .reverse()
    .map((o): WsPayload<'orders'> => ({
      run_id: run.id,
      client_order_id: o.clientOrderId,
      symbol: o.symbol,
      side: o.side,
      type: o.type,
      qty: o.qty,
      limit_price: o.limitPrice ?? null,
      status: o.status,
      filled_qty: o.filledQty,
      avg_fill_price: finiteOr(o.avgPrice, null),
      reason: o.reason ?? null,
      time: iso(o.updatedAt),
    }));
  const allFills = await ledger.listFills(run.id);
  const lastPrice = new Map<string, number>();
  for (const f of allFills) lastPrice.set(f.symbol, f.price);
  const fills = allFills.slice(-l.recent).map((f): WsPayload<'fills'> => ({
    run_id: run.id,
    client_order_id: f.clientOrderId,
    symbol: f.symbol,
    side: f.side,
    qty: f.qty,
    price: f.price,
    fee: f.fee,
    time: iso(f.ts),
  }));
  const positions = (await ledger.positions(run.id))
    .filter((p) => p.qty !== 0)
    .map((p): WsPayload<'positions'> => {
      const mark = lastPrice.get(p.symbol) ?? p.avgPrice;
      return {
        run_id: run.id,
        symbol: p.symbol,
        qty: p.qty,
        avg_price: finiteOr(p.avgPrice, null),
        market_value: finiteOr(p.qty * mark, 0),
        unrealized_pnl: finiteOr(p.qty * (mark - p.avgPrice), 0),
      };
    });
  const points = await ledger.equity(run.id);
  let peak = -Infinity;
  const equity = points.map((e): WsPayload<'equity'> => {
    peak = Math.max(peak, e.equity);
    return {
      run_id: run.id,
      time: iso(e.ts),
      equity: e.equity,
      cash: e.cash,
      drawdown: peak > 0 ? e.equity / peak - 1 : 0,
      gross_exposure: e.grossExposure,
      net_exposure: e.netExposure,
    };
  });
  return { runId: run.id, state: { orders, fills, positions, equity: equity.slice(-l.recent) } };
}

/** Seeds `hub` from the ledger's latest running session. */
export async function seedFromLedger(ledger: LedgerStore, hub: Pick<FeedHub, 'seed'>): Promise<SeedReport> {
  const found = await ledgerFeedState(ledger);
  if (found === undefined) return { source: 'none', runs: [], items: {} };
  const items: Partial<Record<WsChannel, number>> = {};
  for (const [channel, list] of Object.entries(found.state) as [WsChannel, WsPayload<WsChannel>[]][]) {
    hub.seed(channel, list);
    items[channel] = list.length;
  }
  return { source: 'ledger', runs: [found.runId], items };
}
