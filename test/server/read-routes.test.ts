/**
 * What the read API answers, checked against the files and the ledger it reads and against the
 * CLI's own `--json` output for the same things, on a workspace made through the CLI (a
 * backtest, a sweep, a walk-forward) plus a running live session and a kill switch left REDUCING.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResults } from '../../src/backtest/read-results.js';
import { DEFAULTS } from '../../src/config/schema.js';
import { describeParams } from '../../src/strategies/describe.js';
import { strategyDefinitions } from '../../src/strategies/registry.js';
import { cli } from '../support/cli.js';
import { bearer, testServer, type TestServer } from './support.js';
import { buildWorkspace, type Workspace } from './workspace-fixture.js';

describe('read API', () => {
  let ws: Workspace;
  let s: TestServer;
  let btDir: string;

  beforeAll(async () => {
    ws = await buildWorkspace();
    s = await testServer({ home: ws.home });
    btDir = join(ws.home, 'data', 'results', ws.backtestId);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  const get = async (url: string, status = 200) => {
    const r = await s.app.inject({ url, headers: bearer(s.tokens.viewer) });
    expect(r.statusCode, `${url}: ${r.body.slice(0, 300)}`).toBe(status);
    return r;
  };
  const json = async <T = Record<string, unknown>>(url: string, status = 200): Promise<T> =>
    JSON.parse((await get(url, status)).body) as T;
  const cliJson = async (...args: string[]): Promise<unknown> => {
    const r = await cli(['--home', ws.home, '--json', ...args]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout);
  };
  /** Rows of a results CSV that has no quoted cells (equity, folds' numbers), split by hand. */
  const plainCsv = (file: string): string[][] =>
    readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));

  describe('runs', () => {
    it('lists the runs as momentic runs ls --json does, most recent first, a page at a time', async () => {
      const page = await json<{ items: Record<string, unknown>[]; next_offset: number | null }>('/api/runs');
      expect(page.items).toEqual(await cliJson('runs', 'ls'));
      expect(page.items.map((r) => [r.run_id, r.kind, r.status])).toEqual([
        [ws.backtestId, 'backtest', 'finished'],
        [ws.sessionId, 'live', 'running'],
      ]);
      expect(page.next_offset).toBeNull();
      const first = await json<{ items: { run_id: string }[]; next_offset: number }>('/api/runs?limit=1');
      expect(first.items.map((r) => r.run_id)).toEqual([ws.backtestId]);
      expect(first.next_offset).toBe(1);
      const second = await json<{ items: { run_id: string }[] }>('/api/runs?limit=1&offset=1');
      expect(second.items.map((r) => r.run_id)).toEqual([ws.sessionId]);
      const live = await json<{ items: { run_id: string }[] }>('/api/runs?kind=live');
      expect(live.items.map((r) => r.run_id)).toEqual([ws.sessionId]);
      const running = await json<{ items: { run_id: string }[] }>('/api/runs?status=running');
      expect(running.items.map((r) => r.run_id)).toEqual([ws.sessionId]);
    });

    it("gives a run's spec, metrics, ledger counts and files, as momentic runs show --json", async () => {
      const run = await json(`/api/runs/${ws.backtestId}`);
      const shown = (await cliJson('runs', 'show', ws.backtestId)) as Record<string, unknown>;
      for (const key of ['run_id', 'kind', 'strategy', 'status', 'params', 'spec', 'metrics', 'counts']) {
        expect(run[key], key).toEqual(shown[key]);
      }
      expect(run.metrics).toEqual(JSON.parse(readFileSync(join(btDir, 'metrics.json'), 'utf8')));
      expect(run.files).toEqual(expect.arrayContaining(['equity.csv', 'orders.csv', 'report.html', 'trades.csv']));
      const missing = await json<{ error: { code: string } }>('/api/runs/no-such-run', 404);
      expect(missing.error.code).toBe('LEDGER_NOT_FOUND');
    });

    it('pages equity.csv as numbers, row for row', async () => {
      const rows = plainCsv(join(btDir, 'equity.csv'));
      const page = await json<{ total: number; offset: number; limit: number; items: Record<string, unknown>[] }>(
        `/api/runs/${ws.backtestId}/equity?offset=100&limit=3`,
      );
      expect(page).toMatchObject({ total: rows.length, offset: 100, limit: 3 });
      expect(page.items).toEqual(
        rows.slice(100, 103).map(([timestamp, equity, cash, gross, net, drawdown]) => ({
          timestamp,
          equity: Number(equity),
          cash: Number(cash),
          gross_exposure: Number(gross),
          net_exposure: Number(net),
          drawdown: Number(drawdown),
        })),
      );
      const past = await json<{ items: unknown[] }>(`/api/runs/${ws.backtestId}/equity?offset=${rows.length}`);
      expect(past.items).toEqual([]);
    });

    it("serves trades and orders as the report's reader reads them back", async () => {
      const { record } = readResults(btDir);
      const trades = await json<{ total: number; items: Record<string, unknown>[] }>(
        `/api/runs/${ws.backtestId}/trades?limit=1000`,
      );
      expect(trades.total).toBe(record.trades.length);
      expect(trades.items.map((t) => [t.symbol, t.qty, t.pnl, t.status])).toEqual(
        record.trades.slice(0, 1000).map((t) => [t.symbol, t.qty, t.pnl, t.isOpen ? 'open' : 'closed']),
      );
      const orders = await json<{ total: number; items: Record<string, unknown>[] }>(
        `/api/runs/${ws.backtestId}/orders?offset=5&limit=10`,
      );
      expect(orders.total).toBe(record.orders.length);
      expect(
        orders.items.map((o) => [
          o.client_order_id,
          o.status,
          o.filled_qty,
          o.avg_fill_price,
          (o.history as unknown[]).length,
        ]),
      ).toEqual(
        record.orders
          .slice(5, 15)
          .map((o) => [
            o.clientOrderId,
            o.status,
            o.filledQty,
            Number.isNaN(o.avgFillPrice) ? null : o.avgFillPrice,
            o.history.length,
          ]),
      );
      const signals = await json<{ items: { meta: unknown }[] }>(`/api/runs/${ws.backtestId}/signals?limit=1`);
      expect(typeof signals.items[0]?.meta).toBe('object');
    });

    it('serves the report page as written, allowed to run its own inline script and nothing else', async () => {
      const r = await get(`/api/runs/${ws.backtestId}/report`);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.body).toBe(readFileSync(join(btDir, 'report.html'), 'utf8'));
      expect(r.headers['content-security-policy']).toContain("script-src 'unsafe-inline'");
      expect(r.headers['content-security-policy']).toContain("default-src 'none'");
      expect(r.headers['content-security-policy']).not.toContain('connect-src');
    });

    it('answers 404 for a result file a run does not have, and refuses an id that is a path', async () => {
      const noEquity = await json<{ error: { code: string } }>(`/api/runs/${ws.sessionId}/trades`, 404);
      expect(noEquity.error.code).toBe('DATA_NOT_FOUND');
      const traversal = await s.app.inject({ url: '/api/runs/..%2F..%2Fetc/equity', headers: bearer(s.tokens.viewer) });
      expect(traversal.statusCode).toBe(400);
      expect(JSON.parse(traversal.body).error.code).toBe('API_INVALID_REQUEST');
    });
  });

  describe('sweeps and walk-forwards', () => {
    it('lists the sweep with its summary, its trials a page at a time and its report', async () => {
      const dir = join(ws.home, 'data', 'results', 'sweeps', ws.sweepId);
      const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as {
        trials: number;
        failed: number;
        best: { value: number };
      };
      const list = await json<{ items: Record<string, unknown>[] }>('/api/sweeps');
      expect(list.items).toEqual([
        {
          sweep_id: ws.sweepId,
          strategy: 'sma-cross',
          objective: 'sharpe',
          finished: true,
          trials: summary.trials,
          failed: summary.failed,
          best_value: summary.best.value,
          updated_at: expect.any(String),
        },
      ]);
      const one = await json<{ summary: unknown; definition: { strategy: string } }>(`/api/sweeps/${ws.sweepId}`);
      expect(one.summary).toEqual(summary);
      expect(one.definition.strategy).toBe('sma-cross');
      const lines = readFileSync(join(dir, 'trials.jsonl'), 'utf8').trimEnd().split('\n');
      const trials = await json<{ total: number; items: { params: Record<string, number>; ok: boolean }[] }>(
        `/api/sweeps/${ws.sweepId}/trials`,
      );
      expect(trials.total).toBe(lines.length);
      expect(trials.items.map((t) => t.params)).toEqual(
        lines.map((l) => (JSON.parse(l) as { params: unknown }).params),
      );
      expect((await get(`/api/sweeps/${ws.sweepId}/report`)).body).toBe(readFileSync(join(dir, 'report.html'), 'utf8'));
      expect((await json<{ error: { code: string } }>('/api/sweeps/nope', 404)).error.code).toBe('DATA_NOT_FOUND');
    });

    it('lists the walk-forward with its gates, folds and out-of-sample equity', async () => {
      const dir = join(ws.home, 'data', 'results', 'walkforward', ws.walkforwardId);
      const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as {
        passed: boolean;
        folds: unknown[];
      };
      const list = await json<{ items: Record<string, unknown>[] }>('/api/walkforwards');
      expect(list.items).toEqual([
        {
          walkforward_id: ws.walkforwardId,
          sweep_id: ws.sweepId,
          objective: 'sharpe',
          passed: summary.passed,
          folds: summary.folds.length,
          updated_at: expect.any(String),
        },
      ]);
      expect((await json<{ summary: unknown }>(`/api/walkforwards/${ws.walkforwardId}`)).summary).toEqual(summary);
      const folds = await json<{ total: number; items: { fold: number; params: unknown }[] }>(
        `/api/walkforwards/${ws.walkforwardId}/folds?limit=1000`,
      );
      expect(folds.total).toBe(summary.folds.length);
      expect(folds.items.map((f) => f.fold)).toEqual((summary.folds as { index: number }[]).map((f) => f.index));
      expect(folds.items[0]?.params).toEqual((summary.folds[0] as { params: unknown }).params);
      const eq = plainCsv(join(dir, 'oos-equity.csv'));
      const page = await json<{ total: number; items: { equity: number }[] }>(
        `/api/walkforwards/${ws.walkforwardId}/equity?offset=${eq.length - 1}`,
      );
      expect(page.total).toBe(eq.length);
      expect(page.items.map((r) => r.equity)).toEqual([Number(eq.at(-1)![1])]);
    });
  });

  describe('ledger', () => {
    it('lists orders as momentic orders ls --json does, with strategy, tag and send time', async () => {
      const api = await json<{ items: Record<string, unknown>[]; next_offset: number }>(
        `/api/orders?run=${ws.backtestId}&limit=3`,
      );
      const shown = (await cliJson('orders', 'ls', '--run', ws.backtestId, '--limit', '3')) as Record<
        string,
        unknown
      >[];
      expect(api.items.map(({ strategy: _s, tag: _t, sent_at: _a, ...rest }) => rest)).toEqual(shown);
      expect(api.next_offset).toBe(3);
      const next = await json<{ items: { client_order_id: string }[] }>(
        `/api/orders?run=${ws.backtestId}&limit=1&offset=3`,
      );
      const four = (await cliJson('orders', 'ls', '--run', ws.backtestId, '--limit', '4')) as {
        client_order_id: string;
      }[];
      expect(next.items[0]?.client_order_id).toBe(four[3]?.client_order_id);
      expect((await json<{ error: { code: string } }>('/api/orders?run=nope', 404)).error.code).toBe(
        'LEDGER_NOT_FOUND',
      );
    });

    it('gives an order with its transitions and fills, as the ledger holds them', async () => {
      const detail = await json<{ status: string; events: { status: string }[]; fills: { qty: number }[] }>(
        `/api/orders/${ws.sessionId}/c-1`,
      );
      expect(detail.status).toBe('partially_filled'); // 100 of 200
      expect(detail.events.map((e) => e.status)).toEqual(['new', 'accepted', 'partially_filled']);
      expect(detail.fills.map((f) => f.qty)).toEqual([100]);
      expect((await json<{ error: { code: string } }>(`/api/orders/${ws.sessionId}/c-9`, 404)).error.code).toBe(
        'LEDGER_NOT_FOUND',
      );
    });

    it("gives the running session's fills, open positions and account", async () => {
      const fills = await json<{ items: Record<string, unknown>[] }>(`/api/fills?run=${ws.sessionId}`);
      expect(fills.items).toEqual([
        {
          run_id: ws.sessionId,
          client_order_id: 'c-1',
          exec_id: 'x-1',
          symbol: 'ORCL',
          side: 'buy',
          qty: 100,
          price: 12.5,
          fee: 0.1,
          ts: '2024-03-01T14:32:00Z',
          liquidity: null,
        },
      ]);
      const positions = await json<{ items: Record<string, unknown>[] }>('/api/positions');
      expect(positions.items).toEqual([
        {
          run_id: ws.sessionId,
          kind: 'live',
          symbol: 'ORCL',
          qty: 100,
          avg_price: 12.5,
          realized_pnl: 0,
          fees: 0.1,
          updated_at: '2024-03-01T14:32:00Z',
        },
      ]);
      const account = await json<{ items: Record<string, unknown>[] }>('/api/account');
      expect(account.items).toEqual([
        {
          run_id: ws.sessionId,
          kind: 'live',
          status: 'running',
          timestamp: '2024-03-01T14:32:00Z',
          equity: 99990,
          cash: 98750,
          gross_exposure: 1240,
          net_exposure: 1240,
          drawdown: -0.0001,
        },
      ]);
      // A finished backtest is not "now", but can be asked for: its positions, flat ones included.
      const bt = await json<{ items: { symbol: string; qty: number }[] }>(`/api/positions?run=${ws.backtestId}`);
      expect(bt.items.map((p) => p.symbol)).toEqual(['ORCL']);
    });
  });

  describe('risk, data, strategies', () => {
    it('gives the kill switch as recorded, the configured limits and the latest risk events', async () => {
      const risk = await json<{
        kill_switch: Record<string, unknown>;
        limits: unknown;
        events: Record<string, unknown>[];
      }>('/api/risk');
      expect(risk.kill_switch).toEqual({
        state: 'REDUCING',
        recorded: true,
        from: 'ACTIVE',
        reason: 'stale data: 130 s',
        ts: '2024-03-01T14:32:01.000Z',
        mode: 'live',
        run_id: ws.sessionId,
        written_at: '2024-03-01T14:32:01.500Z',
      });
      expect(risk.limits).toEqual(DEFAULTS.risk);
      expect(risk.events[0]).toMatchObject({ kind: 'kill_switch', from_state: 'ACTIVE', to_state: 'REDUCING' });
    });

    it("gives the raw zone's datasets, and a dataset's quality report as momentic data validate --json", async () => {
      const data = await json<{ datasets: Record<string, unknown>[]; integrity: { ok: boolean } }>('/api/data');
      const manifest = JSON.parse(readFileSync(join(ws.home, 'data', 'raw', 'manifest.json'), 'utf8')) as {
        datasets: Record<string, { rows: number; first: string; last: string }>;
      };
      expect(data.integrity.ok).toBe(true);
      expect(data.datasets).toHaveLength(1);
      expect(data.datasets[0]).toMatchObject({
        symbol: 'ORCL',
        timeframe: '1d',
        rows: manifest.datasets['1d/ORCL']?.rows,
        first: manifest.datasets['1d/ORCL']?.first,
        last: manifest.datasets['1d/ORCL']?.last,
      });
      const q = await json<Record<string, unknown>>('/api/data/1d/ORCL/quality');
      const v = (await cliJson('data', 'validate', '--symbols', 'ORCL')) as { datasets: Record<string, unknown>[] };
      const cliQc = v.datasets[0] as Record<string, unknown>;
      for (const k of ['rows', 'good', 'rejected', 'coverage_pct', 'gaps', 'gap_dates', 'outliers', 'passed']) {
        expect(q[k], k).toEqual(cliQc[k]);
      }
      expect((await json<{ error: { code: string } }>('/api/data/1d/MSFT/quality', 404)).error.code).toBe(
        'DATA_NOT_FOUND',
      );
    });

    it('lists the strategies with the parameters their own schemas declare', async () => {
      const list = await json<{ items: { name: string; params: unknown; params_schema: { properties: object } }[] }>(
        '/api/strategies',
      );
      expect(list.items.map((x) => x.name)).toEqual(strategyDefinitions().map((d) => d.name));
      for (const d of strategyDefinitions()) {
        const item = list.items.find((x) => x.name === d.name)!;
        expect(item.params).toEqual(JSON.parse(JSON.stringify(describeParams(d))));
        expect(Object.keys(item.params_schema.properties)).toEqual(describeParams(d).map((p) => p.name));
      }
      expect((await json<{ name: string }>('/api/strategies/ema-cross')).name).toBe('ema-cross');
    });
  });
});
