/**
 * The batch functions of SMA, EMA, RSI, ATR, MACD and BBANDS run their own loops over the input
 * arrays (no ring buffer, no per-point method call). They must give, bit for bit (Object.is per
 * element, NaN included), what the streaming class gives fed one value at a time: on real series,
 * a long random walk, NaN inputs, flat and short series, with default and other parameters.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Atr, atr } from '../../../src/analytics/indicators/atr.js';
import { BollingerBands, bbands } from '../../../src/analytics/indicators/bbands.js';
import { Ema, ema } from '../../../src/analytics/indicators/ema.js';
import { BATCH_CHUNK, type Indicator, type OhlcvBar } from '../../../src/analytics/indicators/indicator.js';
import { Macd, macd } from '../../../src/analytics/indicators/macd.js';
import { gainOf, lossOf, Rsi, rsi } from '../../../src/analytics/indicators/rsi.js';
import { Sma, sma } from '../../../src/analytics/indicators/sma.js';
import { SHARED_DATA } from '../../support/paths.js';

interface Hlc {
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
}

/** Bars of a sample file in ../shared/data (the minute file has a Time column its header lacks). */
function readBars(file: string, rows: number): Hlc {
  const at = file.startsWith('2006-01-02-volume-min') ? 2 : 1;
  const cells = readFileSync(join(SHARED_DATA, file), 'utf8')
    .trim()
    .split('\n')
    .slice(1, rows + 1)
    .map((l) => l.split(','));
  const col = (i: number): Float64Array => Float64Array.from(cells, (r) => Number(r[i]));
  return { high: col(at + 1), low: col(at + 2), close: col(at + 3) };
}

/** A seeded random walk (xorshift32) with highs and lows around the close. */
function randomWalk(n: number): Hlc {
  let state = 0x9e3779b9;
  const rand = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4_294_967_296;
  };
  const s = { high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n) };
  let price = 100;
  for (let i = 0; i < n; i++) {
    price *= 1 + (rand() - 0.5) * 0.02;
    s.close[i] = price;
    s.high[i] = price * (1 + rand() * 0.01);
    s.low[i] = price * (1 - rand() * 0.01);
  }
  return s;
}

/** A copy of `s` with NaN at `at` in the given columns. */
function withNaN(s: Hlc, at: readonly number[], cols: readonly (keyof Hlc)[] = ['high', 'low', 'close']): Hlc {
  const c = { high: Float64Array.from(s.high), low: Float64Array.from(s.low), close: Float64Array.from(s.close) };
  for (const k of cols) for (const i of at) c[k][i] = Number.NaN;
  return c;
}

const head = (s: Hlc, n: number): Hlc => ({
  high: s.high.subarray(0, n),
  low: s.low.subarray(0, n),
  close: s.close.subarray(0, n),
});
const flat = (n: number, v: number): Hlc => ({
  high: new Float64Array(n).fill(v),
  low: new Float64Array(n).fill(v),
  close: new Float64Array(n).fill(v),
});

const orcl = readBars('orcl-1995-2014.txt', Number.POSITIVE_INFINITY);
const nvda = readBars('nvda-1999-2014.txt', Number.POSITIVE_INFINITY);
const minute = readBars('2006-01-02-volume-min-001.txt', 20_000);
const walk = randomWalk(100_000);

const SERIES: readonly (readonly [string, Hlc])[] = [
  ['ORCL daily', orcl],
  ['NVDA daily', nvda],
  ['2006 minute bars (first 20,000)', minute],
  ['random walk (100,000)', walk],
  ['NaN in the middle', withNaN(orcl, [2500])],
  ['NaN at the start', withNaN(nvda, [0, 1, 2])],
  ['NaN close only (previous close of a bar)', withNaN(minute, [700, 9000], ['close'])],
  ['NaN high only', withNaN(minute, [1200], ['high'])],
  ['constant', flat(500, 42.5)],
  ['all zero', flat(300, 0)],
  ['5 bars', head(orcl, 5)],
  ['1 bar', head(orcl, 1)],
  ['no bars', head(orcl, 0)],
];

/** Feeds `ind` one value at a time; one array per output. */
function streamValues(ind: Indicator<number>, values: Float64Array): Float64Array[] {
  const outs = ind.outputs.map(() => new Float64Array(values.length));
  for (let i = 0; i < values.length; i++) {
    ind.update(values[i] as number);
    outs.forEach((o, j) => (o[i] = ind.output(j)));
  }
  return outs;
}

function streamBars(ind: Indicator<OhlcvBar>, s: Hlc): Float64Array {
  const out = new Float64Array(s.close.length);
  for (let i = 0; i < out.length; i++)
    out[i] = ind.update({
      ts: 0,
      open: Number.NaN,
      high: s.high[i] as number,
      low: s.low[i] as number,
      close: s.close[i] as number,
      volume: 0,
    });
  return out;
}

