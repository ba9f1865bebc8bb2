/**
 * Parity with the TA-Lib C library: every fixture in test/fixtures/talib/ (made by
 * scripts/talib/generate.mjs from the real ORCL, NVDA and 2006 one-minute series; see the README
 * there) is replayed through the momentic indicator with the same key and parameters.
 *
 * For each fixture the test asserts:
 * - the same warm-up: `warmup == lookback + 1`, NaN at every row before TA-Lib's lookback, and a
 *   value at the lookback row itself (first valid index == TA-Lib's begIndex);
 * - every value from there on equal within |ours - talib| <= 1e-9 * max(1, |talib|).
 *
 * Why that tolerance: 1e-9 relative is far above double rounding (~1e-16 per operation, a few
 * thousand operations per running sum) yet far below any algorithmic difference (a different
 * seed, smoothing or alignment shows up at 1e-3..1e-6). The absolute floor of 1e-9 for |value| < 1
 * is there because outputs that hover around 0 (MACD histogram, momentum, slopes, correlations,
 * Aroon oscillator) come from differences of price-sized numbers: their rounding error scales
 * with the operands, not with the tiny result, so a purely relative bound would be meaningless
 * at 0.
 *
 * The worst error of each fixture is part of its test name; a summary table is logged at the end.
 * The defs are imported from their files, so a missing indicator fails the suite (never a skip).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  batchBars,
  batchPairs,
  batchValues,
  type Indicator,
  type OhlcvBar,
  type OhlcvColumns,
  type PairValue,
} from '../../../src/analytics/indicators/indicator.js';
import { INDICATOR_DEFS } from '../../../src/analytics/indicators/registry.js';
import type { IndicatorDef } from '../../../src/analytics/indicators/spec.js';
import { adxDef } from '../../../src/analytics/indicators/adx.js';
import { adxrDef } from '../../../src/analytics/indicators/adxr.js';
import { aroonDef } from '../../../src/analytics/indicators/aroon.js';
import { aroonoscDef } from '../../../src/analytics/indicators/aroonosc.js';
import { atrDef } from '../../../src/analytics/indicators/atr.js';
import { bbandsDef } from '../../../src/analytics/indicators/bbands.js';
import { betaDef } from '../../../src/analytics/indicators/beta.js';
import { cciDef } from '../../../src/analytics/indicators/cci.js';
import { correlDef } from '../../../src/analytics/indicators/correl.js';
import { demaDef } from '../../../src/analytics/indicators/dema.js';
import { emaDef } from '../../../src/analytics/indicators/ema.js';
import { kamaDef } from '../../../src/analytics/indicators/kama.js';
import { linregDef } from '../../../src/analytics/indicators/linreg.js';
import { macdDef } from '../../../src/analytics/indicators/macd.js';
import { mfiDef } from '../../../src/analytics/indicators/mfi.js';
import { minusDiDef } from '../../../src/analytics/indicators/minus-di.js';
import { momDef } from '../../../src/analytics/indicators/mom.js';
import { natrDef } from '../../../src/analytics/indicators/natr.js';
import { obvDef } from '../../../src/analytics/indicators/obv.js';
import { plusDiDef } from '../../../src/analytics/indicators/plus-di.js';
import { rocDef } from '../../../src/analytics/indicators/roc.js';
import { rsiDef } from '../../../src/analytics/indicators/rsi.js';
import { sarDef } from '../../../src/analytics/indicators/sar.js';
import { smaDef } from '../../../src/analytics/indicators/sma.js';
import { stddevDef } from '../../../src/analytics/indicators/stddev.js';
import { stochDef } from '../../../src/analytics/indicators/stoch.js';
import { stochfDef } from '../../../src/analytics/indicators/stochf.js';
import { stochrsiDef } from '../../../src/analytics/indicators/stochrsi.js';
import { temaDef } from '../../../src/analytics/indicators/tema.js';
import { trangeDef } from '../../../src/analytics/indicators/trange.js';
import { willrDef } from '../../../src/analytics/indicators/willr.js';
import { wmaDef } from '../../../src/analytics/indicators/wma.js';
import { REPO, SHARED_DATA } from '../../support/paths.js';

const TOLERANCE = 1e-9;
/** Every indicator momentic promises TA-Lib parity for, by key; each needs fixtures for all three series. */
const DEFS: Readonly<Record<string, IndicatorDef>> = {
  adx: adxDef,
  adxr: adxrDef,
  aroon: aroonDef,
  aroonosc: aroonoscDef,
  atr: atrDef,
  bbands: bbandsDef,
  beta: betaDef,
  cci: cciDef,
  correl: correlDef,
  dema: demaDef,
  ema: emaDef,
  kama: kamaDef,
  linreg: linregDef,
  macd: macdDef,
  mfi: mfiDef,
  minus_di: minusDiDef,
  mom: momDef,
  natr: natrDef,
  obv: obvDef,
  plus_di: plusDiDef,
  roc: rocDef,
  rsi: rsiDef,
  sar: sarDef,
  sma: smaDef,
  stddev: stddevDef,
  stoch: stochDef,
  stochf: stochfDef,
  stochrsi: stochrsiDef,
  tema: temaDef,
  trange: trangeDef,
  willr: willrDef,
  wma: wmaDef,
};
const FIXTURES = join(REPO, 'test', 'fixtures', 'talib');

