import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getCalendar } from '../../../src/calendar/index.js';
import { DEFAULTS } from '../../../src/config/schema.js';
import type { Timeframe } from '../../../src/core/enums.js';
import { dateToTs } from '../../../src/data/schema.js';
import {
  createSyntheticProvider,
  PAGE_SIZE,
  SYNTHETIC_UNIVERSE,
  SyntheticProvider,
} from '../../../src/venues/synthetic/index.js';
import { collect, expectDataProviderContract } from '../../contracts/data-provider.contract.js';
import { REPO } from '../../support/paths.js';
import { bars, isCents } from './support.js';

const provider = createSyntheticProvider({ config: DEFAULTS, env: {} });

describe('synthetic provider: the DataProvider contract', () => {
  it.each<[string, Timeframe, string, string]>([
    ['ZNTX', '1d', '2020-01-01', '2021-01-01'],
    ['ZNTX', '1h', '2024-01-01', '2024-02-01'],
    ['ZNTX', '1m', '2024-03-04', '2024-03-06'],
    ['QXC-USD', '1d', '2020-01-01', '2021-01-01'],
    ['QXC-USD', '1h', '2024-01-01', '2024-01-15'],
    ['QXC-USD', '1m', '2024-03-02', '2024-03-03'],
  ])('%s %s bars from %s to %s', async (symbol, timeframe, from, to) => {
    const got = await expectDataProviderContract(provider, {
      symbol,
      timeframe,
      start: dateToTs(from),
      end: dateToTs(to),
    });
    for (const b of got) {
      expect([b.open, b.high, b.low, b.close].every(isCents), `${b.ts}`).toBe(true);
      expect(Number.isInteger(b.volume)).toBe(true);
    }
  });

  it('is named synthetic and serves a default universe of 18 equities and 2 crypto pairs', () => {
    expect(provider.name).toBe('synthetic');
    const symbols = provider.defaultSymbols();
    expect(symbols).toHaveLength(20);
    expect(new Set(symbols).size).toBe(20);
    const calendars = symbols.map((s) => provider.instrument(s).calendar);
    expect(calendars.filter((c) => c === 'XNYS')).toHaveLength(18);
    expect(calendars.filter((c) => c === '24/7')).toHaveLength(2);
    const sectors = new Map<string, number>();
    for (const s of symbols.slice(0, 18))
      sectors.set(provider.spec(s).sector, (sectors.get(provider.spec(s).sector) ?? 0) + 1);
    expect(sectors.size).toBe(5);
    expect(Math.min(...sectors.values())).toBeGreaterThanOrEqual(3);
  });

  it('documents the default universe as it is defined (docs/providers/synthetic.md)', () => {
    const doc = readFileSync(join(REPO, 'docs', 'providers', 'synthetic.md'), 'utf8');
    for (const spec of SYNTHETIC_UNIVERSE) {
      const row = doc.split('\n').find((l) => l.startsWith(`| ${spec.symbol} `));
      const cells = (row ?? '').split('|').map((c) => c.trim().replaceAll(',', ''));
      expect(cells.slice(1, 8), spec.symbol).toEqual([
        spec.symbol,
        spec.name,
        spec.sector,
        spec.beta.toFixed(2),
        String(spec.basePrice),
        String(spec.baseVolume),
        spec.idioVol.toFixed(2),
      ]);
    }
  });

  it('maps its equities to XNYS and its crypto pairs to the 24/7 calendar', () => {
    expect(provider.instrument('ZNTX')).toMatchObject({ assetClass: 'equity', calendar: 'XNYS', tickSize: 0.01 });
    expect(provider.instrument('QXC-USD')).toMatchObject({ assetClass: 'crypto', calendar: '24/7', currency: 'USD' });
    expect(provider.instrument('zpr-usd')).toMatchObject({ symbol: 'zpr-usd', calendar: '24/7' });
  });

  it('serves no symbol outside its universe: invented bars for a typo would pass for data', async () => {
    expect(provider.serves?.('ZNTX')).toBe(true);
    expect(provider.serves?.('qxc-usd')).toBe(true);
    for (const symbol of ['ORCL', 'AAPL', 'ZNTY', 'FOO/USD', 'FOOUSDT'])
      expect(provider.serves?.(symbol), symbol).toBe(false);
    const refusal = { name: 'DataError', code: 'DATA_UNKNOWN_SYMBOL', exitCode: 3 };
    expect(() => provider.instrument('ZNTY')).toThrow(expect.objectContaining(refusal));
    expect(() => new SyntheticProvider().spec('ZNTY')).toThrow(/synthetic provider does not serve ZNTY/);
    await expect(
      collect(provider, {
        symbol: 'ZNTY',
        timeframe: '1d',
        start: dateToTs('2020-01-01'),
        end: dateToTs('2020-02-01'),
      }),
    ).rejects.toMatchObject(refusal);
    // The hint names the nearest universe symbol.
    expect(() => provider.instrument('ZNTY')).toThrow(
      expect.objectContaining({ hint: expect.stringMatching(/^did you mean "ZNTX"\? its universe: ZNTX, VXLY/) }),
    );
  });

  it('pages output in pages of at most 10,000 bars, all but the last full', async () => {
    // Sessions of 390 minutes (no early close in Feb-Mar 2024): 29 of them, 11,310 bars.
    const sessions = getCalendar('XNYS').sessionDates('2024-02-01', '2024-03-13');
    const { bars: got, pages } = await collect(provider, {
      symbol: 'VXLY',
      timeframe: '1m',
      start: dateToTs('2024-02-01'),
      end: dateToTs('2024-03-14'),
    });
    expect(PAGE_SIZE).toBe(10_000);
    expect(pages).toEqual([10_000, got.length - 10_000]);
    expect(got.length).toBe(sessions.length * 390);
  });

  it('honours [start, end) to the millisecond for intraday bars', async () => {
    const start = Date.parse('2024-03-05T15:00:00Z');
    const { bars: got } = await collect(provider, { symbol: 'ZNTX', timeframe: '1m', start, end: start + 3_600_000 });
    expect(got).toHaveLength(60);
    expect(got[0]?.ts).toBe(start);
    expect(got.at(-1)?.ts).toBe(start + 59 * 60_000);
    const { bars: daily } = await collect(provider, {
      symbol: 'ZNTX',
      timeframe: '1d',
      start: dateToTs('2024-03-05') + 1,
      end: dateToTs('2024-03-07') + 1,
    });
    expect(daily.map((b) => b.ts)).toEqual([dateToTs('2024-03-06'), dateToTs('2024-03-07')]);
  });

  it('serves only its span: XNYS from 2000-01-03, crypto from 2015-01-01, both to 2035-12-31', async () => {
    expect((await bars(provider, 'ZNTX', '1d', '1999-06-01', '2000-01-06')).map((b) => b.ts)).toEqual([
      dateToTs('2000-01-03'),
      dateToTs('2000-01-04'),
      dateToTs('2000-01-05'),
    ]);
    expect((await bars(provider, 'QXC-USD', '1d', '2014-12-30', '2015-01-03')).map((b) => b.ts)).toEqual([
      dateToTs('2015-01-01'),
      dateToTs('2015-01-02'),
    ]);
    expect((await bars(provider, 'ZNTX', '1d', '2035-12-28', '2036-06-01')).at(-1)?.ts).toBe(dateToTs('2035-12-31'));
    expect(await bars(provider, 'ZNTX', '1d', '2036-01-01', '2037-01-01')).toEqual([]);
    expect(await bars(provider, 'ZNTX', '1d', '2024-03-05', '2024-03-05')).toEqual([]);
  });

  it('rejects an unknown timeframe, a reversed range and a malformed symbol with usage errors', async () => {
    const base = { symbol: 'ZNTX', timeframe: '1d' as Timeframe, start: 0, end: dateToTs('2001-01-01') };
    await expect(collect(provider, { ...base, timeframe: '4h' as Timeframe })).rejects.toMatchObject({
      code: 'USAGE_INVALID_OPTION',
      hint: expect.stringContaining('1d, 1h, 15m, 5m, 1m'),
    });
    await expect(collect(provider, { ...base, start: base.end + 1 })).rejects.toMatchObject({
      code: 'USAGE_INVALID_RANGE',
    });
    await expect(collect(provider, { ...base, symbol: '' })).rejects.toMatchObject({ code: 'USAGE_INVALID_OPTION' });
    expect(() => provider.instrument('BAD SYMBOL')).toThrow(/not a valid symbol/);
    expect(() => new SyntheticProvider({ seed: 1.5 })).toThrow(/not an integer/);
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    controller.abort();
    const request = { symbol: 'ZNTX', timeframe: '1d' as Timeframe, start: 0, end: dateToTs('2001-01-01') };
    const iterate = async (): Promise<void> => {
      for await (const page of provider.fetchBars(request, { signal: controller.signal })) expect(page).toBeDefined();
    };
    await expect(iterate()).rejects.toMatchObject({ name: 'AbortError' });
  });
});
