/**
 * The daily pipeline on a ledger backend (run on SQLite and on the real PostgreSQL by
 * pipeline-sqlite.test.ts and pipeline-postgres.test.ts): the shipped config/pipeline/daily.yaml
 * on a fresh workspace (synthetic universe, paper), a day run twice, the next day trading the
 * order the first decided, a raw file corrupted and restored, and --force.
 *
 * Expected values come from the raw files the day fetched and the shipped run file (sma-cross
 * 10/30, 5% of equity a position, 100,000 cash, fill at the next open, 5 bps slippage, 1 bp fee).
 * On the synthetic universe (seed 42) ZNTX's SMA(10) crosses above its SMA(30) at the close of
 * 2024-06-03 and no other symbol crosses on 2024-06-03 or 2024-06-04 (a backtest of the run
 * over 2024 lists the same orders).
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedger } from '../../../src/store/index.js';
import type { Backend } from '../../store/backends.js';
import { cli, tempDir, type CliResult } from '../../support/cli.js';

const D1 = '2024-06-03';
const D2 = '2024-06-04';
const STEPS = ['fetch', 'validate', 'features', 'universe', 'trade', 'reconcile', 'drift', 'report'];

/** A raw daily row of the workspace: open and close of `symbol` on `date`. */
function rawBar(home: string, symbol: string, date: string): { open: number; close: number } {
  const line = readFileSync(join(home, 'data', 'raw', '1d', `${symbol}.csv`), 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${symbol},${date},`));
  if (line === undefined) throw new Error(`no ${date} row of ${symbol}`);
  const c = line.split(',').map(Number);
  return { open: c[2] as number, close: c[5] as number };
}

function json<T>(r: CliResult): T {
  return JSON.parse(r.stdout) as T;
}

interface DayJson {
  ok: boolean;
  status: string;
  ran: string[];
  steps: { step: string; status: string; attempts: number; outputs: Record<string, unknown> | null }[];
  report: string | null;
  error?: { code: string; message: string; exitCode: number };
}

interface ReportJson {
  status: string;
  failure: { step: string; code: string; message: string; hint: string; exit_code: number } | null;
  not_run: { step: string; reason: string }[];
  links: { previous: string | null; index: string };
  steps: { step: string; status: string; duration_ms: number | null }[];
  book: { id: string; mode: string } | null;
  pnl: { equity: number | null; previous_equity: number | null; day_pnl: number | null; cash: number | null };
  positions: { symbol: string; qty: number; avg_price: number | null }[];
  orders: { client_order_id: string; symbol: string; side: string; qty: number; status: string }[];
  fills: { client_order_id: string; symbol: string; side: string; qty: number; price: number; fee: number }[];
  data_quality: { symbol: string; passed: boolean; has_day: boolean }[];
  reconcile: { clean: boolean; differences: string[] } | null;
  drift: { ok: boolean; orders: { session: number; replay: number; matched: number } } | null;
}

export function pipelineContract(backend: Backend): void {
  describe(`momentic pipeline daily on ${backend.name}`, () => {
    let db: Awaited<ReturnType<Backend['fresh']>>;
    let env: Record<string, string>;
    const run = (...argv: string[]) => cli(['--home', db.home, ...argv], { env });
    const report = (date: string): ReportJson =>
      JSON.parse(readFileSync(join(db.home, 'data', 'reports', 'daily', date, 'report.json'), 'utf8')) as ReportJson;

    /** What the ledger holds, counted row by row. */
    async function counts() {
      const ledger = await createLedger(db.config, db.home);
      try {
        const runs = await ledger.listRuns();
        const orders = await ledger.listOrders({ limit: Number.MAX_SAFE_INTEGER });
        let events = 0;
        let fills = 0;
        let equity = 0;
        for (const r of runs) {
          fills += (await ledger.listFills(r.id)).length;
          equity += (await ledger.equity(r.id)).length;
        }
        for (const o of orders) events += (await ledger.orderEvents(o.runId, o.clientOrderId)).length;
        const days = await ledger.pipelineDays('daily');
        let steps = 0;
        for (const d of days) steps += (await ledger.pipelineSteps('daily', d.date)).length;
        return { runs: runs.length, orders: orders.length, events, fills, equity, days: days.length, steps };
      } finally {
        await ledger.close();
      }
    }

    beforeAll(async () => {
      db = await backend.fresh();
      env = db.config.database.url === '' ? {} : { MOMENTIC_DATABASE_URL: db.config.database.url };
    });
    afterAll(async () => {
      await backend.cleanup();
    });

    // Eight steps through the CLI on a fresh workspace (fetching its history): slow on a loaded machine.
    it('runs every step of a fresh workspace day and writes its report', { timeout: 60_000 }, async () => {
      const r = await run('--json', 'pipeline', 'daily', '--date', D1);
      expect(r.code).toBe(0);
      const day = json<DayJson>(r);
      expect(day).toMatchObject({ ok: true, status: 'done', ran: STEPS });
      expect(day.steps.map((s) => [s.step, s.status, s.attempts])).toEqual(STEPS.map((s) => [s, 'done', 1]));
      expect(existsSync(join(db.home, 'data', 'reports', 'daily', D1, 'report.html'))).toBe(true);
      expect(existsSync(join(db.home, 'data', 'reports', 'daily', 'index.html'))).toBe(true);

      const rep = report(D1);
      const close = rawBar(db.home, 'ZNTX', D1).close;
      // Decided at the day's close: 5% of 100,000 in whole shares, filled tomorrow.
      expect(rep.orders.map((o) => [o.symbol, o.side, o.qty, o.status])).toEqual([
        ['ZNTX', 'buy', Math.floor(5000 / close), 'accepted'],
      ]);
      expect(rep.fills).toEqual([]);
      expect(rep.pnl).toMatchObject({ equity: 100000, previous_equity: 100000, day_pnl: 0, cash: 100000 });
      expect(rep.book?.mode).toBe('paper');
      expect(rep.data_quality.map((q) => [q.symbol, q.passed, q.has_day])).toEqual(
        ['BRWQ', 'CRXV', 'FRBX', 'PTRQ', 'VXLY', 'ZNTX'].map((s) => [s, true, true]),
      );
      expect(rep.reconcile).toMatchObject({ clean: true, differences: [] });
      expect(rep.drift?.ok).toBe(true);
      expect(rep.links.previous).toBeNull();
      expect(rep.steps.find((s) => s.step === 'trade')?.duration_ms).toBeGreaterThanOrEqual(0);
      // A fresh workspace has no reference data: no universe to build, and the step says why.
      expect(day.steps.find((s) => s.step === 'universe')?.outputs).toEqual({
        built: false,
        reason:
          'no reference data (data/reference/assets.csv): run momentic data reference to build a universe each day',
      });
    });

    it('says "already done" when the day is run again and writes nothing to the ledger', async () => {
      const before = await counts();
      expect(before).toMatchObject({ runs: 1, orders: 1, fills: 0, equity: 1, days: 1, steps: 8 });
      const r = await run('pipeline', 'daily', '--date', D1);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`daily ${D1}: already done`);
      expect(await counts()).toEqual(before);
    });

    it('fills the order decided yesterday at the next open, books it and reports the day', async () => {
      const r = await run('--json', 'pipeline', 'daily', '--date', D2);
      expect(r.code).toBe(0);
      const rep = report(D2);
      const qty = Math.floor(5000 / rawBar(db.home, 'ZNTX', D1).close);
      const { open, close } = rawBar(db.home, 'ZNTX', D2);
      const price = open * (1 + 5 / 10_000);
      const fee = qty * price * (1 / 10_000);
      expect(rep.fills).toHaveLength(1);
      expect(rep.fills[0]).toMatchObject({ symbol: 'ZNTX', side: 'buy', qty });
      expect(rep.fills[0]?.price).toBeCloseTo(price, 4);
      expect(rep.fills[0]?.fee).toBeCloseTo(fee, 4);
      expect(rep.fills[0]?.client_order_id).toBe(report(D1).orders[0]?.client_order_id);
      expect(rep.orders).toEqual([]);
      expect(rep.positions).toEqual([
        {
          symbol: 'ZNTX',
          qty,
          avg_price: expect.closeTo(price, 4) as number,
          realized_pnl: 0,
          fees: expect.closeTo(fee, 2) as number,
        },
      ]);
      const equity = 100000 - qty * price - fee + qty * close;
      expect(rep.pnl.equity).toBeCloseTo(equity, 2);
      expect(rep.pnl.day_pnl).toBeCloseTo(equity - 100000, 2);
      expect(rep.pnl.cash).toBeCloseTo(100000 - qty * price - fee, 2);
      expect(rep.reconcile).toMatchObject({ clean: true, differences: [] });
      expect(rep.drift).toMatchObject({ ok: true });
      expect(rep.drift?.orders.session).toBe(rep.drift?.orders.matched);
      expect(rep.links.previous).toBe(`../${D1}/report.html`);
      // The book's results folder is the whole book's: the order of yesterday, filled today.
      const orders = readFileSync(join(db.home, 'data', 'results', rep.book!.id, 'orders.csv'), 'utf8')
        .split('\n')
        .filter((l) => l.startsWith(`${rep.fills[0]?.client_order_id},`));
      expect(orders).toHaveLength(1);
      expect(orders[0]?.split(',').slice(13, 15)).toEqual(['filled', String(qty)]);
      // One book carried on: one run, the same order (now filled), one fill, an equity row a day.
      expect(await counts()).toMatchObject({ runs: 1, orders: 1, fills: 1, equity: 2, days: 2, steps: 16 });
    });

    it('--force redoes one step and the report; a traded day is never traded twice', async () => {
      const before = await counts();
      const f = await run('--json', 'pipeline', 'daily', '--date', D2, '--force', 'features');
      expect(f.code).toBe(0);
      const day = json<DayJson>(f);
      expect(day.ran).toEqual(['features', 'report']);
      expect(day.steps.find((s) => s.step === 'features')?.attempts).toBe(2);
      expect(day.steps.find((s) => s.step === 'trade')?.attempts).toBe(1);

      const t = await run('--json', 'pipeline', 'daily', '--date', D2, '--force', 'trade');
      expect(t.code).toBe(0);
      const trade = json<DayJson>(t).steps.find((s) => s.step === 'trade');
      expect(trade?.outputs).toMatchObject({ already_traded: true, fills: 1, orders: 0 });
      expect(await counts()).toEqual(before);
      expect(report(D2).fills).toHaveLength(1);
    });

    it('builds the day’s universe once the workspace has reference data, as momentic universe build does', async () => {
      const ref = await run(
        'data', 'reference', '--provider', 'synthetic', '--from', '2023-01-01', '--to', D2, '--as-of', '2023-01-03',
      ); // prettier-ignore
      expect(ref.code, ref.stderr).toBe(0);
      const f = await run('--json', 'pipeline', 'daily', '--date', D2, '--force', 'universe');
      expect(f.code, f.stderr).toBe(0);
      const day = json<DayJson>(f);
      expect(day.ran).toEqual(['universe', 'report']);
      const out = day.steps.find((s) => s.step === 'universe')?.outputs as Record<string, unknown>;
      expect(out).toMatchObject({ built: true, date: D2, files: [`data/processed/universe/${D2}.csv`] });
      // The counts are those of the file the step wrote: a row per symbol of the reference data
      // (the synthetic provider's 20; the 14 without bars are out, insufficient_history).
      const file = join(db.home, 'data', 'processed', 'universe', `${D2}.csv`);
      const written = readFileSync(file, 'utf8');
      const rows = written.trimEnd().split('\n').slice(1);
      expect(rows).toHaveLength(20);
      const head = written.split('\n')[0]!.split(',');
      const tier = (t: string) => rows.filter((r) => r.split(',')[head.indexOf('tier')] === t).length;
      const included = rows.filter((r) => r.split(',')[head.indexOf('included')] === 'true').length;
      expect(out).toMatchObject({ core: tier('core'), extended: tier('extended'), excluded: 20 - included });
      expect(tier('core')).toBeGreaterThan(0);
      // The command builds the same file, byte for byte.
      const cmd = await run('universe', 'build', '--date', D2);
      expect(cmd.code, cmd.stderr).toBe(0);
      expect(readFileSync(file, 'utf8')).toBe(written);
      // The day's first run had nothing to build; this is the step's second attempt.
      expect(report(D2).steps.find((s) => s.step === 'universe')).toMatchObject({ status: 'done', attempts: 2 });
    });

    it('refuses a day that is not a session, naming the sessions around it', async () => {
      const r = await run('pipeline', 'daily', '--date', '2024-07-04');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('CALENDAR_NOT_A_SESSION');
      expect(r.stderr).toContain('the session before it is 2024-07-03, the one after 2024-07-05');
    });
  });

  describe(`a corrupted raw file on ${backend.name}`, () => {
    let db: Awaited<ReturnType<Backend['fresh']>>;
    let env: Record<string, string>;
    const run = (...argv: string[]) => cli(['--home', db.home, ...argv], { env });

    beforeAll(async () => {
      db = await backend.fresh();
      env = db.config.database.url === '' ? {} : { MOMENTIC_DATABASE_URL: db.config.database.url };
    });
    afterAll(async () => {
      await backend.cleanup();
    });

    it('stops at validate with exit 3, reports why, trades nothing; the run after the repair resumes at validate', async () => {
      // The day's bars are already in the raw zone (a backfill): fetch has nothing to read.
      const fetched = await run(
        'data',
        'fetch',
        '--symbols',
        'ZNTX,VXLY,FRBX,PTRQ,CRXV,BRWQ',
        '--start',
        '2023-01-03',
        '--end',
        D1,
      );
      expect(fetched.code).toBe(0);
      const file = join(db.home, 'data', 'raw', '1d', 'ZNTX.csv');
      const kept = join(tempDir('momentic-raw-copy-'), 'ZNTX.csv');
      copyFileSync(file, kept);
      const text = readFileSync(file, 'utf8');
      writeFileSync(file, text.replace('ZNTX,2024-05-01,', 'ZNTX,2024-05-01,1'));

      const r = await run('--json', 'pipeline', 'daily', '--date', D1);
      expect(r.code).toBe(3);
      const day = json<DayJson>(r);
      expect(day.error?.code).toBe('DATA_MANIFEST');
      expect(day.steps.map((s) => [s.step, s.status])).toEqual([
        ['fetch', 'done'],
        ['validate', 'failed'],
        ['features', 'skipped'],
        ['universe', 'skipped'],
        ['trade', 'skipped'],
        ['reconcile', 'skipped'],
        ['drift', 'skipped'],
        ['report', 'done'],
      ]);
      const rep = JSON.parse(readFileSync(day.report!.replace(/\.html$/, '.json'), 'utf8')) as ReportJson;
      expect(rep.status).toBe('failed');
      expect(rep.failure).toMatchObject({ step: 'validate', code: 'DATA_MANIFEST', exit_code: 3 });
      expect(rep.failure?.message).toContain('data/raw/1d/ZNTX.csv does not match its record');
      expect(rep.not_run.map((n) => n.step)).toEqual(['features', 'universe', 'trade', 'reconcile', 'drift']);
      expect(rep.book).toBeNull();
      const html = readFileSync(day.report!, 'utf8');
      expect(html).toContain('The validate step failed');
      // No trading step ran: no paper book, no order.
      const ledger = await createLedger(db.config, db.home);
      try {
        expect(await ledger.listRuns()).toEqual([]);
        expect((await ledger.pipelineDay('daily', D1))?.status).toBe('failed');
      } finally {
        await ledger.close();
      }

      copyFileSync(kept, file);
      const again = await run('--json', 'pipeline', 'daily', '--date', D1);
      expect(again.code).toBe(0);
      const resumed = json<DayJson>(again);
      expect(resumed.ran).toEqual(['validate', 'features', 'universe', 'trade', 'reconcile', 'drift', 'report']);
      expect(resumed.steps.map((s) => [s.step, s.status, s.attempts])).toEqual([
        ['fetch', 'done', 1],
        ['validate', 'done', 2],
        ['features', 'done', 1],
        ['universe', 'done', 1],
        ['trade', 'done', 1],
        ['reconcile', 'done', 1],
        ['drift', 'done', 1],
        ['report', 'done', 2],
      ]);
      const done = JSON.parse(readFileSync(resumed.report!.replace(/\.html$/, '.json'), 'utf8')) as ReportJson;
      expect(done.status).toBe('done');
      expect(done.failure).toBeNull();
      expect(done.orders.map((o) => o.symbol)).toEqual(['ZNTX']);
    });

    it('a trade step run again after it stopped carries on the same book and places nothing twice', async () => {
      // As if the process died after the day's session journaled its order, before the day's
      // equity row and the step's end were recorded.
      const ledger = await createLedger(db.config, db.home);
      const orders = async () => (await ledger.listOrders({ limit: 100 })).map((o) => `${o.symbol} ${o.side} ${o.qty}`);
      try {
        const before = await orders();
        expect(before).toHaveLength(1);
        await backend.exec(db, `delete from equity_snapshots where ts = ${Date.parse(`${D1}T00:00:00Z`)}`);
        await backend.exec(db, `update pipeline_steps set status = 'failed' where step = 'trade' and date = '${D1}'`);
        const r = await run('--json', 'pipeline', 'daily', '--date', D1);
        expect(r.code).toBe(0);
        const day = json<DayJson>(r);
        expect(day.ran).toEqual(['trade', 'report']);
        expect(day.steps.find((s) => s.step === 'trade')?.outputs).toMatchObject({ orders: 1, fills: 0 });
        expect(await orders()).toEqual(before);
        expect((await ledger.listRuns())[0] && (await ledger.equity((await ledger.listRuns())[0]!.id)).length).toBe(1);
      } finally {
        await ledger.close();
      }
    });
  });

  describe(`a quality gate on ${backend.name}`, () => {
    let db: Awaited<ReturnType<Backend['fresh']>>;
    let env: Record<string, string>;
    const run = (...argv: string[]) => cli(['--home', db.home, ...argv], { env });

    beforeAll(async () => {
      db = await backend.fresh();
      env = db.config.database.url === '' ? {} : { MOMENTIC_DATABASE_URL: db.config.database.url };
    });
    afterAll(async () => {
      await backend.cleanup();
    });

    it('a row an accepted edit broke fails validate with exit 3; restored and repaired, the day resumes', async () => {
      const fetched = await run(
        'data',
        'fetch',
        '--symbols',
        'ZNTX,VXLY,FRBX,PTRQ,CRXV,BRWQ',
        '--start',
        '2023-01-03',
        '--end',
        D1,
      );
      expect(fetched.code).toBe(0);
      const file = join(db.home, 'data', 'raw', '1d', 'ZNTX.csv');
      const original = readFileSync(file, 'utf8');
      // An open of 1xx on a day that traded near 50: above the high, a row the ohlc gate refuses.
      writeFileSync(file, original.replace('ZNTX,2024-05-01,', 'ZNTX,2024-05-01,1'));
      expect((await run('data', 'repair', '--accept-edits')).code).toBe(0);

      const r = await run('--json', 'pipeline', 'daily', '--date', D1);
      expect(r.code).toBe(3);
      const day = json<DayJson>(r);
      expect(day.error?.code).toBe('DATA_INVALID');
      expect(day.error?.message).toMatch(/^the quality gates failed: ZNTX: 1 row fails the quality gates \(ohlc 1\)$/);
      const validate = day.steps.find((s) => s.step === 'validate');
      const zntx = (validate?.outputs?.['symbols'] as { symbol: string; passed: boolean; rejected: number }[]).find(
        (q) => q.symbol === 'ZNTX',
      );
      expect(zntx).toMatchObject({ passed: false, rejected: 1 });
      expect(day.steps.find((s) => s.step === 'trade')?.status).toBe('skipped');
      const rep = JSON.parse(readFileSync(day.report!.replace(/\.html$/, '.json'), 'utf8')) as ReportJson;
      expect(rep.data_quality.find((q) => q.symbol === 'ZNTX')?.passed).toBe(false);

      writeFileSync(file, original);
      expect((await run('data', 'repair', '--accept-edits')).code).toBe(0);
      const again = await run('--json', 'pipeline', 'daily', '--date', D1);
      expect(again.code).toBe(0);
      expect(json<DayJson>(again).ran[0]).toBe('validate');
    });
  });
}
