/**
 * The loopback fakes of Alpaca (market-data stream, trading REST and its trade_updates stream) in
 * a process of their own, driven over IPC by bench/live-path.ts: the venue's work (serving 500
 * POSTs, pushing fills back) then runs beside our process instead of on its core, as a real
 * venue's does. Times are `process.hrtime` (CLOCK_MONOTONIC, the same clock in every process of
 * the machine), in ms, so they compare with the parent's.
 */
import { startAlpacaFakes, type AlpacaFakes } from '../test/fakes/alpaca/run-fakes.js';

/** Parent to child. */
export type FakesCommand =
  | { readonly kind: 'start'; readonly symbols: readonly string[]; readonly cash: number; readonly price: number }
  /** One frame of bars (a minute batch); `close` per bar sets its close and the venue's price. */
  | {
      readonly kind: 'push';
      readonly ts: number;
      readonly bars: readonly { readonly symbol: string; readonly close?: number }[];
    }
  /** Answers once the market-data stream has a subscriber. */
  | { readonly kind: 'subscribed' }
  /** The POSTs received since the last ask. */
  | { readonly kind: 'received' }
  | { readonly kind: 'close' };

/** Child to parent. */
export type FakesReply =
  | { readonly kind: 'started'; readonly env: Readonly<Record<string, string>> }
  | { readonly kind: 'pushed'; readonly at: number }
  | { readonly kind: 'subscribed' }
  | { readonly kind: 'received'; readonly orders: readonly (readonly [string, number])[] }
  | { readonly kind: 'closed' };

export const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;

let fakes: AlpacaFakes | undefined;
let received: [string, number][] = [];
const reply = (r: FakesReply): void => void process.send?.(r);

async function handle(c: FakesCommand): Promise<void> {
  switch (c.kind) {
    case 'start': {
      const f = await startAlpacaFakes({ cash: c.cash, assets: c.symbols });
      fakes = f;
      const venue = f.trading.venue;
      const submit = venue.submit.bind(venue);
      // The venue has the order once its POST is read: the end of the measured path.
      venue.submit = (body: Record<string, unknown>) => {
        received.push([String(body.client_order_id), monotonicMs()]);
        return submit(body);
      };
      for (const s of c.symbols) {
        f.trading.setPrice(s, c.price);
        venue.fillMarketOnArrival.add(s);
      }
      reply({ kind: 'started', env: f.env });
      return;
    }
    case 'push': {
      const f = fakes as AlpacaFakes;
      for (const b of c.bars) if (b.close !== undefined) f.trading.setPrice(b.symbol, b.close);
      const bars = c.bars.map((b) => ({
        symbol: b.symbol,
        ts: c.ts,
        ...(b.close === undefined ? {} : { override: { o: b.close, h: b.close, l: b.close, c: b.close } }),
      }));
      f.stream.pushBars(bars);
      // Taken once the frame is written to the socket (building it is the venue's time, not ours).
      reply({ kind: 'pushed', at: monotonicMs() });
      return;
    }
    case 'subscribed':
      await (fakes as AlpacaFakes).stream.whenSubscribed(1);
      reply({ kind: 'subscribed' });
      return;
    case 'received':
      reply({ kind: 'received', orders: received });
      received = [];
      return;
    case 'close':
      await fakes?.close();
      reply({ kind: 'closed' });
      process.disconnect?.();
      return;
  }
}

if (process.send !== undefined) {
  process.on('message', (c: FakesCommand) => {
    handle(c).catch((e: unknown) => {
      console.error(`live bench fakes: ${String(e)}`);
      process.exit(1);
    });
  });
}
