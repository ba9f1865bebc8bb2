/**
 * Universe build benchmark: 5,000 symbols x 1 year (252 sessions) of synthetic daily bars in
 * memory with one reference record each (some unshortable, a few delisting, earnings dates),
 * every session of the year built (the morning build of each day). Target: under 5 s.
 *
 *   tsx bench/universe.ts [--universe-symbols N]   (npm run bench -- --universe-symbols N inside the full run)
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { getCalendar } from '../src/calendar/index.js';
import { BarSeries } from '../src/core/bar.js';
import { dateToTs, type IsoDate } from '../src/core/dates.js';
import type { AssetRecord, ScheduledEvent } from '../src/universe/reference-files.js';
import { eachUniverseDay } from '../src/universe/universe-build.js';
import { UNIVERSE_DEFAULTS } from '../src/universe/universe-config.js';

const TARGET_S = 5;

export function universeSymbolsFlag(argv: readonly string[]): number {
  const i = argv.indexOf('--universe-symbols');
  return i >= 0 ? Number(argv[i + 1]) : 5000;
}

export function runUniverseBench(o: { symbols?: number } = {}): void {
  const n = o.symbols ?? 5000;
  const sessions = getCalendar('XNYS').sessionDates('2023-01-01', '2023-12-31') as IsoDate[];
  let seed = 42;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const t0 = performance.now();
  const series: BarSeries[] = [];
  const assets: AssetRecord[] = [];
  const events: ScheduledEvent[] = [];
  const ts = Float64Array.from(sessions, (d) => dateToTs(d));
  for (let k = 0; k < n; k++) {
    const symbol = `S${String(k).padStart(5, '0')}`;
    const m = ts.length;
    const cols = {
      ts,
      open: new Float64Array(m),
      high: new Float64Array(m),
      low: new Float64Array(m),
      close: new Float64Array(m),
      volume: new Float64Array(m),
    };
    let p = 3 + rand() * 600;
    const vol = 0.005 + rand() * 0.03;
    const volume = 1e4 + rand() * 5e6;
    for (let i = 0; i < m; i++) {
      const c = p * (1 + vol * (rand() * 2 - 1));
      cols.open[i] = p;
      cols.close[i] = c;
      cols.high[i] = Math.max(p, c) * (1 + rand() * 0.004);
      cols.low[i] = Math.min(p, c) * (1 - rand() * 0.004);
      cols.volume[i] = volume * (0.5 + rand());
      p = c;
    }
    series.push(new BarSeries(symbol, cols));
    assets.push({
      symbol,
      asOf: '2022-12-01',
      name: symbol,
      exchange: 'NYSE',
      assetClass: 'us_equity',
      status: 'active',
      tradable: true,
      shortable: rand() > 0.05,
      easyToBorrow: true,
      fractionable: true,
      marketCap: rand() * 1e10,
      listDate: '2000-01-03',
      delistDate: k % 100 === 0 ? (sessions[200] as string) : '',
      source: 'bench',
    });
    for (let q = 0; q < 4; q++)
      events.push({ symbol, date: sessions[q * 60 + (k % 60)] as string, event: 'earnings', time: '' });
  }
  const t1 = performance.now();
  const cpu0 = process.cpuUsage();
  let included = 0;
  eachUniverseDay({ series, assets, events }, sessions, UNIVERSE_DEFAULTS, (rows) => {
    for (const r of rows) if (r.included) included++;
  });
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const s = (t2 - t1) / 1000;
  console.log('\nuniverse build');
  console.log(
    `  ${n} symbols x ${sessions.length} sessions: built in ${s.toFixed(2)} s (target < ${TARGET_S} s, ratio ${(s / TARGET_S).toFixed(2)}); ` +
      `${((n * sessions.length) / s / 1e6).toFixed(2)} M symbol-days/s; data made in ${((t1 - t0) / 1000).toFixed(2)} s; ` +
      `${(included / sessions.length).toFixed(0)} members a day on average; ` +
      `CPU time of the build ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (user ${(cpu.user / 1e6).toFixed(2)}, system ${(cpu.system / 1e6).toFixed(2)})`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  runUniverseBench({ symbols: universeSymbolsFlag(process.argv.slice(2)) });
