import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../support/cli.js';
import { SHARED_DATA } from '../support/paths.js';

const golden = JSON.parse(readFileSync(new URL('../golden/sma-cross-orcl.json', import.meta.url), 'utf8')) as {
  metrics: { trades: number; total_return: number };
  orders: number;
};

describe('momentic backtest', () => {
  it('with no arguments runs the default run file on the synthetic universe (fetching it first) and writes a report', async () => {
    const home = tempDir();
    const r = await cli(['--home', home, 'backtest']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^run\s+strategy\s+period\s+trades\s+total return\s+CAGR\s+Sharpe\s+max drawdown/);
    expect(r.stdout).toContain('fetched 20 symbols from synthetic first');
    const report = /report: (.+report\.html)/.exec(r.stdout)?.[1] as string;
    expect(existsSync(report)).toBe(true);
    const dir = join(report, '..');
    for (const f of ['equity.csv', 'trades.csv', 'orders.csv', 'signals.csv', 'metrics.json', 'manifest.json']) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    expect(readFileSync(join(dir, 'equity.csv'), 'utf8').split('\n')[0]).toBe(
      'timestamp,equity,cash,gross_exposure,net_exposure,drawdown',
    );
    // A second run reuses the data (nothing fetched).
    const again = await cli(['--home', home, '--json', 'backtest']);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain('fetched');
    expect(JSON.parse(again.stdout).metrics.trades).toBeGreaterThan(0);
  });

  it('reproduces the golden ORCL sma-cross run from the CLI, and replays it byte for byte', async () => {
    const home = tempDir();
    expect(
      (
        await cli([
          '--home',
          home,
          'data',
          'import',
          '--file',
          join(SHARED_DATA, 'orcl-1995-2014.txt'),
          '--symbol',
          'ORCL',
        ])
      ).code,
    ).toBe(0);
    const args = [
      '--home', home, '--json', 'backtest', '--strategy', 'sma-cross', '--symbols', 'ORCL', '--param', 'fast=1', '--param', 'slow=15',
      '--param', 'qty=1', '--cash', '10000', '--fees', 'none', '--slippage', 'none', '--start', '1995-01-01', '--end', '2014-12-31',
    ]; // prettier-ignore
    const r = await cli(args);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      run_id: string;
      dir: string;
      metrics: { trades: number; total_return: number };
    };
    expect(out.metrics.trades).toBe(golden.metrics.trades);
    expect(out.metrics.total_return).toBeCloseTo(golden.metrics.total_return, 12);
    // The first round trips, verified by hand in test/golden/sma-cross-orcl.test.ts.
    const trades = readFileSync(join(out.dir, 'trades.csv'), 'utf8').trimEnd().split('\n');
    expect(trades[1]).toMatch(/^ORCL,long,1995-01-26,2\.154321,1995-01-27,2\.123457,1,/);
    expect(trades[2]).toMatch(/^ORCL,long,1995-02-06,2\.172839,1995-03-24,2\.361111,1,/);
    expect(trades[3]).toMatch(/^ORCL,long,1995-04-13,2\.388889,1995-04-18,2\.324074,1,/);
    expect(readFileSync(join(out.dir, 'orders.csv'), 'utf8').trimEnd().split('\n')).toHaveLength(1 + golden.orders);

    const replay = await cli(['--home', home, 'backtest', '--replay', out.run_id]);
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stdout).toMatch(/every output is byte-identical/);
    // A run whose recorded trades differ from what the code now produces is reported.
    const manifestFile = join(out.dir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    manifest.outputs['trades.csv'] = '0'.repeat(64);
    writeFileSync(manifestFile, JSON.stringify(manifest));
    const broken = await cli(['--home', home, 'backtest', '--replay', out.run_id]);
    expect(broken.code).toBe(3);
    expect(broken.stdout).toContain('differs in: trades.csv');

    rmSync(join(out.dir, 'report.html'));
    const rep = await cli(['--home', home, 'report', out.run_id]);
    expect(rep.code, rep.stderr).toBe(0);
    expect(existsSync(join(out.dir, 'report.html'))).toBe(true);
  });

  it('names the culprit for bad parameters, flags and missing data', async () => {
    const home = tempDir();
    const noData = await cli([
      '--home',
      home,
      '--config',
      join(home, 'x.yaml'),
      'backtest',
      '--strategy',
      'sma-cross',
      '--symbols',
      'ZZZ',
    ]);
    expect(noData.code).toBe(2); // the global --config file is missing
    const missing = await cli(['--home', home, 'backtest', '--strategy', 'sma-cross', '--symbols', 'ZZZ'], {
      env: { MOMENTIC_DATA__PROVIDER: 'csv' },
    });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('DATA_NOT_FOUND');
    const badParam = await cli(['--home', home, 'backtest', '--strategy', 'sma-cross', '--param', 'fast=0']);
    expect(badParam.code).toBe(2);
    expect(badParam.stderr).toContain('fast');
    const badFees = await cli(['--home', home, 'backtest', '--fees', 'lots']);
    expect(badFees.code).toBe(2);
    const badReport = await cli(['--home', home, 'report', 'nope']);
    expect(badReport.code).toBe(3);
    expect(badReport.stderr).toContain('DATA_NOT_FOUND');
  });
});
