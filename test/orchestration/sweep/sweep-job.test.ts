/**
 * Sweeps end to end on the synthetic universe: every trial recorded, failures with their reason,
 * the same results on one thread and in two worker processes, an interrupted sweep resumed to
 * identical files, and the deflated Sharpe of the best trial recomputed here from returns.csv.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { resolveSpec } from '../../../src/orchestration/backtest-job.js';
import { parseAxis } from '../../../src/orchestration/sweep/param-space.js';
import { runSweep, type SweepOptions } from '../../../src/orchestration/sweep/sweep-job.js';
import { cli, tempDir } from '../../support/cli.js';
import { normCdf, normInv } from '../../../src/analytics/stats/normal.js';

const read = (dir: string, f: string): string => readFileSync(join(dir, f), 'utf8');

async function options(home: string, extra: Partial<SweepOptions> = {}): Promise<SweepOptions> {
  const loaded = loadConfig({ home, env: {} });
  const { spec } = resolveSpec(home, loaded.config, {
    strategy: 'sma-cross',
    symbols: ['ZNTX', 'VXLY'],
    start: '2016-01-04',
    end: '2020-12-31',
  });
  return {
    home,
    config: loaded.config,
    env: {},
    spec,
    axes: [parseAxis('fast=5..25:10'), parseAxis('slow=15..45:15')],
    objective: 'sharpe',
    workers: 1,
    ...extra,
  };
}

describe('momentic sweep', () => {
  const home = tempDir();
  let one: Awaited<ReturnType<typeof runSweep>>;

  beforeAll(async () => {
    one = await runSweep(await options(home, { name: 'one' }));
  });

  it('records every combination: runs the valid ones and keeps the refused ones with the reason', () => {
    // fast 5, 15, 25 x slow 15, 30, 45: slow <= fast for (15,15), (25,15): refused by the schema.
    expect(one.summary.total).toBe(9);
    expect(one.summary.trials).toBe(7);
    const trials = read(one.dir, 'trials.csv').trim().split('\n');
    expect(trials[0]).toBe(
      'trial,fast,slow,status,total_return,cagr,sharpe,sortino,max_drawdown,calmar,trades,hit_rate,turnover,exposure,error',
    );
    expect(trials.filter((l) => l.includes(',failed,'))).toHaveLength(2);
    expect(trials.find((l) => l.startsWith('3,'))).toContain('slow (15) must be greater than fast (15)');
  });

  it('writes byte-identical files on two workers (the command and a worker process) as on one', async () => {
    const two = await runSweep(await options(home, { name: 'two', workers: 2 }));
    // The worker count asked for is the one used, and said.
    expect([one.workers, two.workers]).toEqual([1, 2]);
    // Every file of the sweep, the store's (written as trials finish, in any order on two
    // threads) as well as the summary and the report: compared by their SHA-256.
    const files = readdirSync(one.dir).sort();
    expect(readdirSync(two.dir).sort()).toEqual(files);
    expect(files).toEqual(
      expect.arrayContaining([
        'trials.jsonl',
        'returns.f64',
        'trials.csv',
        'returns.csv',
        'summary.json',
        'report.html',
      ]),
    );
    const sha = (dir: string, f: string): string =>
      createHash('sha256')
        .update(readFileSync(join(dir, f)))
        .digest('hex');
    for (const f of files) expect(sha(two.dir, f), f).toBe(sha(one.dir, f));
    // The trials recorded in trial order (not finishing order): 0..8 in trials.jsonl.
    const order = read(two.dir, 'trials.jsonl')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { index: number }).index);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('resumes an interrupted sweep, running only what is missing, to identical files', async () => {
    const again = await runSweep(await options(home, { name: 'resumed' }));
    const jsonl = read(again.dir, 'trials.jsonl')
      .split('\n')
      .filter((l) => l !== '');
    // Keep 4 finished trials and a torn fifth line, as a kill mid-write leaves them.
    writeFileSync(
      join(again.dir, 'trials.jsonl'),
      `${jsonl.slice(0, 4).join('\n')}\n${(jsonl[4] as string).slice(0, 20)}`,
    );
    const resumed = await runSweep(await options(home, { name: 'resumed' }));
    expect(resumed.ranNow).toBe(5);
    for (const f of ['trials.csv', 'returns.csv', 'summary.json'])
      expect(read(resumed.dir, f), f).toBe(read(one.dir, f));
  });

  it('deflates the best Sharpe with the true number of trials and their Sharpe variance', () => {
    // Independently from returns.csv: per-period Sharpe = mean / sample std of each trial column;
    // V = their sample variance; E[max] = sqrt(V) ((1 - g) Z(1 - 1/N) + g Z(1 - 1/(N e))) (DSR paper eq. 6);
    // DSR = Phi((SR - E[max]) sqrt(T - 1) / sqrt(1 - skew SR + (kurt - 1) / 4 SR^2)).
    const rows = read(one.dir, 'returns.csv')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',').slice(1).map(Number));
    const cols = (rows[0] as number[]).map((_, j) => rows.map((r) => r[j] as number));
    const mean = (x: number[]): number => x.reduce((a, b) => a + b, 0) / x.length;
    const sd = (x: number[]): number => Math.sqrt(x.reduce((a, b) => a + (b - mean(x)) ** 2, 0) / (x.length - 1));
    const sharpes = cols.map((c) => mean(c) / sd(c));
    const best = cols[sharpes.indexOf(Math.max(...sharpes))] as number[];
    const sr = Math.max(...sharpes);
    const n = sharpes.length;
    const g = 0.5772156649015329;
    const emax = sd(sharpes) * ((1 - g) * normInv(1 - 1 / n) + g * normInv(1 - 1 / (n * Math.E)));
    const m = mean(best);
    const m2 = mean(best.map((x) => (x - m) ** 2));
    const skew = mean(best.map((x) => (x - m) ** 3)) / m2 ** 1.5;
    const kurt = mean(best.map((x) => (x - m) ** 4)) / m2 ** 2;
    const dsr = normCdf(
      ((sr - emax) * Math.sqrt(best.length - 1)) / Math.sqrt(1 - skew * sr + ((kurt - 1) / 4) * sr * sr),
    );
    expect(n).toBe(7);
    expect(one.summary.expectedMaxSharpe).toBeCloseTo(emax, 12);
    expect(one.summary.dsr).toBeCloseTo(dsr, 10);
    // The best by per-period Sharpe is the best by annualized Sharpe too.
    expect(one.summary.bestSharpePerPeriod).toBeCloseTo(sr, 12);
  });

  it('measures the PBO of the search on its returns.csv, as momentic stats pbo does', async () => {
    const s = one.summary.pbo;
    expect(s?.partitions).toBe(16);
    const r = await cli(['--json', 'stats', 'pbo', '--input', join(one.dir, 'returns.csv'), '--partitions', '16']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { pbo: number; probability_of_loss?: number };
    expect(out.pbo).toBe(s?.pbo);
  });

  it('writes a report with the heatmap and the trial table', () => {
    const html = read(one.dir, 'report.html');
    expect(html).toContain('<svg class="heatmap"');
    expect(html).toContain('deflated Sharpe ratio (N = 7)');
    expect((html.match(/<tr class="best">/g) ?? []).length).toBe(1);
  });

  it('rejects a bad objective and a bad range from the CLI with exit 2', async () => {
    const bad = await cli([
      '--home',
      home,
      'sweep',
      '--strategy',
      'sma-cross',
      '--param',
      'fast=5..20:5',
      '--objective',
      'sharp',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('did you mean "sharpe"?');
    const range = await cli(['--home', home, 'sweep', '--strategy', 'sma-cross', '--param', 'fast=20..5']);
    expect(range.code).toBe(2);
    expect(range.stderr).toContain('runs backwards');
    const flat = await cli(['--home', home, 'sweep', '--strategy', 'sma-cross', '--param', 'fast=5']);
    expect(flat.code).toBe(2);
    expect(flat.stderr).toContain('nothing to sweep');
  });
});
