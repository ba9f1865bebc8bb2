/**
 * A trade step that stopped after its session decided on the day (the process died before the
 * day's equity row and the step's end were recorded) is run again without deciding the day
 * twice. The strategy here buys one share at every close whatever it holds, so a day decided
 * twice would show as a second order (the built-ins aim at target positions and would not).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedger } from '../../../src/store/index.js';
import { cli, tempDir } from '../../support/cli.js';
import { REPO } from '../../support/paths.js';
import { sqliteBackend } from '../../store/backends.js';

const STRATEGY = `import { defineStrategy, type Strategy } from 'momentic';
import { z } from 'zod';

/** One share of each symbol at every close, whatever is held. */
export default defineStrategy({
  name: 'buy-every-close',
  description: 'buys one share at every close',
  params: z.object({}),
  create: (): Strategy => ({
    name: 'buy-every-close',
    onBar(ctx, bar) {
      ctx.buy(bar.symbol, 1);
    },
  }),
});
`;

const D1 = '2024-06-03';

describe('a trade step run again after its session decided', () => {
  const backend = sqliteBackend();
  let dir: string;
  let db: Awaited<ReturnType<typeof backend.fresh>>;

  beforeAll(async () => {
    // Inside the repository, so that `import ... from 'momentic'` resolves (built package).
    mkdirSync(join(REPO, '.test-tmp'), { recursive: true });
    dir = mkdtempSync(join(REPO, '.test-tmp', 'pipeline-'));
    writeFileSync(join(dir, 'buy-every-close.ts'), STRATEGY);
    writeFileSync(
      join(dir, 'run.yaml'),
      'strategy: ./buy-every-close.ts\nsymbols: [ZNTX]\ntimeframe: 1d\ncash: 100000\nlive:\n  warmup_bars: 5\n',
    );
    writeFileSync(join(dir, 'daily.yaml'), 'data:\n  history: 20\ntrade:\n  run: run.yaml\n');
    db = await backend.fresh();
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await backend.cleanup();
  });

  it('delivers the day it already traded as history: no second order', async () => {
    const run = () =>
      cli(['--home', db.home, '--json', 'pipeline', 'daily', '--config', join(dir, 'daily.yaml'), '--date', D1], {
        cwd: tempDir(),
      });
    const first = await run();
    expect(first.code, first.stderr + first.stdout).toBe(0);
    const ledger = await createLedger(db.config, db.home);
    const orders = async () => (await ledger.listOrders({ limit: 100 })).map((o) => `${o.symbol} ${o.side} ${o.qty}`);
    try {
      expect(await orders()).toEqual(['ZNTX buy 1']);
      await backend.exec(db, `delete from equity_snapshots where ts = ${Date.parse(`${D1}T00:00:00Z`)}`);
      await backend.exec(db, `update pipeline_steps set status = 'failed' where step = 'trade' and date = '${D1}'`);
      const again = await run();
      expect(again.code, again.stderr).toBe(0);
      const day = JSON.parse(again.stdout) as { ran: string[]; steps: { step: string; outputs: unknown }[] };
      expect(day.ran).toEqual(['trade', 'report']);
      expect(day.steps.find((s) => s.step === 'trade')?.outputs).toMatchObject({ orders: 1, fills: 0 });
      expect(await orders()).toEqual(['ZNTX buy 1']);
      expect((await ledger.listRuns()).map((r) => r.status)).toEqual(['running']);
    } finally {
      await ledger.close();
    }
  });
});
