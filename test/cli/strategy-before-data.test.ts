/**
 * A run's strategy, its parameters and the symbols it needs are checked before any data is read
 * or fetched: with a range holding no bars, the error is the strategy's, not "no bars to run on".
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

describe('a walk-forward checks its strategy before loading data', () => {
  it('from sweep flags: an unknown strategy', async () => {
    const home = tempDir();
    const r = await cli([
      '--home',
      home,
      'walkforward',
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

  it('from sweep flags: a pair (from the run file) whose second symbol is not in the symbols', async () => {
    const home = tempDir();
    const run = join(home, 'pair.yaml');
    writeFileSync(run, 'strategy: pairs-momentum\nparams:\n  pair: [ZNTX, VXLY]\nsymbols: [ZNTX]\n');
    const r = await cli(['--home', home, 'walkforward', '--config', run, '--param', 'entry=1,2', ...EMPTY]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('VXLY of pair ZNTX/VXLY is not a symbol of the run');
    expect(existsSync(join(home, 'data', 'raw'))).toBe(false);
  });

  /** A finished sweep of `run` over 2019 (its data then removed), and its sweep.json. */
  async function sweptThenDataRemoved(
    run: string,
    params: readonly string[],
  ): Promise<{ home: string; id: string; file: string }> {
    const home = tempDir();
    writeFileSync(join(home, 'run.yaml'), run);
    const s = await cli([
      '--home',
      home,
      '--json',
      'sweep',
      '--config',
      join(home, 'run.yaml'),
      ...params,
      '--workers',
      '1',
    ]);
    expect(s.code, s.stdout + s.stderr).toBe(0);
    const id = (JSON.parse(s.stdout) as { sweep_id: string }).sweep_id;
    rmSync(join(home, 'data', 'raw'), { recursive: true });
    return { home, id, file: join(home, 'data', 'results', 'sweeps', id, 'sweep.json') };
  }

  interface SweepFile {
    strategy: string;
    spec: { strategy: { name: string }; data: { symbols: string[] } };
  }
  const edit = (file: string, change: (def: SweepFile) => void): void => {
    const def = JSON.parse(readFileSync(file, 'utf8')) as SweepFile;
    change(def);
    writeFileSync(file, JSON.stringify(def));
  };

  it('--sweep ID: a strategy the sweep names that is no longer known', async () => {
    const { home, id, file } = await sweptThenDataRemoved(
      'strategy: sma-cross\nsymbols: [ZNTX]\nstart: 2019-01-02\nend: 2019-12-31\n',
      ['--param', 'fast=5,10', '--param', 'slow=30'],
    );
    edit(file, (def) => {
      def.strategy = 'sma-crossed';
      def.spec.strategy.name = 'sma-crossed';
    });
    const r = await cli([
      '--home',
      home,
      'walkforward',
      '--sweep',
      id,
      '--train',
      '60',
      '--test',
      '20',
      '--step',
      '20',
    ]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('unknown strategy "sma-crossed"');
    expect(r.stderr).toContain('Fix:');
    // Nothing was fetched again.
    expect(existsSync(join(home, 'data', 'raw'))).toBe(false);
  });

  it('--sweep ID: a pair leg that is not a symbol of the sweep', async () => {
    const { home, id, file } = await sweptThenDataRemoved(
      'strategy: pairs-momentum\nparams:\n  pair: [ZNTX, VXLY]\nsymbols: [ZNTX, VXLY]\nstart: 2019-01-02\nend: 2019-12-31\n',
      ['--param', 'entry=1.5,2'],
    );
    edit(file, (def) => {
      def.spec.data.symbols = ['ZNTX'];
    });
    const r = await cli([
      '--home',
      home,
      'walkforward',
      '--sweep',
      id,
      '--train',
      '60',
      '--test',
      '20',
      '--step',
      '20',
    ]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('VXLY of pair ZNTX/VXLY is not a symbol of the run');
    expect(existsSync(join(home, 'data', 'raw'))).toBe(false);
  });
});
