/**
 * Indicator benchmark. It measures, for momentic and each installed peer:
 * - batch throughput, in input points per second, of SMA(20), EMA(20), RSI(14), ATR(14),
 *   MACD(12,26,9) and BBANDS(20,2);
 * - streaming throughput, in `update()` calls per second, of SMA, EMA and RSI.
 * It then prints ratios against TA-Lib C and technicalindicators.
 *
 * Batch functions write into output arrays the caller passes in (`sma(values, 20, out)`), allocated
 * once per indicator outside the timing, as bench/peers/talib-c-bench.c allocates its outputs once
 * and reuses them: a fresh 80 MB Float64Array per call costs about 35 ms of page faults at 10M
 * points, twice SMA's whole computation, and the C side never pays it. The column
 * "momentic (new arrays)" shows the same calls allocating their outputs (the default API).
 * Targets: batch within 2x of TA-Lib C, at least 20x faster than technicalindicators, and at
 * least 20M streaming updates/s.
 *
 * Data: N points (10,000,000 by default) of the seeded random walk of bench/data-io.ts, with
 * valid OHLCV. The peers live outside the default install, in bench/peers/
 * (`npm run bench:peers`):
 * - TA-Lib C: bench/peers/talib-c-bench.c is compiled against the TA-Lib build inside the npm
 *   `talib` package and timed natively (the C calls only), on all N points;
 * - talib and tulind: their Node bindings. Their time includes copying JS arrays in and out;
 * - trading-signals and technicalindicators: pure JS.
 * Bindings and JS peers run on the first 1,000,000 points only, because they are slow. The
 * figures are rates, so they compare directly.
 *
 *   tsx bench/indicators.ts [--points N]
 *   tsx bench/indicators.ts --points N --only 'RSI(14)'   one of ours (prints a RESULT line)
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { atr } from '../src/analytics/indicators/atr.js';
import { bbands } from '../src/analytics/indicators/bbands.js';
import { Ema, ema } from '../src/analytics/indicators/ema.js';
import { macd } from '../src/analytics/indicators/macd.js';
import { Rsi, rsi } from '../src/analytics/indicators/rsi.js';
import { Sma, sma } from '../src/analytics/indicators/sma.js';
import { generateBars } from './data-io.js';
import {
  BATCH,
  type Cases,
  type Column,
  type Hlc,
  measure,
  type Name,
  type Rates,
  runPeers,
  STREAM,
  stream,
} from './indicator-peers.js';

const lastOf = (a: Float64Array): number => a[a.length - 1] as number;

/**
 * momentic's cases; with `only`, just that indicator (for a fresh process of its own). Returns the
 * figures with caller-owned outputs, then those with outputs allocated per call.
 */
function ours(s: Hlc, only?: Name): [Column, Column] {
  const n = s.close.length;
  const pick = (cases: Cases): Cases => (only === undefined ? cases : only in cases ? { [only]: cases[only] } : {});
  const last: Record<string, unknown> = {};
  const [o1, o2, o3] = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  const batch = measure(
    n,
    3,
    pick({
      'SMA(20)': () => lastOf(sma(s.close, 20, o1)),
      'EMA(20)': () => lastOf(ema(s.close, 20, o1)),
      'RSI(14)': () => lastOf(rsi(s.close, 14, o1)),
      'ATR(14)': () => lastOf(atr(s, 14, o1)),
      'MACD(12,26,9)': () => lastOf(macd(s.close, 12, 26, 9, { macd: o1, signal: o2, hist: o3 }).macd),
      'BBANDS(20,2)': () => lastOf(bbands(s.close, 20, 2, 2, { up: o1, mid: o2, dn: o3 }).up),
    }),
    last,
  );
  const fresh = measure(
    n,
    3,
    pick({
      'SMA(20)': () => lastOf(sma(s.close, 20)),
      'EMA(20)': () => lastOf(ema(s.close, 20)),
      'RSI(14)': () => lastOf(rsi(s.close, 14)),
      'ATR(14)': () => lastOf(atr(s, 14)),
      'MACD(12,26,9)': () => lastOf(macd(s.close, 12, 26, 9).macd),
      'BBANDS(20,2)': () => lastOf(bbands(s.close, 20, 2, 2).up),
    }),
  );
  const streaming = measure(
    n,
    3,
    pick({
      'SMA(20)': stream(() => new Sma(20), s.close),
      'EMA(20)': stream(() => new Ema(20), s.close),
      'RSI(14)': stream(() => new Rsi(14), s.close),
    }),
  );
  return [
    { name: 'momentic', batch, stream: streaming, last: last as Rates },
    { name: 'momentic (new arrays)', batch: fresh, stream: {} },
  ];
}

/**
 * momentic with each indicator in a fresh process, as each TA-Lib C function runs its own loop:
 * code shared between indicators (the streaming `update` path, shared helpers such as `emaNext`)
 * collects type feedback from every caller in one process, which can slow later indicators.
 * The "momentic (1 process)" column shows that case.
 */
