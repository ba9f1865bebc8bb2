import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../../src/config/schema.js';
import { isMomenticError } from '../../../src/core/errors.js';
import { AlpacaReference, windows } from '../../../src/venues/alpaca/reference.js';
import type { ProviderContext } from '../../../src/venues/context.js';
import {
  FAKE_KEY_ID,
  FAKE_SECRET_KEY,
  startFakeAlpacaReference,
  type FakeAlpacaReference,
  type FakeAlpacaReferenceOptions,
} from '../../fakes/alpaca/reference-server.js';

// The spec's Assets example (trading/openapi.yaml) and Announcement example (broker/openapi.yaml).
const asset = (symbol: string, over: Record<string, unknown> = {}) => ({
  id: 'b0b6dd9d-8b9b-48a9-ba46-b9d54906e415',
  class: 'us_equity',
  exchange: 'NASDAQ',
  symbol,
  name: `${symbol} Inc. Common Stock`,
  status: 'active',
  tradable: true,
  marginable: true,
  shortable: true,
  easy_to_borrow: true,
  fractionable: true,
  ...over,
});
const announcement = (over: Record<string, unknown>) => ({
  id: 'bebc5ece-34be-47e9-b944-687e69a102be',
  corporate_action_id: '78467X109_AA22',
  ca_type: 'dividend',
  ca_sub_type: 'cash',
  initiating_symbol: 'DIA',
  initiating_original_cusip: '252787106',
  target_symbol: 'DIA',
  target_original_cusip: '252787106',
  declaration_date: '2021-12-19',
  ex_date: '2022-01-21',
  record_date: '2022-01-24',
  payable_date: '2022-02-14',
  cash: '0.2',
  old_rate: '1',
  new_rate: '1',
  ...over,
});

let fake: FakeAlpacaReference | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(options: FakeAlpacaReferenceOptions) {
  fake = await startFakeAlpacaReference(options);
  const config = structuredClone(DEFAULTS);
  config.venues.alpaca.trading_url = fake.url;
  config.http.retries = 3;
  const sleeps: number[] = [];
  const ctx: ProviderContext = {
    config,
    env: { APCA_API_KEY_ID: FAKE_KEY_ID, APCA_API_SECRET_KEY: FAKE_SECRET_KEY },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  };
  return { fake, ref: new AlpacaReference(ctx, { today: () => '2026-12-07' }), sleeps };
}