interface Fixture {
  readonly provenance: {
    readonly source_file: string;
    readonly rows: number;
    readonly ta_lib_c: string;
    readonly talib_npm: string;
    readonly input_checksums: Readonly<Record<string, number>>;
  };
  readonly function: string;
  readonly key: string;
  readonly params: readonly number[];
  readonly inputs: readonly string[];
  readonly pair?: { readonly x: string; readonly y: string };
  readonly lookback: number;
  readonly output_names: readonly string[];
  readonly outputs: Readonly<Record<string, readonly (number | null)[]>>;
}

type Columns = Required<OhlcvColumns> & Readonly<Record<string, ArrayLike<number>>>;

/** The same parsing as the generator: Number() of each CSV cell; the minute file has a Time column its header lacks. */
function readSeries(file: string, rows: number): Columns {
  const minute = file.startsWith('2006-01-02-volume-min');
  const lines = readFileSync(join(SHARED_DATA, file), 'utf8')
    .trim()
    .split('\n')
    .slice(1, rows + 1);
  const cells = lines.map((l) => l.split(','));
  const col = (i: number): Float64Array => Float64Array.from(cells, (r) => Number(r[i]));
  const ts = Float64Array.from(cells, (r) => Date.parse(minute ? `${r[0]}T${r[1]}Z` : `${r[0]}T00:00:00Z`));
  const at = minute ? 2 : 1;
  return { ts, open: col(at), high: col(at + 1), low: col(at + 2), close: col(at + 3), volume: col(6) };
}

type AnyIndicator = Indicator<number> | Indicator<OhlcvBar> | Indicator<PairValue>;

interface Outcome {
  readonly file: string;
  readonly fixture: Fixture;
  readonly params: readonly number[];
  /** Why the fixture does not match, empty when it does. */
  readonly problems: readonly string[];
  readonly worst: number;
}

const relErr = (a: number, b: number): number => Math.abs(a - b) / Math.max(1, Math.abs(b));

function compare(file: string, fx: Fixture, def: IndicatorDef | undefined, cols: Columns): Outcome {
  const problems: string[] = [];
  if (def === undefined)
    return { file, fixture: fx, params: fx.params, problems: [`no def for key '${fx.key}'`], worst: Number.NaN };
  if (def.key !== fx.key) problems.push(`def key '${def.key}', fixture key '${fx.key}'`);
  if (def.talib === undefined || !fx.function.split('+').includes(def.talib))
    problems.push(`def names TA-Lib ${def.talib ?? 'nothing'}, fixture is ${fx.function}`);
  // Params the fixture lacks take the def's defaults (as `--indicator` does) and extra ones are
  // dropped; a wrong guess cannot pass, since the values decide.
  const params = def.params.map((p, i) => fx.params[i] ?? p.default);
  for (const [name, sum] of Object.entries(fx.provenance.input_checksums)) {
    const col = cols[name] as ArrayLike<number>;
    let s = 0;
    for (let i = 0; i < col.length; i++) s += col[i] as number;
    if (s !== sum) problems.push(`input ${name} parsed differently (sum ${s}, fixture ${sum})`);
  }
  let outs: Float64Array[];
  let ind: AnyIndicator;
  try {
    ind = def.create(params);
    if (def.input === 'value') outs = batchValues(ind as Indicator<number>, cols.close);
    else if (def.input === 'bar') outs = batchBars(ind as Indicator<OhlcvBar>, cols);
    else {
      const pair = fx.pair ?? { x: 'close', y: 'close' };
      outs = batchPairs(ind as Indicator<PairValue>, cols[pair.x] as Float64Array, cols[pair.y] as Float64Array);
    }
  } catch (e) {
    return { file, fixture: fx, params, problems: [`threw ${String(e)}`], worst: Number.NaN };
  }
  if (fx.pair !== undefined && def.input !== 'pair') problems.push(`def input is '${def.input}', TA-Lib reads a pair`);
  if (ind.warmup !== fx.lookback + 1) problems.push(`warmup ${ind.warmup}, TA-Lib lookback + 1 = ${fx.lookback + 1}`);
  let worst = 0;
  for (const outName of fx.output_names) {
    const j = def.outputs.indexOf(outName);
    const ref = fx.outputs[`${outName}${fx.params.map((p) => `_${p}`).join('')}`];
    const ours = outs[j];
    if (ref === undefined) throw new Error(`${file}: no output column for ${outName}`);
    if (j < 0 || ours === undefined) {
      problems.push(`no output '${outName}' (def outputs: ${def.outputs.join(', ')})`);
      continue;
    }
    const firstValid = ours.findIndex((v) => !Number.isNaN(v));
    if (firstValid !== fx.lookback)
      problems.push(`${outName}: first value at row ${firstValid}, TA-Lib's at row ${fx.lookback}`);
    let bad = 0;
    let firstBad = '';
    for (let i = fx.lookback; i < ref.length; i++) {
      const a = ours[i] as number;
      const b = ref[i] as number;
      const e = Number.isNaN(a) ? Number.POSITIVE_INFINITY : relErr(a, b);
      if (e > worst) worst = e;
      if (e > TOLERANCE && bad++ === 0) firstBad = `row ${i}: ours ${a}, TA-Lib ${b}`;
    }
    if (bad > 0) problems.push(`${outName}: ${bad} of ${ref.length - fx.lookback} values differ, first at ${firstBad}`);
  }
  return { file, fixture: fx, params, problems, worst };
}

