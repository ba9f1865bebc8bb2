import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import {
  batchBars,
  batchPairs,
  batchValues,
  type Indicator,
  type OhlcvBar,
  type OhlcvColumns,
  type PairValue,
} from '../../src/analytics/indicators/indicator.js';
import type { IndicatorDef } from '../../src/analytics/indicators/spec.js';
import { SHARED_DATA } from '../support/paths.js';

/** ORCL daily bars (Yahoo, via backtrader's sample data) as columns, first `n` rows. */
export type Columns = { -readonly [K in keyof Required<OhlcvColumns>]: Float64Array };

export function orclColumns(n = 1500): Columns {
  const rows = readFileSync(join(SHARED_DATA, 'orcl-1995-2014.txt'), 'utf8')
    .trim()
    .split('\n')
    .slice(1, n + 1)
    .map((l) => l.split(','));
  const col = (i: number): Float64Array => Float64Array.from(rows, (r) => Number(r[i]));
  return {
    ts: Float64Array.from(rows, (r) => Date.parse(`${r[0]}T00:00:00Z`)),
    open: col(1),
    high: col(2),
    low: col(3),
    close: col(4),
    volume: col(6),
  };
}

type AnyIndicator = Indicator<number> | Indicator<OhlcvBar> | Indicator<PairValue>;

/** Runs an indicator in batch over the columns according to its input kind. */
export function runBatch(def: IndicatorDef, ind: AnyIndicator, cols: Columns): Float64Array[] {
  if (def.input === 'value') return batchValues(ind as Indicator<number>, cols.close);
  if (def.input === 'bar') return batchBars(ind as Indicator<OhlcvBar>, cols);
  // Pairs: the close against a deterministic transform of itself (a second, correlated series).
  const y = secondSeries(cols);
  return batchPairs(ind as Indicator<PairValue>, cols.close, y);
}

function streamAll(def: IndicatorDef, ind: AnyIndicator, cols: Columns): Float64Array[] {
  ind.reset();
  const n = cols.close.length;
  const outs = ind.outputs.map(() => new Float64Array(n));
  const y = secondSeries(cols);
  for (let i = 0; i < n; i++) {
    if (def.input === 'value') (ind as Indicator<number>).update(cols.close[i] as number);
    else if (def.input === 'bar')
      (ind as Indicator<OhlcvBar>).update({
        ts: cols.ts[i] as number,
        open: cols.open[i] as number,
        high: cols.high[i] as number,
        low: cols.low[i] as number,
        close: cols.close[i] as number,
        volume: cols.volume[i] as number,
      });
    else (ind as Indicator<PairValue>).update({ x: cols.close[i] as number, y: y[i] as number });
    ind.outputs.forEach((_, j) => ((outs[j] as Float64Array)[i] = ind.output(j)));
  }
  return outs;
}

/** A second series correlated with the close, for pair indicators. */
export function secondSeries(cols: Columns): Float64Array {
  return cols.close.map((c, i) => c * (1 + 0.01 * Math.sin(i / 7)) + (cols.open[i] as number) * 0.1);
}

const same = (a: number, b: number): boolean => (Number.isNaN(a) && Number.isNaN(b)) || a === b;

/**
 * The shared indicator contract (STYLE.md): warm-up count, NaN before ready, `reset()`, batch
 * equals streaming, and no lookahead (changing bars after t never changes a value at or before t).
 */
export function expectIndicatorContract(
  def: IndicatorDef,
  params: readonly number[] = def.params.map((p) => p.default),
): void {
  const cols = orclColumns();
  const ind = def.create(params);
  expect(ind.outputs).toHaveLength(def.outputs.length);
  const batch = runBatch(def, ind, cols);
  // Warm-up: NaN before `warmup` inputs, a number at index warmup - 1 (for the first output).
  const first = batch[0] as Float64Array;
  for (let i = 0; i < ind.warmup - 1; i++) expect(first[i], `${def.key} index ${i} before warm-up`).toBeNaN();
  expect(Number.isFinite(first[ind.warmup - 1] as number), `${def.key} first value at index ${ind.warmup - 1}`).toBe(
    true,
  );
  // isReady flips exactly at warm-up.
  const fresh = def.create(params);
  const streamed = streamAll(def, fresh, cols);
  expect(fresh.isReady).toBe(true);
  // Batch equals streaming, bit for bit.
  streamed.forEach((s, j) =>
    s.forEach((v, i) =>
      expect(same(v, (batch[j] as Float64Array)[i] as number), `${def.key} output ${j} at ${i}`).toBe(true),
    ),
  );
  // reset() gives the same values again.
  fresh.reset();
  expect(fresh.isReady).toBe(ind.warmup <= 0);
  const again = streamAll(def, fresh, cols);
  again.forEach((s, j) => s.forEach((v, i) => expect(same(v, (streamed[j] as Float64Array)[i] as number)).toBe(true)));
  // No lookahead: scramble everything after t; values at or before t do not move.
  for (const t of [ind.warmup + 5, Math.floor(cols.close.length / 2)]) {
    const changed: Columns = { ...cols };
    for (const k of ['open', 'high', 'low', 'close', 'volume'] as const) {
      const a = Float64Array.from(cols[k]);
      for (let i = t + 1; i < a.length; i++) a[i] = (a[i] as number) * (1.5 + 0.3 * Math.sin(i));
      changed[k] = a;
    }
    const after = runBatch(def, def.create(params), changed);
    after.forEach((s, j) => {
      for (let i = 0; i <= t; i++)
        expect(
          same(s[i] as number, (batch[j] as Float64Array)[i] as number),
          `${def.key} output ${j} at ${i} changed by bars after ${t}`,
        ).toBe(true);
    });
  }
}
