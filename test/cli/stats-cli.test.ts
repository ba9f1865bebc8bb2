import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normCdf } from '../../src/analytics/stats/normal.js';
import { cli, tempDir } from '../support/cli.js';

/** A folder holding the given files. */
function folder(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const json = (stdout: string): Record<string, unknown> => JSON.parse(stdout) as Record<string, unknown>;

/** Two lines: `Name CODE at <where>: message`, then `Fix: ...`. */
function expectError(
  r: { code: number; stderr: string; stdout: string },
  exit: number,
  code: string,
  where: string,
): void {
  expect(r.code).toBe(exit);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toContain(code);
  expect(lines[0]).toContain(where);
  expect(lines[1]).toMatch(/^Fix: \S/);
  expect(r.stdout).toBe('');
}

// returns 0.1, -0.1, 0.1, 0: mean 0.025, sample variance 0.0275 / 3 (test/analytics/metrics)
const HAND = 'date,return\n2024-01-01,0.1\n2024-01-02,-0.1\n2024-01-03,0.1\n2024-01-04,0\n';

describe('momentic stats dsr|psr|mintrl', () => {
  it('reproduces the DSR paper example from annualised flags', async () => {
    // Bailey & López de Prado (2014): N = 100, V = 0.5, T = 1250, skew -3, kurtosis 10, SR 2.5
    // (annualised, 250 days a year) => SR0 = 0.1132 per day, DSR = 0.9004.
    const args = ['--sharpe', '2.5', '--periods-per-year', '250', '--observations', '1250'];
    const r = await cli([
      '--json',
      'stats',
      'dsr',
      ...args,
      '--skew',
      '-3',
      '--kurtosis',
      '10',
      '--trials',
      '100',
      '--trials-variance',
      '0.5',
    ]);
    expect(r.code).toBe(0);
    const out = json(r.stdout);
    expect(out['dsr'] as number).toBeCloseTo(0.9004, 4);
    expect(out['expected_max_sharpe'] as number).toBeCloseTo(0.1132, 4);
    expect(out['trials_variance'] as number).toBeCloseTo(0.5 / 250, 15);
    expect(out['sharpe'] as number).toBeCloseTo(2.5 / Math.sqrt(250), 15);
    const table = await cli([
      'stats',
      'dsr',
      ...args,
      '--skew',
      '-3',
      '--kurtosis',
      '10',
      '--trials',
      '100',
      '--trials-variance',
      '0.5',
    ]);
    expect(Number(/^dsr\s+(\S+)$/m.exec(table.stdout)?.[1])).toBeCloseTo(0.9004, 4);
  });

  it('estimates the PSR inputs from a returns file', async () => {
    const cwd = folder({ 'r.csv': HAND });
    const r = await cli(['--json', 'stats', 'psr', '--returns', 'r.csv'], { cwd });
    expect(r.code).toBe(0);
    const out = json(r.stdout);
    const sr = 0.025 / Math.sqrt(0.0275 / 3);
    const m2 = 0.0275 / 4;
    const skew = (2 * 0.075 ** 3 - 0.125 ** 3 - 0.025 ** 3) / 4 / m2 ** 1.5;
    const kurt = (2 * 0.075 ** 4 + 0.125 ** 4 + 0.025 ** 4) / 4 / m2 ** 2;
    expect(out['observations']).toBe(4);
    expect(out['psr'] as number).toBeCloseTo(
      normCdf((sr * Math.sqrt(3)) / Math.sqrt(1 - skew * sr + ((kurt - 1) / 4) * sr * sr)),
      12,
    );
    expect(out['source']).toBe('r.csv');
  });

  it('gives the minimum track record length and whether the record is long enough', async () => {
    // SR 0.1 per period, normal: 1 + (1 + 0.1²/2) * (Φ⁻¹(0.95) / 0.1)² = 272.9 returns
    const r = await cli(['--json', 'stats', 'mintrl', '--sharpe', '0.1', '--observations', '300']);
    const out = json(r.stdout);
    expect(out['min_trl'] as number).toBeCloseTo(1 + 1.005 * (1.6448536269514722 / 0.1) ** 2, 9);
    expect(out['enough']).toBe(true);
    // --json may also follow the command
    const none = json(
      (await cli(['stats', 'mintrl', '--sharpe', '0.1', '--benchmark-sharpe', '0.1', '--json'])).stdout,
    );
    expect(none['min_trl']).toBeNull();
    expect(none['reason']).toMatch(/does not exceed the benchmark/);
  });

  it('names the flag at fault and exits 2', async () => {
    expectError(await cli(['stats', 'psr', '--observations', '100']), 2, 'USAGE_MISSING_OPTION', '--sharpe');
    expectError(
      await cli(['stats', 'psr', '--sharpe', 'high', '--observations', '100']),
      2,
      'USAGE_INVALID_OPTION',
      '--sharpe',
    );
    expectError(await cli(['stats', 'psr', '--sharpe', '0.1']), 2, 'USAGE_MISSING_OPTION', '--observations');
    expectError(
      await cli(['stats', 'psr', '--sharpe', '0.1', '--observations', '10.5']),
      2,
      'USAGE_INVALID_OPTION',
      '--observations',
    );
    const k = await cli(['stats', 'psr', '--sharpe', '0.1', '--observations', '100', '--kurtosis', '0.5']);
    expectError(k, 2, 'USAGE_INVALID_OPTION', '--kurtosis');
    expect(k.stderr).toContain('non-excess');
    expectError(
      await cli(['stats', 'dsr', '--sharpe', '0.1', '--observations', '100', '--trials', '10']),
      2,
      'USAGE_MISSING_OPTION',
      '--trials-variance',
    );
    expectError(
      await cli(['stats', 'mintrl', '--sharpe', '0.1', '--probability', '1']),
      2,
      'USAGE_INVALID_OPTION',
      '--probability',
    );
    const cwd = folder({ 'r.csv': HAND, 'flat.csv': '2024-01-01,0.001\n2024-01-02,0.001\n2024-01-03,0.001\n' });
    expectError(
      await cli(['stats', 'psr', '--returns', 'r.csv', '--sharpe', '1'], { cwd }),
      2,
      'USAGE_INVALID_OPTION',
      '--sharpe',
    );
    expectError(
      await cli(['stats', 'psr', '--sharpe', '1', '--observations', '9', '--risk-free', '0.001']),
      2,
      'USAGE_INVALID_OPTION',
      '--risk-free',
    );
    // constant returns have no Sharpe ratio: a data problem of the file (exit 3)
    expectError(await cli(['stats', 'psr', '--returns', 'flat.csv'], { cwd }), 3, 'DATA_INVALID', 'flat.csv');
  });
});

describe('momentic stats metrics', () => {
  it('computes the metrics of a date,return file and pairs the benchmark by date', async () => {
    // benchmark has no 2024-01-01 row: pairs on the last three dates (beta -0.75, test/analytics/metrics)
    const cwd = folder({ 'r.csv': HAND, 'b.csv': '2024-01-02,0.1\n2024-01-03,-0.1\n2024-01-04,0.1\n' });
    const r = await cli(['--json', 'stats', 'metrics', '--returns', 'r.csv', '--benchmark', 'b.csv'], { cwd });
    expect(r.code).toBe(0);
    const out = json(r.stdout);
    const m = out['metrics'] as Record<string, number>;
    expect(m['total_return']).toBeCloseTo(0.089, 14);
    expect(m['sharpe']).toBeCloseTo((0.025 / Math.sqrt(0.0275 / 3)) * Math.sqrt(252), 12);
    expect(m['max_drawdown']).toBeCloseTo(-0.1, 14);
    expect(m['beta']).toBeCloseTo(-0.75, 13);
    expect(out['benchmark_pairs']).toBe(3);
    expect((out['rolling_sharpe_60'] as unknown[]).length).toBe(4);
    const table = await cli(['stats', 'metrics', '--returns', 'r.csv', '--periods-per-year', '365'], { cwd });
    expect(table.stdout).toMatch(/^sharpe\s+\S+/m);
    expect(table.stdout).toMatch(/^beta\s+—\s+no benchmark$/m);
    expect(table.stdout).toContain('365 periods a year');
  });

  it('reports one return with the level metrics only, saying why the rest are null', async () => {
    const cwd = folder({ 'one.csv': '2024-01-02,0.05\n' });
    const out = json((await cli(['--json', 'stats', 'metrics', '--returns', 'one.csv'], { cwd })).stdout);
    const m = out['metrics'] as Record<string, number | null>;
    expect(m['total_return']).toBeCloseTo(0.05, 15);
    expect(m['sharpe']).toBeNull();
    expect((out['null_reasons'] as Record<string, string>)['sharpe']).toBe('needs at least 2 returns');
  });

  it('rejects a blank, NaN or non-numeric return with the file, line and column, exit 3', async () => {
    const cwd = folder({
      'blank.csv': 'date,return\n2024-01-01,0.01\n2024-01-02,\n',
      'nan.csv': 'date,ret\n2024-01-01,0.01\n2024-01-02,0.02\n2024-01-03,NaN\n',
      'pct.csv': '2024-01-01,1.5%\n',
      'order.csv': '2024-01-02,0.01\n2024-01-01,0.01\n',
    });
    expectError(
      await cli(['stats', 'metrics', '--returns', 'blank.csv'], { cwd }),
      3,
      'DATA_INVALID',
      'blank.csv:3 (column return)',
    );
    expectError(
      await cli(['stats', 'metrics', '--returns', 'nan.csv'], { cwd }),
      3,
      'DATA_INVALID',
      'nan.csv:4 (column ret)',
    );
    const pct = await cli(['stats', 'metrics', '--returns', 'pct.csv'], { cwd });
    expectError(pct, 3, 'DATA_INVALID', 'pct.csv:1');
    expect(pct.stderr).toContain('not 1.5%');
    expectError(await cli(['stats', 'metrics', '--returns', 'order.csv'], { cwd }), 3, 'DATA_INVALID', 'order.csv:2');
    expectError(
      await cli(['stats', 'metrics', '--returns', 'missing.csv'], { cwd }),
      3,
      'DATA_NOT_FOUND',
      'missing.csv',
    );
  });
});

describe('momentic stats pbo', () => {
  // The case enumerated by hand in test/analytics/stats/pbo.test.ts: PBO 5/6, loss 1/2, slope -28/41.
  const TRIALS = 'date,A,B,C\n2024-01-01,3,0,1\n2024-01-02,-1,2,1\n2024-01-03,2,-1,1\n2024-01-04,0,1,-2\n';

  it('reads trials as columns and reproduces the hand-enumerated case', async () => {
    const cwd = folder({ 't.csv': TRIALS });
    const r = await cli(['--json', 'stats', 'pbo', '--input', 't.csv', '--partitions', '4', '--metric', 'mean'], {
      cwd,
    });
    expect(r.code).toBe(0);
    const out = json(r.stdout);
    expect(out['pbo']).toBe(5 / 6);
    expect(out['probability_of_loss']).toBe(0.5);
    expect((out['degradation'] as { slope: number }).slope).toBeCloseTo(-28 / 41, 12);
    expect((out['logits'] as { best: string }[]).map((l) => l.best)).toEqual(['A', 'A', 'A', 'C', 'B', 'A']);
    const table = await cli(['stats', 'pbo', '--input', 't.csv', '--partitions', '4', '--metric', 'mean'], { cwd });
    expect(table.stdout).toMatch(/^pbo\s+0\.833333$/m);
  });

  it('names --partitions when S is odd, too large or missing (exit 2), and the cell when the file is bad (exit 3)', async () => {
    const cwd = folder({
      't.csv': TRIALS,
      'bad.csv': 'A,B\n0.01,0.02\n0.01,x\n',
      'short.csv': 'A,B\n0.01,0.02\n0.01\n',
    });
    const run = (...a: string[]) => cli(['stats', 'pbo', '--input', ...a], { cwd });
    expectError(await run('t.csv', '--partitions', '3'), 2, 'USAGE_INVALID_OPTION', '--partitions');
    const big = await run('t.csv', '--partitions', '6');
    expectError(big, 2, 'USAGE_INVALID_OPTION', '--partitions');
    expect(big.stderr).toContain('4 rows');
    expectError(await run('t.csv'), 2, 'USAGE_MISSING_OPTION', '--partitions');
    expectError(await run('t.csv', '--partitions', '2', '--metric', 'sortino'), 2, 'USAGE_INVALID_OPTION', '--metric');
    expectError(await run('bad.csv', '--partitions', '2'), 3, 'DATA_INVALID', 'bad.csv:3 (column B)');
    expectError(await run('short.csv', '--partitions', '2'), 3, 'DATA_INVALID', 'short.csv:3');
  });
});
