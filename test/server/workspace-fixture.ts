/**
 * A workspace with something of every kind the read API serves, made the way users make it: ORCL
 * daily bars imported, the golden sma-cross backtest, a sweep and its walk-forward (all through
 * the CLI), a live session still running (its ledger rows written through the ledger's API as a
 * session journals them, and its equity.csv), a day of the daily pipeline whose trade step failed,
 * and a kill switch left REDUCING.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { DEFAULTS } from '../../src/config/schema.js';
import { writeKillSwitch } from '../../src/orchestration/kill-switch-file.js';
import { createLedger } from '../../src/store/ledger.js';
import { cli, tempDir } from '../support/cli.js';
import { SHARED_DATA } from '../support/paths.js';

export interface Workspace {
  readonly home: string;
  readonly backtestId: string;
  readonly sweepId: string;
  readonly walkforwardId: string;
  /** The running live session. */
  readonly sessionId: string;
}

export const SESSION_EQUITY_CSV = `timestamp,equity,cash,gross_exposure,net_exposure,drawdown
2024-03-01T14:31:00Z,100000,100000,0,0,0
2024-03-01T14:32:00Z,99990,98750,1240,1240,-0.0001
`;

export async function buildWorkspace(): Promise<Workspace> {
  const home = tempDir('momentic-serve-ws-');
  const run = async (args: string[], codes: readonly number[] = [0]): Promise<string> => {
    const r = await cli(['--home', home, ...args]);
    expect(codes, r.stderr).toContain(r.code);
    return r.stdout;
  };
  await run(['data', 'import', '--file', join(SHARED_DATA, 'orcl-1995-2014.txt'), '--symbol', 'ORCL']);
  const bt = JSON.parse(
    await run([
      '--json', 'backtest', '--strategy', 'sma-cross', '--symbols', 'ORCL', '--param', 'fast=1', '--param', 'slow=15',
      '--param', 'qty=1', '--cash', '10000', '--fees', 'none', '--slippage', 'none', '--start', '1995-01-01', '--end', '2014-12-31',
    ]), // prettier-ignore
  ) as { run_id: string };
  await run([
    '--json', 'sweep', '--strategy', 'sma-cross', '--symbols', 'ORCL', '--param', 'fast=2..4:2', '--param', 'slow=20..30:10',
    '--start', '2005-01-01', '--end', '2014-12-31', '--workers', '1', '--name', 'orcl-sweep',
  ]); // prettier-ignore
  // Exit 5 when its gates fail (they do here): the folder is written either way.
  const wf = JSON.parse(await run(['--json', 'walkforward', '--sweep', 'orcl-sweep', '--workers', '1'], [0, 5])) as {
    dir: string;
  };

  const sessionId = 'live-session-1';
  const ledger = await createLedger(DEFAULTS, home);
  try {
    const t0 = Date.parse('2024-03-01T14:31:00Z');
    await ledger.startRun({ id: sessionId, kind: 'live', strategy: 'sma-cross', params: {}, spec: {}, startedAt: t0 });
    const order = {
      clientOrderId: 'c-1',
      symbol: 'ORCL',
      side: 'buy',
      type: 'limit',
      qty: 200,
      limitPrice: 12.5,
      tif: 'day',
    } as const;
    await ledger.persistOrder(sessionId, order, t0);
    await ledger.markSent(sessionId, 'c-1', t0 + 5);
    await ledger.transitionOrder(sessionId, 'c-1', { status: 'accepted', ts: t0 + 10 });
    await ledger.recordFill(sessionId, {
      clientOrderId: 'c-1',
      symbol: 'ORCL',
      side: 'buy',
      qty: 100,
      price: 12.5,
      fee: 0.1,
      ts: t0 + 60_000,
      execId: 'x-1',
    });
    await ledger.recordRiskEvent({
      runId: sessionId,
      ts: t0 + 61_000,
      kind: 'kill_switch',
      fromState: 'ACTIVE',
      toState: 'REDUCING',
      reason: 'stale data: 130 s',
    });
    // A day of the daily pipeline: data in, the trade step failed.
    const day = { pipeline: 'daily', date: '2024-03-01' };
    await ledger.startPipelineDay(day.pipeline, day.date, t0 + 7 * 3600_000);
    await ledger.startPipelineStep({ ...day, step: 'fetch', position: 0, startedAt: t0 + 7 * 3600_000 });
    await ledger.endPipelineStep({ ...day, step: 'fetch', position: 0 }, { status: 'done', endedAt: t0 + 7 * 3600_000 + 1200, outputs: { rows: 1 } }); // prettier-ignore
    const error = {
      code: 'VENUE_UNAVAILABLE',
      message: 'the broker did not answer',
      hint: 'rerun the day',
      exitCode: 4,
    };
    await ledger.startPipelineStep({ ...day, step: 'trade', position: 1, startedAt: t0 + 7 * 3600_000 + 2000 });
    await ledger.endPipelineStep({ ...day, step: 'trade', position: 1 }, { status: 'failed', endedAt: t0 + 7 * 3600_000 + 2500, error }); // prettier-ignore
    await ledger.endPipelineDay(day.pipeline, day.date, { status: 'failed', endedAt: t0 + 7 * 3600_000 + 3000, failedStep: 'trade', error }); // prettier-ignore
  } finally {
    await ledger.close();
  }
  const dir = join(home, 'data', 'results', sessionId);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'equity.csv'), SESSION_EQUITY_CSV);
  writeKillSwitch(home, {
    state: 'REDUCING',
    from: 'ACTIVE',
    reason: 'stale data: 130 s',
    ts: '2024-03-01T14:32:01.000Z',
    mode: 'live',
    run_id: sessionId,
    written_at: '2024-03-01T14:32:01.500Z',
  });
  return {
    home,
    backtestId: bt.run_id,
    sweepId: 'orcl-sweep',
    walkforwardId: wf.dir.split(/[\\/]/).pop() as string,
    sessionId,
  };
}
