/**
 * `backtest --strategy NAME` without a run file takes its defaults from the RunConfig: the costs of
 * config/strategy/default.yaml (fees bps:1, slippage bps:5), the data's own range, and it prints the
 * period its bars actually cover.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { getCalendar } from '../../src/calendar/index.js';
import { cli, tempDir } from '../support/cli.js';
import { SHARED_DATA } from '../support/paths.js';

/** The CSV rows of a run file, as objects keyed by the header. */
function rows(file: string): Record<string, string>[] {
  const [head, ...body] = readFileSync(file, 'utf8').trimEnd().split('\n');
  const keys = (head ?? '').split(',');
  return body.map((l) => Object.fromEntries(l.split(',').map((v, i) => [keys[i], v])));
}

describe('backtest --strategy NAME without a run file', () => {
  let home: string;
  beforeAll(async () => {
    home = tempDir();
    const imp = await cli([
      '--home',
      home,
      'data',
      'import',
      '--file',
      join(SHARED_DATA, 'orcl-1995-2014.txt'),
      '--symbol',
      'ORCL',
    ]);
    expect(imp.code, imp.stderr).toBe(0);
  }, 60_000);

  it('pays the default costs (fees bps:1, slippage bps:5) on every fill', async () => {
    const r = await cli([
      '--home',
      home,
      '--json',
      'backtest',
      '--strategy',
      'sma-cross',
      '--symbols',
      'ORCL',
      '--start',
      '2010-01-01',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { dir: string; metrics: { fees_paid: number } };
    const manifest = JSON.parse(readFileSync(join(out.dir, 'manifest.json'), 'utf8')) as {
      config: { run: { venue: { fees: string; slippage: string } } };
    };
    expect(manifest.config.run.venue).toMatchObject({ fees: 'bps:1', slippage: 'bps:5' });
    // The first order: SMA(20) crosses above SMA(50) on 2010-02-25, so the market buy fills at the
    // open of 2010-02-26 (24.959999 in the file) plus 5 bp of slippage, and pays 1 bp of its notional.
    const first = rows(join(out.dir, 'orders.csv'))[0] as Record<string, string>;
    expect(first).toMatchObject({ side: 'buy', status: 'filled', final_at: '2010-02-26' });
    const price = Number(first.avg_fill_price);
    expect(price).toBeCloseTo(24.959999 * 1.0005, 6);
    expect(Number(first.fees)).toBeCloseTo(price * Number(first.filled_qty) * 0.0001, 6);
    expect(out.metrics.fees_paid).toBeGreaterThan(Number(first.fees));
  });

  it('prints the first and last bar it ran on, not the dates asked for', async () => {
    const r = await cli([
      '--home', home, 'backtest', '--strategy', 'sma-cross', '--symbols', 'ORCL', '--start', '2010-01-01', '--end', '2020-06-30',
    ]); // prettier-ignore
    expect(r.code, r.stderr).toBe(0);
    // 2010-01-04 is the first session of 2010; the ORCL file ends on 2014-12-31.
    expect(r.stdout).toMatch(/ sma-cross +2010-01-04\.\.2014-12-31 /);
  });

  it('with no dates covers the data: 1995-01-03..2014-12-31', async () => {
    const r = await cli(['--home', home, '--json', 'backtest', '--strategy', 'sma-cross', '--symbols', 'ORCL']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ period: { start: '1995-01-03', end: '2014-12-31' } });
  });
});

describe('a synthetic run that starts after the generated range and gives no end', () => {
  it('fetches from its start to the last closed session, not one day', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const xnys = getCalendar('XNYS');
    const r = await cli([
      '--home',
      tempDir(),
      '--json',
      'backtest',
      '--strategy',
      'sma-cross',
      '--symbols',
      'VXLY',
      '--start',
      '2025-01-02',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const { period } = JSON.parse(r.stdout) as { period: { start: string; end: string } };
    expect(period.start).toBe('2025-01-02');
    expect([xnys.previousSession(today), ...(xnys.isTradingDay(today) ? [today] : [])]).toContain(period.end);
  });
});
