/**
 * The rows a recorded backtest leaves in the ledger, byte for byte: every table of two fixed
 * runs read back in key order, hashed, on the SQLite file and on the real PostgreSQL at
 * 127.0.0.1:5432 (a fresh schema, dropped afterwards). Both databases must hold the same rows,
 * and the hash must stay the one the row-by-row query-builder path wrote, so a faster recording
 * path cannot change what is stored.
 *
 * The runs: the golden ORCL sma-cross run (749 market orders, test/golden/sma-cross-orcl.test.ts)
 * and a short run with the rarer shapes (a limit with a tag, a bracket and its legs, a trailing
 * stop, partial fills, a client order id used twice, a cancel) recorded with its equity curve.
 * On SQLite the first run goes through the ledger (new file: migrated, then prepared statements
 * on its shared connection), the second through a connection of its own; a third case records
 * both through the compiled worker thread that overlaps the results files (run `npm run build`
 * first).
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/backtest/run-record.js';
import { getCalendar } from '../../src/calendar/index.js';
import { importFile } from '../../src/data/import-file.js';
import { RawStore } from '../../src/data/raw-store.js';
import { prepareBacktestRecording, recordBacktest, recordingOf } from '../../src/orchestration/backtest-ledger.js';
import { runBacktest, type BacktestOptions } from '../../src/orchestration/node.js';
import { createLedger, type RunRecording } from '../../src/store/index.js';
import { startRecordingAt } from '../../src/store/record-run.js';
import { ohlc, run } from '../backtest/support.js';
import { tempDir } from '../support/cli.js';
import { SHARED_DATA } from '../support/paths.js';
import { postgresBackend, sqliteBackend, type Backend } from './backends.js';

/** sha256 of the rows below as written by the query-builder path (before prepared statements). */
const ROWS_SHA256 = 'bc053c8c23542d3ded4f3303cf0098e9d9809e2290b2671d8a8a96a4f415beb1';
/** sha256 of SQLite's storage class of every value of those rows (an integer stays an integer). */
const SQLITE_TYPES_SHA256 = 'eda730241eecbdf83ec0acfca49d66d44c0a471784fcaee7bef876a02f0803ca';

const TABLES = {
  runs: 'id',
  orders: 'run_id, id',
  order_events: 'run_id, id',
  fills: 'run_id, id',
  positions: 'run_id, symbol',
  equity_snapshots: 'run_id, id',
} as const;

async function goldenOrcl(extra: Partial<BacktestOptions> = {}): Promise<RunRecord> {
  const home = tempDir('momentic-rows-');
  await importFile({
    home,
    file: join(SHARED_DATA, 'orcl-1995-2014.txt'),
    symbol: 'ORCL',
    calendar: getCalendar('XNYS'),
    format: 'csv',
  });
  const series = await new RawStore(home).read('ORCL', '1d');
  return runBacktest({
    strategy: 'sma-cross',
    params: { fast: 1, slow: 15, qty: 1 },
    series: [series!],
    cash: 10_000,
    fill: 'next-open',
    priceRounding: 'none',
    runId: 'rows-orcl',
    ...extra,
  });
}

/** Bars rising 100 -> 111 then falling; the orders below touch every optional column. */
function rareShapes(extra: Partial<BacktestOptions> = {}): RunRecord {
  const closes = [100, 101, 103, 104, 106, 108, 111, 109, 105, 102, 99, 98];
  let bar = 0;
  return run(
    {
      onBar(ctx) {
        bar++;
        if (bar === 1) {
          ctx.buy('AAA', 10, { clientOrderId: 'big' });
          ctx.buy('AAA', 1, { clientOrderId: 'dup' });
          ctx.buy('AAA', 2, { clientOrderId: 'dup' });
          ctx.buy('BBB', 3, { type: 'limit', limitPrice: 1 / 3, tag: 'cheap', clientOrderId: 'never' });
        }
        if (bar === 2) {
          ctx.submit({
            symbol: 'BBB',
            side: 'buy',
            qty: 2,
            orderClass: 'bracket',
            takeProfit: { limitPrice: 107.5 },
            stopLoss: { stopPrice: 95 },
          });
        }
        if (bar === 3) ctx.cancel('never');
        if (bar === 4) ctx.sell('AAA', 5, { type: 'trailing_stop', trailAmount: 2.5 });
      },
    },
    {
      series: [
        ohlc(
          'AAA',
          closes.map((c) => [c - 0.5, c + 1, c - 1.5, c] as const),
        ),
        ohlc(
          'BBB',
          closes.map((c) => [c, c + 2, c - 2, c + 0.25] as const),
        ),
      ],
      participation: 4e-6,
      runId: 'rows-rare',
      ...extra,
    },
  );
}

