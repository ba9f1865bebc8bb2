/**
 * The kill switch's state is the workspace's: the run whose risk manager trips it writes
 * state/kill-switch.json (atomically), `momentic risk show` reports it with its reason, and only a
 * person's `momentic risk reset` brings it back to ACTIVE.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../support/cli.js';

/** sma-cross at 4% a name under --risk; with a 0.1% daily drawdown limit a losing day halts it. */
const RUN = [
  'backtest',
  '--risk',
  '--strategy',
  'sma-cross',
  '--symbols',
  'ZNTX,VXLY',
  '--param',
  'weight=0.04',
].concat(['--start', '2020-01-02', '--end', '2020-12-31']);
const TIGHT = { MOMENTIC_RISK__MAX_DAILY_DRAWDOWN: '0.001' };

describe('the kill-switch state of a workspace', () => {
  it('is ACTIVE in a workspace where nothing tripped it, and a run that stays within its limits leaves it so', async () => {
    const home = tempDir();
    const r = await cli(['--home', home, 'risk', 'show']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^kill switch: ACTIVE/);
    expect((await cli(['--home', home, '--json', ...RUN])).code).toBe(0);
    expect(existsSync(join(home, 'state', 'kill-switch.json'))).toBe(false);
  });

  it('is HALTED, with the reason, the run and the time, after a run whose daily drawdown limit tripped it', async () => {
    const home = tempDir();
    const run = await cli(['--home', home, '--json', ...RUN], { env: TIGHT });
    expect(run.code, run.stderr).toBe(0);
    const { run_id: runId, dir } = JSON.parse(run.stdout) as { run_id: string; dir: string };
    // The run flattened with kill-switch orders: the trip is real, not a fixture.
    expect(readFileSync(join(dir, 'orders.csv'), 'utf8')).toContain(',kill-switch,');
    const shown = await cli(['--home', home, 'risk', 'show']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(
      new RegExp(
        `^kill switch: HALTED \\(daily drawdown \\d+\\.\\d\\d% breached the 0\\.10% limit\\), since \\d{4}-\\d\\d-\\d\\dT\\S+ in backtest run ${runId}\\n`,
      ),
    );
    const j = JSON.parse((await cli(['--home', home, '--json', 'risk', 'show'])).stdout) as {
      kill_switch: { state: string; reason: string; run_id: string; mode: string; ts: string };
    };
    expect(j.kill_switch).toMatchObject({ state: 'HALTED', run_id: runId, mode: 'backtest' });
    expect(j.kill_switch.reason).toMatch(/^daily drawdown \d+\.\d\d% breached the 0\.10% limit$/);
    // Written whole (no temporary file left beside it).
    expect(readdirSync(join(home, 'state')).filter((f) => f.startsWith('kill-switch'))).toEqual(['kill-switch.json']);
  });

  it('goes back to ACTIVE only by hand: momentic risk reset --reason', async () => {
    const home = tempDir();
    expect((await cli(['--home', home, '--json', ...RUN], { env: TIGHT })).code).toBe(0);
    // A later run that trips nothing does not clear it.
    expect((await cli(['--home', home, '--json', ...RUN])).code).toBe(0);
    expect((await cli(['--home', home, 'risk', 'show'])).stdout).toMatch(/^kill switch: HALTED/);
    const missing = await cli(['--home', home, 'risk', 'reset']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--reason');
    const reset = await cli(['--home', home, 'risk', 'reset', '--reason', 'drawdown reviewed']);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toContain('kill switch: HALTED -> ACTIVE');
    const shown = await cli(['--home', home, 'risk', 'show']);
    expect(shown.stdout).toMatch(/^kill switch: ACTIVE \(reset by hand: drawdown reviewed\), since \S+\n/);
  });
});