function oursIsolated(n: number): [Column, Column] {
  const self = fileURLToPath(import.meta.url);
  const tsx = import.meta.resolve('tsx');
  const cols = BATCH.map((name) => {
    const child = spawnSync(process.execPath, ['--import', tsx, self, '--points', String(n), '--only', name], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = child.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    if (child.status !== 0 || line === undefined) throw new Error(`bench --only ${name} failed (exit ${child.status})`);
    return JSON.parse(line.slice('RESULT '.length)) as [Column, Column];
  });
  const merge = (k: 0 | 1, kind: 'batch' | 'stream' | 'last'): Rates =>
    Object.assign({}, ...cols.map((c) => c[k][kind]));
  return [
    { name: 'momentic', batch: merge(0, 'batch'), stream: merge(0, 'stream'), last: merge(0, 'last') },
    { name: 'momentic (new arrays)', batch: merge(1, 'batch'), stream: {} },
  ];
}

const mps = (v: number | undefined): string => (v === undefined ? '-' : `${(v / 1e6).toFixed(1)}M`);
const ratio = (a: number | undefined, b: number | undefined): string =>
  a === undefined || b === undefined ? '-' : `${(a / b).toFixed(2)}x`;

/** One row per indicator: every column that measured something, then momentic's ratio to each `refs` column. */
function table(
  title: string,
  names: readonly Name[],
  cols: readonly Column[],
  kind: 'batch' | 'stream',
  refs: readonly string[],
): void {
  const shown = cols.filter((c) => Object.keys(c[kind]).length > 0);
  const width = (t: string): number => Math.max(9, t.length + 2);
  const row = (first: string, cells: readonly string[], heads: readonly string[]): string =>
    first.padEnd(15) + cells.map((c, i) => c.padStart(width(heads[i] ?? ''))).join('');
  const heads = [...shown.map((c) => c.name), ...refs.map((r) => `momentic/${r}`)];
  console.log(title);
  console.log(row('indicator', heads, heads));
  const me = cols[0] as Column;
  for (const ind of names) {
    const rates = shown.map((c) => mps(c[kind][ind]));
    const ratios = refs.map((r) => ratio(me[kind][ind], cols.find((c) => c.name === r)?.[kind][ind]));
    console.log(row(ind, [...rates, ...ratios], heads));
  }
}

function targets(cols: readonly Column[]): void {
  const me = cols[0] as Column;
  const c = cols.find((x) => x.name === 'TA-Lib C');
  const ti = cols.find((x) => x.name === 'technicalindicators');
  const verdict = (ref: Column | undefined, ok: (k: Name) => boolean, names: readonly Name[] = BATCH): string =>
    ref === undefined ? 'not measured' : names.filter((k) => !ok(k)).join(', ') || 'met';
  const at = (r: Rates, k: Name): number => r[k] ?? Number.NaN;
  console.log('targets (indicators listed missed it):');
  console.log(`  batch within 2x of TA-Lib C: ${verdict(c, (k) => 2 * at(me.batch, k) >= at(c?.batch ?? {}, k))}`);
  console.log(
    `  batch >= 20x technicalindicators: ${verdict(ti, (k) => at(me.batch, k) >= 20 * at(ti?.batch ?? {}, k))}`,
  );
  console.log(`  streaming >= 20M updates/s: ${verdict(me, (k) => at(me.stream, k) >= 20e6, STREAM)}`);
  if (c?.last !== undefined) {
    const off = BATCH.filter(
      (k) => !(Math.abs(at(me.last ?? {}, k) - at(c.last ?? {}, k)) <= 1e-9 * Math.abs(at(c.last ?? {}, k))),
    );
    console.log(`  same last value as TA-Lib C (1e-9 relative): ${off.length === 0 ? 'all' : `NOT ${off.join(', ')}`}`);
  }
}

export async function runIndicatorBench(options: { readonly points: number }): Promise<void> {
  const n = options.points;
  console.log(`== indicators: ${n.toLocaleString('en-US')} points of a seeded random walk`);
  const bars = generateBars(n);
  const s: Hlc = { high: bars.high, low: bars.low, close: bars.close };
  const [mixed] = ours(s);
  const cols: Column[] = [...oursIsolated(n), { ...mixed, name: 'momentic (1 process)' }];
  const peers = await runPeers(s);
  cols.push(...peers.cols);
  for (const line of peers.skipped) console.log(`skipped ${line}`);
  console.log(
    '  momentic: each indicator in a fresh process, writing into output arrays allocated once (as the TA-Lib C run does)',
  );
  console.log('  momentic (new arrays): the same, allocating its output arrays on every call');
  console.log('  momentic (1 process): all of them in one process, in table order, outputs allocated once');
  for (const c of cols.slice(3)) console.log(`  ${c.name}: ${c.note ?? ''}`);
  table('batch, input points per second:', BATCH, cols, 'batch', ['TA-Lib C', 'technicalindicators']);
  table('streaming, update() calls per second:', STREAM, cols, 'stream', ['trading-signals', 'technicalindicators']);
  targets(cols);
}

export function pointsFlag(args: readonly string[]): number {
  const i = args.indexOf('--points');
  const text = i < 0 ? '10000000' : (args[i + 1] ?? '');
  const n = Number(text.replaceAll('_', ''));
  if (!Number.isInteger(n) || n < 1000) throw new Error(`--points must be an integer >= 1000, got ${text}`);
  return n;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const only = args[args.indexOf('--only') + 1] as Name | undefined;
  const points = pointsFlag(args);
  if (args.includes('--only') && only !== undefined && BATCH.includes(only)) {
    const bars = generateBars(points);
    console.log(`RESULT ${JSON.stringify(ours({ high: bars.high, low: bars.low, close: bars.close }, only))}`);
  } else {
    await runIndicatorBench({ points });
  }
}