function recording(record: RunRecord, withEquity: boolean): RunRecording {
  const rec = recordingOf(record, {
    spec: { strategy: record.strategy, symbols: record.symbols },
    metrics: { trades: record.trades.length },
    dir: '/results/fixed',
    startedAt: 1_700_000_000_000,
    finishedAt: 1_700_000_000_123,
  });
  if (!withEquity) return rec;
  const equity = [...record.equity].map((p) => ({
    ts: p.ts,
    equity: p.equity,
    cash: p.cash,
    grossExposure: p.grossExposure,
    netExposure: p.netExposure,
  }));
  return { ...rec, equity };
}

/** JSON of a row with its keys sorted; numbers as doubles, so both databases spell them alike. */
function line(row: Record<string, unknown>): string {
  const keys = Object.keys(row).sort();
  return JSON.stringify(keys.map((k) => [k, typeof row[k] === 'bigint' ? Number(row[k]) : row[k]]));
}

type Db = { config: { database: { url: string } }; home: string };

/** Every row, or with `types` SQLite's storage class of every value, table by table. */
async function dump(backend: Backend['name'], db: Db, types = false) {
  const out: string[] = [];
  if (backend === 'sqlite') {
    const d = new Database(join(db.home, 'state', 'momentic.db'), { readonly: true });
    try {
      for (const [t, key] of Object.entries(TABLES)) {
        out.push(`# ${t}`);
        const columns = (d.pragma(`table_info(${t})`) as { name: string }[]).map((c) => c.name);
        const what = types ? columns.map((c) => `typeof(${c}) as ${c}`).join(', ') : '*';
        for (const r of d.prepare(`select ${what} from ${t} order by ${key}`).all()) {
          out.push(line(r as Record<string, unknown>));
        }
      }
    } finally {
      d.close();
    }
    return out;
  }
  const c = new pg.Client({
    connectionString: db.config.database.url,
    types: {
      getTypeParser: ((oid: number, f?: 'text') => (oid === 20 ? Number : pg.types.getTypeParser(oid, f))) as never,
    },
  });
  await c.connect();
  try {
    for (const [t, key] of Object.entries(TABLES)) {
      out.push(`# ${t}`);
      for (const r of (await c.query(`select * from ${t} order by ${key}`)).rows) out.push(line(r));
    }
  } finally {
    await c.end();
  }
  return out;
}