/** Where `batch` and `streamed` differ bit for bit (Object.is), at most the first 3. */
function differences(batch: Float64Array, streamed: Float64Array): string[] {
  if (batch.length !== streamed.length) return [`length ${batch.length} vs ${streamed.length}`];
  const found: string[] = [];
  for (let i = 0; i < batch.length && found.length < 3; i++)
    if (!Object.is(batch[i], streamed[i])) found.push(`[${i}] batch ${batch[i]} vs stream ${streamed[i]}`);
  return found;
}

/** A batch function and the class it must match, over one series. */
interface Kernel {
  readonly name: string;
  batch(s: Hlc): readonly Float64Array[];
  stream(s: Hlc): readonly Float64Array[];
}

const KERNELS: readonly Kernel[] = [
  ...[20, 1, 200].map((p) => ({
    name: `sma(${p})`,
    batch: (s: Hlc) => [sma(s.close, p)],
    stream: (s: Hlc) => streamValues(new Sma(p), s.close),
  })),
  ...[20, 2].map((p) => ({
    name: `ema(${p})`,
    batch: (s: Hlc) => [ema(s.close, p)],
    stream: (s: Hlc) => streamValues(new Ema(p), s.close),
  })),
  ...[14, 2, 50].map((p) => ({
    name: `rsi(${p})`,
    batch: (s: Hlc) => [rsi(s.close, p)],
    stream: (s: Hlc) => streamValues(new Rsi(p), s.close),
  })),
  ...[14, 1, 30].map((p) => ({
    name: `atr(${p})`,
    batch: (s: Hlc) => [atr(s, p)],
    stream: (s: Hlc) => [streamBars(new Atr(p), s)],
  })),
  ...[
    [12, 26, 9],
    [5, 35, 5],
    [26, 12, 9], // fast > slow: swapped, as TA-Lib does
    [12, 26, 1],
    [3, 3, 2],
  ].map(([f = 0, sl = 0, g = 0]) => ({
    name: `macd(${f},${sl},${g})`,
    batch: (s: Hlc) => {
      const r = macd(s.close, f, sl, g);
      return [r.macd, r.signal, r.hist];
    },
    stream: (s: Hlc) => streamValues(new Macd(f, sl, g), s.close),
  })),
  ...[
    [20, 2, 2],
    [10, 1.5, 1.5],
    [20, 0, 0],
    [5, 1, 3],
  ].map(([p = 0, up = 0, dn = 0]) => ({
    name: `bbands(${p},${up},${dn})`,
    batch: (s: Hlc) => {
      const r = bbands(s.close, p, up, dn);
      return [r.up, r.mid, r.dn];
    },
    stream: (s: Hlc) => streamValues(new BollingerBands(p, up, dn), s.close),
  })),
];

describe('batch functions equal their streaming class bit for bit', () => {
  for (const k of KERNELS) {
    it(`${k.name} on real, random, NaN, flat and short series`, () => {
      for (const [label, s] of SERIES) {
        const b = k.batch(s);
        const st = k.stream(s);
        expect(b.length, `${k.name} outputs`).toBe(st.length);
        st.forEach((o, j) =>
          expect(differences(b[j] as Float64Array, o), `${k.name}, ${label}, output ${j}`).toEqual([]),
        );
      }
    });
  }

  it('runs across the chunk edges of the steady-state loop', () => {
    // The steady state runs in chunks of BATCH_CHUNK points; lengths around its multiples.
    const lengths = [BATCH_CHUNK - 1, BATCH_CHUNK, BATCH_CHUNK + 1, BATCH_CHUNK + 14, BATCH_CHUNK + 15];
    lengths.push(BATCH_CHUNK + 19, BATCH_CHUNK + 20, 2 * BATCH_CHUNK + 33);
    for (const k of KERNELS)
      for (const len of lengths) {
        const s = head(walk, len);
        const b = k.batch(s);
        k.stream(s).forEach((o, j) => expect(differences(b[j] as Float64Array, o), `${k.name}, ${len}`).toEqual([]));
      }
  });

  it('fills the warm-up with NaN and the rest with numbers (so the comparison is not between two NaN arrays)', () => {
    expect(sma(walk.close, 200).findIndex((v) => !Number.isNaN(v))).toBe(199);
    expect(rsi(walk.close, 50).findIndex((v) => !Number.isNaN(v))).toBe(50);
    expect(atr(walk, 30).findIndex((v) => !Number.isNaN(v))).toBe(30);
    expect(macd(walk.close, 5, 35, 5).hist.findIndex((v) => !Number.isNaN(v))).toBe(38);
    expect(bbands(walk.close, 10, 1.5, 1.5).dn.every((v, i) => (i < 9 ? Number.isNaN(v) : Number.isFinite(v)))).toBe(
      true,
    );
    expect(ema(walk.close, 2).slice(1).every(Number.isFinite)).toBe(true);
  });
});

