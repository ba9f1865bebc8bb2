import { afterEach, describe, expect, it } from 'vitest';
import { isMomenticError } from '../../../src/core/errors.js';
import { PolygonReference } from '../../../src/venues/polygon/reference.js';
import { startFakePolygon, type FakePolygon, type FakePolygonOptions } from '../../fakes/polygon/server.js';
import { testContext } from './support.js';

// Shapes from the spec's examples (rest.json `/v3/reference/tickers/{ticker}`, `/v3/reference/dividends`).
const AAPL = {
  ticker: 'AAPL',
  name: 'Apple Inc.',
  market: 'stocks',
  locale: 'us',
  active: true,
  currency_name: 'usd',
  primary_exchange: 'XNAS',
  market_cap: 2771126040150,
  list_date: '1980-12-12',
};
const GONE = {
  ticker: 'GONE',
  name: 'Gone Corp',
  market: 'stocks',
  locale: 'us',
  active: false,
  primary_exchange: 'XNYS',
  list_date: '2001-05-01',
  delisted_utc: '2023-03-17T00:00:00Z',
};
const split = (ticker: string, date: string, to: number, from: number) => ({
  id: `S-${ticker}-${date}`,
  ticker,
  execution_date: date,
  split_to: to,
  split_from: from,
});
const dividend = (ticker: string, ex: string, cash: unknown) => ({
  id: `D-${ticker}-${ex}`,
  ticker,
  cash_amount: cash,
  currency: 'USD',
  dividend_type: 'CD',
  ex_dividend_date: ex,
  record_date: ex,
  pay_date: ex,
  frequency: 4,
});

let fake: FakePolygon | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(options: FakePolygonOptions) {
  fake = await startFakePolygon(options);
  const t = testContext(fake.url, { http: { retries: 3 } });
  return { fake, ref: new PolygonReference(t.ctx), sleeps: t.sleeps };
}

describe('PolygonReference', () => {
  it('maps ticker details as of the day asked, with the date sent to the vendor', async () => {
    const { ref, fake } = await start({ reference: { tickers: { AAPL, GONE } } });
    const batch = await ref.assets(['AAPL', 'GONE', 'NOPE'], '2024-06-03');
    expect(fake.requests.map((r) => r.query['date'])).toEqual(['2024-06-03', '2024-06-03', '2024-06-03']);
    expect(batch.records).toEqual([
      expect.objectContaining({
        symbol: 'AAPL',
        asOf: '2024-06-03',
        exchange: 'NASDAQ',
        status: 'active',
        tradable: true,
      }),
      expect.objectContaining({ symbol: 'GONE', status: 'inactive', tradable: false, delistDate: '2023-03-17' }),
    ]);
    expect(batch.records[0]?.marketCap).toBe(2771126040150);
    expect(batch.records[0]?.listDate).toBe('1980-12-12');
    expect(Number.isNaN(batch.records[1]?.marketCap)).toBe(true);
    // Polygon says nothing about borrow: the cautious answer.
    expect(batch.records[0]?.shortable).toBe(false);
    expect(batch.rejected).toEqual([
      expect.objectContaining({ raw: 'NOPE', reason: expect.stringContaining('no ticker NOPE') }),
    ]);
  });

  it('follows next_url pages of splits and dividends and keeps only the window asked', async () => {
    const splits = [
      split('AAPL', '2020-08-31', 4, 1),
      split('AAPL', '2014-06-09', 7, 1),
      split('AAPL', '2005-02-28', 2, 1),
    ];
    const dividends = Array.from({ length: 25 }, (_, i) =>
      dividend(
        'AAPL',
        `2019-${String((i % 12) + 1).padStart(2, '0')}-${String(10 + Math.floor(i / 12)).padStart(2, '0')}`,
        0.2,
      ),
    );
    const { ref, fake } = await start({ reference: { splits, dividends } });
    const batch = await ref.corporateActions(['AAPL'], '2010-01-01', '2024-12-31');
    const got = batch.records.filter((r) => r.type === 'split').map((r) => [r.exDate, r.ratio]);
    expect(got).toEqual([
      ['2020-08-31', 4],
      ['2014-06-09', 7],
    ]);
    expect(batch.records.filter((r) => r.type === 'dividend')).toHaveLength(25);
    // limit 1000 per page from the adapter; the fake pages by it, so one page each here.
    expect(fake.requests.map((r) => r.path)).toEqual(['/v3/reference/splits', '/v3/reference/dividends']);
  });

  it('follows next_url across pages when the vendor pages small', async () => {
    const dividends = Array.from({ length: 5 }, (_, i) => dividend('KO', `2020-0${i + 1}-15`, 0.41));
    const { ref, fake } = await start({ reference: { dividends }, pageSize: 2 });
    const batch = await ref.corporateActions(['KO'], '2020-01-01', '2020-12-31');
    expect(batch.records.map((r) => r.exDate)).toEqual(dividends.map((d) => d.ex_dividend_date));
    // 5 records by 2: pages at offsets 0, 2, 4, the last two reached through next_url cursors.
    const pages = fake.requests.filter((r) => r.path.endsWith('dividends'));
    expect(pages.map((r) => r.query['cursor'])).toEqual([undefined, '2', '4']);
  });

  it('retries a 429 after its Retry-After and a 503 with backoff, then answers', async () => {
    const { ref, sleeps } = await start({
      reference: { tickers: { AAPL } },
      script: [
        { kind: 'status', status: 429, retryAfter: '2' },
        { kind: 'status', status: 503 },
      ],
    });
    const batch = await ref.assets(['AAPL'], '2024-06-03');
    expect(batch.records).toHaveLength(1);
    expect(sleeps[0]).toBe(2000);
    expect(sleeps).toHaveLength(2);
  });

  it('refuses a malformed envelope as a venue error (exit 4) and quarantines a malformed record', async () => {
    const { ref } = await start({ reference: { splits: [] }, script: [{ kind: 'malformed' }] });
    const err = await ref.corporateActions(['AAPL'], '2020-01-01', '2020-12-31').catch((e: unknown) => e);
    expect(isMomenticError(err) && err.code).toBe('VENUE_BAD_RESPONSE');
    expect(isMomenticError(err) && err.exitCode).toBe(4);
    await fake?.close();
    const good = dividend('AAPL', '2020-05-08', 0.82);
    const bad = dividend('AAPL', '2020-08-07', '0.82');
    const next = await start({ reference: { dividends: [good, bad] } });
    const batch = await next.ref.corporateActions(['AAPL'], '2020-01-01', '2020-12-31');
    expect(batch.records.map((r) => [r.exDate, r.cashAmount])).toEqual([['2020-05-08', 0.82]]);
    expect(batch.rejected).toEqual([
      expect.objectContaining({ where: 'GET /v3/reference/dividends', reason: expect.stringContaining('cash_amount') }),
    ]);
  });
});
