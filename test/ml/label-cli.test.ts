/**
 * `momentic ml label` on the synthetic universe: triple-barrier labels to CSV, meta-labels to
 * Parquet (read back with DuckDB), --json, and the errors (bad file ending, bad label, too few bars).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withConnection } from '../../src/data/duckdb.js';
import { cli, tempDir } from '../support/cli.js';

const DATA = ['--symbols', 'ZNTX,VXLY', '--start', '2020-01-01', '--end', '2021-12-31'];

describe('momentic ml label', () => {
  const home = tempDir('momentic-ml-label-');
  const run = (argv: string[]) => cli(['--home', home, '--init', ...argv], { cwd: home });

  it('writes triple-barrier labels with spans and weights to a CSV file', { timeout: 60_000 }, async () => {
    const r = await run(['ml', 'label', ...DATA, '--label', 'triple-barrier:pt=2,sl=1,h=10', '--out', 'tb.csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^wrote \d+ labels \(ZNTX \d+, VXLY \d+\) to .*tb\.csv\n$/);
    const lines = readFileSync(join(home, 'tb.csv'), 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('symbol,start,end,label,ret,barrier,target,side,uniqueness,weight');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.length).toBeGreaterThan(600);
    const weights = new Map<string, { n: number; sum: number }>();
    for (const [symbol, start, end, label, ret, barrier, target, side, uniq, weight] of rows) {
      expect(['ZNTX', 'VXLY']).toContain(symbol);
      expect(start! < end!).toBe(true);
      // Ten trading days at most: within 18 calendar days (a holiday week).
      expect(Date.parse(end!) - Date.parse(start!)).toBeLessThanOrEqual(18 * 86_400_000);
      if (barrier !== '0') expect(label).toBe(barrier);
      else expect(Number(label)).toBe(Math.sign(Number(ret)));
      // A profit-take at 2 sigma returned at least that much.
      if (barrier === '1') expect(Number(ret)).toBeGreaterThanOrEqual(2 * Number(target) - 1e-12);
      expect(side).toBe('1');
      expect(Number(uniq)).toBeGreaterThan(0);
      expect(Number(uniq)).toBeLessThanOrEqual(1);
      const w = weights.get(symbol!) ?? { n: 0, sum: 0 };
      weights.set(symbol!, { n: w.n + 1, sum: w.sum + Number(weight) });
    }
    // Return-attribution weights sum to each symbol's number of labels.
    for (const w of weights.values()) expect(w.sum).toBeCloseTo(w.n, 6);
  });

  it('writes meta-labels to Parquet and describes the file with --json', { timeout: 60_000 }, async () => {
    const r = await run([
      '--json',
      'ml',
      'label',
      ...DATA,
      '--label',
      'meta:pt=1,sl=1,h=5,side=20',
      '--out',
      'meta.parquet',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      rows: number;
      perSymbol: Record<string, number>;
      format: string;
      file: string;
    };
    expect(out.format).toBe('parquet');
    expect(out.rows).toBe(out.perSymbol.ZNTX! + out.perSymbol.VXLY!);
    const back = await withConnection(async (con) => {
      const q = await con.runAndReadAll(
        `SELECT symbol, count(*) AS n, min(label) AS lo, max(label) AS hi, count(barrier) AS b, ` +
          `sum(CASE WHEN "end" > "start" THEN 1 ELSE 0 END) AS spans FROM read_parquet('${out.file}') GROUP BY symbol ORDER BY symbol`,
      );
      return q.getRowObjects().map((o) => Object.values(o).map((v) => (typeof v === 'bigint' ? Number(v) : v)));
    });
    expect(back).toEqual([
      ['VXLY', out.perSymbol.VXLY, 0, 1, out.perSymbol.VXLY, out.perSymbol.VXLY],
      ['ZNTX', out.perSymbol.ZNTX, 0, 1, out.perSymbol.ZNTX, out.perSymbol.ZNTX],
    ]);
  });

  it('refuses a file ending, a label and a range it cannot use, with the exit code and the fix', async () => {
    const ending = await run(['--json', 'ml', 'label', ...DATA, '--out', 'labels.txt']);
    expect(ending.code).toBe(2);
    const e1 = (JSON.parse(ending.stdout) as { error: { code: string; message: string } }).error;
    expect(e1.code).toBe('USAGE_INVALID_OPTION');
    expect(e1.message).toContain('must end in .csv or .parquet');
    const label = await run(['ml', 'label', ...DATA, '--label', 'meta:pt=1,sl=1,h=5', '--out', 'm.csv']);
    expect(label.code).toBe(2);
    expect(label.stderr).toContain('side is missing');
    expect(label.stderr).toContain('Fix: write --label meta:');
    const short = await run([
      'ml',
      'label',
      '--symbols',
      'ZNTX',
      '--start',
      '2021-12-20',
      '--end',
      '2021-12-31',
      '--label',
      'fixed:h=20',
      '--out',
      'short.csv',
    ]);
    expect(short.code).toBe(3);
    expect(short.stderr).toContain('no labels: the bars of ZNTX are too few for the label');
  });
});