describe('rows a recorded backtest leaves in the ledger', () => {
  let recordings: RunRecording[];
  const backends = [sqliteBackend(), postgresBackend()];
  const hashes = new Map<string, string>();

  beforeAll(async () => {
    recordings = [recording(await goldenOrcl(), false), recording(rareShapes(), true)];
  });
  afterAll(async () => {
    for (const b of backends) await b.cleanup();
  });

  it('the fixed runs cover the rarer columns', () => {
    const rare = recordings[1]!;
    const orders = rare.orders.map((o) => o.order);
    expect(orders.some((o) => o.orderClass === 'bracket')).toBe(true);
    expect(orders.some((o) => o.trailAmount !== undefined)).toBe(true);
    expect(orders.some((o) => o.tag === 'cheap' && o.status === 'cancelled')).toBe(true);
    expect(orders.some((o) => o.clientOrderId === 'dup#2' && !o.sent)).toBe(true);
    expect(rare.fills.filter((f) => f.clientOrderId === 'big').length).toBeGreaterThan(1);
    expect(recordings[0]!.orders).toHaveLength(749);
  });

  for (const backend of backends) {
    it(`on ${backend.name}, hash to the rows the query-builder path wrote`, async () => {
      const db = await backend.fresh();
      for (const rec of recordings) {
        const outcome = await recordBacktest(db.config, db.home, rec);
        expect(outcome.recorded, outcome.recorded ? '' : outcome.error.message).toBe(true);
      }
      const rows = await dump(backend.name, db);
      expect(rows.filter((r) => !r.startsWith('#')).length).toBeGreaterThan(749 * 4);
      const sha = createHash('sha256').update(rows.join('\n')).digest('hex');
      hashes.set(backend.name, sha);
      expect(sha).toBe(ROWS_SHA256);
      if (backend.name === 'sqlite') {
        const types = createHash('sha256')
          .update((await dump('sqlite', db, true)).join('\n'))
          .digest('hex');
        expect(types).toBe(SQLITE_TYPES_SHA256);
      }
    });
  }

  it('on sqlite through the compiled ledger worker, the same rows', async () => {
    const workerUrl = new URL('../../dist/store/ledger-worker.js', import.meta.url);
    const db = await backends[0]!.fresh();
    await (await createLedger(db.config, db.home)).close();
    const target = { dialect: 'sqlite', file: join(db.home, 'state', 'momentic.db') } as const;
    for (const { run, ...content } of recordings) {
      const pending = startRecordingAt(target, run.id, content, { workerUrl });
      expect(pending.isOverlapped).toBe(true);
      await pending.finish(run);
    }
    const rows = await dump('sqlite', db);
    expect(createHash('sha256').update(rows.join('\n')).digest('hex')).toBe(ROWS_SHA256);
    const types = await dump('sqlite', db, true);
    expect(createHash('sha256').update(types.join('\n')).digest('hex')).toBe(SQLITE_TYPES_SHA256);
    // A run recorded twice is refused, and an abandoned one leaves nothing.
    const [{ run, ...content }] = recordings as [RunRecording];
    await expect(startRecordingAt(target, run.id, content, { workerUrl }).finish(run)).rejects.toMatchObject({
      code: 'LEDGER_CONFLICT',
    });
    const other = { ...run, id: 'rows-abandoned' };
    startRecordingAt(target, other.id, content, { workerUrl }).abandon();
    const again = startRecordingAt(target, other.id, content, { workerUrl });
    await again.finish(other);
  });

  it('on sqlite, orders and fills handed to the ledger worker while the run goes on leave the same rows', async () => {
    // The backtest path: ended orders and fills stream to the worker during the run, in pieces
    // that interleave orders and fills. The same runs recorded whole must read back identically.
    const workerUrl = new URL('../../dist/store/ledger-worker.js', import.meta.url);
    const facts = {
      metrics: { trades: 0 },
      dir: '/results/fixed',
      startedAt: 1_700_000_000_000,
      finishedAt: 1_700_000_000_123,
    };
    const streamed = await backends[0]!.fresh();
    await (await createLedger(streamed.config, streamed.home)).close();
    let pieces = 0;
    for (const make of [goldenOrcl, async (extra: Partial<BacktestOptions>) => rareShapes(extra)]) {
      const recorder = await prepareBacktestRecording(streamed.config, streamed.home, { workerUrl });
      const runId = make === goldenOrcl ? 'rows-orcl' : 'rows-rare';
      const recording = recorder.begin(runId);
      const record = await make({
        onRecords: (orders, fills) => {
          if (orders.length + fills.length > 0) pieces++;
          recording.sink.add(orders, fills);
        },
      });
      const outcome = await recording.finish(record, { ...facts, spec: { strategy: record.strategy } });
      expect(outcome.recorded, outcome.recorded ? '' : outcome.error.message).toBe(true);
    }
    // The ORCL run's 749 orders reach the worker in many hand-overs, not once at the end.
    expect(pieces).toBeGreaterThan(5);
    const whole = await backends[0]!.fresh();
    for (const record of [await goldenOrcl(), rareShapes()]) {
      const rec = recordingOf(record, { ...facts, spec: { strategy: record.strategy } });
      const outcome = await recordBacktest(whole.config, whole.home, rec);
      expect(outcome.recorded, outcome.recorded ? '' : outcome.error.message).toBe(true);
    }
    const a = await dump('sqlite', streamed);
    expect(a.filter((r) => !r.startsWith('#')).length).toBeGreaterThan(749 * 4);
    expect(a).toEqual(await dump('sqlite', whole));
    expect(await dump('sqlite', streamed, true)).toEqual(await dump('sqlite', whole, true));
  });

  it('SQLite and PostgreSQL hold the same rows', () => {
    expect(hashes.get('sqlite')).toBeDefined();
    expect(hashes.get('sqlite')).toBe(hashes.get('postgres'));
  });
});
