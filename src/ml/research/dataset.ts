/**
 * The research dataset: one sample per (symbol, decision bar), in time order, with its features,
 * its binary label (1: the label return was positive), the label return a long/short-by-sign
 * strategy earns on it, and its label span on the shared timeline (what purging reads). Built
 * from bars with the feature code `momentic features build` uses (every feature reads only bars
 * up to its own), or read from a CSV of precomputed features.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { computeFeatures, type FeatureDef, type FeatureInput } from '../../analytics/features/index.js';
import { splitCsv } from '../../data/csv-split.js';
import { DataError, UsageError } from '../../core/errors.js';
import { fixedHorizonLabels } from '../labels/fixed-horizon.js';
import { tripleBarrierLabels } from '../labels/triple-barrier.js';
import { ewmVolatility } from '../labels/volatility.js';
import { parseFeatureCell } from '../import/feature-csv.js';
import type { LabelSpec } from './spec.js';

export interface MlDataset {
  readonly names: readonly string[];
  /** rows x cols, row-major, all finite. */
  readonly x: Float64Array;
  readonly rows: number;
  readonly cols: number;
  /** 1 when the label return is positive, else 0. */
  readonly y: Float64Array;
  /** What a long position earns on the sample (the label return; -ret for a short). */
  readonly ret: Float64Array;
  /** Label spans: indices into `times`. */
  readonly t0: Int32Array;
  readonly t1: Int32Array;
  /** The shared timeline (ISO dates or the CSV's time values), ascending. */
  readonly times: readonly string[];
  /** sha256 of the feature names and definitions (the feature-set hash for bars). */
  readonly featureHash: string;
  readonly source: Readonly<Record<string, unknown>>;
}

/** The columns of `d` named in `names`, in that order. */
export function selectFeatures(d: MlDataset, names: readonly string[]): MlDataset {
  const idx = names.map((n) => d.names.indexOf(n));
  const x = new Float64Array(d.rows * idx.length);
  for (let r = 0; r < d.rows; r++)
    for (let j = 0; j < idx.length; j++) x[r * idx.length + j] = d.x[r * d.cols + idx[j]!]!;
  return { ...d, names: [...names], x, cols: idx.length, featureHash: hashNames(names, d.featureHash) };
}

export function hashNames(names: readonly string[], base = ''): string {
  return createHash('sha256').update(base).update('\n').update(names.join('\n')).digest('hex');
}

export interface SymbolBars {
  readonly symbol: string;
  readonly input: FeatureInput;
}

/** The labels of one symbol's closes: start and end bar, binary label and return. */
function labelsOf(close: Float64Array, spec: LabelSpec): { t0: Int32Array; t1: Int32Array; ret: Float64Array } {
  if (spec.kind === 'fixed') {
    const l = fixedHorizonLabels(close, { horizon: spec.horizon });
    return l;
  }
  const sigma = ewmVolatility(close, spec.volSpan);
  const first = sigma.findIndex((s) => Number.isFinite(s) && s > 0);
  const events = first < 0 ? new Int32Array(0) : Int32Array.from({ length: close.length - first }, (_, i) => first + i);
  const l = tripleBarrierLabels(close, {
    target: sigma.map((s) => (Number.isFinite(s) ? s : 0)),
    profitTake: spec.profitTake,
    stopLoss: spec.stopLoss,
    maxHolding: spec.horizon,
    events,
    minTarget: 1e-12,
  });
  return l;
}

/**
 * Samples of every symbol at the bars where all features are known and the label is decided
 * inside the data; features no symbol has a value for (a cross-asset feature without its
 * benchmark) are left out, named in `source.dropped`.
 */
export function datasetFromBars(
  bars: readonly SymbolBars[],
  defs: readonly FeatureDef[],
  label: LabelSpec,
  setHash: string,
): MlDataset {
  const tables = bars.map((b) => ({ b, t: computeFeatures(b.input, defs) }));
  const names = defs.map((d) => d.name);
  const keep = names.map((_, j) => tables.some(({ t }) => t.values[j]!.some((v) => Number.isFinite(v))));
  const kept = names.filter((_, j) => keep[j]);
  if (kept.length === 0) {
    throw new DataError('DATA_INVALID', 'no feature has a value on these bars', {
      hint: 'use more bars (features warm up over up to a year), or other --features',
      context: { flag: '--features' },
    });
  }
  const timeline = [...new Set(bars.flatMap((b) => Array.from(b.input.ts)))].sort((a, b) => a - b);
  const at = new Map(timeline.map((ts, i) => [ts, i]));
  type Row = { t0: number; t1: number; sym: number; x: number[]; ret: number };
  const rows: Row[] = [];
  tables.forEach(({ b, t }, s) => {
    const l = labelsOf(b.input.close, label);
    for (let i = 0; i < l.t0.length; i++) {
      const bar = l.t0[i]!;
      const r = l.ret[i]!;
      if (!Number.isFinite(r) || r === 0) continue;
      const x: number[] = [];
      let ok = true;
      t.values.forEach((col, j) => {
        if (!keep[j]) return;
        const v = col[bar]!;
        if (!Number.isFinite(v)) ok = false;
        x.push(v);
      });
      if (!ok) continue;
      rows.push({ t0: at.get(b.input.ts[bar]!)!, t1: at.get(b.input.ts[l.t1[i]!]!)!, sym: s, x, ret: r });
    }
  });
  rows.sort((a, b) => a.t0 - b.t0 || a.sym - b.sym);
  const dates = timeline.map((ts) => new Date(ts).toISOString().slice(0, 10));
  return finish(rows, kept, dates, hashNames(kept, setHash), {
    kind: 'bars',
    symbols: bars.map((b) => b.symbol),
    dropped: names.filter((_, j) => !keep[j]),
  });
}

