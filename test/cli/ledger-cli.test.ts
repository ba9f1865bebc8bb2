import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresBackend } from '../store/backends.js';
import { cli, tempDir } from '../support/cli.js';
import { SHARED_DATA } from '../support/paths.js';

const golden = JSON.parse(readFileSync(new URL('../golden/sma-cross-orcl.json', import.meta.url), 'utf8')) as {
  metrics: { trades: number; total_return: number; open_trades: number };
  orders: number;
};

/** The golden ORCL run of test/golden/sma-cross-orcl.test.ts (749 orders, 374 closed trades, 1 open). */
const BACKTEST = [
  'backtest', '--strategy', 'sma-cross', '--symbols', 'ORCL', '--param', 'fast=1', '--param', 'slow=15', '--param', 'qty=1',
  '--cash', '10000', '--fees', 'none', '--slippage', 'none', '--start', '1995-01-01', '--end', '2014-12-31',
]; // prettier-ignore

async function importOrcl(home: string, env: Record<string, string> = {}): Promise<void> {
  const file = join(SHARED_DATA, 'orcl-1995-2014.txt');
  const r = await cli(['--home', home, 'data', 'import', '--file', file, '--symbol', 'ORCL'], { env });
  expect(r.code, r.stderr).toBe(0);
}

/** orders.csv rows (after the header) as status counts: written by the results writer, not the ledger. */
function statusesOfOrdersCsv(dir: string): Record<string, number> {
  const lines = readFileSync(join(dir, 'orders.csv'), 'utf8').trimEnd().split('\n');
  const head = (lines[0] as string).split(',');
  const at = head.indexOf('status');
  const out: Record<string, number> = {};
  for (const l of lines.slice(1)) {
    const s = l.split(',')[at] as string;
    out[s] = (out[s] ?? 0) + 1;
  }
  return out;
}

