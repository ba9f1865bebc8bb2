import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../support/cli.js';

describe('momentic compare', () => {
  it('puts the metrics of the runs side by side and overlays their equity in one page', async () => {
    const home = tempDir();
    const run = async (fast: string): Promise<{ run_id: string; dir: string }> => {
      const r = await cli([
        '--home',
        home,
        '--json',
        'backtest',
        '--strategy',
        'sma-cross',
        '--symbols',
        'ZNTX,VXLY',
        '--param',
        `fast=${fast}`,
        '--start',
        '2018-01-02',
        '--end',
        '2020-12-31',
      ]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { run_id: string; dir: string };
    };
    const a = await run('5');
    const b = await run('15');
    const r = await cli(['--home', home, 'compare', a.run_id, b.run_id]);
    expect(r.code, r.stderr).toBe(0);
    const ma = JSON.parse(readFileSync(join(a.dir, 'metrics.json'), 'utf8')) as { sharpe: number; trades: number };
    const mb = JSON.parse(readFileSync(join(b.dir, 'metrics.json'), 'utf8')) as { sharpe: number; trades: number };
    expect(r.stdout).toMatch(new RegExp(`sharpe\\s+${ma.sharpe.toFixed(4)}\\s+${mb.sharpe.toFixed(4)}`));
    expect(r.stdout).toMatch(new RegExp(`trades\\s+${ma.trades.toFixed(4)}\\s+${mb.trades.toFixed(4)}`));
    const page = readFileSync(/report: (.+)/.exec(r.stdout)?.[1] as string, 'utf8');
    expect((page.match(/<path d="M/g) ?? []).length).toBe(2);
    expect(page).toContain(a.run_id);
    expect(page).toContain(b.run_id);
  });

  it('needs two runs, and names a missing one', async () => {
    const home = tempDir();
    expect((await cli(['--home', home, 'compare', 'a'])).code).toBe(2);
    const missing = await cli(['--home', home, 'compare', 'nope-1', 'nope-2']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('nope-1');
  });
});