function finish(
  rows: readonly { t0: number; t1: number; x: number[]; ret: number; y?: number }[],
  names: readonly string[],
  times: readonly string[],
  featureHash: string,
  source: Record<string, unknown>,
): MlDataset {
  const cols = names.length;
  const x = new Float64Array(rows.length * cols);
  rows.forEach((r, i) => x.set(r.x, i * cols));
  return {
    names,
    x,
    rows: rows.length,
    cols,
    y: Float64Array.from(rows, (r) => ((r.y ?? r.ret) > 0 ? 1 : 0)),
    ret: Float64Array.from(rows, (r) => r.ret),
    t0: Int32Array.from(rows, (r) => r.t0),
    t1: Int32Array.from(rows, (r) => r.t1),
    times,
    featureHash,
    source,
  };
}

export interface CsvInputOptions {
  readonly labelColumn: string;
  readonly timeColumn: string;
  /** The label return per row; default the label itself as a unit bet (+1 / -1). */
  readonly returnColumn?: string;
  /** Feature columns (default: every other column). */
  readonly features?: readonly string[];
  /** Label span in time steps (default 1: a row's label ends at its own time). */
  readonly horizon?: number;
}

/**
 * A CSV of precomputed features: a time column (ascending; equal times are one step, e.g.
 * several symbols), a label column (> 0 is class 1), feature columns and optionally the label
 * return. Rows with a missing feature are refused, naming the line.
 */
export function datasetFromCsv(path: string, file: string, o: CsvInputOptions): MlDataset {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new DataError('DATA_NOT_FOUND', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      hint: 'check the --input path',
      context: { file, flag: '--input' },
    });
  }
  const table = splitCsv(text)
    .map((r) => r.cells)
    .filter((r) => !(r.length === 1 && r[0]!.trim() === ''));
  const header = (table[0] ?? []).map((h) => h.trim());
  const col = (name: string, flag: string): number => {
    const i = header.indexOf(name);
    if (i < 0) {
      throw new UsageError('USAGE_INVALID_OPTION', `${file} has no column "${name}" (${flag})`, {
        hint: `its columns: ${header.join(', ')}`,
        context: { flag, value: name, file },
      });
    }
    return i;
  };
  const ti = col(o.timeColumn, '--time-column');
  const yi = col(o.labelColumn, '--label-column');
  const ri = o.returnColumn === undefined ? -1 : col(o.returnColumn, '--return-column');
  const names = o.features ?? header.filter((_, i) => i !== ti && i !== yi && i !== ri);
  const fi = names.map((n) => col(n, '--features'));
  if (names.length === 0) {
    throw new DataError('DATA_INVALID', `${file} has no feature columns`, {
      hint: 'add feature columns next to the time and label columns',
      context: { file },
    });
  }
  const cell = (r: string[], i: number, line: number, what: string): number => {
    const v = parseFeatureCell(r[i] ?? '');
    if (v === undefined || !Number.isFinite(v)) {
      throw new DataError('DATA_INVALID', `${file} line ${line}: ${what} "${r[i] ?? ''}" is not a finite number`, {
        hint: 'fill or drop rows with missing values before training',
        context: { file, row: line, column: header[i] ?? what },
      });
    }
    return v;
  };
  const timesRaw = table.slice(1).map((r) => (r[ti] ?? '').trim());
  for (let k = 1; k < timesRaw.length; k++) {
    if (compareTime(timesRaw[k]!, timesRaw[k - 1]!) < 0) {
      throw new DataError('DATA_INVALID', `${file} line ${k + 2}: time ${timesRaw[k]} is before ${timesRaw[k - 1]}`, {
        hint: 'sort the rows by the time column',
        context: { file, row: k + 2, column: o.timeColumn },
      });
    }
  }
  const times = [...new Set(timesRaw)];
  const at = new Map(times.map((t, i) => [t, i]));
  const h = o.horizon ?? 1;
  const rows = table.slice(1).map((r, k) => {
    const line = k + 2;
    const y = cell(r, yi, line, 'label');
    const t0 = at.get(timesRaw[k]!)!;
    return {
      t0,
      t1: Math.min(times.length - 1, t0 + h - 1),
      x: fi.map((i) => cell(r, i, line, `feature ${header[i]}`)),
      y,
      ret: ri < 0 ? (y > 0 ? 1 : -1) : cell(r, ri, line, 'return'),
    };
  });
  return finish(rows, names, times, hashNames(names, 'csv'), { kind: 'csv', file });
}

/** Numbers compare as numbers, anything else as text (ISO times sort as text). */
function compareTime(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (a !== '' && b !== '' && Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}
