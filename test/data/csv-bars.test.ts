import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BarSeries, type Bar } from '../../src/core/bar.js';
import type { Timeframe } from '../../src/core/enums.js';
import { DataError } from '../../src/core/errors.js';
import { appendCsvBars, csvHeader, csvLines, cutTornTail, readCsvBars, writeCsvBars } from '../../src/data/csv-bars.js';
import { DecimalScanner, parseDecimal } from '../../src/data/csv-scan.js';
import { dateToTs } from '../../src/data/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'momentic-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const tmp = (): string => join(dir, `f${++files}.csv`);

const COLUMNS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;
const plain = (s: BarSeries): Record<string, unknown> => ({
  symbol: s.symbol,
  ...Object.fromEntries(COLUMNS.map((c) => [c, Array.from(s[c])])),
});
const f64 = (xs: readonly number[]): Float64Array => Float64Array.from(xs);

/** Values whose shortest text takes every parse path: cents, 17 digits, exponents, 21 digits. */
const daily = new BarSeries('AAPL', {
  ts: f64(['1999-12-31', '2024-01-02', '2024-02-29'].map(dateToTs)),
  open: f64([0.1 + 0.2, 187.15, 1e-7]),
  high: f64([0.31, 188.44, 2.5e-7]),
  low: f64([0.29, 183.885, 1e-8]),
  close: f64([0.3, 185.64, 1.5e-7]),
  volume: f64([1e21, 82_488_700, 123456789012345680000]),
});

const minutes = new BarSeries('BTCUSDT', {
  ts: f64(['2023-12-31T23:59:00Z', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00.250Z'].map(Date.parse)),
  open: f64([42000.01, 42001.5, 41999.99]),
  high: f64([42010, 42002.75, 42000.5]),
  low: f64([41990.5, 41995.25, 41980]),
  close: f64([42001.5, 41999.99, 41990.01]),
  volume: f64([0.00012345, 12.5, 9007199254740991]),
});

function caught(f: () => unknown): DataError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  }
  throw new Error('expected a DataError');
}

describe('canonical CSV text', () => {
  it('writes the header and the shortest round-trip numbers', () => {
    const file = tmp();
    writeCsvBars(file, '1d', daily);
    expect(readFileSync(file, 'utf8')).toBe(
      'symbol,date,open,high,low,close,volume\n' +
        'AAPL,1999-12-31,0.30000000000000004,0.31,0.29,0.3,1e+21\n' +
        'AAPL,2024-01-02,187.15,188.44,183.885,185.64,82488700\n' +
        'AAPL,2024-02-29,1e-7,2.5e-7,1e-8,1.5e-7,123456789012345680000\n',
    );
    expect(csvHeader('1m')).toBe('symbol,timestamp,open,high,low,close,volume\n');
    expect(csvLines('1m', minutes, 1)).toBe(
      'BTCUSDT,2024-01-01T00:00:00Z,42001.5,42002.75,41995.25,41999.99,12.5\n' +
        'BTCUSDT,2024-01-01T00:00:00.250Z,41999.99,42000.5,41980,41990.01,9007199254740991\n',
    );
  });

  it('gives the same text for any split of a long series', () => {
    const long = walk(2500);
    expect(csvLines('1m', long)).toBe(
      csvLines('1m', long, 0, 999) + csvLines('1m', long, 999, 2001) + csvLines('1m', long, 2001),
    );
  });
});

/** Random-walk one-minute bars in cents from 2024-01-01 (a seeded LCG). */
function walk(rows: number): BarSeries {
  let x = 7;
  const rnd = (): number => (x = (x * 1_103_515_245 + 12345) % 2_147_483_648) / 2_147_483_648;
  const cols = COLUMNS.map(() => new Float64Array(rows));
  let price = 250;
  for (let i = 0; i < rows; i++) {
    const close = Math.round(price * (1 + (rnd() - 0.5) / 500) * 100) / 100;
    cols[0]![i] = Date.UTC(2024, 0, 1) + i * 60_000;
    cols[1]![i] = price;
    cols[2]![i] = Math.max(price, close) + 0.01;
    cols[3]![i] = Math.min(price, close) - 0.01;
    cols[4]![i] = close;
    cols[5]![i] = Math.floor(rnd() * 1e7);
    price = close;
  }
  const [ts, open, high, low, close, volume] = cols as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  return new BarSeries('SPY', { ts, open, high, low, close, volume });
}