const files = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.json.gz'))
  .sort();
const fixtures = files.map((f) => JSON.parse(gunzipSync(readFileSync(join(FIXTURES, f))).toString('utf8')) as Fixture);
const series = new Map<string, Columns>();
const outcomes = fixtures.map((fx, i) => {
  const { source_file: src, rows } = fx.provenance;
  let cols = series.get(src);
  if (cols === undefined) series.set(src, (cols = readSeries(src, rows)));
  return compare(files[i] as string, fx, DEFS[fx.key], cols);
});

const label = (o: Outcome): string => {
  const err = `max rel err ${o.worst.toExponential(1)}`;
  const status = o.problems.length === 0 ? err : Number.isFinite(o.worst) ? `MISMATCH, ${err}` : 'MISMATCH';
  return `${o.file.replace('.json.gz', '')}: ${o.fixture.key}(${o.params.join(',')}) vs ${o.fixture.function}, ${status}`;
};

describe(`TA-Lib parity (TA-Lib C ${fixtures[0]?.provenance.ta_lib_c} via npm talib ${fixtures[0]?.provenance.talib_npm})`, () => {
  it('has the reference fixtures of every indicator for all three series', () => {
    for (const s of ['orcl-1995-2014.txt', 'nvda-1999-2014.txt', '2006-01-02-volume-min-001.txt']) {
      const keys = new Set(fixtures.filter((f) => f.provenance.source_file === s).map((f) => f.key));
      expect([...keys].sort(), s).toEqual(Object.keys(DEFS).sort());
    }
  });

  it('covers every registry indicator that names a TA-Lib function', () => {
    const claimed = INDICATOR_DEFS.filter((d) => d.talib !== undefined).map((d) => d.key);
    expect(claimed.sort()).toEqual(Object.keys(DEFS).sort());
    for (const key of claimed) expect(INDICATOR_DEFS.find((d) => d.key === key)).toBe(DEFS[key]);
  });

  for (const o of outcomes) {
    it(label(o), () => {
      expect(o.problems, o.problems.join('\n')).toEqual([]);
      expect(o.worst).toBeLessThanOrEqual(TOLERANCE);
    });
  }

  afterAll(() => {
    const worst = new Map<string, number>();
    for (const o of outcomes) {
      const w = o.problems.length > 0 ? Number.NaN : o.worst;
      const prev = worst.get(o.fixture.key);
      worst.set(o.fixture.key, prev === undefined ? w : Math.max(prev, w)); // NaN (a failure) sticks
    }
    const lines = [...worst].map(([k, w]) => `  ${k.padEnd(10)} ${Number.isNaN(w) ? 'FAILS' : w.toExponential(2)}`);
    console.log(`TA-Lib parity, worst |ours - talib| / max(1, |talib|) per indicator:\n${lines.join('\n')}`);
  });
});
