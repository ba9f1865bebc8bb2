/**
 * PostgreSQL bar store benchmark (src/data/pg-bar-store.ts): writes 10 symbols of one-minute
 * bars (seeded random walks, 24/7 from 2020-01-01) to a raw zone, loads them with `push`
 * (packed column chunks, then the read-back that hashes the stored bars against the files'
 * records), then times whole reads and one-month range reads into Float64Array columns, and the
 * same whole reads from the raw files (each checked against its sha256). Target: >= 2,000,000
 * bars/s read from the store. Wall-clock rates and this process's CPU time are printed: on a
 * shared machine the CPU time is the steadier figure (the server's share is not in it).
 *
 * Uses MOMENTIC_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) in a schema of
 * its own, dropped after; skipped, saying why, when PostgreSQL cannot be reached.
 *
 *   tsx bench/pg-bars.ts [--pg-rows N]   N bars per symbol (default 200,000)
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { BarSeries } from '../src/core/bar.js';
import { FilesBarStore } from '../src/data/bar-store.js';
import { PgBarStore } from '../src/data/pg-bar-store.js';

const SYMBOLS = 10;
const TARGET = 2_000_000;

export function pgRowsFlag(argv: readonly string[]): number {
  const i = argv.indexOf('--pg-rows');
  const n = i < 0 ? NaN : Number(argv[i + 1]);
  return Number.isInteger(n) && n > 0 ? n : 200_000;
}

/** A seeded random walk of minute bars with valid OHLC (prices in cents, integer volumes). */
function walk(symbol: string, rows: number, seed: number): BarSeries {
  let s = seed >>> 0;
  const rnd = (): number => (s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32;
  const cols = { ts: new Float64Array(rows), open: new Float64Array(rows), high: new Float64Array(rows), low: new Float64Array(rows), close: new Float64Array(rows), volume: new Float64Array(rows) }; // prettier-ignore
  let price = 10_000;
  for (let i = 0; i < rows; i++) {
    const open = price;
    price = Math.max(100, price + Math.round((rnd() - 0.5) * 40));
    cols.ts[i] = Date.UTC(2020, 0, 1) + i * 60_000;
    cols.open[i] = open / 100;
    cols.close[i] = price / 100;
    cols.high[i] = (Math.max(open, price) + Math.round(rnd() * 10)) / 100;
    cols.low[i] = (Math.min(open, price) - Math.round(rnd() * 10)) / 100;
    cols.volume[i] = Math.round(rnd() * 1000);
  }
  return new BarSeries(symbol, cols);
}

const rate = (bars: number, ms: number): string => `${Math.round(bars / (ms / 1000)).toLocaleString('en-US')} bars/s`;

/** The best of three rounds of `read` over every symbol: wall ms and this process's CPU ms. */
async function bestOf3(
  symbols: readonly string[],
  read: (symbol: string) => Promise<BarSeries>,
): Promise<{ wall: number; cpu: number; checksum: number }> {
  let wall = Infinity;
  let cpu = Infinity;
  let checksum = 0;
  for (let rep = 0; rep < 3; rep++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    checksum = 0;
    for (const s of symbols) {
      const got = await read(s);
      checksum += got.close[got.length - 1] as number;
    }
    wall = Math.min(wall, performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / 1000);
  }
  return { wall, cpu, checksum };
}

export async function runPgBarsBench(o: { rows: number }): Promise<void> {
  console.log(`== PostgreSQL bar store: ${SYMBOLS} symbols x ${o.rows.toLocaleString('en-US')} minute bars`);
  const base = process.env.MOMENTIC_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `bench_bars_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base, connectionTimeoutMillis: 3_000 });
  try {
    await admin.connect();
  } catch (e) {
    console.log(`skipped: PostgreSQL unreachable at ${base.replace(/:[^:@/]*@/, ':***@')} (${(e as Error).message})`);
    return;
  }
  await admin.query(`create schema ${schema}`);
  const sep = base.includes('?') ? '&' : '?';
  const store = await PgBarStore.open(`${base}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`);
  const home = mkdtempSync(join(tmpdir(), 'momentic-pg-bench-'));
  const files = new FilesBarStore(home);
  try {
    const all = Array.from({ length: SYMBOLS }, (_, k) => walk(`B${String(k).padStart(3, '0')}`, o.rows, k + 1));
    for (const s of all) await files.raw.write(s.symbol, '1m', s, { provider: 'bench', calendar: '24/7' });
    const total = SYMBOLS * o.rows;
    let t0 = performance.now();
    for (const s of all) await store.push(files.raw.entry(s.symbol, '1m')!, s);
    const pushMs = performance.now() - t0;
    console.log(
      `push (insert, read back, hash check)   ${(pushMs / 1000).toFixed(1).padStart(8)} s   ${rate(total, pushMs)}`,
    );
    const symbols = all.map((s) => s.symbol);
    const want = all.reduce((n, s) => n + (s.close[s.length - 1] as number), 0);
    const pgRead = await bestOf3(symbols, async (s) => (await store.read(s, '1m')) as BarSeries);
    if (pgRead.checksum !== want) throw new Error(`read checksum ${pgRead.checksum} != generated ${want}`);
    console.log(`read whole, into columns (best of 3)   ${(pgRead.wall / 1000).toFixed(2).padStart(8)} s   ${rate(total, pgRead.wall)}  (target ${rate(TARGET, 1000)}: ${((total / (pgRead.wall / 1000)) / TARGET).toFixed(2)}x)`); // prettier-ignore
    console.log(`  this process's CPU                   ${(pgRead.cpu / 1000).toFixed(2).padStart(8)} s   ${rate(total, pgRead.cpu)} of CPU`); // prettier-ignore
    const fileRead = await bestOf3(symbols, async (s) => (await files.read(s, '1m')) as BarSeries);
    if (fileRead.checksum !== want) throw new Error(`file read checksum ${fileRead.checksum} != generated ${want}`);
    console.log(`read the raw files (csv, sha256 check) ${(fileRead.wall / 1000).toFixed(2).padStart(8)} s   ${rate(total, fileRead.wall)}  (the store: ${(fileRead.wall / pgRead.wall).toFixed(1)}x the files' rate)`); // prettier-ignore
    console.log(`  this process's CPU                   ${(fileRead.cpu / 1000).toFixed(2).padStart(8)} s   ${rate(total, fileRead.cpu)} of CPU`); // prettier-ignore
    const month = { start: Date.UTC(2020, 1, 1), end: Date.UTC(2020, 2, 1) - 1 };
    t0 = performance.now();
    let bars = 0;
    for (const s of all) bars += ((await store.read(s.symbol, '1m', month)) as BarSeries).length;
    const rangeMs = performance.now() - t0;
    console.log(
      `read one month per symbol (${bars.toLocaleString('en-US')} bars)   ${(rangeMs / 1000).toFixed(2).padStart(8)} s   ${rate(bars, rangeMs)}`,
    );
  } finally {
    await store.close();
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
    rmSync(home, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runPgBarsBench({ rows: pgRowsFlag(process.argv.slice(2)) });
