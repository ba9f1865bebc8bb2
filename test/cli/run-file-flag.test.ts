import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { routeRunFileFlag } from '../../src/cli/run-file-flag.js';
import { cli, tempDir } from '../support/cli.js';

describe('backtest --config (the run file) versus the global --config', () => {
  it('renames --config after the backtest command to --run-file and leaves the global one alone', () => {
    expect(routeRunFileFlag(['--config', 'base.yaml', 'backtest', '--config', 'run.yaml'])).toEqual([
      '--config',
      'base.yaml',
      'backtest',
      '--run-file',
      'run.yaml',
    ]);
    expect(routeRunFileFlag(['--home', 'backtest', 'backtest', '--config=run.yaml'])).toEqual([
      '--home',
      'backtest',
      'backtest',
      '--run-file=run.yaml',
    ]);
    // Other commands keep --config anywhere as the global layer.
    expect(routeRunFileFlag(['config', 'show', '--config', 'my.yaml'])).toEqual([
      'config',
      'show',
      '--config',
      'my.yaml',
    ]);
    expect(routeRunFileFlag(['--json', 'backtest', '--', '--config'])).toEqual([
      '--json',
      'backtest',
      '--',
      '--config',
    ]);
  });

  it('runs the strategy, params and dates of the run file given after backtest', async () => {
    const home = tempDir();
    const run = join(home, 'run.yaml');
    writeFileSync(
      run,
      [
        'strategy: ema-cross',
        'params: { fast: 3, slow: 8, qty: 1 }',
        'symbols: [ZNTX]',
        'start: 2024-01-02',
        'end: 2024-03-28',
      ].join('\n'),
    );
    const r = await cli(['--home', home, '--json', 'backtest', '--config', run]);
    expect(r.code, r.stdout).toBe(0);
    const out = JSON.parse(r.stdout) as { dir: string };
    const manifest = JSON.parse(readFileSync(join(out.dir, 'manifest.json'), 'utf8')) as {
      config: { run: { strategy: string; params: unknown; symbols: string[]; start: string; configFile: string } };
    };
    expect(manifest.config.run).toMatchObject({
      strategy: 'ema-cross',
      params: { fast: 3, slow: 8, qty: 1 },
      symbols: ['ZNTX'],
      start: '2024-01-02',
      configFile: run,
    });
    // The global layer still goes before the command: a missing one is a config error (exit 2).
    const global = await cli(['--home', home, '--config', join(home, 'none.yaml'), 'backtest', '--config', run]);
    expect(global.code).toBe(2);
    expect(global.stderr).toContain('none.yaml');
  });
});
