/**
 * Recording a run after the fact (`momentic runs record RUN`), and what a backtest does when the
 * ledger cannot take its run: the results folder is kept, the command exits 4 and says how to
 * record the run later. The rows `runs record` writes must be the rows recording at run time
 * writes, byte for byte: both ledgers are dumped table by table and hashed.
 */
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../support/cli.js';
import { REPO, SHARED_DATA } from '../support/paths.js';

/** Every table of the ledger that a backtest writes, in key order. */
const TABLES = {
  runs: 'id',
  orders: 'run_id, id',
  order_events: 'run_id, id',
  fills: 'run_id, id',
  positions: 'run_id, symbol',
  equity_snapshots: 'run_id, id',
} as const;

/** sha256 of every row of the workspace's ledger (keys sorted per row), and the row counts. */
function ledgerHash(home: string): { sha256: string; counts: Record<string, number> } {
  const db = new Database(join(home, 'state', 'momentic.db'));
  const h = createHash('sha256');
  const counts: Record<string, number> = {};
  try {
    for (const [t, key] of Object.entries(TABLES)) {
      const rows = db.prepare(`select * from ${t} order by ${key}`).all() as Record<string, unknown>[];
      counts[t] = rows.length;
      h.update(`# ${t}\n`);
      for (const r of rows)
        h.update(
          `${JSON.stringify(
            Object.keys(r)
              .sort()
              .map((k) => [k, r[k]]),
          )}\n`,
        );
    }
  } finally {
    db.close();
  }
  return { sha256: h.digest('hex'), counts };
}

/** A strategy placing the rarer orders: a bracket, a trailing stop, a tagged limit cancelled later, a reused id. */
const RARE = `
import { defineStrategy, type Strategy } from 'momentic';
import { z } from 'zod';

export default defineStrategy({
  name: 'rare-shapes',
  description: 'orders of every shape the ledger keeps',
  params: z.object({}),
  create: (): Strategy => {
    let bar = 0;
    return {
      name: 'rare-shapes',
      onBar(ctx, b) {
        bar++;
        if (bar === 1) {
          ctx.buy(b.symbol, 2000, { clientOrderId: 'big' });
          ctx.buy(b.symbol, 1, { clientOrderId: 'dup' });
          ctx.buy(b.symbol, 2, { clientOrderId: 'dup' });
          ctx.buy(b.symbol, 3, { type: 'limit', limitPrice: 1 / 3, tag: 'cheap', clientOrderId: 'never' });
        }
        if (bar === 2) {
          ctx.submit({
            symbol: b.symbol, side: 'buy', qty: 2, orderClass: 'bracket',
            takeProfit: { limitPrice: b.close * 1.05 }, stopLoss: { stopPrice: b.close * 0.9 },
          });
        }
        if (bar === 3) ctx.cancel('never');
        if (bar === 4) ctx.sell(b.symbol, 5, { type: 'trailing_stop', trailAmount: 0.5 });
      },
    };
  },
});
`;

const ORCL = ['--symbols', 'ORCL', '--start', '2010-01-04', '--end', '2010-12-31'];

