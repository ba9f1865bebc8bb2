import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256File } from '../../src/data/atomic.js';
import { RawStore } from '../../src/data/raw-store.js';
import { cli, tempDir } from '../support/cli.js';
import { SHARED_DATA } from '../support/paths.js';

const src = (f: string): string => join(SHARED_DATA, f);
const lines = (file: string): string[] => readFileSync(file, 'utf8').trimEnd().split('\n');
const num = (s: string): string => String(Number(s));

describe('importing the sample files', () => {
  it('stores ORCL daily rows equal to the source rows, and validate passes', async () => {
    const home = tempDir();
    const r = await cli(['--home', home, 'data', 'import', '--file', src('orcl-1995-2014.txt'), '--symbol', 'ORCL']);
    expect(r.code).toBe(0);
    const source = lines(src('orcl-1995-2014.txt')).slice(1);
    const raw = lines(join(home, 'data/raw/1d/ORCL.csv'));
    expect(raw[0]).toBe('symbol,date,open,high,low,close,volume');
    expect(raw.slice(1)).toEqual(
      source.map((l) => {
        const [d, o, h, lo, c, , v] = l.split(',') as string[];
        return ['ORCL', d, num(o!), num(h!), num(lo!), num(c!), num(v!)].join(',');
      }),
    );
    const v = await cli(['--home', home, 'data', 'validate']);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/ORCL\s+1d\s+5036\s+0\s+100\.00%\s+0\s+3\s+pass/);
  });

  it('stores NVDA in Parquet with the source values, adjusted on request', async () => {
    const home = tempDir();
    expect(
      (
        await cli([
          '--home',
          home,
          'data',
          'import',
          '--file',
          src('nvda-1999-2014.txt'),
          '--symbol',
          'NVDA',
          '--format',
          'parquet',
        ])
      ).code,
    ).toBe(0);
    expect(readdirSync(join(home, 'data/raw/1d/NVDA'))).toHaveLength(16); // 1999..2014
    const series = await new RawStore(home, 'parquet').read('NVDA', '1d');
    const source = lines(src('nvda-1999-2014.txt'))
      .slice(1)
      .map((l) => l.split(','));
    expect(series?.length).toBe(source.length);
    source.forEach((cells, i) => {
      const b = series!.at(i);
      expect([new Date(b.ts).toISOString().slice(0, 10), b.open, b.high, b.low, b.close, b.volume]).toEqual([
        cells[0],
        Number(cells[1]),
        Number(cells[2]),
        Number(cells[3]),
        Number(cells[4]),
        Number(cells[6]),
      ]);
    });
    expect((await cli(['--home', home, 'data', 'validate', '--symbols', 'NVDA'])).code).toBe(0);

    const adjHome = tempDir();
    await cli([
      '--home',
      adjHome,
      'data',
      'import',
      '--file',
      src('nvda-1999-2014.txt'),
      '--symbol',
      'NVDA',
      '--adjusted',
    ]);
    const first = lines(join(adjHome, 'data/raw/1d/NVDA.csv'))[1];
    // 1999-01-22: close 1.640625 -> adj 1.518424; open 1.75 * 1.518424 / 1.640625
    const [, , o, , , c] = (first as string).split(',').map(Number);
    expect(c).toBe(1.518424);
    expect(o).toBeCloseTo((1.75 * 1.518424) / 1.640625, 12);
  });

  it('stores the minute file in UTC from its exchange-local times', async () => {
    const home = tempDir();
    const r = await cli([
      '--home', home, 'data', 'import', '--file', src('2006-01-02-volume-min-001.txt'), '--symbol', 'FUT', '--tz', 'Europe/Berlin', '--calendar', '24/5',
    ]); // prettier-ignore
    expect(r.code).toBe(0);
    const source = lines(src('2006-01-02-volume-min-001.txt')).slice(1);
    const raw = lines(join(home, 'data/raw/1m/FUT.csv')).slice(1);
    expect(raw).toHaveLength(source.length);
    source.forEach((l, i) => {
      const [d, t, o, h, lo, c, v] = l.split(',') as string[];
      // Berlin is UTC+1 in January and February.
      const utc = new Date(Date.parse(`${d}T${t}+01:00`)).toISOString().replace('.000Z', 'Z');
      expect(raw[i]).toBe(['FUT', utc, num(o!), num(h!), num(lo!), num(c!), num(v!)].join(','));
    });
    expect((await cli(['--home', home, 'data', 'validate'])).code).toBe(0);
  });
});

