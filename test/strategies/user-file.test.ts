/**
 * A user's own strategy file (issue 6, item 4): the example of docs/strategies.md is extracted and
 * run as written through `momentic backtest --strategy ./my-strategy.ts`, from a run file, and
 * replayed; broken files fail with STRATEGY_FILE_INVALID (exit 2).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../support/cli.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const DOC = readFileSync(join(ROOT, 'docs/strategies.md'), 'utf8');

/** The fenced block after `<!-- example: NAME -->` in docs/strategies.md. */
function example(name: string): string {
  const at = DOC.indexOf(`<!-- example: ${name} -->`);
  expect(at).toBeGreaterThan(0);
  const m = /```ts\n([\s\S]*?)```/.exec(DOC.slice(at));
  return (m?.[1] ?? '') as string;
}

/** Wilder's RSI (TA-Lib's definition), computed here from the closes, for an independent check. */
function rsi(close: readonly number[], period: number): number[] {
  const out = close.map(() => NaN);
  let gain = 0;
  let loss = 0;
  for (let i = 1; i < close.length; i++) {
    const d = (close[i] as number) - (close[i - 1] as number);
    const g = Math.max(d, 0);
    const l = Math.max(-d, 0);
    if (i <= period) {
      gain += g / period;
      loss += l / period;
      if (i < period) continue;
    } else {
      gain = (gain * (period - 1) + g) / period;
      loss = (loss * (period - 1) + l) / period;
    }
    out[i] = gain + loss === 0 ? 0 : (100 * gain) / (gain + loss);
  }
  return out;
}

describe('a strategy in a user file', () => {
  let dir: string;
  const home = tempDir();
  const period = ['--start', '2015-01-02', '--end', '2021-12-31'];

  beforeAll(() => {
    // Inside the repository, so that `import ... from 'momentic'` resolves (package self-reference),
    // as it does in a user's project with momentic installed.
    mkdirSync(join(ROOT, '.test-tmp'), { recursive: true });
    dir = mkdtempSync(join(ROOT, '.test-tmp', 'user-'));
    writeFileSync(join(dir, 'my-strategy.ts'), example('my-strategy.ts'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the documented example as written, and its first entry is where the RSI first dips under 30', async () => {
    const r = await cli(
      ['--home', home, '--json', 'backtest', '--strategy', './my-strategy.ts', '--symbols', 'ZNTX', ...period],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { dir: string; metrics: { trades: number } };
    expect(out.metrics.trades).toBeGreaterThan(0);
    const raw = readFileSync(join(home, 'data/raw/1d/ZNTX.csv'), 'utf8').trim().split('\n').slice(1);
    const rows = raw
      .map((l) => l.split(','))
      .filter((c) => (c[1] as string) >= '2015-01-02' && (c[1] as string) <= '2021-12-31');
    const values = rsi(
      rows.map((c) => Number(c[5])),
      14,
    );
    // Warm-up 15 bars: no orders before the 16th bar; then the first bar with RSI < 30 buys.
    const first = values.findIndex((v, i) => i >= 15 && v < 30);
    expect(first).toBeGreaterThan(0);
    const signals = readFileSync(join(out.dir, 'signals.csv'), 'utf8').trim().split('\n');
    expect(signals[0]).toBe('timestamp,strategy,symbol,direction,target_weight,confidence,meta');
    expect(signals[1]?.startsWith(`${rows[first]?.[1]},rsi-dip,ZNTX,long,0.1,`)).toBe(true);
  });

  it('runs from a run file naming the strategy file relative to it, and replays byte for byte', async () => {
    writeFileSync(
      join(dir, 'run.yaml'),
      [
        'strategy: ./my-strategy.ts',
        'params:',
        '  buyBelow: 35',
        'symbols: [ZNTX, VXLY]',
        'start: 2020-01-02',
        'end: 2021-06-30',
        '',
      ].join('\n'),
    );
    const r = await cli(['--home', home, '--json', 'backtest', '--config', join(dir, 'run.yaml')], { cwd: tempDir() });
    expect(r.code, r.stderr).toBe(0);
    const runId = (JSON.parse(r.stdout) as { run_id: string }).run_id;
    const again = await cli(['--home', home, 'backtest', '--replay', runId], { cwd: tempDir() });
    expect(again.code, again.stderr).toBe(0);
  });

  it('shows the file strategy parameters', async () => {
    const r = await cli(['strategies', 'show', './my-strategy.ts'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/buyBelow\s+number >= 0, <= 100\s+30\s+buy when the RSI falls below this/);
  });

  it.each([
    ['missing.ts', null, 'no such strategy file'],
    ['broken.ts', 'export default {', 'does not compile: '],
    ['empty.ts', 'export const x = 1;\n', 'does not export a strategy definition (no default export)'],
    ['noparams.ts', "export default { name: 'x', create: () => ({ name: 'x' }) };\n", 'params is not a zod object'],
  ])('rejects %s with STRATEGY_FILE_INVALID and exit 2', async (file, text, why) => {
    if (text !== null) writeFileSync(join(dir, file), text);
    const r = await cli(['--home', home, 'backtest', '--strategy', `./${file}`, '--symbols', 'ZNTX', ...period], {
      cwd: dir,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('STRATEGY_FILE_INVALID');
    expect(r.stderr).toContain(why);
    expect(r.stderr).toContain('Fix:');
  });
});
