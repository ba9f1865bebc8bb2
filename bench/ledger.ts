/**
 * Ledger benchmark: how long recording a finished backtest takes, on the
 * embedded SQLite file and on PostgreSQL (127.0.0.1:5432, database `test`, a scratch schema that
 * is dropped afterwards; skipped with a note when the server is not reachable).
 *
 * The run: sma-cross 10/30 on 100 synthetic symbols x 20 years of daily bars (the engine bench's
 * order-heavy case, about 19,000 orders, each with its transitions and fill). Each database
 * records it 3 times under new run ids (one transaction each); the best time is reported along
 * with rows written per second (runs + orders + events + fills + positions).
 *
 *   tsx bench/ledger.ts [--symbols N]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { type BarSeries } from '../src/core/bar.js';
import { recordingOf } from '../src/orchestration/backtest-ledger.js';
import { runBacktest } from '../src/orchestration/node.js';
import { openLedger, type LedgerTarget, type RunRecording } from '../src/store/index.js';
import { syntheticUniverse } from './synthetic-bars.js';

const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

async function universe(n: number): Promise<BarSeries[]> {
  return syntheticUniverse(n, '1d', '2000-01-01', '2020-01-01');
}

const fmt = (x: number, digits = 0): string =>
  x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function timeTarget(name: string, target: LedgerTarget, base: RunRecording, rows: number): Promise<void> {
  const ledger = await openLedger(target);
  try {
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const rec = { ...base, run: { ...base.run, id: `bench-${i}-${randomBytes(3).toString('hex')}` } };
      const t0 = performance.now();
      await ledger.recordRun(rec);
      best = Math.min(best, performance.now() - t0);
    }
    console.log(`${name.padEnd(12)}${fmt(best, 0).padStart(9)} ms${fmt(rows / (best / 1000)).padStart(14)} rows/s`);
  } finally {
    await ledger.close();
  }
}

export async function runLedgerBench(symbols: number): Promise<void> {
  const series = await universe(symbols);
  const record = runBacktest({
    strategy: 'sma-cross',
    params: { fast: 10, slow: 30 },
    series,
    runId: 'bench',
    cash: 1_000_000,
  });
  const now = Date.now();
  const base = recordingOf(record, {
    spec: { strategy: 'sma-cross' },
    metrics: {},
    dir: '.',
    startedAt: now,
    finishedAt: now,
  });
  const events = base.orders.reduce((n, o) => n + o.events.length, 0);
  const positions = new Set(base.fills.map((f) => f.symbol)).size;
  const rows = 1 + base.orders.length + events + base.fills.length + positions;
  console.log(
    `== ledger: record one backtest of ${fmt(base.orders.length)} orders, ${fmt(events)} events, ${fmt(base.fills.length)} fills, ${positions} positions (${fmt(rows)} rows), best of 3`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'momentic-ledger-bench-'));
  try {
    await timeTarget('SQLite', { dialect: 'sqlite', file: join(dir, 'momentic.db') }, base, rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const schema = `ledger_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2_000 });
  try {
    await admin.connect();
  } catch (e) {
    console.log(`PostgreSQL   skipped: ${(e as Error).message}`);
    return;
  }
  try {
    await admin.query(`create schema ${schema}`);
    const url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    await timeTarget('PostgreSQL', { dialect: 'postgres', url }, base, rows);
  } finally {
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--symbols');
  await runLedgerBench(i < 0 ? 100 : Number(process.argv[i + 1]));
}
