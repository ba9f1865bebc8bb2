/**
 * Every key of a run reaches the run: a run file's participation and benchmark change the result,
 * the library and the CLI fill at the same prices by default, and with no dates a run covers the
 * chosen symbols' own data (the intersection of their ranges).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseFees, parseSlippage } from '../../src/backtest/costs.js';
import { RawStore } from '../../src/data/raw-store.js';
import { runBacktest } from '../../src/orchestration/node.js';
import { cli, tempDir } from '../support/cli.js';
import { SHARED_DATA } from '../support/paths.js';

const rows = (file: string): string[][] =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(','));

/** Runs `backtest --json` in `home` and returns the results folder and metrics. */
async function backtest(
  home: string,
  args: readonly string[],
): Promise<{ dir: string; metrics: Record<string, number | null> }> {
  const r = await cli(['--home', home, '--json', 'backtest', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { dir: string; metrics: Record<string, number | null> };
}

function runFile(home: string, name: string, text: string): string {
  const file = join(home, name);
  writeFileSync(file, text);
  return file;
}

const BASE = `strategy: sma-cross
params: {fast: 5, slow: 20}
start: 2016-01-04
end: 2017-12-29
`;

describe('run file keys reach the run', () => {
  const home = tempDir();

  beforeAll(async () => {
    // Fetch the two synthetic symbols once (the configured provider is the synthetic one).
    await backtest(home, ['--config', runFile(home, 'warm.yaml', `${BASE}symbols: [ZNTX, VXLY]\n`)]);
  });

  it('caps each bar’s fills at participation x volume: a tiny participation leaves orders partly filled', async () => {
    const none = await backtest(home, ['--config', runFile(home, 'none.yaml', `${BASE}symbols: [ZNTX]\n`)]);
    const tiny = await backtest(home, [
      '--config',
      runFile(home, 'tiny.yaml', `${BASE}symbols: [ZNTX]\nparticipation: 0.000001\n`),
    ]);
    const orders = (dir: string) => {
      const o = rows(join(dir, 'orders.csv'));
      const h = o[0] as string[];
      return o.slice(1).map((r) => ({ qty: Number(r[h.indexOf('qty')]), filled: Number(r[h.indexOf('filled_qty')]) }));
    };
    const a = orders(none.dir);
    const b = orders(tiny.dir);
    // Without a cap every market order fills in full on its next bar.
    expect(a.every((o) => o.filled === o.qty)).toBe(true);
    // ZNTX trades about 5 million shares a day: 0.0001% of that is about 5 shares a bar, far
    // below the thousands of shares an order asks for, so no order of the capped run fills in full.
    const first = b[0] as { qty: number; filled: number };
    expect(first.qty).toBeGreaterThan(1000);
    expect(b.some((o) => o.filled < o.qty)).toBe(true);
    const raw = rows(join(home, 'data/raw/1d/ZNTX.csv')).slice(1);
    const sessions = raw.filter((r) => (r[1] as string) >= '2016-01-04' && (r[1] as string) <= '2017-12-29');
    const capTotal = sessions.reduce((s, r) => s + Math.floor(0.000001 * Number(r[6])), 0);
    // Every share bought across the run came out of some bar's cap.
    const bought = b.reduce((s, o) => s + o.filled, 0);
    expect(bought).toBeLessThanOrEqual(2 * capTotal);
    expect(bought).toBeLessThan(a.reduce((s, o) => s + o.filled, 0));
  });

  it('gives the OrderManager the run file’s order policies: a 1 ms timeout cancels every order before it can fill', async () => {
    const plain = await backtest(home, ['--config', runFile(home, 'plain.yaml', `${BASE}symbols: [ZNTX]\n`)]);
    const timed = await backtest(home, [
      '--config',
      runFile(home, 'timed.yaml', `${BASE}symbols: [ZNTX]\norders: {cancel_after_ms: 1}\n`),
    ]);
    const statuses = (dir: string) => {
      const o = rows(join(dir, 'orders.csv'));
      const h = o[0] as string[];
      return o.slice(1).map((r) => r[h.indexOf('status')]);
    };
    // Market orders decided at a close fill at the next open; a cancel due 1 ms after the close
    // reaches the venue first (the clock passes it on its way to that open).
    expect(statuses(plain.dir).every((s) => s === 'filled')).toBe(true);
    const cancelled = statuses(timed.dir);
    expect(cancelled.length).toBeGreaterThan(0);
    expect(cancelled.every((s) => s === 'cancelled')).toBe(true);
    expect(timed.metrics['total_return']).toBe(0);
  });

  it('gives the simulated exchange the run’s buying power: at 0.1x equity every full-weight buy is rejected', async () => {
    const plain = await backtest(home, ['--config', runFile(home, 'lev-plain.yaml', `${BASE}symbols: [ZNTX]\n`)]);
    const cash = await backtest(home, [
      '--config',
      runFile(home, 'lev-tenth.yaml', `${BASE}symbols: [ZNTX]\nmax_leverage: 0.1\n`),
    ]);
    const flag = await backtest(home, [
      '--config',
      runFile(home, 'lev-flag.yaml', `${BASE}symbols: [ZNTX]\n`),
      '--max-leverage',
      '0.1',
    ]);
    const statuses = (dir: string) => {
      const o = rows(join(dir, 'orders.csv'));
      const h = o[0] as string[];
      return o.slice(1).map((r) => [r[h.indexOf('status')], r[h.indexOf('reason')] ?? '']);
    };
    // sma-cross puts all of the equity into one symbol: about 100,000 of exposure, far above
    // 0.1 x 100,000 of buying power, and well within the default 2x.
    expect(statuses(plain.dir).every(([s]) => s === 'filled')).toBe(true);
    for (const dir of [cash.dir, flag.dir]) {
      // The reason cell is quoted CSV with commas: read the file's lines, one order each.
      const lines = readFileSync(join(dir, 'orders.csv'), 'utf8').trim().split('\n').slice(1);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        expect(line).toContain(',rejected,');
        expect(line).toMatch(/beyond the buying power of 0\.1x equity 100000 \(10000\)/);
      }
    }
    expect(cash.metrics['total_return']).toBe(0);
  });

  it('names the file and line of an unknown order policy', async () => {
    const file = runFile(home, 'bad-orders.yaml', `${BASE}orders:\n  cancel_after: 5\n`);
    const r = await cli(['--home', home, 'backtest', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown key orders.cancel_after');
    expect(r.stderr).toMatch(/bad-orders\.yaml:6\b/);
    expect(r.stderr).toContain('did you mean "cancel_after_ms"');
  });

  it('measures alpha and beta against the run file’s benchmark, as computed here from the two return series', async () => {
    const r = await backtest(home, [
      '--config',
      runFile(home, 'bench.yaml', `${BASE}symbols: [ZNTX]\ncash: 100000\nbenchmark: VXLY\n`),
    ]);
    expect(r.metrics.alpha).not.toBeNull();
    expect(r.metrics.beta).not.toBeNull();
    // Independently: simple daily returns of equity.csv (the first against the initial cash) and
    // of VXLY's raw closes on the same dates; beta = cov / var (ddof 0), alpha = (1 + mean(r - beta b))^252 - 1
    // (empyrical alpha_aligned / beta_aligned, risk-free 0), the first row dropped (no earlier benchmark close).
    const eq = rows(join(r.dir, 'equity.csv')).slice(1);
    const close = new Map(
      rows(join(home, 'data/raw/1d/VXLY.csv'))
        .slice(1)
        .map((c) => [c[1], Number(c[5])]),
    );
    const x: number[] = [];
    const y: number[] = [];
    let prevEq = 100_000;
    let prevClose = NaN;
    for (const row of eq) {
      const e = Number(row[1]);
      const c = close.get((row[0] as string).slice(0, 10)) as number;
      if (!Number.isNaN(prevClose)) {
        x.push(e / prevEq - 1);
        y.push(c / prevClose - 1);
      }
      prevEq = e;
      prevClose = c;
    }
    const mean = (v: number[]): number => v.reduce((s, a) => s + a, 0) / v.length;
    const mx = mean(x);
    const my = mean(y);
    const cov = mean(x.map((v, i) => (v - mx) * ((y[i] as number) - my)));
    const beta = cov / mean(y.map((v) => (v - my) ** 2));
    const alpha = (1 + mean(x.map((v, i) => v - beta * (y[i] as number)))) ** 252 - 1;
    expect(x.length).toBeGreaterThan(400);
    expect(r.metrics.beta).toBeCloseTo(beta, 6);
    expect(r.metrics.alpha).toBeCloseTo(alpha, 6);
  });

  it('fills at the same prices through the library as through the CLI when neither sets price rounding', async () => {
    // 5 bps of slippage puts fill prices between ticks: a rounding default would move them.
    const cliRun = await backtest(home, [
      '--strategy', 'sma-cross', '--symbols', 'ZNTX,VXLY', '--param', 'fast=5', '--param', 'slow=20',
      '--start', '2016-01-04', '--end', '2017-12-29', '--fees', 'none', '--slippage', 'bps:5',
    ]); // prettier-ignore
    const store = new RawStore(home);
    const series = [(await store.read('ZNTX', '1d'))!, (await store.read('VXLY', '1d'))!];
    const rec = runBacktest({
      strategy: 'sma-cross',
      params: { fast: 5, slow: 20 },
      series,
      start: '2016-01-04',
      end: '2017-12-29',
      fees: parseFees('none'),
      slippage: parseSlippage('bps:5'),
    });
    const trades = rows(join(cliRun.dir, 'trades.csv')).slice(1);
    expect(trades.length).toBeGreaterThan(5);
    expect(trades.some((t) => Math.abs(Number(t[3]) * 100 - Math.round(Number(t[3]) * 100)) > 1e-6)).toBe(true);
    // Closed round trips in entry order, each with its entry and exit prices.
    const lib = rec.trades
      .filter((t) => !t.isOpen)
      .map((t) => [t.symbol, t.entryPrice, t.exitPrice] as const)
      .sort((p, q) => p[1] - q[1]);
    const byCli = trades
      .filter((t) => t[12] === 'closed')
      .map((t) => [t[0], Number(t[3]), Number(t[5])] as const)
      .sort((p, q) => p[1] - q[1]);
    expect(lib).toEqual(byCli);
  });
});

describe('the default range of a run', () => {
  const home = tempDir();

  beforeAll(async () => {
    for (const [file, symbol] of [
      ['orcl-1995-2014.txt', 'ORCL'],
      ['nvda-1999-2014.txt', 'NVDA'],
    ] as const) {
      const r = await cli(['--home', home, 'data', 'import', '--file', join(SHARED_DATA, file), '--symbol', symbol]);
      expect(r.code, r.stderr).toBe(0);
    }
  });

  const dates = (file: string): string[] =>
    rows(file)
      .slice(1)
      .map((r) => (r[0] as string).slice(0, 10));
  const rawDates = (symbol: string): string[] =>
    rows(join(home, `data/raw/1d/${symbol}.csv`))
      .slice(1)
      .map((r) => r[1] as string);

  it('is the symbol’s own data range when no --start or --end is given', async () => {
    const r = await backtest(home, ['--symbols', 'ORCL']);
    const eq = dates(join(r.dir, 'equity.csv'));
    const raw = rawDates('ORCL');
    expect(raw[0]?.startsWith('1995')).toBe(true);
    expect([eq[0], eq[eq.length - 1]]).toEqual([raw[0], raw[raw.length - 1]]);
    expect(eq).toHaveLength(raw.length);
  });

  it('is the intersection of the symbols’ ranges for several symbols', async () => {
    const r = await backtest(home, ['--symbols', 'ORCL,NVDA']);
    const eq = dates(join(r.dir, 'equity.csv'));
    const o = rawDates('ORCL');
    const n = rawDates('NVDA');
    const from = [o[0] as string, n[0] as string].sort()[1];
    const to = [o[o.length - 1] as string, n[n.length - 1] as string].sort()[0];
    expect(from).toBe(n[0]); // NVDA starts in 1999, four years after ORCL
    expect([eq[0], eq[eq.length - 1]]).toEqual([from, to]);
  });
});

describe('backtest --explain-config', () => {
  it('prints every value of the run with its source (default, app config, run file line, flag) and runs nothing', async () => {
    const home = tempDir();
    const file = runFile(
      home,
      'explain.yaml',
      `strategy: sma-cross
params: {fast: 5, slow: 20}
symbols: [ZNTX]
benchmark: VXLY
participation: 0.1
risk:
  max_position: 0.02
`,
    );
    const r = await cli(['--home', home, '--json', 'backtest', '--config', file, '--cash', '5000', '--explain-config']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      run: Record<string, Record<string, unknown>>;
      sources: Record<string, string>;
    };
    expect(out.run.venue).toMatchObject({
      cash: 5000,
      participation: 0.1,
      price_rounding: 'none',
      fees: 'bps:1',
      slippage: 'bps:5',
    });
    expect(out.run.data).toMatchObject({ symbols: ['ZNTX'], benchmark: 'VXLY', start: null, end: null });
    expect(out.run.risk).toMatchObject({ enabled: true, limits: { max_position: 0.02, max_positions: 30 } });
    expect(out.sources['venue.cash']).toBe('flag:--cash');
    expect(out.sources['strategy.params.fast']).toMatch(/^file:.*explain\.yaml:2$/);
    expect(out.sources['data.benchmark']).toMatch(/^file:.*explain\.yaml:4$/);
    expect(out.sources['venue.participation']).toMatch(/^file:.*explain\.yaml:5$/);
    expect(out.sources['risk.enabled']).toMatch(/^file:.*explain\.yaml:6$/);
    expect(out.sources['risk.limits.max_position']).toMatch(/^file:.*explain\.yaml:7$/);
    expect(out.sources['risk.limits.max_positions']).toBe('default');
    expect(out.sources['venue.price_rounding']).toBe('default');
    expect(out.sources['venue.fees']).toBe('default');
    expect(out.sources['data.start']).toMatch(/^default: the data's own range/);
    // Nothing ran: no data fetched, no results written.
    expect(existsSync(join(home, 'data'))).toBe(false);
    const text = await cli(['--home', home, 'backtest', '--config', file, '--explain-config']);
    expect(text.stdout).toMatch(/^venue\.participation\s+= 0\.1\s+# file:.*explain\.yaml:5$/m);
    expect(text.stdout).toMatch(/^venue\.cash\s+= 100000\s+# default$/m);
  });

  it('takes one kill-switch limit from the run file and the other from the config', async () => {
    const home = tempDir();
    const file = runFile(
      home,
      'ks.yaml',
      'strategy: sma-cross\nsymbols: [ZNTX]\nrisk:\n  kill_switch:\n    max_venue_errors: 2\n',
    );
    const r = await cli(['--home', home, '--json', 'backtest', '--config', file, '--explain-config']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      run: { risk: { limits: { kill_switch: unknown } } };
      sources: Record<string, string>;
    };
    expect(out.run.risk.limits.kill_switch).toEqual({ max_venue_errors: 2, stale_data_seconds: 120 });
    expect(out.sources['risk.limits.kill_switch.max_venue_errors']).toMatch(/^file:.*ks\.yaml:5$/);
    expect(out.sources['risk.limits.kill_switch.stale_data_seconds']).toBe('default');
    const typo = runFile(
      home,
      'typo.yaml',
      'strategy: sma-cross\nsymbols: [ZNTX]\nrisk:\n  kill_switch:\n    max_venue_error: 2\n',
    );
    const bad = await cli(['--home', home, 'backtest', '--config', typo, '--explain-config']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'did you mean "max_venue_errors"? known keys of risk.kill_switch: max_venue_errors, stale_data_seconds',
    );
  });

  it('names the flag of a bad value', async () => {
    const r = await cli(['backtest', '--strategy', 'sma-cross', '--participation', '2', '--explain-config']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--participation "2" is not a number > 0 and <= 1');
  });
});
