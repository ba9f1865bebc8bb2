import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../support/cli.js';

describe('momentic strategies', () => {
  it('ls lists every built-in with its parameters', async () => {
    const r = await cli(['strategies', 'ls']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^strategy\s+params\s+description/);
    expect(r.stdout).toMatch(/\nsma-cross\s+fast, slow, qty, weight, allowShort\s+moving-average crossover/);
    expect(r.stdout).toMatch(/\nema-cross\s+fast, slow/);
    const j = await cli(['--json', 'strategies', 'ls']);
    const list = JSON.parse(j.stdout) as { name: string; params: { name: string; default?: unknown }[] }[];
    const sma = list.find((s) => s.name === 'sma-cross');
    expect(sma?.params.map((p) => [p.name, p.default])).toEqual([
      ['fast', 10],
      ['slow', 30],
      ['qty', undefined],
      ['weight', undefined],
      ['allowShort', false],
    ]);
  });

  it('show prints each parameter with its type, bounds, default and meaning', async () => {
    const r = await cli(['strategies', 'show', 'ema-cross']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/fast\s+integer >= 1\s+12\s+the fast EMA period/);
    expect(r.stdout).toMatch(/slow\s+integer >= 2\s+26\s+the slow EMA period/);
    expect(r.stdout).toMatch(/weight\s+number > 0, <= 10\s+a target weight/);
  });

  it('show names the closest strategy for a typo (exit 2)', async () => {
    const r = await cli(['strategies', 'show', 'ema-cros']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('did you mean "ema-cross"?');
  });

  it('reports every bad parameter at once, each with its fix (exit 2)', async () => {
    const home = tempDir();
    const r = await cli([
      '--home',
      home,
      'backtest',
      '--strategy',
      'sma-cross',
      '--param',
      'fsat=5',
      '--param',
      'slow=0',
      '--param',
      'allowShort=maybe',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('3 parameters of strategy sma-cross are invalid');
    expect(r.stderr).toContain('"fsat" is not a parameter');
    expect(r.stderr).toContain('slow:');
    expect(r.stderr).toContain('allowShort:');
    expect(r.stderr).toContain('did you mean "fast"?');
    expect(r.stderr).toContain('set slow to the slow SMA period');
  });

  it('accepts --json and --home after the command, and backtest --config as the run file', async () => {
    const home = tempDir();
    const r = await cli([
      'backtest',
      '--home',
      home,
      '--config',
      new URL('../../config/strategy/sma-cross.yaml', import.meta.url).pathname,
      '--start',
      '2023-01-03',
      '--end',
      '2023-06-30',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { dir: string }).dir.startsWith(home)).toBe(true);
  });
});
