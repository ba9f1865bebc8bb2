import { describe, expect, it } from 'vitest';
import { DataError } from '../../../src/core/errors.js';
import { dumpTimeToMs, inferDumpName, parseBinanceKlineCsv } from '../../../src/venues/binance/index.js';

// Small dumps written by hand in the layout of data.binance.vision kline files
// (12 columns: openTime,open,high,low,close,volume,closeTime,quoteVolume,trades,takerBuyBase,takerBuyQuote,ignore).
const MS_DAILY = [
  '1704067200000,42283.58000000,44184.10000000,42180.77000000,44179.55000000,27174.29903000,1704153599999,1169996158.52416640,1054474,13953.01042000,600799282.25458700,0',
  '1704153600000,44179.55000000,45879.63000000,44148.34000000,44946.91000000,65146.40661000,1704239999999,2944788927.51917960,2120570,32759.61874000,1480792216.04302120,0',
  '1704240000000,44946.91000000,45500.00000000,40750.00000000,42845.23000000,81194.55173000,1704326399999,3507037834.70127890,2339896,39132.59040000,1690785567.60286400,0',
].join('\n');

// From 2025-01-01 SPOT dumps carry microseconds (binance/binance-public-data README, issue #386).
const US_HOURLY = [
  '1735689600000000,93576.00000000,94509.42000000,93489.03000000,94401.14000000,755.99010000,1735693199999999,71123766.64006760,135155,394.43037000,37101889.63399340,0',
  '1735693200000000,94401.13000000,94685.00000000,94281.65000000,94536.10000000,525.16480000,1735696799999999,49607553.26118350,104880,290.28149000,27420346.44154930,0',
].join('\n');

const HEADER =
  'open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore';

describe('parseBinanceKlineCsv', () => {
  it('reads a millisecond daily dump with exact values and 00:00 UTC daily stamps', () => {
    const { bars, rejected } = parseBinanceKlineCsv(`${MS_DAILY}\n`, { symbol: 'BTCUSDT', timeframe: '1d' });
    expect(rejected).toEqual([]);
    expect(bars).toEqual([
      {
        symbol: 'BTCUSDT',
        ts: Date.UTC(2024, 0, 1),
        open: 42283.58,
        high: 44184.1,
        low: 42180.77,
        close: 44179.55,
        volume: 27174.29903,
      },
      {
        symbol: 'BTCUSDT',
        ts: Date.UTC(2024, 0, 2),
        open: 44179.55,
        high: 45879.63,
        low: 44148.34,
        close: 44946.91,
        volume: 65146.40661,
      },
      {
        symbol: 'BTCUSDT',
        ts: Date.UTC(2024, 0, 3),
        open: 44946.91,
        high: 45500,
        low: 40750,
        close: 42845.23,
        volume: 81194.55173,
      },
    ]);
  });

  it('converts microsecond timestamps (2025+ spot dumps) to milliseconds', () => {
    const { bars, rejected } = parseBinanceKlineCsv(US_HOURLY, {
      symbol: 'BTCUSDT',
      timeframe: '1h',
      file: 'BTCUSDT-1h-2025-01-01.csv',
    });
    expect(rejected).toEqual([]);
    expect(bars.map((b) => b.ts)).toEqual([Date.UTC(2025, 0, 1, 0), Date.UTC(2025, 0, 1, 1)]);
    expect(bars[1]).toEqual({
      symbol: 'BTCUSDT',
      ts: 1735693200000,
      open: 94401.13,
      high: 94685,
      low: 94281.65,
      close: 94536.1,
      volume: 525.1648,
    });
  });

  it('tells the unit of each row by magnitude, so ms and µs rows can follow each other', () => {
    const lastOf2024 =
      '1735686000000,93500.00000000,93600.00000000,93400.00000000,93576.00000000,10.00000000,1735689599999,935760.00000000,100,5.00000000,467880.00000000,0';
    const { bars, rejected } = parseBinanceKlineCsv(`${lastOf2024}\n${US_HOURLY}`, {
      symbol: 'BTCUSDT',
      timeframe: '1h',
    });
    expect(rejected).toEqual([]);
    expect(bars.map((b) => b.ts)).toEqual([
      Date.UTC(2024, 11, 31, 23),
      Date.UTC(2025, 0, 1, 0),
      Date.UTC(2025, 0, 1, 1),
    ]);
  });

  it('skips a header row and accepts CRLF line ends', () => {
    const text = `${HEADER}\r\n${MS_DAILY.replace(/\n/g, '\r\n')}\r\n`;
    const { bars, rejected } = parseBinanceKlineCsv(text, { symbol: 'BTCUSDT', timeframe: '1d' });
    expect(rejected).toEqual([]);
    expect(bars).toHaveLength(3);
    expect(bars[2]?.close).toBe(42845.23);
  });

  it('rejects bad rows with their 1-based line number and reason, and keeps the good ones', () => {
    const [good1, good2, good3] = MS_DAILY.split('\n') as [string, string, string];
    const lines = [
      HEADER, // row 1
      good1, // row 2
      '1704153600000,44179.55000000,45879.63000000,44148.34000000,44946.91000000', // row 3: 5 columns
      good2.replace('44946.91000000', 'abc'), // row 4: close not a number
      good2.replace('44148.34000000', '45900.00000000'), // row 5: low above high
      good1, // row 6: repeats 2024-01-01
      good2.replace('1704153600000', '1704153601000'), // row 7: not on the daily grid
      good2, // row 8
      good3.replace(',2339896,', ',12.5,'), // row 9: trades not an integer
      good3, // row 10
    ];
    const { bars, rejected } = parseBinanceKlineCsv(`${lines.join('\n')}\n\n`, { symbol: 'BTCUSDT', timeframe: '1d' });
    expect(bars.map((b) => b.ts)).toEqual([Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3)]);
    expect(rejected.map(({ row, reason }) => ({ row, reason }))).toEqual([
      { row: 3, reason: 'expected 12 columns, got 5' },
      { row: 4, reason: 'close "abc" is not a non-negative number' },
      { row: 5, reason: 'low 45900 is above min(open, close)' },
      { row: 6, reason: "open time 2024-01-01T00:00:00.000Z is not after the previous row's" },
      { row: 7, reason: 'open time 2024-01-02T00:00:01.000Z is not the start of a 1d kline' },
      { row: 9, reason: 'trades "12.5" is not a non-negative integer' },
    ]);
    expect(rejected[0]?.line).toBe(lines[2]);
  });

  it("rejects rows outside the period named by the file's name", () => {
    const feb1 =
      '1706745600000,42580.00000000,43285.13000000,41884.28000000,43082.94000000,47156.92000000,1706831999999,2017774419.86320000,1491429,23376.11741000,1000237702.56570000,0';
    const { bars, rejected } = parseBinanceKlineCsv(`${MS_DAILY}\n${feb1}\n`, {
      symbol: 'BTCUSDT',
      timeframe: '1d',
      file: '/downloads/BTCUSDT-1d-2024-01.csv',
    });
    expect(bars).toHaveLength(3);
    expect(rejected).toEqual([
      { row: 4, reason: "open time 2024-02-01T00:00:00.000Z is outside the file's period 2024-01", line: feb1 },
    ]);
  });

  it('refuses a file whose name says it holds another symbol or timeframe', () => {
    const run = (): unknown =>
      parseBinanceKlineCsv(MS_DAILY, { symbol: 'ETHUSDT', timeframe: '1d', file: 'BTCUSDT-1d-2024-01.csv' });
    expect(run).toThrow(DataError);
    expect(run).toThrow('dump BTCUSDT-1d-2024-01.csv holds BTCUSDT 1d klines, not ETHUSDT 1d');
    expect(() =>
      parseBinanceKlineCsv(MS_DAILY, { symbol: 'BTCUSDT', timeframe: '1h', file: 'BTCUSDT-1d-2024-01.csv' }),
    ).toThrow(/not BTCUSDT 1h/);
  });
});

