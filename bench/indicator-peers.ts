/**
 * The peers of bench/indicators.ts and the timing kit it shares with them. Peers load from
 * bench/peers/node_modules (`npm run bench:peers`); a missing one is reported, not fatal.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PEERS = fileURLToPath(new URL('./peers/', import.meta.url));
export const BATCH = ['SMA(20)', 'EMA(20)', 'RSI(14)', 'ATR(14)', 'MACD(12,26,9)', 'BBANDS(20,2)'] as const;
export const STREAM = ['SMA(20)', 'EMA(20)', 'RSI(14)'] as const;
const PEER_POINTS = 1_000_000;
export type Name = (typeof BATCH)[number];
export type Cases = Partial<Record<Name, () => unknown>>;
/** Rates (per second) by indicator; a missing entry was not measured. */
export type Rates = Partial<Record<Name, number>>;
export interface Hlc {
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
}
export interface Column {
  readonly name: string;
  readonly batch: Rates;
  readonly stream: Rates;
  readonly note?: string;
  /** Last batch value (MACD line, upper band), to check that momentic and TA-Lib C computed the same thing. */
  readonly last?: Rates;
}

/** Rates of each case: the best of `reps` timed runs after one warm-up run. `last` collects the warm-up run's results. */
export function measure(n: number, reps: number, cases: Cases, last?: Record<string, unknown>): Rates {
  const out: Rates = {};
  for (const [name, f] of Object.entries(cases)) {
    const r = f();
    if (last !== undefined) last[name] = r;
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      f();
      best = Math.min(best, performance.now() - t0);
    }
    out[name as Name] = n / (best / 1000);
  }
  return out;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- peer packages are untyped here, loaded at run time */
type Peer = any;

/** One instance fed every value through `method`; the checksum keeps the loop from being optimised away. */
export function stream(make: () => Peer, values: Float64Array, method = 'update'): () => number {
  return () => {
    const ind = make();
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += Number(ind[method](values[i])) || 0;
    return sum;
  };
}

