/**
 * A pipeline with `trade.mode: live`: the day's orders go to Alpaca (the local fake of its
 * trading API and trade_updates stream, test/fakes/alpaca/) through `momentic live`'s execution
 * client, and the reconcile step compares the ledger with the broker's books. The bars come from
 * the synthetic provider as in the paper pipeline: only the execution client differs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedger } from '../../../src/store/index.js';
import { startAlpacaFakes, type AlpacaFakes } from '../../fakes/alpaca/run-fakes.js';
import { sqliteBackend } from '../../store/backends.js';
import { cli, tempDir } from '../../support/cli.js';

const D1 = '2024-06-03';
const RUN = `strategy: sma-cross
params: { fast: 10, slow: 30, weight: 0.05 }
symbols: [ZNTX, VXLY]
timeframe: 1d
cash: 100000
live:
  venue: alpaca
`;

describe('a live book on the fake Alpaca', () => {
  const backend = sqliteBackend();
  let fakes: AlpacaFakes;
  let db: Awaited<ReturnType<typeof backend.fresh>>;
  let pipeline: string;

  beforeAll(async () => {
    fakes = await startAlpacaFakes({ cash: 100_000, assets: ['ZNTX', 'VXLY'] });
    fakes.trading.setPrice('ZNTX', 58);
    fakes.trading.venue.fillMarketOnArrival.add('ZNTX');
    db = await backend.fresh();
    const dir = join(tempDir('momentic-live-pipeline-'), 'config');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'run.yaml'), RUN);
    pipeline = join(dir, 'live.yaml');
    writeFileSync(pipeline, 'name: live-book\ntrade:\n  run: run.yaml\n  mode: live\n');
  });
  afterAll(async () => {
    await fakes?.close();
    await backend.cleanup();
  });

  it("sends the day's order to the broker and reconciles the ledger with its books", async () => {
    const r = await cli(['--home', db.home, '--json', 'pipeline', 'daily', '--config', pipeline, '--date', D1], {
      env: fakes.env,
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const day = JSON.parse(r.stdout) as { steps: { step: string; status: string; outputs: Record<string, unknown> }[] };
    expect(day.steps.map((s) => [s.step, s.status])).toEqual(
      ['fetch', 'validate', 'features', 'universe', 'trade', 'reconcile', 'drift', 'report'].map((s) => [s, 'done']),
    );
    // sma-cross buys ZNTX at the close of 2024-06-03 (as the paper pipeline): sent to the broker.
    const sent = fakes.trading.venue.orders;
    expect(sent.map((o) => [o.symbol, o.side])).toEqual([['ZNTX', 'buy']]);
    const ledger = await createLedger(db.config, db.home);
    try {
      const [run] = await ledger.listRuns();
      expect(run).toMatchObject({ kind: 'live', status: 'running' });
      const orders = await ledger.listOrders({ runId: run!.id });
      expect(orders.map((o) => [o.clientOrderId, o.sent])).toEqual([[sent[0]!.client_order_id, true]]);
      // Filled on arrival at the broker's price: the ledger holds the fill and the position.
      expect((await ledger.positions(run!.id)).map((p) => [p.symbol, p.qty])).toEqual([['ZNTX', orders[0]!.qty]]);
    } finally {
      await ledger.close();
    }
    expect(day.steps.find((s) => s.step === 'reconcile')?.outputs).toMatchObject({ venue: 'alpaca', differences: [] });
  });
});
