/**
 * `data.prices` from the run file to the equity (docs/corporate-actions.md): the workspace holds
 * AAA's raw bars and a corporate-actions.csv (test/data/corporate-adjust.test.ts has the bars: a
 * $0.50 dividend ex on bar 10 after a close of 109, a 2-for-1 split ex on bar 20). A buy-and-hold
 * buys on bar 0’s close and fills at bar 1’s open (raw 101), with 10,000 of cash, no fees or slippage.
 *   raw, 50 shares at 101 (5,050; cash 4,950): dividend 50 x 0.50 = 25 on bar 10, 100 shares
 *     from bar 20; final equity 4,950 + 25 + 100 x 69 = 11,875.
 *   split, 100 split-adjusted shares at 50.50 (5,050; cash 4,950): dividend per adjusted share
 *     0.50 / 2 = 0.25, x 100 = 25; final 4,950 + 25 + 100 x 69 = 11,875 (the same account).
 *   total-return, 100 shares at 101 x 0.5 x 108.5/109 (cash 10,000 - 5,050 x 108.5/109), no
 *     cash dividend; final = that cash + 100 x 69, and every bar's equity is cash + 100 x the
 *     adjusted close.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../src/config/index.js';
import { RUN_DEFAULTS, type RunConfig } from '../../src/config/run-config.js';
import type { PriceMode } from '../../src/universe/corporate-adjust.js';
import { RawStore } from '../../src/data/raw-store.js';
import { resolveSpec } from '../../src/orchestration/backtest-job.js';
import { runConfigured } from '../../src/orchestration/configured-run.js';
import { loadRunData, withDataRange } from '../../src/orchestration/run-data.js';
import { defineStrategy } from '../../src/strategies/define.js';
import { registerStrategy } from '../../src/strategies/registry.js';
import { corporateActionsCsv, referenceFiles, writeReferenceFile } from '../../src/universe/reference-files.js';
import { flat } from '../backtest/support.js';
import { tempDir } from '../support/cli.js';
import { action, CLOSES, DIVIDEND, SPLIT } from '../universe/corporate-actions-fixture.js';

const BUY_AND_HOLD = '/test/corporate-actions/buy-and-hold.ts';
registerStrategy(
  BUY_AND_HOLD,
  defineStrategy({
    name: 'buy-and-hold',
    params: z.object({ qty: z.number() }),
    create: ({ qty }) => {
      let bought = false;
      return {
        name: 'buy-and-hold',
        onBar(ctx, bar) {
          if (bought) return;
          bought = true;
          ctx.buy(bar.symbol, qty);
        },
      };
    },
  }),
);

describe('a backtest under each data.prices', () => {
  const home = tempDir();
  const { config } = loadConfig({ home, env: {} });

  beforeAll(async () => {
    await new RawStore(home, 'csv').write('AAA', '1d', flat('AAA', CLOSES), { provider: 'test', calendar: 'XNYS' });
    writeReferenceFile(referenceFiles(home).corporateActions, corporateActionsCsv([DIVIDEND, SPLIT]));
  });

  async function run(prices: PriceMode, qty: number) {
    const spec: RunConfig = {
      ...RUN_DEFAULTS,
      strategy: { name: BUY_AND_HOLD, params: { qty } },
      data: { ...RUN_DEFAULTS.data, symbols: ['AAA'], prices },
      venue: { ...RUN_DEFAULTS.venue, cash: 10_000, fees: 'none', slippage: 'none' },
    };
    const data = await loadRunData({ home, config, env: {}, spec });
    const { record } = runConfigured(withDataRange(spec, data), data, { dataFiles: data.dataFiles });
    return { record, data, last: record.equity.at(record.equity.length - 1) };
  }

  it('raw: splits multiply the position, dividends are paid in cash', async () => {
    const { record, last } = await run('raw', 50);
    expect(last.equity).toBeCloseTo(11_875, 9);
    expect(last.cash).toBeCloseTo(4_975, 9);
    expect(last.grossExposure).toBeCloseTo(6_900, 9); // 100 shares x 69
    expect(record.equity.at(10).equity).toBeCloseTo(4_975 + 50 * 110, 9);
    expect(record.equity.at(20).equity).toBeCloseTo(4_975 + 100 * 60, 9);
  });

  it('split (the default): split-adjusted prices, the dividend paid per adjusted share', async () => {
    expect(RUN_DEFAULTS.data.prices).toBe('split');
    const { record, last, data } = await run('split', 100);
    expect(data.series[0]?.close[0]).toBe(50);
    expect(last.equity).toBeCloseTo(11_875, 9);
    expect(last.cash).toBeCloseTo(4_975, 9);
    expect(record.equity.at(9).cash).toBeCloseTo(4_950, 9);
    expect(record.equity.at(10).cash).toBeCloseTo(4_975, 9);
    expect(data.dataFiles.map((f) => f.path)).toContain('data/reference/corporate-actions.csv');
  });

  it('total-return: equity follows the adjusted closes, no cash dividend', async () => {
    const d = 108.5 / 109;
    const cash = 10_000 - 5_050 * d;
    const { record, last, data } = await run('total-return', 100);
    expect(last.equity).toBeCloseTo(cash + 6_900, 9);
    const close = data.series[0]?.close as Float64Array;
    for (let i = 1; i < 30; i++) expect(record.equity.at(i).equity).toBeCloseTo(cash + 100 * (close[i] as number), 9);
    expect(close[5]).toBeCloseTo(105 * 0.5 * d, 10);
  });

  it('takes data.prices from a run file’s prices key', () => {
    const file = join(home, 'run.yaml');
    writeFileSync(file, 'strategy: sma-cross\nsymbols: [AAA]\nprices: total-return\n');
    expect(resolveSpec(home, config, { configFile: file }).spec.data.prices).toBe('total-return');
    writeFileSync(file, 'strategy: sma-cross\nsymbols: [AAA]\nprices: adjusted\n');
    expect(() => resolveSpec(home, config, { configFile: file })).toThrow(/prices/);
  });

  it('stops the run on an action it cannot apply, naming it and the fix', async () => {
    const bad = tempDir();
    await new RawStore(bad, 'csv').write('AAA', '1d', flat('AAA', CLOSES), { provider: 'test', calendar: 'XNYS' });
    writeReferenceFile(
      referenceFiles(bad).corporateActions,
      corporateActionsCsv([action({ type: 'dividend', exDate: '2024-01-15', cashAmount: 0.1 })]),
    );
    const spec = { ...RUN_DEFAULTS, data: { ...RUN_DEFAULTS.data, symbols: ['AAA'] } };
    await expect(loadRunData({ home: bad, config, env: {}, spec })).rejects.toMatchObject({
      code: 'DATA_INVALID',
      message: expect.stringContaining('AAA dividend 2024-01-15: no bar on the ex-date'),
    });
  });
});