describe('AlpacaReference', () => {
  it('keeps the asked symbols of the asset list, stamped today, and names the ones Alpaca lacks', async () => {
    const { ref } = await start({
      assets: [
        asset('AAPL'),
        asset('GME', { shortable: false, easy_to_borrow: false, exchange: 'NYSE' }),
        asset('MSFT'),
      ],
    });
    const batch = await ref.assets(['GME', 'AAPL', 'ZZZZ'], '2020-01-02');
    expect(batch.records.map((r) => [r.symbol, r.asOf, r.exchange, r.shortable, r.easyToBorrow])).toEqual([
      ['AAPL', '2026-12-07', 'NASDAQ', true, true],
      ['GME', '2026-12-07', 'NYSE', false, false],
    ]);
    expect(batch.rejected).toEqual([expect.objectContaining({ raw: 'ZZZZ', reason: 'alpaca lists no asset ZZZZ' })]);
  });

  it('quarantines a malformed asset and keeps the good ones', async () => {
    const { ref } = await start({ assets: [asset('AAPL'), asset('BAD', { shortable: 'yes' })] });
    const batch = await ref.assets(['AAPL', 'BAD'], '2026-12-07');
    expect(batch.records.map((r) => r.symbol)).toEqual(['AAPL']);
    expect(batch.rejected).toEqual([expect.objectContaining({ reason: expect.stringContaining('shortable') })]);
  });

  it('maps cash dividends, splits (new_rate / old_rate) and a recapitalization into a new symbol', async () => {
    const { ref } = await start({
      announcements: [
        announcement({}),
        announcement({
          id: 's1',
          ca_type: 'split',
          ca_sub_type: 'stock_split',
          initiating_symbol: 'NVDA',
          ex_date: '2022-02-10',
          cash: null,
          old_rate: '1',
          new_rate: '4',
        }),
        announcement({
          id: 's2',
          ca_type: 'split',
          ca_sub_type: 'reverse_split',
          initiating_symbol: 'XYZ',
          ex_date: '2022-03-01',
          cash: null,
          old_rate: '10',
          new_rate: '1',
        }),
        announcement({
          id: 'r1',
          ca_type: 'split',
          ca_sub_type: 'recapitalization',
          initiating_symbol: 'FB',
          target_symbol: 'META',
          ex_date: '2022-03-02',
          cash: null,
        }),
        announcement({ id: 'x1', ca_sub_type: 'stock', initiating_symbol: 'DIA', ex_date: '2022-01-25' }),
      ],
    });
    const batch = await ref.corporateActions(['DIA', 'NVDA', 'XYZ', 'FB'], '2022-01-01', '2022-03-31');
    const got = batch.records.map((r) => [r.symbol, r.type, r.exDate, r.ratio, r.cashAmount, r.newSymbol]);
    expect(got).toEqual([
      ['DIA', 'dividend', '2022-01-21', NaN, 0.2, ''],
      ['NVDA', 'split', '2022-02-10', 4, NaN, ''],
      ['XYZ', 'split', '2022-03-01', 0.1, NaN, ''],
      ['FB', 'symbol_change', '2022-03-02', NaN, NaN, 'META'],
    ]);
    expect(batch.rejected).toEqual([]);
  });

  it('asks in windows of at most 90 days (the endpoint refuses wider ones)', async () => {
    // 2022-01-01..2022-12-31 is 365 days: 90 + 90 + 90 + 90 + 5.
    expect(windows('2022-01-01', '2022-12-31')).toEqual([
      ['2022-01-01', '2022-03-31'],
      ['2022-04-01', '2022-06-29'],
      ['2022-06-30', '2022-09-27'],
      ['2022-09-28', '2022-12-26'],
      ['2022-12-27', '2022-12-31'],
    ]);
    const { ref, fake } = await start({ announcements: [announcement({ ex_date: '2022-11-01' })] });
    const batch = await ref.corporateActions(['DIA'], '2022-01-01', '2022-12-31');
    expect(batch.records.map((r) => r.exDate)).toEqual(['2022-11-01']);
    expect(fake.requests).toHaveLength(5);
  });

  it('retries a 429 after Retry-After and a 500, and quarantines a dividend without cash', async () => {
    const { ref, sleeps } = await start({
      announcements: [announcement({}), announcement({ id: 'bad', ex_date: '2022-01-28', cash: 'n/a' })],
      faults: [
        { kind: 'status', status: 429, headers: { 'retry-after': '3' } },
        { kind: 'status', status: 500 },
      ],
    });
    const batch = await ref.corporateActions(['DIA'], '2022-01-01', '2022-02-28');
    expect(sleeps[0]).toBe(3000);
    expect(sleeps).toHaveLength(2);
    expect(batch.records.map((r) => r.exDate)).toEqual(['2022-01-21']);
    expect(batch.rejected).toEqual([expect.objectContaining({ reason: expect.stringContaining('cash') })]);
  });

  it('refuses an answer that is not a list as a venue error (exit 4)', async () => {
    const { ref } = await start({ faults: [{ kind: 'payload', body: { assets: [] } }] });
    const err = await ref.assets(['AAPL'], '2026-12-07').catch((e: unknown) => e);
    expect(isMomenticError(err) && err.code).toBe('VENUE_BAD_RESPONSE');
    expect(isMomenticError(err) && err.exitCode).toBe(4);
  });
});
