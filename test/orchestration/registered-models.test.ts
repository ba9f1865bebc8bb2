/**
 * ml-signal scores a model of the registry: `model=NAME-vN`, `NAME@STAGE` or `NAME` (the
 * production version) is resolved in the ledger before the run and trades exactly as the same
 * artifact read from a file. Unknown ids, names without a version in the stage and bad stages
 * are refused with the fix.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRegistryRef, REGISTRY_STAGES } from '../../src/ml/model-ref.js';
import { runBacktest } from '../../src/orchestration/node.js';
import { resolveRegisteredModels } from '../../src/orchestration/registered-models.js';
import { getStrategyDefinition } from '../../src/strategies/registry.js';
import { createLedger, type LedgerStore } from '../../src/store/ledger.js';
import { MODEL_STAGES } from '../../src/store/model-types.js';
import { flat } from '../backtest/support.js';
import { failure } from '../ml/support.js';
import { modelVersion as version, oneSplit } from '../support/registry-models.js';

/** One split on ret_1d: p = sigmoid(+-ln 4) = 0.8 above 0, 0.2 at or below (as test/strategies/ml-signal.test.ts). */

const CLOSES = [10, 11, 12, 10, 10, 9, 12];
const home = mkdtempSync(join(tmpdir(), 'momentic-registered-models-'));
const config = { database: { url: '' } };
let ledger: LedgerStore;
// v1 says up with p 0.8 where ret_1d > 0; v2 the opposite (leaf values negated), so which one a
// run used shows in its orders.
const UP = oneSplit(Math.log(4));
const DOWN = oneSplit(-Math.log(4));

beforeAll(async () => {
  ledger = await createLedger(config, home);
  await ledger.registerModel(version('sig', UP, 1_000));
  await ledger.registerModel(version('sig', DOWN, 2_000));
  await ledger.registerModel(version('other', UP, 3_000));
  await ledger.setModelStage('sig-v1', { to: 'production', at: 4_000, actor: 'test' });
  await ledger.close();
});
afterAll(async () => {
  await ledger.close().catch(() => undefined);
});

function orders(env: Awaited<ReturnType<typeof resolveRegisteredModels>>['env'], model: string): string[] {
  const series = [flat('AAA', CLOSES)];
  const rec = runBacktest({
    strategy: 'ml-signal',
    params: { model, threshold: 0.7, allowShort: true, sizing: 'linear' },
    series,
    env,
    runId: 't',
    priceRounding: 'none',
    cash: 10_000,
  });
  return rec.orders.map((o) => `${o.side} ${o.qty} @${series[0]!.indexAtOrBefore(o.createdAt)}`);
}

describe('registry references', () => {
  it('reads NAME-vN as an id, NAME@STAGE as a stage, a bare NAME as production and paths as files', () => {
    expect(parseRegistryRef('sig-v12')).toEqual({ kind: 'id', id: 'sig-v12' });
    expect(parseRegistryRef('sig@staging')).toEqual({ kind: 'stage', name: 'sig', stage: 'staging' });
    expect(parseRegistryRef('sig')).toEqual({ kind: 'stage', name: 'sig', stage: 'production' });
    expect(parseRegistryRef('models/sig-v1')).toBeUndefined();
    expect(parseRegistryRef('sig-v1.json')).toBeUndefined();
    expect(parseRegistryRef('model.txt')).toBeUndefined();
    expect(REGISTRY_STAGES).toEqual(MODEL_STAGES);
  });

  it('resolves an id, a stage and the production version to their artifacts and records the version used', async () => {
    const byId = await resolveRegisteredModels({ model: 'sig-v2' }, config, home);
    expect(byId.used).toEqual({ 'sig-v2': 'sig-v2' });
    expect(byId.env.models?.get('sig-v2')?.artifact).toBe(DOWN);
    const prod = await resolveRegisteredModels({ model: 'sig' }, config, home);
    expect(prod.used).toEqual({ sig: 'sig-v1' });
    const cand = await resolveRegisteredModels({ model: 'sig@candidate' }, config, home);
    expect(cand.used).toEqual({ 'sig@candidate': 'sig-v2' });
    // A file path is left to the strategy; the ledger is not opened.
    expect(await resolveRegisteredModels({ model: './m.json' }, config, home)).toEqual({ env: {}, used: {} });
  });

  it('trades a registered model exactly as the same artifact read from a file', async () => {
    const file = join(home, 'up.json');
    writeFileSync(file, UP);
    const fromFile = orders({}, file);
    // Hand-derived in test/strategies/ml-signal.test.ts: long 0.6 of equity after the up bars.
    expect(fromFile.length).toBeGreaterThan(0);
    const prod = await resolveRegisteredModels({ model: 'sig' }, config, home);
    expect(orders(prod.env, 'sig')).toEqual(fromFile);
    const v2 = await resolveRegisteredModels({ model: 'sig-v2' }, config, home);
    expect(orders(v2.env, 'sig-v2')).not.toEqual(fromFile);
  });

  it('refuses an unknown id, a name without a version in the stage and a stage the registry lacks', async () => {
    const code = async (model: string): Promise<string> =>
      resolveRegisteredModels({ model }, config, home).then(
        () => 'resolved',
        (e: { code: string; message: string; hint: string }) => `${e.code}: ${e.message} | ${e.hint}`,
      );
    expect(await code('sig-v9')).toMatch(
      /^LEDGER_NOT_FOUND: model sig-v9 is neither a file nor a model of the registry/,
    );
    expect(await code('other')).toBe(
      'LEDGER_NOT_FOUND: model other has no version in stage production | promote a version (momentic ml promote other-v1) or name one: --param model=other-v1',
    );
    expect(await code('nope')).toMatch(/^LEDGER_NOT_FOUND: model nope is neither a file nor a model name/);
    expect(await code('sig@live')).toMatch(/^USAGE_INVALID_OPTION: model "sig@live" names stage "live"/);
  });

  it('has the strategy refuse a registry reference the run did not resolve, naming the fix', () => {
    const def = getStrategyDefinition('ml-signal');
    expect(failure(() => def.create({ model: 'sig-v1', threshold: 0.6 }))).toBe(
      'ConfigError CONFIG_INVALID_VALUE params.model',
    );
  });
});
