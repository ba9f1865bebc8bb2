/**
 * A sweep and a walk-forward over a run file that names `universe: core` trade the universe
 * point in time, as its backtest does: the sweep's trial with the backtest's params has the
 * backtest's metrics, on one worker thread (this thread) and on two (each rebuilds the
 * membership gate from the universe files), and the walk-forward of that sweep runs (its folds
 * reload the sweep's run, which names the universe and no symbols).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtUniverse, table } from './built-universe.js';
import { cli } from '../support/cli.js';

describe('a sweep and a walk-forward on a built universe', () => {
  it(
    'gives each trial the metrics of the backtest with its params, on 1 and 2 workers',
    { timeout: 240_000 },
    async () => {
      const { home, run } = await builtUniverse();

      const body = 'timeframe: 1d\nstart: 2020-04-01\nend: 2020-12-31\ncash: 100000\n';
      const runFile = join(home, 'run.yaml');
      writeFileSync(runFile, `strategy: sma-cross\nparams: { fast: 5, slow: 20 }\nuniverse: core\n${body}`);
      const bt = await run('--json', 'backtest', '--config', runFile);
      const { run_id: runId } = JSON.parse(bt.stdout) as { run_id: string };
      const metrics = JSON.parse(readFileSync(join(home, 'data', 'results', runId, 'metrics.json'), 'utf8')) as Record<
        string,
        number
      >;
      const orders = table(join(home, 'data', 'results', runId, 'orders.csv'));
      // The universe matters here: some of its members leave (closed by tagged orders), so a run
      // over the same names as plain symbols trades otherwise, and the comparison below can fail.
      expect(orders.some((o) => o['tag'] === 'universe-exit')).toBe(true);
      const symbols = [...new Set(orders.map((o) => o['symbol']!))].sort();
      const plainFile = join(home, 'plain.yaml');
      writeFileSync(
        plainFile,
        `strategy: sma-cross\nparams: { fast: 5, slow: 20 }\nsymbols: [${symbols.join(', ')}]\n${body}`,
      );
      const plain = JSON.parse((await run('--json', 'backtest', '--config', plainFile)).stdout) as { run_id: string };
      const plainMetrics = JSON.parse(
        readFileSync(join(home, 'data', 'results', plain.run_id, 'metrics.json'), 'utf8'),
      ) as Record<string, number>;
      expect(plainMetrics['total_return']).not.toBeCloseTo(metrics['total_return']!, 6);

      for (const workers of ['1', '2']) {
        const name = `uni-w${workers}`;
        await run(
          '--json',
          'sweep',
          '--config',
          runFile,
          '--param',
          'fast=5..10:5',
          '--workers',
          workers,
          '--name',
          name,
        );
        const trials = table(join(home, 'data', 'results', 'sweeps', name, 'trials.csv'));
        expect(trials.map((t) => t['status'])).toEqual(['ok', 'ok']);
        const same = trials.find((t) => t['fast'] === '5')!;
        expect(Number(same['trades']), `workers ${workers}`).toBe(metrics['trades']);
        expect(Number(same['total_return']), `workers ${workers}`).toBeCloseTo(metrics['total_return']!, 8);
        expect(Number(same['sharpe']), `workers ${workers}`).toBeCloseTo(metrics['sharpe']!, 8);
        // The other trial is another strategy over the same universe, not a copy.
        const other = trials.find((t) => t['fast'] === '10')!;
        expect(Number(other['total_return'])).not.toBeCloseTo(metrics['total_return']!, 8);
      }

      // The folds reload the sweep's run (universe, no symbols): it must not read as naming both.
      const wf = await cli([
        '--home',
        home,
        '--json',
        'walkforward',
        '--sweep',
        'uni-w2',
        '--train',
        '80',
        '--test',
        '40',
        '--step',
        '40',
        '--workers',
        '2',
      ]);
      expect(wf.stderr).not.toContain('names both symbols');
      // 0, or 5 when a promotion gate fails on this short history: the walk-forward itself ran.
      expect([0, 5], wf.stderr).toContain(wf.code);
      const out = JSON.parse(wf.stdout) as { folds: number };
      expect(out.folds).toBeGreaterThan(0);
    },
  );
});
