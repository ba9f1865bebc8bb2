import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withConnection, sqlString } from '../../src/data/duckdb.js';
import {
  assetsCsv,
  corporateActionsCsv,
  referenceFiles,
  writeReferenceFile,
  type AssetRecord,
} from '../../src/universe/reference-files.js';
import { cli, tempDir } from '../support/cli.js';

const SYMBOLS = ['ZNTX', 'VXLY'];

const asset = (symbol: string, shortable: boolean): AssetRecord => ({
  symbol,
  asOf: '2019-01-02',
  name: symbol,
  exchange: 'NYSE',
  assetClass: 'us_equity',
  status: 'active',
  tradable: true,
  shortable,
  easyToBorrow: shortable,
  fractionable: true,
  marketCap: Number.NaN,
  listDate: '2000-01-03',
  delistDate: '',
  source: 'test',
});

describe('momentic universe build (offline, synthetic bars, assets.csv written by the writer)', () => {
  it('writes the date CSVs, membership.parquet and a manifest with the inputs hashes', async () => {
    const home = tempDir();
    const fetched = await cli([
      '--home',
      home,
      '--init',
      'data',
      'fetch',
      '--provider',
      'synthetic',
      '--symbols',
      SYMBOLS.join(','),
      '--start',
      '2019-01-02',
      '--end',
      '2019-03-29',
    ]);
    expect(fetched.code, fetched.stderr).toBe(0);
    const files = referenceFiles(home);
    mkdirSync(join(home, 'data', 'reference'), { recursive: true });
    writeReferenceFile(files.assets, assetsCsv([asset('VXLY', true), asset('ZNTX', false)]));
    const r = await cli(['--home', home, '--json', 'universe', 'build', '--from', '2019-03-01', '--to', '2019-03-08']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { dates: string[] };
    // 2019-03-01..08: six sessions (Fri 1, Mon 4 .. Fri 8).
    expect(out.dates).toEqual(['2019-03-01', '2019-03-04', '2019-03-05', '2019-03-06', '2019-03-07', '2019-03-08']);
    const dir = join(home, 'data', 'processed', 'universe');
    const csv = readFileSync(join(dir, '2019-03-08.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('symbol,included,tier,score,adv_usd,spread_bps,price,volatility,vol_bucket,reason');
    // ZNTX cannot be lent and shorting is on by default.
    expect(csv.find((l) => l.startsWith('ZNTX,'))).toMatch(/,false,.*not_shortable/);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
      inputs: { path: string; sha256: string }[];
    };
    const sha = createHash('sha256').update(readFileSync(files.assets)).digest('hex');
    expect(manifest.inputs.find((i) => i.path === join('data', 'reference', 'assets.csv'))?.sha256).toBe(sha);
    expect(manifest.inputs.some((i) => i.path.startsWith('data/raw/'))).toBe(true);
    const rows = await withConnection(async (con) =>
      (
        await con.runAndReadAll(
          `SELECT date::VARCHAR AS d, symbol, included, reason FROM read_parquet(${sqlString(join(dir, 'membership.parquet'))}) ORDER BY d, symbol`,
        )
      ).getRowObjects(),
    );
    expect(rows.length).toBe(12);
    expect(
      rows
        .filter((x) => x.symbol === 'ZNTX')
        .every((x) => x.included === false && String(x.reason).includes('not_shortable')),
    ).toBe(true);
  }, 60_000);

  it("measures spread and volatility on prices adjusted by corporate-actions.csv (a split moves its symbol's, no other's)", async () => {
    const home = tempDir();
    const fetched = await cli(['--home', home, '--init', 'data', 'fetch', '--provider', 'synthetic',
      '--symbols', SYMBOLS.join(','), '--start', '2019-01-02', '--end', '2019-03-29']); // prettier-ignore
    expect(fetched.code, fetched.stderr).toBe(0);
    const files = referenceFiles(home);
    mkdirSync(join(home, 'data', 'reference'), { recursive: true });
    writeReferenceFile(files.assets, assetsCsv([asset('VXLY', true), asset('ZNTX', true)]));
    const build = async (): Promise<Map<string, string[]>> => {
      const r = await cli(['--home', home, 'universe', 'build', '--date', '2019-03-08']);
      expect(r.code, r.stderr).toBe(0);
      const [head, ...rows] = readFileSync(join(home, 'data', 'processed', 'universe', '2019-03-08.csv'), 'utf8')
        .trim()
        .split('\n');
      const cols = head!.split(',');
      const pick = (row: string): string[] => ['spread_bps', 'volatility'].map((c) => row.split(',')[cols.indexOf(c)]!);
      return new Map(rows.map((row) => [row.split(',')[0]!, pick(row)]));
    };
    const before = await build();
    // The synthetic bars hold no split: back-adjusting them for a 2-for-1 on 2019-03-04 halves the
    // prices before it, a 50% drop across that day inside both measures' windows.
    writeReferenceFile(
      files.corporateActions,
      corporateActionsCsv([
        { symbol: 'VXLY', type: 'split', exDate: '2019-03-04', ratio: 2, cashAmount: Number.NaN, newSymbol: '',
          recordDate: '', payDate: '', source: 'test' }, // prettier-ignore
      ]),
    );
    const after = await build();
    expect(after.get('ZNTX')).toEqual(before.get('ZNTX'));
    const [spread0, vol0] = before.get('VXLY')!.map(Number);
    const [spread1, vol1] = after.get('VXLY')!.map(Number);
    expect(vol1).toBeGreaterThan(2 * vol0!);
    expect(spread1).not.toBe(spread0);
  }, 60_000);

  it('refuses an unknown key with the closest known one (exit 2)', async () => {
    const home = tempDir();
    const file = join(home, 'u.yaml');
    writeFileSync(file, 'lookback: 20\nmax_sprad_bps: 40\n');
    const r = await cli(['--home', home, '--init', 'universe', 'build', '--date', '2019-03-01', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown key max_sprad_bps');
    expect(r.stderr).toContain('did you mean "max_spread_bps"');
    expect(existsSync(join(home, 'data', 'processed', 'universe'))).toBe(false);
  });

  it('refuses --date with --from (exit 2)', async () => {
    const r = await cli([
      '--home',
      tempDir(),
      '--init',
      'universe',
      'build',
      '--date',
      '2019-03-01',
      '--from',
      '2019-03-01',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--date and --from/--to cannot be given together');
  });
});