describe('readCsvBars', () => {
  it.each([
    ['1d', daily],
    ['1m', minutes],
  ] as const)('round-trips %s bars exactly', (tf: Timeframe, series) => {
    const file = tmp();
    writeCsvBars(file, tf, series);
    const got = readCsvBars(file, tf);
    expect(plain(got.series)).toEqual(plain(series));
    expect(got.hadTornTail).toBe(false);
  });

  it('round-trips a file larger than its 8 MiB read buffer', () => {
    const file = tmp();
    const series = walk(200_000);
    writeCsvBars(file, '1m', series);
    expect(readFileSync(file).length).toBeGreaterThan(8 * 1024 * 1024);
    expect(plain(readCsvBars(file, '1m').series)).toEqual(plain(series));
  });

  it('reads Windows line ends as before (CRLF)', () => {
    const file = tmp();
    writeCsvBars(file, '1d', daily);
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll('\n', '\r\n'));
    expect(plain(readCsvBars(file, '1d').series)).toEqual(plain(daily));
  });

  it('parses decimals exactly as Number() does, on the fast and the slow path', () => {
    let x = 99;
    const rnd = (): number => (x = (x * 1_103_515_245 + 12345) % 2_147_483_648) / 2_147_483_648;
    const texts = ['0', '-0', '1.', '.5', '-.5', '007.50', '1e5', '+3', ' 4', '0x1A', '.', '-', 'Infinity'];
    for (let i = 0; i < 20_000; i++) {
      const digits = 1 + Math.floor(rnd() * 20);
      let t = '';
      for (let k = 0; k < digits; k++) t += String(Math.floor(rnd() * 10));
      const dot = Math.floor(rnd() * (digits + 1));
      texts.push(
        `${rnd() < 0.2 ? '-' : ''}${t.slice(0, dot)}.${t.slice(dot)}`,
        String(rnd() * 10 ** Math.floor(rnd() * 12)),
      );
    }
    for (const t of texts) {
      const b = Buffer.from(`,${t},`, 'latin1');
      expect([t, parseDecimal(b, 1, b.length - 1)]).toEqual([t, Number(t)]);
    }
    expect(parseDecimal(Buffer.from(''), 0, 0)).toBeNaN();
    // The fused scan reads the same value up to its stop byte, or declines (end -1): never another value.
    const scanner = new DecimalScanner();
    let read = 0;
    for (const t of texts) {
      for (const [cell, stop] of [
        [`,${t},`, 0x2c],
        [`,${t}\n`, 0x0a],
      ] as const) {
        const b = Buffer.from(cell, 'latin1');
        const x = scanner.scan(b, 1, b.length, stop);
        if (scanner.end < 0) {
          expect(x).toBeNaN();
          continue;
        }
        read++;
        expect([t, scanner.end, x]).toEqual([t, b.length - 1, Number(t)]);
      }
    }
    expect(read).toBeGreaterThan(20_000);
    const torn = Buffer.from(',12.5', 'latin1');
    expect(scanner.scan(torn, 1, torn.length, 0x2c)).toBeNaN();
    expect(scanner.end).toBe(-1);
  });

  it('reports a missing file as not found', () => {
    expect(caught(() => readCsvBars(join(dir, 'none.csv'), '1d')).code).toBe('DATA_NOT_FOUND');
  });
});

