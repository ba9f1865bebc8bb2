import { join } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { expectRefusal, prepareBaseHome, type BaseHome } from './harness.js';

const SMA = [
  'backtest',
  '--strategy',
  'sma-cross',
  '--symbols',
  'ZNTX',
  '--start',
  '2019-01-02',
  '--end',
  '2019-12-31',
];

describe('hostile flags', () => {
  let base: BaseHome;
  beforeAll(async () => {
    base = await prepareBaseHome();
  }, 60_000);

  it('backtest --out data/raw is refused (exit 2) and the raw zone is untouched', async () => {
    await expectRefusal(base, (h) => [...SMA, '--out', join(h, 'data', 'raw')], {
      code: 2,
      error: 'USAGE_OUTPUT_PATH',
      culprit: 'data/raw',
    });
  });

  it('backtest --out another run folder is refused (exit 2)', async () => {
    await expectRefusal(base, (h) => [...SMA, '--out', join(h, 'data', 'results', base.runId)], {
      code: 2,
      error: 'USAGE_OUTPUT_PATH',
      culprit: base.runId,
    });
  });

  it.each([
    [['report', 'no-such-run']],
    [['compare', 'no-such-run', 'other-missing']],
    [['runs', 'show', 'no-such-run']],
    [['backtest', '--replay', 'no-such-run']],
  ])('%j: an unknown run id exits 3 naming it', async (argv) => {
    await expectRefusal(base, () => argv, { code: 3, culprit: 'no-such-run' });
  });

  it('sweep over 10^10 combinations is refused before any work (exit 2) with the count', async () => {
    const grid = Array.from({ length: 10 }, (_, i) => String(i + 1)).join(',');
    await expectRefusal(
      base,
      () => [
        'sweep',
        '--strategy',
        'sma-cross',
        '--symbols',
        'ZNTX',
        '--param',
        `fast=${grid}`,
        '--param',
        `slow=${grid}`,
        '--max-trials',
        '10',
      ],
      { code: 2, culprit: /combinations/ },
    );
  });

  it('backtest --symbols "" is refused (exit 2) and writes no .csv', async () => {
    await expectRefusal(base, () => ['backtest', '--strategy', 'sma-cross', '--symbols', ''], {
      code: 2,
      culprit: /symbol/i,
    });
  });

  it('an unknown strategy is refused before data is read (exit 2) naming it', async () => {
    await expectRefusal(base, () => ['backtest', '--strategy', 'sma-crossx', '--symbols', 'ZNTX'], {
      code: 2,
      culprit: 'sma-crossx',
    });
  });
});