/** TA-Lib C, compiled here with g++ and timed natively by bench/peers/talib-c-bench.c. */
function taLibC(s: Hlc): Column | string {
  const lib = join(PEERS, 'node_modules', 'talib', 'src', 'lib');
  if (!existsSync(join(lib, 'lib', 'libta_func_csr.a'))) return 'TA-Lib C: not built; run `npm run bench:peers`';
  const dir = mkdtempSync(join(tmpdir(), 'momentic-talib-c-'));
  try {
    const exe = join(dir, 'talib-c-bench');
    const libs = ['func', 'common'].map((l) => join(lib, 'lib', `libta_${l}_csr.a`));
    const src = join(PEERS, 'talib-c-bench.c');
    execFileSync('g++', ['-O2', '-x', 'c++', src, '-x', 'none', ...libs, '-I', join(lib, 'include'), '-o', exe]);
    const n = s.close.length;
    const buf = new Float64Array(3 * n);
    [s.high, s.low, s.close].forEach((col, i) => buf.set(col, i * n));
    writeFileSync(join(dir, 'in.f64'), buf);
    const out = execFileSync(exe, [join(dir, 'in.f64'), String(n), '3'], { encoding: 'utf8' });
    const batch: Rates = {};
    const last: Rates = {};
    for (const line of out.trim().split('\n')) {
      const [fn = '', secs = '', value = ''] = line.split(' ');
      const name = BATCH.find((b) => b.startsWith(`${fn}(`));
      if (name === undefined) continue;
      batch[name] = n / Number(secs);
      last[name] = Number(value);
    }
    return { name: 'TA-Lib C', batch, stream: {}, last, note: `native, C calls only, ${n / 1e6}M points` };
  } catch (e) {
    return `TA-Lib C: could not build or run bench/peers/talib-c-bench.c (${String(e).split('\n')[0]})`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The first PEER_POINTS rows as plain arrays (what bindings and JS peers take). */
function head(s: Hlc): { high: number[]; low: number[]; close: number[]; n: number } {
  const m = Math.min(PEER_POINTS, s.close.length);
  const [high, low, close] = [s.high, s.low, s.close].map((c) => Array.from(c.subarray(0, m))) as [
    number[],
    number[],
    number[],
  ];
  return { high, low, close, n: m };
}

function talibNpm(lib: Peer, s: Hlc): Column {
  const { high, low, close, n } = head(s);
  const run = (name: string, opts: object) => () =>
    lib.execute({ name, startIdx: 0, endIdx: n - 1, high, low, close, inReal: close, ...opts });
  const batch = measure(n, 2, {
    'SMA(20)': run('SMA', { optInTimePeriod: 20 }),
    'EMA(20)': run('EMA', { optInTimePeriod: 20 }),
    'RSI(14)': run('RSI', { optInTimePeriod: 14 }),
    'ATR(14)': run('ATR', { optInTimePeriod: 14 }),
    'MACD(12,26,9)': run('MACD', { optInFastPeriod: 12, optInSlowPeriod: 26, optInSignalPeriod: 9 }),
    'BBANDS(20,2)': run('BBANDS', { optInTimePeriod: 20, optInNbDevUp: 2, optInNbDevDn: 2, optInMAType: 0 }),
  });
  return { name: 'talib (npm)', batch, stream: {}, note: `Node binding incl. JS<->C copies, ${n / 1e6}M points` };
}

function tulind(lib: Peer, s: Hlc): Column {
  const { high, low, close, n } = head(s);
  const run = (ind: string, inputs: number[][], options: number[]) => () =>
    lib.indicators[ind].indicator(inputs, options, (err: unknown) => {
      if (err) throw new Error(String(err));
    });
  const batch = measure(n, 2, {
    'SMA(20)': run('sma', [close], [20]),
    'EMA(20)': run('ema', [close], [20]),
    'RSI(14)': run('rsi', [close], [14]),
    'ATR(14)': run('atr', [high, low, close], [14]),
    'MACD(12,26,9)': run('macd', [close], [12, 26, 9]),
    'BBANDS(20,2)': run('bbands', [close], [20, 2]),
  });
  return { name: 'tulind', batch, stream: {}, note: `Node binding incl. JS<->C copies, ${n / 1e6}M points` };
}

function tradingSignals(ts: Peer, s: Hlc): Column {
  const { high, low, close, n } = head(s);
  const values = s.close.subarray(0, n);
  const candles = close.map((c, i) => ({ high: high[i], low: low[i], close: c }));
  const feed = (make: () => Peer, inputs: readonly unknown[]) => () => {
    const ind = make();
    for (const x of inputs) ind.add(x);
  };
  const batch = measure(n, 2, {
    'SMA(20)': feed(() => new ts.SMA(20), close),
    'EMA(20)': feed(() => new ts.EMA(20), close),
    'RSI(14)': feed(() => new ts.RSI(14), close),
    'ATR(14)': feed(() => new ts.ATR(14), candles),
    'MACD(12,26,9)': feed(() => new ts.MACD(new ts.EMA(12), new ts.EMA(26), new ts.EMA(9)), close),
    'BBANDS(20,2)': feed(() => new ts.BollingerBands(20, 2), close),
  });
  const streaming = measure(n, 2, {
    'SMA(20)': stream(() => new ts.SMA(20), values, 'add'),
    'EMA(20)': stream(() => new ts.EMA(20), values, 'add'),
    'RSI(14)': stream(() => new ts.RSI(14), values, 'add'),
  });
  return { name: 'trading-signals', batch, stream: streaming, note: `add() per value, ${n / 1e6}M points` };
}

function technicalIndicators(ti: Peer, s: Hlc): Column {
  const { high, low, close: values, n } = head(s);
  const batch = measure(n, 2, {
    'SMA(20)': () => ti.SMA.calculate({ period: 20, values }),
    'EMA(20)': () => ti.EMA.calculate({ period: 20, values }),
    'RSI(14)': () => ti.RSI.calculate({ period: 14, values }),
    'ATR(14)': () => ti.ATR.calculate({ period: 14, high, low, close: values }),
    'MACD(12,26,9)': () =>
      ti.MACD.calculate({
        values,
        fastPeriod: 12,
        slowPeriod: 26,
        signalPeriod: 9,
        SimpleMAOscillator: false,
        SimpleMASignal: false,
      }),
    'BBANDS(20,2)': () => ti.BollingerBands.calculate({ period: 20, stdDev: 2, values }),
  });
  const close = s.close.subarray(0, n);
  const streaming = measure(n, 2, {
    'SMA(20)': stream(() => new ti.SMA({ period: 20, values: [] }), close, 'nextValue'),
    'EMA(20)': stream(() => new ti.EMA({ period: 20, values: [] }), close, 'nextValue'),
    'RSI(14)': stream(() => new ti.RSI({ period: 14, values: [] }), close, 'nextValue'),
  });
  return { name: 'technicalindicators', batch, stream: streaming, note: `${n / 1e6}M points` };
}

/** A peer from bench/peers/node_modules (CommonJS, or ESM through import), or how to install it. */
async function loadPeer(name: string): Promise<Peer | string> {
  const require = createRequire(join(PEERS, 'package.json'));
  let path: string;
  try {
    path = require.resolve(name);
  } catch {
    return `${name}: not installed; run \`npm run bench:peers\` (installs bench/peers/node_modules)`;
  }
  try {
    return require(path);
  } catch {
    const mod: Peer = await import(pathToFileURL(path).href); // ESM-only (trading-signals)
    return mod.default ?? mod;
  }
}
/* eslint-enable @typescript-eslint/no-explicit-any */

const PEER_RUNS: readonly (readonly [string, (lib: Peer, s: Hlc) => Column])[] = [
  ['talib', talibNpm],
  ['tulind', tulind],
  ['trading-signals', tradingSignals],
  ['technicalindicators', technicalIndicators],
];

/** Every peer that is installed, run on `s`; the others as lines saying how to install them. */
export async function runPeers(s: Hlc): Promise<{ readonly cols: Column[]; readonly skipped: string[] }> {
  const cols: Column[] = [];
  const skipped: string[] = [];
  const add = (c: Column | string): void => void (typeof c === 'string' ? skipped.push(c) : cols.push(c));
  add(taLibC(s));
  for (const [name, run] of PEER_RUNS) {
    const lib: unknown = await loadPeer(name);
    add(typeof lib === 'string' ? lib : run(lib, s));
  }
  return { cols, skipped };
}
