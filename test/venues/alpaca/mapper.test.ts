import { describe, expect, it } from 'vitest';
import {
  alpacaBarSchema,
  alpacaCryptoBarsResponseSchema,
  alpacaStockBarsResponseSchema,
  barTs,
  describeIssues,
  isCryptoSymbol,
  parseRfc3339,
  queryRange,
  toAlpacaTimeframe,
  toBars,
} from '../../../src/venues/alpaca/index.js';
import { utc } from './support.js';

const bar = (t: string, c = 10) => ({ t, o: 10, h: 11, l: 9, c, v: 100 });

describe('alpaca mapper', () => {
  it('names each canonical timeframe as the API does', () => {
    expect(['1m', '5m', '15m', '1h', '1d'].map((tf) => toAlpacaTimeframe(tf as '1m'))).toEqual([
      '1Min',
      '5Min',
      '15Min',
      '1Hour',
      '1Day',
    ]);
  });

  it('tells crypto pairs (with a slash) from stock tickers', () => {
    expect(isCryptoSymbol('BTC/USD')).toBe(true);
    expect(isCryptoSymbol('BRK.B')).toBe(false);
  });

  it('parses RFC-3339 with offsets and nanosecond fractions, and rejects other text', () => {
    expect(parseRfc3339('2021-02-01T16:01:00Z')).toBe(Date.UTC(2021, 1, 1, 16, 1));
    expect(parseRfc3339('2022-02-01T09:04:00.123456789Z')).toBe(Date.UTC(2022, 1, 1, 9, 4, 0, 123));
    expect(parseRfc3339('2024-01-03T00:00:00-05:00')).toBe(Date.UTC(2024, 0, 3, 5));
    for (const bad of ['2024-01-03', '2024-01-03 05:00:00Z', '2024-13-03T05:00:00Z', 'yesterday']) {
      expect(parseRfc3339(bad), bad).toBeUndefined();
    }
  });

  it('dates a daily stock bar in New York, whatever its UTC instant', () => {
    // The vendor stamps New York midnight: 05:00Z in winter, 04:00Z in summer.
    expect(barTs(bar('2024-01-03T05:00:00Z'), '1d', 'America/New_York')).toBe(utc('2024-01-03'));
    expect(barTs(bar('2024-07-01T04:00:00Z'), '1d', 'America/New_York')).toBe(utc('2024-07-01'));
    // 02:00Z on Jan 3 is still Jan 2 in New York (a UTC reading would say Jan 3).
    expect(barTs(bar('2024-01-03T02:00:00Z'), '1d', 'America/New_York')).toBe(utc('2024-01-02'));
  });

  it('dates a daily crypto bar in UTC, for both the current and the pre-2025 Chicago stamp', () => {
    expect(barTs(bar('2024-01-03T00:00:00Z'), '1d', 'UTC')).toBe(utc('2024-01-03'));
    expect(barTs(bar('2022-03-10T06:00:00Z'), '1d', 'UTC')).toBe(utc('2022-03-10'));
  });

  it('keeps an intraday bar at its start instant', () => {
    expect(barTs(bar('2024-01-03T14:30:00Z'), '1m', 'America/New_York')).toBe(utc('2024-01-03T14:30:00Z'));
  });

  it('keeps only bars with start <= ts < end, and maps null to no bars', () => {
    const request = {
      symbol: 'X',
      timeframe: '1h',
      timezone: 'UTC',
      start: utc('2024-01-03T01:00:00Z'),
      end: utc('2024-01-03T03:00:00Z'),
    } as const;
    const wire = ['00', '01', '02', '03'].map((h) => bar(`2024-01-03T${h}:00:00Z`, Number(h) + 1));
    expect(toBars(wire, request).map((b) => [b.ts, b.close])).toEqual([
      [utc('2024-01-03T01:00:00Z'), 2],
      [utc('2024-01-03T02:00:00Z'), 3],
    ]);
    expect(toBars(null, request)).toEqual([]);
  });

  it('asks for whole seconds up to the last second before the exclusive end', () => {
    expect(queryRange(utc('2024-01-01'), utc('2024-02-01'))).toEqual({
      start: '2024-01-01T00:00:00Z',
      end: '2024-01-31T23:59:59Z',
    });
    expect(queryRange(utc('2024-01-01T10:00:00.750Z'), utc('2024-01-01T11:00:00.500Z'))).toEqual({
      start: '2024-01-01T10:00:00Z',
      end: '2024-01-01T11:00:00Z',
    });
  });
});

describe('alpaca schemas', () => {
  it('accept the spec examples (stock BarsResponse, v1beta3 crypto bars keyed by pair)', () => {
    // getBarsStocks-example-1 of specs/alpaca/data/openapi.yaml
    const stock = {
      bars: [
        { t: '2021-02-01T16:01:00Z', o: 133.32, h: 133.74, l: 133.31, c: 133.5, v: 9876 },
        { t: '2021-02-01T16:02:00Z', o: 133.5, h: 133.58, l: 133.44, c: 133.58, v: 3567 },
      ],
      symbol: 'AAPL',
      next_page_token: 'MjAyMS0wMi0wMVQxNDowMjowMFo7MQ==',
    };
    expect(alpacaStockBarsResponseSchema.safeParse(stock).success).toBe(true);
    const crypto = {
      bars: {
        'BTC/USD': [
          {
            t: '2022-02-01T09:04:00Z',
            x: 'CBSE',
            o: 38702.54,
            h: 39013.58,
            l: 38702.54,
            c: 39013.58,
            v: 201.67087877,
            n: 2965,
            vw: 38889.65,
          },
        ],
      },
      next_page_token: null,
    };
    expect(alpacaCryptoBarsResponseSchema.safeParse(crypto).success).toBe(true);
  });

  it('reject wrong types and missing fields, saying where', () => {
    // Four faults (o, h, c, v): the first three are shown.
    const r = alpacaBarSchema.safeParse({ t: '2021-02-01T16:01:00Z', o: '1', h: '2', l: 1, v: -1 });
    expect(r.success).toBe(false);
    if (!r.success) {
      const text = describeIssues(r.error);
      expect(text).toContain('o: ');
      expect(text).toContain('h: ');
      expect(text).toContain('c: ');
      expect(text).not.toContain('v: ');
      expect(text).toContain('and 1 more');
    }
  });
});