describe('torn tails', () => {
  const bar = (i: number): Bar => ({
    symbol: 'AAPL',
    ts: dateToTs('2024-03-01') + i * 86_400_000,
    open: 1 + i,
    high: 2 + i,
    low: 0.5 + i,
    close: 1.5 + i,
    volume: 100 * i,
  });

  it('ignores a last line without newline on read, and the next append cuts it', () => {
    const file = tmp();
    appendCsvBars(file, '1d', [bar(0), bar(1)]);
    const clean = readFileSync(file, 'utf8');
    expect(clean.startsWith('symbol,date,')).toBe(true);
    appendFileSync(file, 'AAPL,2024-03-03,3,4,2.5'); // an append cut short by a crash
    const torn = readCsvBars(file, '1d');
    expect(torn.hadTornTail).toBe(true);
    expect(torn.series.length).toBe(2);
    appendCsvBars(file, '1d', [bar(2)]);
    expect(readFileSync(file, 'utf8')).toBe(`${clean}AAPL,2024-03-03,3,4,2.5,3.5,200\n`);
    const healed = readCsvBars(file, '1d');
    expect(healed.hadTornTail).toBe(false);
    expect(plain(healed.series)).toEqual(plain(BarSeries.fromBars('AAPL', [bar(0), bar(1), bar(2)])));
  });

  it('cutTornTail leaves a clean file alone and cuts back to the last newline', () => {
    const file = tmp();
    writeCsvBars(file, '1d', daily);
    const clean = readFileSync(file, 'utf8');
    expect(cutTornTail(file)).toBe(false);
    appendFileSync(file, 'AAPL,2024-03-0');
    expect(cutTornTail(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(clean);
  });
});

describe('malformed canonical files name file and line', () => {
  const write = (text: string): string => {
    const file = tmp();
    writeFileSync(file, text);
    return file;
  };
  const H = 'symbol,timestamp,open,high,low,close,volume\n';
  const ROW = 'SPY,2024-01-02T14:30:00Z,1,2,0.5,1.5,10\n';

  it('rejects a wrong header on line 1', () => {
    const file = write('symbol,time,open,high,low,close,volume\n' + ROW);
    const e = caught(() => readCsvBars(file, '1m'));
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toContain(`${file} line 1`);
    expect(e.context).toMatchObject({ file, row: 1 });
  });

  it.each([
    ['SPY,2024-01-02T14:31:00Z,1,2,0.5,1.5\n', 'expected 7 cells, found 6', undefined],
    ['SPY,2024-01-02T14:31:00Z,1,2,0.5,1.5,10,11\n', 'expected 7 cells, found 8', undefined],
    ['SPY,2024-01-02 14:31:00,1,2,0.5,1.5,10\n', 'bad time', 'timestamp'],
    ['SPY,2024-01-02T24:00:00Z,1,2,0.5,1.5,10\n', 'bad time', 'timestamp'],
    ['SPY,2023-02-29T14:31:00Z,1,2,0.5,1.5,10\n', 'bad time', 'timestamp'],
    ['SPY,2024-01-02T14:31:00Z,1,2,abc,1.5,10\n', 'not a number', undefined],
    ['SPY,2024-01-02T14:31:00Z,1,,0.5,1.5,10\n', 'not a number', undefined],
    ['SPY,2024-01-02T14:30:00Z,1,2,0.5,1.5,10\n', 'not after the previous row', undefined],
    ['\n', 'expected 7 cells, found 1', undefined],
  ])('rejects line 3 "%s"', (line, why, column) => {
    const file = write(H + ROW + line + ROW.replace('14:30', '14:59'));
    const e = caught(() => readCsvBars(file, '1m'));
    expect(e.message).toContain(`${file} line 3: `);
    expect(e.message).toContain(why);
    expect(e.context).toEqual({ file, row: 3, ...(column === undefined ? {} : { column }) });
  });

  it('rejects a bad daily date naming the date column', () => {
    const file = write('symbol,date,open,high,low,close,volume\nAAPL,2024-13-01,1,2,0.5,1.5,10\n');
    expect(caught(() => readCsvBars(file, '1d')).context).toEqual({ file, row: 2, column: 'date' });
  });

  it('rejects a line longer than the read buffer', () => {
    const file = write(H + 'x'.repeat(9 * 1024 * 1024) + '\n');
    expect(caught(() => readCsvBars(file, '1m')).message).toContain('line 2: expected 7 cells, found 1');
  });
});
