/**
 * A sweep checks its flags before any work: a grid too large to run is refused with its size
 * (not an array that cannot be allocated), and a bad number of CSCV blocks is refused before any
 * data is fetched or any trial runs.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../support/cli.js';

const BASE = ['sweep', '--strategy', 'sma-cross', '--symbols', 'ZNTX', '--start', '2016-01-04', '--end', '2016-12-30'];

describe('sweep flags are checked before any work', () => {
  it('refuses a grid of 10,000,000,000 combinations with its size and the way out', async () => {
    const home = tempDir();
    const r = await cli(['--home', home, ...BASE, '--param', 'fast=1..100000:1', '--param', 'slow=1..100000:1']);
    expect(r.code, r.stderr).toBe(2);
    // 100,000 values per axis, two axes: 10^10 combinations, above the default limit of 100,000.
    expect(r.stderr).toContain('the sweep has 10,000,000,000 combinations, more than --max-trials 100,000');
    expect(r.stderr).toContain('--random N');
    expect(existsSync(join(home, 'data'))).toBe(false);
  });

  it('takes --max-trials: a grid of 2 x 6 = 12 combinations is refused under --max-trials 11', async () => {
    const home = tempDir();
    const grid = ['--param', 'fast=2..7:5', '--param', 'slow=10..60:10']; // 2 x 6 = 12
    const r = await cli(['--home', home, ...BASE, ...grid, '--max-trials', '11']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('the sweep has 12 combinations, more than --max-trials 11');
    expect(existsSync(join(home, 'data'))).toBe(false);
  });

  it('refuses an odd --partitions before fetching data or running a trial', async () => {
    const home = tempDir();
    const r = await cli(['--home', home, ...BASE, '--param', 'fast=2..7:5', '--partitions', '3']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('--partitions 3: S must be an even whole number >= 2');
    expect(existsSync(join(home, 'data'))).toBe(false);
  });

  it('exits 3 naming the reasons when every combination fails, and walk-forward refuses that sweep', async () => {
    const home = tempDir();
    // sma-cross needs slow > fast: fast 50 or 60 against slow 10 or 20 gives 4 refused combinations.
    const grid = ['--param', 'fast=50..60:10', '--param', 'slow=10..20:10', '--name', 'allbad'];
    const r = await cli(['--home', home, ...BASE, ...grid]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(
      /no trial of sweep allbad ran: all 4 combinations failed \(1 x CONFIG_INVALID_VALUE: parameter slow of strategy sma-cross is invalid: slow \(\d+\) must be greater than fast \(\d+\)/,
    );
    expect(r.stderr).toContain('trials.csv');
    // What failed stays on disk to read.
    expect(existsSync(join(home, 'data', 'results', 'sweeps', 'allbad', 'trials.csv'))).toBe(true);
    const wf = await cli(['--home', home, 'walkforward', '--sweep', 'allbad']);
    expect(wf.code, wf.stderr).toBe(3);
    expect(wf.stderr).toContain('sweep allbad has no trial that ran: nothing to walk forward');
    expect(wf.stderr).not.toContain('InternalError');
  });
});
