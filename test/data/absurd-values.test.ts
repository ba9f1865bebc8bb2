/**
 * Values no market prints (1e308, a volume of 1e300, a close a thousand times the previous one)
 * and empty datasets fail the quality gates; the limits come from the config (data.quality.*).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../support/cli.js';

const HEAD = 'Date,Open,High,Low,Close,Volume';
// Sessions 2024-07-08 .. 07-12 (XNYS, no holiday).
const DAYS = ['2024-07-08', '2024-07-09', '2024-07-10', '2024-07-11', '2024-07-12'];
const bars = (closes: readonly number[], volume = 1000): string =>
  [HEAD, ...closes.map((c, i) => `${DAYS[i]},${c},${c},${c},${c},${volume}`)].join('\n') + '\n';

function workspace(text: string): { home: string; file: string } {
  const home = tempDir();
  const file = join(home, 'x.csv');
  writeFileSync(file, text);
  return { home, file };
}

async function importJson(home: string, file: string, env: Record<string, string> = {}, extra: string[] = []) {
  const r = await cli(['--home', home, '--json', ...extra, 'data', 'import', '--file', file, '--symbol', 'ACME'], {
    env,
  });
  return {
    code: r.code,
    out: JSON.parse(r.stdout) as Record<string, unknown> & {
      rejected: { row: number; gate: string; reason: string }[];
    },
  };
}

describe('absurd values', () => {
  it('a bar at 1e308 is quarantined by the range gate instead of passing with 0 outliers', async () => {
    const { home, file } = workspace(bars([10, 10.5, 1e308, 10.2, 10.1]));
    const { code, out } = await importJson(home, file);
    expect(code).toBe(3);
    expect(out.rejected).toEqual([
      {
        row: 4,
        gate: 'range',
        reason: 'open 1e+308 is above data.quality.max_price (1000000000)',
        line: '2024-07-10,1e+308,1e+308,1e+308,1e+308,1000',
        column: 'Open',
      },
    ]);
    expect(readFileSync(join(home, 'data/raw/1d/ACME.csv'), 'utf8').trimEnd().split('\n')).toHaveLength(1 + 4);
  });

  it('data validate --file reports the same and writes nothing', async () => {
    const { home, file } = workspace(bars([10, 10.5, 1e308, 10.2, 10.1]));
    const r = await cli(['--home', home, 'data', 'validate', '--file', file, '--symbol', 'ACME']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/ACME\s+1d\s+5\s+1 \(range 1\)/);
    expect(readdirSync(home)).toEqual(['x.csv']);
  });

  it('a volume above data.quality.max_volume is quarantined', async () => {
    const { home, file } = workspace(bars([10, 10.5, 10.2], 1e300));
    const { code, out } = await importJson(home, file);
    expect(code).toBe(3);
    expect(out.rejected.map((r) => [r.row, r.gate, r.reason])).toEqual([
      [2, 'range', 'volume 1e+300 is above data.quality.max_volume (1000000000000000000)'],
      [3, 'range', 'volume 1e+300 is above data.quality.max_volume (1000000000000000000)'],
      [4, 'range', 'volume 1e+300 is above data.quality.max_volume (1000000000000000000)'],
    ]);
  });

  it('a close more than 1000 times (or under 1/1000 of) the previous kept close is quarantined as a jump', async () => {
    // 10 -> 10010 is 1001x (out); the next bar is compared with 10 again: 1000 is 100x (kept); 1000 -> 1 is
    // 1/1000 exactly (kept, the limit is not exceeded).
    const { home, file } = workspace(bars([10, 10010, 1000, 1, 1.01]));
    const { code, out } = await importJson(home, file);
    expect(code).toBe(3);
    expect(out.rejected.map((r) => [r.row, r.gate, r.reason])).toEqual([
      [3, 'jump', 'close 10010 is 1001 times the previous close 10 (row 2); data.quality.max_jump is 1000'],
    ]);
  });

  it('the limits come from the config: environment and config file', async () => {
    const a = workspace(bars([10, 150, 151]));
    const env = await importJson(a.home, a.file, { MOMENTIC_DATA__QUALITY__MAX_PRICE: '100' });
    expect(env.code).toBe(3);
    expect(env.out.rejected.map((r) => [r.row, r.gate])).toEqual([
      [3, 'range'],
      [4, 'range'],
    ]);
    expect(env.out.rejected[0]?.reason).toBe('open 150 is above data.quality.max_price (100)');

    const b = workspace(bars([10, 25, 24]));
    writeFileSync(join(b.home, 'q.yaml'), 'data:\n  quality:\n    max_jump: 2\n');
    const file = await importJson(b.home, b.file, {}, ['--config', join(b.home, 'q.yaml')]);
    expect(file.code).toBe(3);
    expect(file.out.rejected.map((r) => [r.row, r.gate])).toEqual([
      [3, 'jump'],
      [4, 'jump'],
    ]);

    const bad = await cli(['config', 'show'], { env: { MOMENTIC_DATA__QUALITY__MAX_PRICE: '-1' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('data.quality.max_price');
  });

  it('an empty dataset in the raw zone fails data validate (exit 3)', async () => {
    const { home, file } = workspace(bars([10, 10.5]));
    expect((await cli(['--home', home, 'data', 'import', '--file', file, '--symbol', 'ACME'])).code).toBe(0);
    // Edited by hand down to its header: refused as a file that no longer matches its record.
    const header = 'symbol,date,open,high,low,close,volume\n';
    writeFileSync(join(home, 'data/raw/1d/ACME.csv'), header);
    const refused = await cli(['--home', home, 'data', 'validate']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/DATA_MANIFEST .*data\/raw\/1d\/ACME\.csv does not match its record/);
    // A record that vouches for the empty file (written by hand): the quality gates still fail it.
    const manifestFile = join(home, 'data/raw/manifest.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as {
      datasets: Record<string, { rows: number; files: Record<string, Record<string, unknown>> }>;
    };
    const entry = manifest.datasets['1d/ACME'] as (typeof manifest.datasets)[string];
    entry.rows = 0;
    entry.files['1d/ACME.csv'] = {
      ...entry.files['1d/ACME.csv'],
      sha256: createHash('sha256').update(header).digest('hex'),
      bytes: header.length,
      rows: 0,
    };
    writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
    const r = await cli(['--home', home, 'data', 'validate']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/ACME\s+1d\s+0\s+0\s+0\.00%\s+0\s+0\s+FAIL/);
    expect(r.stdout).toMatch(/ACME 1d holds no bars/);
  });

  it('a raw file edited to hold 1e308 fails data validate', async () => {
    const { home, file } = workspace(bars([10, 10.5, 10.2]));
    expect((await cli(['--home', home, 'data', 'import', '--file', file, '--symbol', 'ACME'])).code).toBe(0);
    const raw = join(home, 'data/raw/1d/ACME.csv');
    writeFileSync(
      raw,
      readFileSync(raw, 'utf8').replace(
        'ACME,2024-07-09,10.5,10.5,10.5,10.5',
        'ACME,2024-07-09,1e308,1e308,1e308,1e308',
      ),
    );
    const refused = await cli(['--home', home, 'data', 'validate']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/DATA_MANIFEST .*data\/raw\/1d\/ACME\.csv does not match its record/);
    // The edit accepted into the register: the range gate still fails the absurd row.
    expect((await cli(['--home', home, 'data', 'repair', '--accept-edits'])).code).toBe(0);
    const r = await cli(['--home', home, 'data', 'validate']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/ACME\s+1d\s+3\s+1 \(range 1\)/);
  });
});