describe('a corrupted copy', () => {
  it('is caught defect by defect: bad rows quarantined with reasons, good rows kept, gaps reported', async () => {
    const home = tempDir();
    const all = lines(src('orcl-1995-2014.txt'));
    const header = all[0] as string;
    const body = all.slice(1, 61); // 60 sessions from 1995-01-03
    const set = (i: number, col: number, value: string): void => {
      const cells = (body[i] as string).split(',');
      cells[col] = value;
      body[i] = cells.join(',');
    };
    set(3, 4, 'abc'); // schema: close not a number
    set(5, 2, '0.5'); // ohlc: high below low
    set(7, 1, '-1'); // price <= 0
    set(9, 6, '-100'); // negative volume
    set(11, 4, 'NaN'); // NaN
    set(13, 3, ''); // empty cell
    body.splice(20, 0, body[19] as string); // duplicate of the row before
    body.splice(30, 0, all[6] as string); // out of order: the (clean) old row whose copy above was rejected
    const dropped = body.splice(40, 1)[0] as string; // a gap
    // an outlier: a whole bar tripled
    const k = 50;
    const tripled = (body[k] as string).split(',').map((c, i) => (i >= 1 && i <= 5 ? String(Number(c) * 3) : c));
    body[k] = tripled.join(',');
    const file = join(home, 'orcl-corrupt.csv');
    writeFileSync(file, [header, ...body].join('\n') + '\n');

    const r = await cli(['--home', home, '--json', 'data', 'import', '--file', file, '--symbol', 'ORCL']);
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout);
    const byGate = (out.rejected as { row: number; gate: string; reason: string }[]).map((x) => [x.row, x.gate]);
    // Line numbers: body[i] is on line i + 2.
    expect(byGate).toEqual([
      [5, 'schema'],
      [7, 'ohlc'],
      [9, 'price'],
      [11, 'volume'],
      [13, 'nan'],
      [15, 'empty'],
      [22, 'duplicate'],
      [32, 'order'],
    ]);
    // The jump up is flagged (and kept); the way back down is not, as the trailing volatility now holds the jump.
    expect(out.outliers.map((o: { row: number }) => o.row)).toEqual([k + 2]);
    // The quarantine holds exactly those rows with their reasons and original text.
    const q = lines(out.quarantine);
    expect(q[0]).toBe('row,gate,reason,line');
    expect(q).toHaveLength(9);
    expect(q[1]).toMatch(/^5,schema,"Close ""abc"" is not a number","1995-01-06,2.092592,2.154321,2.061728,abc,/);
    // Every good row is in the raw zone.
    const raw = lines(join(home, 'data/raw/1d/ORCL.csv'));
    expect(raw).toHaveLength(1 + body.length - 8);
    expect(raw.some((l) => l.includes(dropped.split(',')[0] as string))).toBe(false);
    // The quarantined rows and the dropped one are gaps of the stored series.
    expect(out.qc.gaps).toBe(7); // 6 bad-value rows + the dropped row (duplicate and old date add no gap)
    const v = await cli(['--home', home, 'data', 'validate']);
    expect(v.code).toBe(3);
    expect(v.stdout).toMatch(/ORCL .* FAIL/);
  });
});

