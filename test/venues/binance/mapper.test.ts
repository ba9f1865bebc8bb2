import { describe, expect, it } from 'vitest';
import {
  barFromKline,
  klineProblem,
  parseBinanceKlines,
  quoteAssetOf,
  toBinanceSymbol,
  type BinanceKline,
} from '../../../src/venues/binance/index.js';

/** The example row of `/api/v3/klines` in ../shared/specs/binance/spot_api.yaml. */
const SPEC_EXAMPLE = [
  1499040000000,
  '0.01634790',
  '0.80000000',
  '0.01575800',
  '0.01577100',
  '148976.11427815',
  1499644799999,
  '2434.19055334',
  308,
  '1756.87402397',
  '28.46694368',
  '17928899.62484339',
];

function problemOf(body: unknown): string {
  const r = parseBinanceKlines(body);
  return r.ok ? 'parsed' : r.problem;
}

describe('parseBinanceKlines (wire schema)', () => {
  it('parses the spec example row field by field from its strings', () => {
    const r = parseBinanceKlines([SPEC_EXAMPLE]);
    expect(r).toEqual({
      ok: true,
      klines: [
        {
          openTime: 1499040000000,
          open: 0.0163479,
          high: 0.8,
          low: 0.015758,
          close: 0.015771,
          volume: 148976.11427815,
          closeTime: 1499644799999,
          quoteVolume: 2434.19055334,
          trades: 308,
          takerBuyBase: 1756.87402397,
          takerBuyQuote: 28.46694368,
        },
      ],
    });
  });

  it('tolerates extra trailing fields but rejects a short row, naming it', () => {
    expect(parseBinanceKlines([[...SPEC_EXAMPLE, 'new-field']]).ok).toBe(true);
    expect(parseBinanceKlines([SPEC_EXAMPLE, SPEC_EXAMPLE.slice(0, 5)])).toEqual({
      ok: false,
      problem: 'row 2 has 5 fields, expected 12',
    });
  });

  it('names the field of a price that is not a decimal string', () => {
    const row = [...SPEC_EXAMPLE];
    row[4] = 'abc';
    expect(problemOf([row])).toMatch(/^row 1 field close \("abc"\): /);
    const numeric = [...SPEC_EXAMPLE];
    numeric[2] = 0.8; // a JSON number where Binance sends a string
    expect(problemOf([SPEC_EXAMPLE, numeric])).toMatch(/^row 2 field high \(0.8\): /);
  });

  it('reports Binance error bodies and non-array bodies as problems', () => {
    expect(parseBinanceKlines({ code: -1121, msg: 'Invalid symbol.' })).toEqual({
      ok: false,
      problem: 'error -1121: Invalid symbol.',
    });
    expect(parseBinanceKlines({ rows: [] })).toEqual({
      ok: false,
      problem: 'expected an array of klines, got an object',
    });
    expect(parseBinanceKlines([null])).toEqual({ ok: false, problem: 'row 1 is null, not an array' });
  });

  it('accepts an empty page', () => {
    expect(parseBinanceKlines([])).toEqual({ ok: true, klines: [] });
  });
});

describe('Binance mapper', () => {
  const kline = (over: Partial<BinanceKline> = {}): BinanceKline => ({
    openTime: Date.UTC(2024, 0, 2, 13, 0),
    open: 42000.5,
    high: 42100,
    low: 41900.25,
    close: 42050,
    volume: 12.5,
    closeTime: Date.UTC(2024, 0, 2, 14, 0) - 1,
    quoteVolume: 525000,
    trades: 100,
    takerBuyBase: 6,
    takerBuyQuote: 252000,
    ...over,
  });

  it('maps a kline to a bar: intraday ts is the open time, volume is the base volume', () => {
    expect(barFromKline(kline(), 'BTCUSDT', '1h')).toEqual({
      symbol: 'BTCUSDT',
      ts: Date.UTC(2024, 0, 2, 13, 0),
      open: 42000.5,
      high: 42100,
      low: 41900.25,
      close: 42050,
      volume: 12.5,
    });
  });

  it('stamps a daily bar with the UTC date of its open time at 00:00 UTC', () => {
    const k = kline({ openTime: Date.UTC(2024, 0, 2), closeTime: Date.UTC(2024, 0, 3) - 1 });
    expect(barFromKline(k, 'BTC/USDT', '1d').ts).toBe(Date.UTC(2024, 0, 2));
    expect(barFromKline(k, 'BTC/USDT', '1d').symbol).toBe('BTC/USDT');
  });

  it('finds broken OHLC', () => {
    expect(klineProblem(kline())).toBeUndefined();
    expect(klineProblem(kline({ high: 42000 }))).toBe('high 42000 is below max(open, close)');
    expect(klineProblem(kline({ low: 42001 }))).toBe('low 42001 is above min(open, close)');
    expect(klineProblem(kline({ open: 0 }))).toBe('prices must be positive');
  });

  it('tells the quote asset of a pair, longest match first', () => {
    expect(quoteAssetOf('BTCUSDT')).toBe('USDT');
    expect(quoteAssetOf('ETHBTC')).toBe('BTC');
    expect(quoteAssetOf('FDUSDUSDT')).toBe('USDT');
    expect(quoteAssetOf('BTCFDUSD')).toBe('FDUSD');
    expect(quoteAssetOf('BTCTUSD')).toBe('TUSD');
    expect(quoteAssetOf('USDTTRY')).toBe('TRY');
    expect(quoteAssetOf('eth/eur')).toBe('EUR');
    expect(quoteAssetOf('ABC/XYZ')).toBe('XYZ');
    expect(quoteAssetOf('USDT')).toBeUndefined();
    expect(quoteAssetOf('FOOBAR')).toBeUndefined();
  });

  it('writes symbols the way Binance expects them', () => {
    expect(toBinanceSymbol('btc/usdt')).toBe('BTCUSDT');
    expect(toBinanceSymbol('ETH-BTC')).toBe('ETHBTC');
    expect(toBinanceSymbol('BNBBTC')).toBe('BNBBTC');
  });
});