describe('momentic runs and orders (SQLite in the workspace)', () => {
  const home = tempDir();
  let run: { run_id: string; dir: string; metrics: { trades: number; total_return: number }; ledger: unknown };

  beforeAll(async () => {
    await importOrcl(home);
    const r = await cli(['--home', home, '--json', ...BACKTEST]);
    expect(r.code, r.stderr).toBe(0);
    run = JSON.parse(r.stdout);
  }, 60_000);

  it('a backtest records itself in state/momentic.db and runs ls shows it', async () => {
    expect(run.ledger).toEqual({ recorded: true, location: join(home, 'state', 'momentic.db') });
    expect(existsSync(join(home, 'state', 'momentic.db'))).toBe(true);
    const text = await cli(['--home', home, 'runs', 'ls']);
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^run\s+kind\s+strategy\s+period\s+status\s+trades\s+total return$/);
    expect(lines[1]).toMatch(
      new RegExp(
        `^${run.run_id}\\s+backtest\\s+sma-cross\\s+1995-01-01\\.\\.2014-12-31\\s+finished\\s+${golden.metrics.trades}\\s+0\\.09%$`,
      ),
    );
    const json = JSON.parse((await cli(['--home', home, '--json', 'runs', 'ls'])).stdout);
    expect(json).toEqual([
      expect.objectContaining({
        run_id: run.run_id,
        kind: 'backtest',
        strategy: 'sma-cross',
        start: '1995-01-01',
        end: '2014-12-31',
        status: 'finished',
        trades: golden.metrics.trades,
        total_return: run.metrics.total_return,
        result_dir: run.dir,
      }),
    ]);
  });

  it('runs show gives the spec, metrics, counts that match orders.csv, and the results folder', async () => {
    const r = await cli(['--home', home, '--json', 'runs', 'show', run.run_id]);
    expect(r.code, r.stderr).toBe(0);
    const show = JSON.parse(r.stdout);
    expect(show.spec).toMatchObject({
      strategy: { name: 'sma-cross', params: { fast: 1, slow: 15, qty: 1 } },
      data: { symbols: ['ORCL'], start: '1995-01-01', end: '2014-12-31' },
      venue: { cash: 10000 },
    });
    expect(show.metrics.trades).toBe(golden.metrics.trades);
    expect(show.result_dir).toBe(run.dir);
    const csv = statusesOfOrdersCsv(run.dir);
    expect(show.counts.orders).toBe(golden.orders);
    expect(show.counts.orders_by_status).toEqual(csv);
    // Every order of this run is a market order filled at once: one fill each.
    expect(show.counts.fills).toBe(csv.filled);
    // One long ORCL position of qty 1 is left open (golden: open_trades 1, qty=1).
    expect(show.counts.positions).toBe(1);
    const text = await cli(['--home', home, 'runs', 'show', run.run_id]);
    expect(text.stdout).toMatch(new RegExp(`^orders\\s+${golden.orders} \\(`, 'm'));
    expect(text.stdout).toMatch(new RegExp(`^results\\s+${run.dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  });

  it('orders ls filters by run, status and symbol, newest first, up to --limit', async () => {
    const r = await cli(['--home', home, '--json', 'orders', 'ls', '--run', run.run_id, '--limit', '3']);
    expect(r.code, r.stderr).toBe(0);
    const orders = JSON.parse(r.stdout) as { created_at: string; status: string; symbol: string; sent: boolean }[];
    expect(orders).toHaveLength(3);
    expect([...orders].sort((a, b) => b.created_at.localeCompare(a.created_at))).toEqual(orders);
    expect(orders[0]?.created_at.startsWith('2014-12')).toBe(true);
    const filled = JSON.parse(
      (
        await cli([
          '--home',
          home,
          '--json',
          'orders',
          'ls',
          '--status',
          'filled',
          '--symbol',
          'orcl',
          '--limit',
          '1000',
        ])
      ).stdout,
    ) as { status: string; symbol: string; sent: boolean }[];
    expect(filled).toHaveLength(statusesOfOrdersCsv(run.dir).filled as number);
    expect(filled.every((o) => o.status === 'filled' && o.symbol === 'ORCL' && o.sent)).toBe(true);
    const text = await cli(['--home', home, 'orders', 'ls', '--run', run.run_id, '--limit', '2']);
    expect(text.stdout.split('\n')[0]).toMatch(
      /^client order id\s+symbol\s+side\s+type\s+qty\s+filled\s+avg price\s+status\s+sent\s+created\s+reason$/,
    );
    expect(text.stdout.trimEnd().split('\n')).toHaveLength(3);
  });

  it('bad flags exit 2 with a fix; an unknown run id exits 3', async () => {
    for (const args of [
      ['runs', 'ls', '--limit', '0'],
      ['runs', 'ls', '--limit', 'ten'],
      ['runs', 'ls', '--kind', 'demo'],
      ['orders', 'ls', '--status', 'done'],
      ['orders', 'ls', '--limit', '1.5'],
      ['runs', 'show'],
    ]) {
      const r = await cli(['--home', home, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/\nFix: /);
    }
    const show = await cli(['--home', home, 'runs', 'show', 'no-such-run']);
    expect(show.code).toBe(3);
    expect(show.stderr).toMatch(/^DataError LEDGER_NOT_FOUND: no run no-such-run in the ledger/);
    const orders = await cli(['--home', home, '--json', 'orders', 'ls', '--run', 'no-such-run']);
    expect(orders.code).toBe(3);
    expect(JSON.parse(orders.stdout).error.code).toBe('LEDGER_NOT_FOUND');
  });

  it('a replay checks the run without recording it again', async () => {
    const r = await cli(['--home', home, 'backtest', '--replay', run.run_id]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse((await cli(['--home', home, '--json', 'runs', 'ls'])).stdout)).toHaveLength(1);
  });
});

describe('a backtest whose ledger is unreachable', () => {
  it('still writes its results, exits 4 with the fix and how to record the run later, reports it in --json, and never shows the password', async () => {
    const home = tempDir();
    await importOrcl(home);
    const env = { MOMENTIC_DATABASE_URL: 'postgres://trader:s3cretpw@127.0.0.1:1/test' };
    const r = await cli(['--home', home, '--json', ...BACKTEST], { env });
    expect(r.code, r.stderr).toBe(4);
    const out = JSON.parse(r.stdout);
    for (const f of ['orders.csv', 'trades.csv', 'metrics.json', 'manifest.json'])
      expect(existsSync(join(out.dir, f)), f).toBe(true);
    expect(out.ledger).toMatchObject({
      recorded: false,
      location: 'postgres://trader:***@127.0.0.1:1/test',
      record_later: `momentic runs record ${out.run_id}`,
    });
    expect(out.ledger.error.code).toBe('LEDGER_UNAVAILABLE');
    expect(r.stderr).toMatch(
      /^run \S+ was written to .+ but not recorded in the ledger at postgres:\/\/trader:\*\*\*@127\.0\.0\.1:1\/test; once the ledger is fixed, record it with: momentic runs record \S+\n/,
    );
    expect(r.stderr).toMatch(/VenueError LEDGER_UNAVAILABLE/);
    expect(r.stderr).toMatch(/\nFix: /);
    expect(r.stderr + r.stdout).not.toContain('s3cretpw');
    const ls = await cli(['--home', home, 'runs', 'ls'], { env });
    expect(ls.code).toBe(4);
  }, 60_000);
});

describe('momentic runs on PostgreSQL (MOMENTIC_DATABASE_URL)', () => {
  const backend = postgresBackend();
  afterAll(() => backend.cleanup());

  it('a backtest is recorded in PostgreSQL and listed from there', async () => {
    const db = await backend.fresh();
    const env = { MOMENTIC_DATABASE_URL: db.config.database.url };
    await importOrcl(db.home);
    const r = await cli(['--home', db.home, '--json', ...BACKTEST], { env });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.ledger.recorded).toBe(true);
    expect(existsSync(join(db.home, 'state', 'momentic.db'))).toBe(false);
    const ls = JSON.parse((await cli(['--home', db.home, '--json', 'runs', 'ls'], { env })).stdout);
    expect(ls.map((x: { run_id: string }) => x.run_id)).toEqual([out.run_id]);
    const show = JSON.parse((await cli(['--home', db.home, '--json', 'runs', 'show', out.run_id], { env })).stdout);
    expect(show.counts.orders).toBe(golden.orders);
    expect(show.counts.orders_by_status).toEqual(statusesOfOrdersCsv(out.dir));
  }, 60_000);
});
