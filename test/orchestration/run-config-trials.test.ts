/**
 * Sweep trials and walk-forward folds run with the run file's risk limits, as a backtest of the
 * same file does. The file caps each position at 1% of equity while sma-cross targets half of
 * equity per symbol (two symbols, equal weights): every entry is denied, so every trial and fold
 * of the limited run stays flat; without the limits the same trials trade.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { resolveSpec } from '../../src/orchestration/backtest-job.js';
import { parseAxis } from '../../src/orchestration/sweep/param-space.js';
import { runSweep, type SweepResult } from '../../src/orchestration/sweep/sweep-job.js';
import { runWalkForward, type WalkForwardResult } from '../../src/orchestration/walkforward/walkforward-job.js';
import { tempDir } from '../support/cli.js';

const RUN = `strategy: sma-cross
symbols: [ZNTX, VXLY]
start: 2016-01-04
end: 2018-12-31
`;

describe('a run file’s risk limits in sweeps and walk-forward', () => {
  const home = tempDir();
  const loaded = loadConfig({ home, env: {} });
  const results: Record<'limited' | 'free', { sweep: SweepResult; wf: WalkForwardResult }> = {} as never;

  beforeAll(async () => {
    for (const [name, text] of [
      ['free', RUN],
      ['limited', `${RUN}risk:\n  max_position: 0.01\n`],
    ] as const) {
      const file = join(home, `${name}.yaml`);
      writeFileSync(file, text);
      const { spec } = resolveSpec(home, loaded.config, { configFile: file });
      const sweep = await runSweep({
        home,
        config: loaded.config,
        env: {},
        spec,
        axes: [parseAxis('fast=5,10'), parseAxis('slow=20,40')],
        objective: 'total_return',
        workers: 1,
        name,
      });
      const wf = await runWalkForward({
        home,
        config: loaded.config,
        env: {},
        sweepId: sweep.id,
        folds: { train: 252, test: 126, step: 126, mode: 'rolling' },
        gates: [],
        workers: 1,
      });
      results[name] = { sweep, wf };
    }
  });

  it('denies every sweep trial’s entries under the limits, and not without them', () => {
    const trades = (r: SweepResult): number[] => {
      const [head, ...lines] = readFileSync(join(r.dir, 'trials.csv'), 'utf8').trim().split('\n');
      const col = (head as string).split(',').indexOf('trades');
      return lines.map((l) => Number(l.split(',')[col]));
    };
    expect(trades(results.free.sweep).some((n) => n > 0)).toBe(true);
    expect(trades(results.limited.sweep)).toEqual([0, 0, 0, 0]);
  });

  it('runs every walk-forward fold, in and out of sample, under the limits', () => {
    const free = results.free.wf.folds;
    const limited = results.limited.wf.folds;
    expect(limited.length).toBe(free.length);
    expect(free.some((f) => f.inSample !== 0 || f.outOfSampleReturn !== 0)).toBe(true);
    // Flat trials have a total return of 0 on the train window; the winner is flat out of sample too.
    for (const f of limited) expect([f.inSample, f.outOfSampleReturn]).toEqual([0, 0]);
    expect(results.limited.wf.returns.every((x) => x === 0)).toBe(true);
  });
});
