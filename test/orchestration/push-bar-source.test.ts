/**
 * A live feed's bars pushed into the session's source: a timestamp is handed to the engine once
 * every symbol has a bar at or after it (or the feed closes it), in time order, each symbol's bar
 * of it in symbol order.
 */
import { describe, expect, it } from 'vitest';
import type { Bar } from '../../src/core/bar.js';
import { PushBarSource } from '../../src/orchestration/push-bar-source.js';
import { prng } from '../portfolio/support.js';

const bar = (symbol: string, ts: number): Bar => ({ symbol, ts, open: 1, high: 1, low: 1, close: 1, volume: 1 });

/** The source, and the slices it hands out as they become ready: `ts:SYMBOLS`. */
function drained(symbols: readonly string[]): { source: PushBarSource; slices: string[] } {
  const source = new PushBarSource(symbols);
  const slices: string[] = [];
  const cursor = { ts: NaN, n: 0, slots: new Int32Array(symbols.length) };
  source.onReady(() => {
    while (source.next(cursor)) {
      const names = Array.from(cursor.slots.subarray(0, cursor.n), (s) => source.symbols[s]);
      slices.push(`${cursor.ts}:${names.join('')}`);
    }
  });
  return { source, slices };
}

describe('PushBarSource', () => {
  it('hands out a timestamp once every symbol has a bar at or after it', () => {
    const { source, slices } = drained(['A', 'B', 'C']);
    source.push(bar('A', 1));
    source.push(bar('B', 1));
    expect(slices).toEqual([]);
    source.push(bar('C', 2)); // C printed nothing at 1
    expect(slices).toEqual(['1:AB']);
    source.push(bar('A', 2));
    source.push(bar('B', 3));
    expect(slices).toEqual(['1:AB', '2:AC']);
    source.push(bar('C', 3));
    expect(slices).toEqual(['1:AB', '2:AC']);
    source.push(bar('A', 4));
    expect(slices).toEqual(['1:AB', '2:AC', '3:BC']);
    source.closeThrough(4);
    expect(slices).toEqual(['1:AB', '2:AC', '3:BC', '4:A']);
  });

  it('is ready through the oldest of the symbols last bars, whatever the order they come in', () => {
    const symbols = ['A', 'B', 'C', 'D', 'E'];
    const rand = prng(3);
    const { source, slices } = drained(symbols);
    const last = new Map<string, number>();
    const want: string[] = [];
    const pushed = new Map<number, Set<string>>();
    let ready = -Infinity;
    for (let i = 0; i < 400; i++) {
      const s = symbols[Math.floor(rand() * symbols.length)] as string;
      const ts = (last.get(s) ?? 0) + 1 + Math.floor(rand() * 3);
      last.set(s, ts);
      source.push(bar(s, ts));
      (pushed.get(ts) ?? pushed.set(ts, new Set()).get(ts))?.add(s);
      const min = last.size < symbols.length ? -Infinity : Math.min(...last.values());
      for (const t of [...pushed.keys()].filter((t) => t > ready && t <= min).sort((a, b) => a - b))
        want.push(`${t}:${[...(pushed.get(t) as Set<string>)].sort().join('')}`);
      ready = Math.max(ready, min);
      expect(slices).toEqual(want);
    }
    expect(want.length).toBeGreaterThan(50);
  });
});
