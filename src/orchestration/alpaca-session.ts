/**
 * What a session trades Alpaca with (`momentic live`, and `momentic paper` on Alpaca's market
 * data): the market-data stream as the session's feed, Alpaca's execution client behind a
 * persist-first guard, and the broker's books for reconciliation. Nothing here is mode-specific
 * to strategies, risk or the portfolio: they see the same ports as in a backtest.
 */
import type { OrderRequest, OrderState } from '../core/order.js';
import type {
  BrokerAccount,
  BrokerFill,
  BrokerOrder,
  BrokerPosition,
  ExecutionClient,
  ExecutionListener,
  LiveFeed,
  OrderRecord,
} from '../engine/ports.js';
import { AlpacaLiveFeed } from '../venues/alpaca/stream/index.js';
import type { AlpacaTradingApi } from '../venues/alpaca/trading/trading-api.js';
import { ALPACA_CREDENTIAL_VARS } from '../venues/alpaca/provider.js';
import { requireCredentials, type ProviderContext } from '../venues/context.js';
import { UsageError } from '../core/errors.js';
import type { VenueFeedRequest } from './venue-feeds.js';

/** Alpaca writes a crypto pair `BTCUSD` in positions and `BTC/USD` in orders: compare without the slash. */
const bare = (symbol: string): string => symbol.toUpperCase().replace('/', '');

/** The broker's books as the reconciliation reads them, in the run's own symbol spelling. */
export function alpacaBroker(api: AlpacaTradingApi, symbols: readonly string[]): BrokerAccount {
  const spelling = new Map(symbols.map((s) => [bare(s), s]));
  const ours = (s: string): string => spelling.get(bare(s)) ?? s;
  const order = (o: Awaited<ReturnType<AlpacaTradingApi['openOrders']>>[number]): BrokerOrder => ({
    clientOrderId: o.clientOrderId,
    venueOrderId: o.venueOrderId,
    symbol: ours(o.symbol),
    side: o.side,
    qty: o.qty,
    status: o.status,
    filledQty: o.filledQty,
  });
  return {
    name: 'alpaca',
    cash: async () => (await api.account()).cash,
    positions: async (): Promise<BrokerPosition[]> =>
      (await api.positions()).map((p) => ({ symbol: ours(p.symbol), qty: p.qty, avgPrice: p.avgEntryPrice })),
    openOrders: async () => (await api.openOrders()).map(order),
    order: async (id) => {
      const o = await api.brokerOrder(id);
      return o === undefined ? undefined : order(o);
    },
    fillsSince: async (ts): Promise<BrokerFill[]> =>
      (await api.fillsSince(ts)).flatMap((f) =>
        f.clientOrderId === undefined
          ? []
          : [
              {
                execId: f.executionId,
                clientOrderId: f.clientOrderId,
                symbol: ours(f.symbol),
                side: f.side,
                qty: f.qty,
                price: f.price,
                // Alpaca charges no commission on the orders it fills for us.
                fee: 0,
                ts: f.ts,
              },
            ],
      ),
  };
}

/**
 * A venue's client that sends an order only once the session's journal has made it durable
 * (`durable()`: the ledger's write queue drained), so a crash at any moment leaves either no
 * order at the venue or one the ledger knows (docs/ledger.md, "Crash safety").
 */
export class PersistFirstClient implements ExecutionClient {
  readonly name: string;
  readonly #inner: ExecutionClient;
  readonly #durable: () => Promise<void>;
  readonly #onJournalFailure: (e: unknown) => void;

  constructor(inner: ExecutionClient, durable: () => Promise<void>, onJournalFailure: (e: unknown) => void) {
    this.name = inner.name;
    this.#inner = inner;
    this.#durable = durable;
    this.#onJournalFailure = onJournalFailure;
  }

  submit(order: OrderRequest): void {
    // A journal that cannot be written stops the session; the order is never sent.
    this.#durable().then(() => this.#inner.submit(order), this.#onJournalFailure);
  }

  cancel(clientOrderId: string): void {
    this.#inner.cancel(clientOrderId);
  }

  subscribe(listener: ExecutionListener): () => void {
    return this.#inner.subscribe(listener);
  }

  order(clientOrderId: string): OrderRecord | undefined {
    return this.#inner.order(clientOrderId);
  }

  openOrders(symbol?: string): readonly OrderState[] {
    return this.#inner.openOrders(symbol);
  }
}

/** Alpaca's market-data stream for a session's symbols, with its warm-up and lost-stream limit. */
export function alpacaFeed(ctx: ProviderContext, req: VenueFeedRequest): LiveFeed {
  // Keys are checked before the session starts: a session without them would only fail later.
  requireCredentials('alpaca', ctx.env, ALPACA_CREDENTIAL_VARS);
  if (req.timeframe !== '1m') {
    throw new UsageError(
      'USAGE_INVALID_OPTION',
      `Alpaca's stream sends minute bars; the run file asks for ${req.timeframe}`,
      {
        hint: 'set timeframe: 1m in the run file for a session on Alpaca',
        context: { key: 'timeframe', value: req.timeframe },
      },
    );
  }
  return new AlpacaLiveFeed(ctx, {
    symbols: req.symbols,
    warmupBars: req.warmupBars,
    lostTimeoutMs: req.streamTimeoutMs,
  });
}
