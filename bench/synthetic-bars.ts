/**
 * Bars for the benchmarks from the synthetic provider. It serves only its own universe, so a
 * bench that wants N stocks takes the universe's equities with seed 1, then again with seed 2,
 * and so on, each series renamed B000, B001, ... (the same paths for the same N on every run).
 */
import { BarSeries } from '../src/core/bar.js';
import { dateToTs } from '../src/data/schema.js';
import type { Bar } from '../src/core/bar.js';
import { SYNTHETIC_UNIVERSE, SyntheticProvider } from '../src/venues/synthetic/index.js';

const EQUITIES = SYNTHETIC_UNIVERSE.filter((s) => s.calendar !== '24/7').map((s) => s.symbol);

/** The i-th benchmark stock: which universe symbol and seed it is drawn from. */
function source(i: number): { symbol: string; seed: number } {
  return { symbol: EQUITIES[i % EQUITIES.length] as string, seed: 1 + Math.floor(i / EQUITIES.length) };
}

/** All bars of one series over [start, end), renamed to `name`. */
export async function syntheticBars(
  i: number,
  name: string,
  timeframe: '1d' | '1m',
  start: string,
  end: string,
): Promise<Bar[]> {
  const { symbol, seed } = source(i);
  const bars: Bar[] = [];
  const request = { symbol, timeframe, start: dateToTs(start), end: dateToTs(end) };
  for await (const page of new SyntheticProvider({ seed }).fetchBars(request)) {
    for (const b of page) bars.push({ ...b, symbol: name });
  }
  return bars;
}

/** N stocks named B000..B(N-1) over [start, end). */
export async function syntheticUniverse(
  n: number,
  timeframe: '1d' | '1m',
  start: string,
  end: string,
): Promise<BarSeries[]> {
  const out: BarSeries[] = [];
  for (let i = 0; i < n; i++) {
    const name = `B${String(i).padStart(3, '0')}`;
    out.push(BarSeries.fromBars(name, await syntheticBars(i, name, timeframe, start, end)));
  }
  return out;
}