describe('batch output arrays', () => {
  it('writes into a caller-owned array and returns it, with the same values', () => {
    const out = new Float64Array(orcl.close.length).fill(7);
    expect(sma(orcl.close, 20, out)).toBe(out);
    expect(differences(out, sma(orcl.close, 20))).toEqual([]);
    expect(differences(ema(orcl.close, 20, out), ema(orcl.close, 20))).toEqual([]);
    expect(differences(rsi(orcl.close, 14, out), rsi(orcl.close, 14))).toEqual([]);
    expect(differences(atr(orcl, 14, out), atr(orcl, 14))).toEqual([]);
    const [a, b, c] = [0, 1, 2].map(() => new Float64Array(orcl.close.length).fill(7)) as [
      Float64Array,
      Float64Array,
      Float64Array,
    ];
    const m = macd(orcl.close, 12, 26, 9, { macd: a, signal: b, hist: c });
    expect(m.macd).toBe(a);
    expect(m.signal).toBe(b);
    expect(differences(c, macd(orcl.close).hist)).toEqual([]);
    const bb = bbands(orcl.close, 20, 2, 2, { up: a, mid: b, dn: c });
    expect(bb.dn).toBe(c);
    expect(differences(a, bbands(orcl.close).up)).toEqual([]);
  });

  it('rejects an output array of another length', () => {
    expect(() => sma(orcl.close, 20, new Float64Array(3))).toThrow(/sma output must hold 5036 values/);
    expect(() => atr(orcl, 14, new Float64Array(5037))).toThrow(RangeError);
    const short = new Float64Array(10);
    const full = new Float64Array(orcl.close.length);
    expect(() => macd(orcl.close, 12, 26, 9, { macd: full, signal: short, hist: full })).toThrow(/macd signal output/);
    expect(() => bbands(orcl.close, 20, 2, 2, { up: full, mid: full, dn: short })).toThrow(/bbands lower band output/);
  });

  it('rejects the parameters the classes reject', () => {
    expect(() => sma(orcl.close, 0)).toThrow(/sma period/);
    expect(() => rsi(orcl.close, 1)).toThrow(/rsi period/);
    expect(() => macd(orcl.close, 1, 26, 9)).toThrow(/macd fast period/);
    expect(() => bbands(orcl.close, 20, -1, 2)).toThrow(/bbands nbdevup/);
  });
});

describe('batch edge cases', () => {
  it('reads plain number arrays as well as typed arrays', () => {
    const values = Array.from(orcl.close.subarray(0, 300));
    expect(differences(sma(values, 20), sma(orcl.close.subarray(0, 300), 20))).toEqual([]);
    expect(
      differences(rsi(values, 14), streamValues(new Rsi(14), orcl.close.subarray(0, 300))[0] as Float64Array),
    ).toEqual([]);
  });

  it('ATR reads a missing or short high/low column as NaN, as the class fed such bars does', () => {
    const n = orcl.close.length;
    const nan = new Float64Array(n).fill(Number.NaN);
    const none = streamBars(new Atr(14), { high: nan, low: nan, close: orcl.close });
    expect(differences(atr({ close: orcl.close }, 14), none)).toEqual([]);
    const padded = Float64Array.from(nan);
    padded.set(orcl.high.subarray(0, 100));
    const short = streamBars(new Atr(14), { high: padded, low: orcl.low, close: orcl.close });
    expect(short.subarray(14, 100).every(Number.isFinite)).toBe(true);
    expect(differences(atr({ close: orcl.close, high: orcl.high.subarray(0, 100), low: orcl.low }, 14), short)).toEqual(
      [],
    );
  });

  it('splits a change into gain and loss exactly as the sign comparison does, in every range', () => {
    // gainOf/lossOf avoid a branch on the sign; added to a running sum they must act as
    // (c < 0 ? 0 : c) and (c < 0 ? -c : 0), including -0, subnormals, 2^1023 and beyond, ±Inf, NaN.
    const changes = [0, -0, 5e-324, -5e-324, 2.2e-308, 1e-300, -3.75, 0.01, 2 ** 1023, -(2 ** 1023), 1.7e308];
    changes.push(-1.7e308, Number.MAX_VALUE, -Number.MAX_VALUE, Infinity, -Infinity, Number.NaN);
    for (const c of changes)
      for (const sum of [0, 1.25, 1e308, Infinity]) {
        expect(Object.is(sum + gainOf(c), sum + (c < 0 ? 0 : c)), `gain ${c} into ${sum}`).toBe(true);
        expect(Object.is(sum + lossOf(c), sum + (c < 0 ? -c : 0)), `loss ${c} into ${sum}`).toBe(true);
      }
  });
});
