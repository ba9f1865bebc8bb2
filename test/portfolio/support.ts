import type { Fill } from '../../src/core/order.js';

/** Epoch ms of a UTC calendar date (daily bars carry the session date at 00:00 UTC). */
export function day(iso: string): number {
  return Date.parse(`${iso}T00:00:00Z`);
}

let seq = 0;

/** A fill with generated ids; `fee` defaults to 0 and `ts` to 0. */
export function fill(symbol: string, side: 'buy' | 'sell', qty: number, price: number, fee = 0, ts = 0): Fill {
  seq++;
  return { orderId: `o${seq}`, clientOrderId: `c${seq}`, symbol, side, qty, price, fee, ts };
}

/** mulberry32: a small seeded PRNG so property tests replay exactly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
