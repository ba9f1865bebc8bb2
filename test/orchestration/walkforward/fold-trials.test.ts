/**
 * The queued walk-forward's batches, against a stand-in for the queue: the trials of successive
 * batches are numbered apart, a fold's warm-up is in the trial's run config (so in its id), and
 * the outcomes come back in task order with their combination's index whatever order the
 * workers finish in.
 */
import { describe, expect, it } from 'vitest';
import type { RunConfig } from '../../../src/config/run-config.js';
import type { RunData } from '../../../src/orchestration/run-data.js';
import { trialId } from '../../../src/orchestration/queue/trial-id.js';
import type { SweepBatch } from '../../../src/orchestration/sweep/sweep-job.js';
import type { TrialOutcome } from '../../../src/orchestration/sweep/trial.js';
import { queuedFoldTrials, type FoldTask } from '../../../src/orchestration/walkforward/fold-trials.js';

const run = (start: string, end: string): RunConfig =>
  ({ strategy: { name: 'sma-cross', params: {} }, data: { start, end }, warmup: null }) as unknown as RunConfig;

describe('queuedFoldTrials', () => {
  it('numbers batches apart, puts the warm-up in the run config and returns outcomes in task order', async () => {
    const batches: SweepBatch[] = [];
    let ticks = 0;
    const trials = queuedFoldTrials({
      // The workers finish in reverse order; each outcome's index is the trial's, as the queue gives it.
      runTrials: async (b) => {
        batches.push(b);
        for (const t of [...b.todo].reverse())
          b.record(t, { index: t.index, ok: false, error: `trial ${t.index}`, ms: 0 } as TrialOutcome);
      },
      id: 'walkforward-abc',
      dir: '/tmp/wf',
      total: 7,
      spec: run('2016-01-04', '2019-12-31'),
      data: {} as RunData,
      tick: () => ticks++,
    });
    const inSample: FoldTask[] = [
      { spec: run('2016-01-04', '2016-12-30'), params: { fast: 5 }, combo: 0 },
      { spec: run('2016-01-04', '2016-12-30'), params: { fast: 10 }, combo: 1 },
      { spec: run('2016-07-01', '2017-06-30'), params: { fast: 5 }, combo: 0 },
      { spec: run('2016-07-01', '2017-06-30'), params: { fast: 10 }, combo: 1 },
    ];
    const a = await trials(inSample, 3);
    expect(a.map((r) => [r.index, r.ok ? '' : r.error])).toEqual([
      [0, 'trial 0'],
      [1, 'trial 1'],
      [0, 'trial 2'],
      [1, 'trial 3'],
    ]);
    const oos: FoldTask[] = [
      { spec: run('2016-01-04', '2017-06-30'), params: { fast: 10 }, combo: 1, warmup: 252 },
      { spec: run('2016-07-01', '2017-12-29'), params: { fast: 5 }, combo: 0, warmup: 252 },
    ];
    const b = await trials(oos, 0);
    expect(b.map((r) => [r.index, r.ok ? '' : r.error])).toEqual([
      [1, 'trial 4'],
      [0, 'trial 5'],
    ]);
    expect(ticks).toBe(6);
    expect(batches.map((x) => [x.id, x.kind, x.total, x.later, x.todo.map((t) => t.index)])).toEqual([
      ['walkforward-abc', 'walkforward', 7, 3, [0, 1, 2, 3]],
      ['walkforward-abc', 'walkforward', 7, 0, [4, 5]],
    ]);
    // In sample, the fold's run as it is; out of sample, the train window as warm-up in it.
    expect(batches[0]?.todo[2]?.spec).toBe(inSample[2]?.spec);
    expect(batches[1]?.todo.map((t) => t.spec?.warmup)).toEqual([252, 252]);
    expect(batches[1]?.todo[0]?.spec).toMatchObject({ data: { start: '2016-01-04', end: '2017-06-30' } });
    // So the warm-up is part of the trial's id: the same run and params without it are another trial.
    const files = [{ path: 'data/raw/x.csv', sha256: 'f'.repeat(64) }];
    const queued = batches[1]?.todo[0] as SweepBatch['todo'][number];
    expect(trialId(queued.spec, queued.params, files, '0.1.0')).not.toBe(
      trialId(oos[0]?.spec, queued.params, files, '0.1.0'),
    );
  });
});
