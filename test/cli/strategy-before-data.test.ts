/**
 * A run's strategy, its parameters and the symbols it needs are checked before any data is read
 * or fetched: with a range holding no bars, the error is the strategy's, not "no bars to run on".
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../support/cli.js';

const EMPTY = ['--start', '1996-01-02', '--end', '1996-02-01'];

describe('a backtest checks its strategy before loading data', () => {
  it.each([
    [
      'an unknown strategy',
      ['--strategy', 'nope', '--symbols', 'ZNTX'],
      'CONFIG_INVALID_VALUE',
      'unknown strategy "nope"',
    ],
    [
      'a bad parameter',
      ['--strategy', 'sma-cross', '--symbols', 'ZNTX', '--param', 'fast=0'],
      'CONFIG_INVALID_VALUE',
      'fast',
    ],
    [
      'a pair whose second symbol is not in --symbols',
      ['--strategy', 'pairs-momentum', '--symbols', 'ZNTX', '--param', 'pair=ZNTX,VXLY'],
      'CONFIG_INVALID_VALUE',
      'VXLY of pair ZNTX/VXLY is not a symbol of the run',
    ],
  ])('%s', async (_, args, code, why) => {
    const home = tempDir();
    const r = await cli(['--home', home, 'backtest', ...args, ...EMPTY]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(code);
    expect(r.stderr).toContain(why);
    expect(r.stderr).not.toContain('no bars to run on');
    expect(r.stderr).toContain('Fix:');
    // Nothing was fetched or read.
    expect(existsSync(join(home, 'data', 'raw'))).toBe(false);
  });
});

describe('a sweep checks its strategy before loading data', () => {
  it('an unknown strategy', async () => {
    const home = tempDir();
    const r = await cli([
      '--home',
      home,
      'sweep',
      '--strategy',
      'nope',
      '--symbols',
      'ZNTX',
      '--param',
      'fast=5,10',
      ...EMPTY,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('CONFIG_INVALID_VALUE');
    expect(r.stderr).toContain('unknown strategy "nope"');
    expect(existsSync(join(home, 'data', 'raw'))).toBe(false);
  });

  it('a pair (from the run file) whose second symbol is not in the symbols', async () => {
    const home = tempDir();
    const run = join(home, 'pair.yaml');
    writeFileSync(
      run,
      [
        'strategy: pairs-momentum',
        'params:',
        '  pair: [ZNTX, VXLY]',
        'symbols: [ZNTX]',
        'start: 1996-01-02',
        'end: 1996-02-01',
        '',
      ].join('\n'),
    );
    const r = await cli(['--home', home, 'sweep', '--config', run, '--param', 'entry=1,2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('CONFIG_INVALID_VALUE');
    expect(r.stderr).toContain('VXLY of pair ZNTX/VXLY is not a symbol of the run');
    expect(existsSync(join(home, 'data', 'raw'))).toBe(false);
  });
});
