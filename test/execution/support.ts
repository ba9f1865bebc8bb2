import type { Bar } from '../../src/core/bar.js';
import { cryptoPair, equity, type Instrument } from '../../src/core/instrument.js';
import type { Fill, OrderRequest } from '../../src/core/order.js';
import { dateToTs } from '../../src/data/schema.js';
import type { ExecutionEvent } from '../../src/engine/ports.js';
import { SimulatedExchange, type SimulatedExchangeOptions } from '../../src/execution/simulated-exchange.js';

export const DAY = 86_400_000;
/** Session date of daily bar i (ts = the date at 00:00 UTC, src/data/schema.ts). */
export const day = (i: number): number => dateToTs('2024-01-01') + i * DAY;

/** A daily bar of `symbol` on day i. */
export function bar(i: number, o: number, h: number, l: number, c: number, volume = 1_000_000, symbol = 'AAA'): Bar {
  return { symbol, ts: day(i), open: o, high: h, low: l, close: c, volume };
}

/** AAA, BBB: shortable equities (tick 0.01, lot 1); NOS: an equity that cannot be shorted; BTCUSD: crypto (lot 1e-5, not shortable). */
export const INSTRUMENTS: ReadonlyMap<string, Instrument> = new Map([
  ['AAA', equity('AAA')],
  ['BBB', equity('BBB')],
  ['NOS', equity('NOS', { shortable: false })],
  ['BTCUSD', cryptoPair('BTCUSD')],
]);

export interface Harness {
  readonly ex: SimulatedExchange;
  readonly events: ExecutionEvent[];
  /** Fills in order. */
  fills(): Fill[];
  /** `kind clientOrderId` of every event, in order. */
  log(): string[];
}

export function harness(options: Partial<SimulatedExchangeOptions> = {}): Harness {
  const ex = new SimulatedExchange({ instrument: (s) => INSTRUMENTS.get(s), ...options });
  const events: ExecutionEvent[] = [];
  ex.subscribe((e) => events.push(e));
  return {
    ex,
    events,
    fills: () => events.flatMap((e) => (e.kind === 'filled' || e.kind === 'partially_filled' ? [e.fill] : [])),
    log: () =>
      events.map((e) => `${e.kind} ${e.kind === 'rejected' ? e.rejection.clientOrderId : e.order.clientOrderId}`),
  };
}

/** A request with defaults: AAA, buy, 100, market, gtc. */
export function order(clientOrderId: string, fields: Partial<OrderRequest> = {}): OrderRequest {
  return { clientOrderId, symbol: 'AAA', side: 'buy', qty: 100, type: 'market', tif: 'gtc', ...fields };
}

/** Fill summary `[qty, price, ts]` for compact assertions. */
export function fillsOf(h: Harness, clientOrderId?: string): [number, number, number][] {
  return h
    .fills()
    .filter((f) => clientOrderId === undefined || f.clientOrderId === clientOrderId)
    .map((f) => [f.qty, f.price, f.ts]);
}
