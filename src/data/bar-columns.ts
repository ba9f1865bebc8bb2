/** Growable typed columns of bars and their source rows: ~56 bytes a bar, no object per bar. */
export type Columns = Record<'ts' | 'open' | 'high' | 'low' | 'close' | 'volume' | 'row', Float64Array>;

export function newColumns(capacity: number): Columns {
  const a = (): Float64Array => new Float64Array(capacity);
  return { ts: a(), open: a(), high: a(), low: a(), close: a(), volume: a(), row: a() };
}

export function grow(c: Columns, n: number, capacity: number): Columns {
  const out = newColumns(capacity);
  for (const key of Object.keys(c) as (keyof Columns)[]) out[key].set(c[key].subarray(0, n));
  return out;
}