describe('the raw zone is immutable', () => {
  it('refuses changed history, then replaces it with --force keeping a backup', async () => {
    const home = tempDir();
    const file = join(home, 'a.csv');
    writeFileSync(
      file,
      'Date,Open,High,Low,Close,Volume\n2024-07-01,10,11,9,10.5,100\n2024-07-02,10.5,11,10,10.8,120\n',
    );
    expect((await cli(['--home', home, 'data', 'import', '--file', file, '--symbol', 'ABC'])).code).toBe(0);
    const rawFile = join(home, 'data/raw/1d/ABC.csv');
    const before = readFileSync(rawFile, 'utf8');
    writeFileSync(
      file,
      'Date,Open,High,Low,Close,Volume\n2024-07-02,10.5,11,10,10.9,120\n2024-07-03,10.9,11,10,10.7,90\n',
    );
    const refused = await cli(['--home', home, 'data', 'import', '--file', file, '--symbol', 'ABC']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('DATA_INVALID');
    expect(refused.stderr).toContain('first at 2024-07-02');
    expect(refused.stderr).toContain('Fix: rerun with --force');
    expect(readFileSync(rawFile, 'utf8')).toBe(before);
    const forced = await cli(['--home', home, 'data', 'import', '--file', file, '--symbol', 'ABC', '--force']);
    expect(forced.code).toBe(0);
    expect(lines(rawFile).slice(1)).toEqual([
      'ABC,2024-07-01,10,11,9,10.5,100',
      'ABC,2024-07-02,10.5,11,10,10.9,120',
      'ABC,2024-07-03,10.9,11,10,10.7,90',
    ]);
    const backups = readdirSync(join(home, 'data/raw/.backup/1d'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(home, 'data/raw/.backup/1d', backups[0] as string), 'utf8')).toBe(before);
  });

  it('appends new dates and records hashes and lineage in the manifest', async () => {
    const home = tempDir();
    const file = join(home, 'a.csv');
    writeFileSync(file, 'Date,Open,High,Low,Close,Volume\n2024-07-01,10,11,9,10.5,100\n');
    await cli(['--home', home, 'data', 'import', '--file', file, '--symbol', 'ABC']);
    writeFileSync(
      file,
      'Date,Open,High,Low,Close,Volume\n2024-07-01,10,11,9,10.5,100\n2024-07-02,10.5,11,10,10.8,120\n',
    );
    const r = await cli(['--home', home, '--json', 'data', 'import', '--file', file, '--symbol', 'ABC']);
    expect(JSON.parse(r.stdout).write).toMatchObject({ added: 1, unchanged: 1, replaced: 0, rows: 2 });
    const m = JSON.parse(readFileSync(join(home, 'data/raw/manifest.json'), 'utf8'));
    const e = m.datasets['1d/ABC'];
    expect(e).toMatchObject({
      symbol: 'ABC',
      timeframe: '1d',
      format: 'csv',
      calendar: 'XNYS',
      schema_version: 1,
      rows: 2,
      first: '2024-07-01',
      last: '2024-07-02',
    });
    expect(e.files['1d/ABC.csv'].sha256).toBe(await sha256File(join(home, 'data/raw/1d/ABC.csv')));
    expect(
      e.sources.map((s: { provider: string; first: string; last: string; rows: number; file: string }) => [
        s.provider,
        s.first,
        s.last,
        s.rows,
        s.file,
      ]),
    ).toEqual([
      ['csv', '2024-07-01', '2024-07-01', 1, 'a.csv'],
      ['csv', '2024-07-02', '2024-07-02', 1, 'a.csv'],
    ]);
    expect(existsSync(join(home, 'data/quarantine'))).toBe(false);
    const ls = await cli(['--home', home, 'data', 'ls']);
    expect(ls.stdout).toMatch(/ABC\s+1d\s+2024-07-01\s+2024-07-02\s+2\s+csv\s+XNYS\s+csv/);
  });
});

describe('write failures', () => {
  it('are a DATA_WRITE_FAILED error with exit 3, not an internal error', async () => {
    const home = tempDir();
    const file = join(home, 'a.csv');
    writeFileSync(file, 'Date,Open,High,Low,Close,Volume\n2024-07-01,10,11,9,10.5,100\n');
    // A file where the timeframe folder should be makes every write fail.
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(home, 'data/raw'), { recursive: true });
    writeFileSync(join(home, 'data/raw/1d'), 'not a folder');
    const r = await cli(['--home', home, 'data', 'import', '--file', file, '--symbol', 'ABC']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^DataError DATA_WRITE_FAILED at data\/raw: cannot write ABC 1d/);
    expect(r.stderr).toContain('Fix: check free disk space');
  });
});