describe('inferDumpName', () => {
  it('reads symbol, timeframe and period of monthly and daily dump names', () => {
    expect(inferDumpName('BTCUSDT-1m-2024-01.csv')).toEqual({ symbol: 'BTCUSDT', timeframe: '1m', period: '2024-01' });
    expect(inferDumpName('data/spot/daily/klines/ETHUSDT/1h/ETHUSDT-1h-2024-01-15.csv')).toEqual({
      symbol: 'ETHUSDT',
      timeframe: '1h',
      period: '2024-01-15',
    });
    expect(inferDumpName('BNBBTC-15m-2023-12.zip')).toEqual({ symbol: 'BNBBTC', timeframe: '15m', period: '2023-12' });
  });

  it('returns undefined for other names, unsupported intervals and impossible dates', () => {
    expect(inferDumpName('BTCUSDT-4h-2024-01.csv')).toBeUndefined();
    expect(inferDumpName('BTCUSDT-1s-2024-01.csv')).toBeUndefined();
    expect(inferDumpName('BTCUSDT-1d-2024-13.csv')).toBeUndefined();
    expect(inferDumpName('BTCUSDT-1d-2024-02-30.csv')).toBeUndefined();
    expect(inferDumpName('BTCUSDT-1d-2024-01.csv.CHECKSUM')).toBeUndefined();
    expect(inferDumpName('btcusdt.csv')).toBeUndefined();
  });
});

describe('dumpTimeToMs', () => {
  it('passes milliseconds through and divides microseconds by 1000', () => {
    expect(dumpTimeToMs('1704067200000')).toBe(1704067200000);
    expect(dumpTimeToMs('1735689600000000')).toBe(1735689600000);
    expect(dumpTimeToMs('1735693199999999')).toBe(1735693199999);
    expect(dumpTimeToMs('1.7e12')).toBeUndefined();
    expect(dumpTimeToMs('')).toBeUndefined();
  });
});