describe('momentic runs record', () => {
  let base: string;
  let strategyDir: string;
  beforeAll(async () => {
    base = tempDir('momentic-record-base-');
    const imp = await cli([
      '--home',
      base,
      'data',
      'import',
      '--file',
      join(SHARED_DATA, 'orcl-1995-2014.txt'),
      '--symbol',
      'ORCL',
    ]);
    expect(imp.code, imp.stderr).toBe(0);
    // Inside the repository, so that `import ... from 'momentic'` resolves.
    mkdirSync(join(REPO, '.test-tmp'), { recursive: true });
    strategyDir = mkdtempSync(join(REPO, '.test-tmp', 'record-'));
    writeFileSync(join(strategyDir, 'rare.ts'), RARE);
  }, 60_000);
  afterAll(() => rmSync(strategyDir, { recursive: true, force: true }));

  const home = (): string => {
    const h = tempDir('momentic-record-');
    cpSync(base, h, { recursive: true });
    return h;
  };

  async function backtest(h: string, args: readonly string[], env: Record<string, string> = {}) {
    const r = await cli(['--home', h, '--json', 'backtest', ...args], { env, cwd: strategyDir });
    return { ...r, out: r.stdout === '' ? undefined : (JSON.parse(r.stdout) as { run_id: string; dir: string }) };
  }

  it.each([
    ['sma-cross on ORCL', ['--strategy', 'sma-cross', '--param', 'fast=2', '--param', 'slow=5', ...ORCL]],
    ['orders of every shape, with partial fills', ['--strategy', './rare.ts', ...ORCL, '--participation', '0.00002']],
  ])(
    '%s: the rows recorded later are byte for byte the rows recorded at run time',
    async (_, args) => {
      const h = home();
      const run = await backtest(h, args);
      expect(run.code, run.stderr).toBe(0);
      const atRunTime = ledgerHash(h);
      expect(atRunTime.counts.orders).toBeGreaterThan(3);
      expect(atRunTime.counts.fills).toBeGreaterThan(0);
      renameSync(join(h, 'state', 'momentic.db'), join(h, 'state', 'at-run-time.db'));
      const rec = await cli(['--home', h, 'runs', 'record', run.out!.run_id]);
      expect(rec.code, rec.stdout + rec.stderr).toBe(0);
      expect(rec.stdout).toContain(`recorded run ${run.out!.run_id}`);
      expect(ledgerHash(h)).toEqual(atRunTime);
    },
    60_000,
  );

  it('the rare-shapes run does have partial fills, a bracket, a trailing stop, a cancel and a reused id', async () => {
    const h = home();
    const run = await backtest(h, ['--strategy', './rare.ts', ...ORCL, '--participation', '0.00002']);
    expect(run.code, run.stderr).toBe(0);
    const db = new Database(join(h, 'state', 'momentic.db'), { readonly: true });
    try {
      const ids = db.prepare('select client_order_id as id, status, extra from orders').all() as {
        id: string;
        status: string;
        extra: string | null;
      }[];
      expect(ids.some((o) => o.id === 'dup#2')).toBe(true);
      expect(ids.some((o) => o.id === 'never' && o.status === 'cancelled')).toBe(true);
      expect(ids.some((o) => (o.extra ?? '').includes('bracket'))).toBe(true);
      expect(ids.some((o) => (o.extra ?? '').includes('trail'))).toBe(true);
      const big = db.prepare(`select count(*) as n from fills where client_order_id = 'big'`).get() as { n: number };
      expect(big.n).toBeGreaterThan(1);
    } finally {
      db.close();
    }
  }, 60_000);

  it('a backtest whose ledger is corrupt keeps its results, exits 4, and the run is recorded later', async () => {
    const h = home();
    mkdirSync(join(h, 'state'));
    writeFileSync(join(h, 'state', 'momentic.db'), Buffer.alloc(8192, 7));
    const run = await backtest(h, ['--strategy', 'sma-cross', ...ORCL]);
    expect(run.code, run.stderr).toBe(4);
    const id = run.out!.run_id;
    expect(existsSync(join(run.out!.dir, 'manifest.json'))).toBe(true);
    expect(existsSync(join(run.out!.dir, 'report.html'))).toBe(true);
    expect(run.stderr).toContain('LEDGER_CORRUPT');
    expect(run.stderr).toContain(`momentic runs record ${id}`);
    expect((JSON.parse(run.stdout) as { ledger: { recorded: boolean } }).ledger.recorded).toBe(false);
    // The fix the error gives, then the record.
    renameSync(join(h, 'state', 'momentic.db'), join(h, 'state', 'momentic.db.corrupt'));
    const rec = await cli(['--home', h, 'runs', 'record', id]);
    expect(rec.code, rec.stderr).toBe(0);
    const show = await cli(['--home', h, '--json', 'runs', 'show', id]);
    expect(show.code, show.stderr).toBe(0);
    const shown = JSON.parse(show.stdout) as { result_dir: string; counts: { orders: number } };
    expect(shown.result_dir).toBe(run.out!.dir);
    const orders = readFileSync(join(run.out!.dir, 'orders.csv'), 'utf8').trim().split('\n').length - 1;
    expect(shown.counts.orders).toBe(orders);
  }, 60_000);

  it('a backtest whose PostgreSQL ledger is on a closed port exits 4 with its results kept', async () => {
    const h = home();
    const run = await backtest(h, ['--strategy', 'sma-cross', ...ORCL], {
      MOMENTIC_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test',
    });
    expect(run.code, run.stderr).toBe(4);
    expect(run.stderr).toContain('LEDGER_UNAVAILABLE');
    expect(run.stderr).toContain(`momentic runs record ${run.out!.run_id}`);
    expect(existsSync(join(run.out!.dir, 'manifest.json'))).toBe(true);
  }, 60_000);

  it('--no-ledger runs without the ledger: exit 0 and nothing in state/', async () => {
    const h = home();
    const run = await backtest(h, ['--strategy', 'sma-cross', ...ORCL, '--no-ledger']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(existsSync(join(h, 'state'))).toBe(false);
    expect(existsSync(join(run.out!.dir, 'manifest.json'))).toBe(true);
  }, 60_000);

  it('records a run written to a folder of its own (backtest --out) by its path', async () => {
    const h = home();
    const out = join(tempDir('momentic-out-'), 'my-run');
    const run = await backtest(h, ['--strategy', 'sma-cross', ...ORCL, '--out', out, '--no-ledger']);
    expect(run.code, run.stderr).toBe(0);
    const rec = await cli(['--home', h, '--json', 'runs', 'record', out]);
    expect(rec.code, rec.stderr).toBe(0);
    expect(JSON.parse(rec.stdout)).toMatchObject({ run_id: run.out!.run_id, recorded: true, result_dir: out });
  }, 60_000);

  it('refuses a run already in the ledger (exit 3), changing nothing', async () => {
    const h = home();
    const run = await backtest(h, ['--strategy', 'sma-cross', ...ORCL]);
    const before = ledgerHash(h);
    const rec = await cli(['--home', h, 'runs', 'record', run.out!.run_id]);
    expect(rec.code).toBe(3);
    expect(rec.stderr).toMatch(/^DataError LEDGER_CONFLICT.*already in the ledger/m);
    expect(ledgerHash(h)).toEqual(before);
  }, 60_000);

  it('refuses a run folder whose files were edited (exit 3, naming the file)', async () => {
    const h = home();
    const run = await backtest(h, ['--strategy', 'sma-cross', ...ORCL, '--no-ledger']);
    const orders = join(run.out!.dir, 'orders.csv');
    writeFileSync(orders, readFileSync(orders, 'utf8').replace(/,filled,/, ',cancelled,'));
    const rec = await cli(['--home', h, 'runs', 'record', run.out!.run_id]);
    expect(rec.code).toBe(3);
    expect(rec.stderr).toMatch(/^DataError DATA_INVALID at .*orders\.csv/m);
    expect(existsSync(join(h, 'state', 'momentic.db'))).toBe(false);
  }, 60_000);

  it('refuses a run whose data changed since (the replay differs): exit 3 naming what differs', async () => {
    const h = home();
    const run = await backtest(h, ['--strategy', 'sma-cross', ...ORCL, '--no-ledger']);
    // ORCL re-imported with one close changed in the run's period.
    const src = readFileSync(join(SHARED_DATA, 'orcl-1995-2014.txt'), 'utf8');
    const line = src.split('\n').find((l) => l.startsWith('2010-06-01'));
    expect(line).toBeDefined();
    const cells = line!.split(',');
    cells[4] = String(Number(cells[4]) + 0.01);
    const edited = join(h, 'orcl-edited.txt');
    writeFileSync(edited, src.replace(line!, cells.join(',')));
    const imp = await cli(['--home', h, 'data', 'import', '--file', edited, '--symbol', 'ORCL', '--force']);
    expect(imp.code, imp.stderr).toBe(0);
    const rec = await cli(['--home', h, 'runs', 'record', run.out!.run_id]);
    expect(rec.code).toBe(3);
    expect(rec.stderr).toMatch(/^DataError DATA_INVALID .*does not reproduce.*(equity|orders)/m);
    expect(existsSync(join(h, 'state', 'momentic.db'))).toBe(false);
    // No folder of the replay is left behind.
    expect(readdirSync(join(h, 'data', 'results'))).toEqual([run.out!.run_id]);
  }, 60_000);
});
