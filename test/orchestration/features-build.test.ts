import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { atr } from '../../src/analytics/indicators/atr.js';
import { rsi } from '../../src/analytics/indicators/rsi.js';
import type { BarSeries } from '../../src/core/bar.js';
import { sqlString, withConnection } from '../../src/data/duckdb.js';
import { readParquetMetadata } from '../../src/data/parquet-table.js';
import { fileSymbol } from '../../src/data/paths.js';
import { RawStore } from '../../src/data/raw-store.js';
import { cli, tempDir } from '../support/cli.js';
import { SHARED_DATA } from '../support/paths.js';

const DESIGN_COLUMNS =
  'symbol,date,open,high,low,close,volume,ret_1d,ret_5d,sma_20,sma_50,ema_20,rsi_14,macd,macd_signal,bb_mid,bb_up,bb_dn,atr_14,slope_20';

async function workspace(): Promise<string> {
  const home = tempDir();
  for (const [f, s] of [
    ['orcl-1995-2014.txt', 'ORCL'],
    ['nvda-1999-2014.txt', 'NVDA'],
  ] as const) {
    expect((await cli(['--home', home, 'data', 'import', '--file', join(SHARED_DATA, f), '--symbol', s])).code).toBe(0);
  }
  return home;
}

describe('features build', () => {
  it('writes processed CSVs with exactly the DESIGN.md columns and values from the indicators', async () => {
    const home = await workspace();
    const r = await cli(['--home', home, '--json', 'features', 'build', '--set', 'full', '--benchmark', 'NVDA']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.symbols.map((s: { symbol: string; status: string }) => [s.symbol, s.status])).toEqual([
      ['NVDA', 'built'],
      ['ORCL', 'built'],
    ]);
    const lines = readFileSync(join(home, 'data/processed/ORCL.csv'), 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe(DESIGN_COLUMNS);
    expect(lines).toHaveLength(1 + 5036);
    const rows = lines.slice(1).map((l) => l.split(','));
    // Raw columns are the raw zone's; the feature cells follow their definitions.
    const close = Float64Array.from(rows, (c) => Number(c[5]));
    const high = Float64Array.from(rows, (c) => Number(c[3]));
    const low = Float64Array.from(rows, (c) => Number(c[4]));
    const r14 = rsi(close, 14);
    const a14 = atr({ high, low, close }, 14);
    rows.forEach((c, i) => {
      expect(c).toHaveLength(20);
      expect(c[12]).toBe(Number.isNaN(r14[i] as number) ? '' : String(r14[i]));
      expect(c[18]).toBe(Number.isNaN(a14[i] as number) ? '' : String(a14[i]));
    });
    expect(rows[1]?.[7]).toBe(String(close[1]! / close[0]! - 1));
    // Warm-up: empty cells, e.g. sma_50 until the 50th bar.
    expect(rows[48]?.[10]).toBe('');
    expect(rows[49]?.[10]).not.toBe('');
    // The feature table records its set and hash.
    const meta = await readParquetMetadata(join(home, 'data/processed/features/1d/ORCL.parquet'));
    expect(meta.feature_set).toBe('full');
    expect(meta.feature_hash).toBe(out.symbols[1].featureHash);
    expect(meta.feature_columns?.split(',').length).toBeGreaterThanOrEqual(42);
  });

  it('rebuilds only what changed', async () => {
    const home = await workspace();
    await cli(['--home', home, 'features', 'build']);
    const again = JSON.parse((await cli(['--home', home, '--json', 'features', 'build'])).stdout);
    expect(again.symbols.map((s: { status: string }) => s.status)).toEqual(['unchanged', 'unchanged']);
    const other = JSON.parse((await cli(['--home', home, '--json', 'features', 'build', '--set', 'full'])).stdout);
    expect(other.symbols.map((s: { status: string }) => s.status)).toEqual(['built', 'built']);
  });

  it('writes pairs files with the DESIGN.md columns, rolling or static hedge', async () => {
    const home = await workspace();
    for (const mode of ['rolling', 'static']) {
      const r = await cli([
        '--home',
        home,
        'features',
        'build',
        '--symbols',
        'ORCL',
        '--pairs',
        'ORCL:NVDA',
        '--hedge-mode',
        mode,
      ]);
      expect(r.code, r.stderr).toBe(0);
      const lines = readFileSync(join(home, 'data/processed/pairs/ORCL_NVDA.csv'), 'utf8').trimEnd().split('\n');
      expect(lines[0]).toBe('date,close_long,close_short,ret_long,ret_short,beta,spread,zscore_60,mom_60,hedge_mode');
      expect(lines).toHaveLength(1 + 4012); // NVDA's dates, all shared with ORCL
      expect(lines[1]?.startsWith('1999-01-22,')).toBe(true);
      expect(lines.slice(1).every((l) => l.endsWith(`,${mode}`))).toBe(true);
    }
    const bad = await cli(['--home', home, 'features', 'build', '--pairs', 'ORCL-NVDA']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not LONG:SHORT');
  });

  it('fails clearly for a symbol with no raw data', async () => {
    const r = await cli(['--home', tempDir(), 'features', 'build', '--symbols', 'ZZZ']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('DATA_NOT_FOUND');
    expect(r.stderr).toContain('ZZZ: no 1d bars in the raw zone');
  });
});

describe('indicators command', () => {
  const input = join(SHARED_DATA, 'orcl-1995-2014.txt');

  it('prints one row per bar with named columns and empty warm-up cells', async () => {
    const r = await cli([
      'indicators',
      '--input',
      input,
      '--indicator',
      'rsi:14',
      '--indicator',
      'macd:12,26,9',
      '--indicator',
      'bbands:20,2,2',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'date,rsi_14,macd_12_26_9,macd_signal_12_26_9,macd_hist_12_26_9,bb_up_20_2_2,bb_mid_20_2_2,bb_dn_20_2_2',
    );
    expect(lines).toHaveLength(1 + 5036);
    expect(lines[1]).toBe('1995-01-03,,,,,,,');
    // RSI(14) starts at the 15th bar (TA-Lib lookback 14); line k holds bar k.
    expect(lines[14]?.split(',')[1]).toBe('');
    expect(lines[15]?.split(',')[1]).not.toBe('');
  });

  it('prints JSON with nulls during warm-up', async () => {
    const r = await cli(['indicators', '--input', input, '--indicator', 'sma:3', '--format', 'json']);
    const rows = JSON.parse(r.stdout);
    expect(rows[0]).toEqual({ date: '1995-01-03', sma_3: null });
    expect(rows[2].sma_3).toBeCloseTo((2.117284 + 2.135803 + 2.092592) / 3, 12);
  });

  it('rejects bad specs with exit 2', async () => {
    for (const [spec, msg] of [
      ['rsi:0', 'rsi period must be a whole number >= 2, got "0"'],
      ['foo:3', 'unknown indicator "foo"'],
      ['macd:12,26,9,4', 'macd takes 3 parameter(s)'],
      ['sma:2.5', 'must be a whole number'],
    ] as const) {
      const r = await cli(['indicators', '--input', input, '--indicator', spec]);
      expect(r.code, spec).toBe(2);
      expect(r.stderr).toContain(msg);
      expect(r.stderr).toMatch(/^UsageError USAGE_INVALID_OPTION at --indicator/);
    }
  });
});

describe('features build on intraday bars', () => {
  it('annualizes with the bars a year has on the symbol calendar: 1h is 252 x 7 on XNYS, 365 x 24 for crypto', async () => {
    const home = tempDir();
    const fetched = await cli(
      ['--home', home, 'data', 'fetch', '--symbols', 'ZNTX,QXC-USD', '--timeframe', '1h'].concat([
        '--start',
        '2024-01-02',
        '--end',
        '2024-02-01',
      ]),
    );
    expect(fetched.code, fetched.stderr).toBe(0);
    const built = await cli(['--home', home, 'features', 'build', '--timeframe', '1h']);
    expect(built.code, built.stderr).toBe(0);
    const store = new RawStore(home);
    for (const [symbol, perYear] of [
      ['ZNTX', 252 * 7],
      ['QXC-USD', 365 * 24],
    ] as const) {
      const bars = (await store.read(symbol, '1h')) as BarSeries;
      const file = join(home, 'data/processed/features/1h', `${fileSymbol(symbol)}.parquet`);
      const rvol = await withConnection(async (con) => {
        const r = await con.runAndReadAll(`SELECT rvol_20 FROM read_parquet(${sqlString(file)}) ORDER BY "timestamp"`);
        return r.getRowObjects().map((o) => (o.rvol_20 === null ? NaN : Number(o.rvol_20)));
      });
      expect(rvol).toHaveLength(bars.length);
      // By hand at bar 100: sample sd of the 20 log returns ending there, times sqrt(bars a year).
      const k = 100;
      const r = Array.from({ length: 20 }, (_, i) => Math.log(bars.close[k - 19 + i]! / bars.close[k - 20 + i]!));
      const m = r.reduce((a, b) => a + b, 0) / 20;
      const sd = Math.sqrt(r.reduce((a, b) => a + (b - m) ** 2, 0) / 19);
      expect(rvol[k]).toBeCloseTo(sd * Math.sqrt(perYear), 12);
      // Not the daily figure: 252 a year understated hourly volatility sqrt(7) (or sqrt(34.8)) times.
      expect(rvol[k]! / (sd * Math.sqrt(252))).toBeCloseTo(Math.sqrt(perYear / 252), 9);
    }
  });
});
