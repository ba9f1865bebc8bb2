/**
 * `momentic backtest --run-id ID`: a run under a given id, so a session's orders can be
 * reproduced exactly (client order ids hash the run id); an id in use (its results folder, its
 * ledger record) is refused, naming what holds it and the flag that gets around it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../support/cli.js';
import { SHARED_DATA } from '../support/paths.js';

describe('momentic backtest --run-id', () => {
  let home: string;
  const run = (...extra: string[]) => cli(['--home', home, '--json', ...args(extra)]);
  /** Errors are read in text mode (on stderr). */
  const runText = (...extra: string[]) => cli(['--home', home, ...args(extra)]);
  const args = (extra: string[]) =>
    [
      'backtest', '--strategy', 'sma-cross', '--symbols', 'ORCL', '--param', 'fast=5',
      '--param', 'slow=20', '--start', '2010-01-01', '--end', '2012-12-31', ...extra,
    ]; // prettier-ignore

  beforeAll(async () => {
    home = tempDir('momentic-run-id-');
    const imp = await cli([
      '--home',
      home,
      'data',
      'import',
      '--file',
      join(SHARED_DATA, 'orcl-1995-2014.txt'),
      '--symbol',
      'ORCL',
    ]);
    expect(imp.code, imp.stderr).toBe(0);
  });

  it('runs under the id given, and the same id gives the same client order ids byte for byte', async () => {
    const first = await run('--run-id', 'repro-1');
    expect(first.code, first.stderr).toBe(0);
    const a = JSON.parse(first.stdout) as { run_id: string; dir: string };
    expect(a.run_id).toBe('repro-1');
    expect(a.dir).toBe(join(home, 'data', 'results', 'repro-1'));
    const show = await cli(['--home', home, '--json', 'runs', 'show', 'repro-1']);
    expect(show.code, show.stderr).toBe(0);
    const out = join(home, 'again');
    const second = await run('--run-id', 'repro-1', '--out', out, '--no-ledger');
    expect(second.code, second.stderr).toBe(0);
    const orders = readFileSync(join(a.dir, 'orders.csv'), 'utf8');
    expect(orders.split('\n').length).toBeGreaterThan(10);
    expect(readFileSync(join(out, 'orders.csv'), 'utf8')).toBe(orders);
    // Another id gives other client order ids (their run hash), the same decisions otherwise.
    const other = await run('--out', join(home, 'other'), '--no-ledger');
    expect(other.code, other.stderr).toBe(0);
    const otherOrders = readFileSync(join(home, 'other', 'orders.csv'), 'utf8');
    expect(otherOrders).not.toBe(orders);
    expect(otherOrders.split('\n')).toHaveLength(orders.split('\n').length);
  });

  it('refuses an id in use, naming its folder and its ledger record and how to go around them', async () => {
    const taken = await runText('--run-id', 'repro-1');
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain('USAGE_INVALID_OPTION');
    expect(taken.stderr).toContain(
      `run id repro-1 is in use: its results folder ${join(home, 'data', 'results', 'repro-1')} exists`,
    );
    expect(taken.stderr).toContain('the ledger at');
    expect(taken.stderr).toContain('holds it (a backtest run)');
    expect(taken.stderr).toContain('--out DIR');
    expect(taken.stderr).toContain('--no-ledger');
    // --out alone leaves the ledger's record in the way.
    const ledgerOnly = await runText('--run-id', 'repro-1', '--out', join(home, 'elsewhere'));
    expect(ledgerOnly.code).toBe(2);
    expect(ledgerOnly.stderr).not.toContain('results folder');
    expect(ledgerOnly.stderr).toContain('holds it (a backtest run)');
    // --no-ledger alone leaves the folder in the way.
    const folderOnly = await runText('--run-id', 'repro-1', '--no-ledger');
    expect(folderOnly.code).toBe(2);
    expect(folderOnly.stderr).toContain('results folder');
    expect(folderOnly.stderr).not.toContain('the ledger at');
    const bad = await runText('--run-id', '../escape');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--run-id "../escape" is not a valid run id');
  });
});
