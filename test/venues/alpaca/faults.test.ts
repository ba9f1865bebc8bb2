import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/core/logger.js';
import { VenueError } from '../../../src/core/errors.js';
import { createAlpacaProvider } from '../../../src/venues/alpaca/index.js';
import { collect } from '../../contracts/data-provider.contract.js';
import { FAKE_SECRET_KEY, startFakeAlpaca, type FakeAlpaca, type FakeAlpacaFault } from '../../fakes/alpaca/server.js';
import { collectUntilError, fakeContext, KEYS, utc } from './support.js';

let fake: FakeAlpaca | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(...faults: FakeAlpacaFault[]): Promise<FakeAlpaca> {
  fake = await startFakeAlpaca({ faults });
  return fake;
}

/** Jan 2-5 2024: four sessions. */
const WEEK = { symbol: 'AAPL', timeframe: '1d', start: utc('2024-01-01'), end: utc('2024-01-06') } as const;
const CRYPTO_DAY = { symbol: 'BTC/USD', timeframe: '1h', start: utc('2024-01-03'), end: utc('2024-01-04') } as const;

async function venueError(p: Promise<unknown>): Promise<VenueError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(VenueError);
  return e as VenueError;
}

describe('alpaca provider: transient failures are retried', () => {
  it('waits exactly the Retry-After of a 429, then succeeds', async () => {
    const f = await start({ kind: 'status', status: 429, headers: { 'retry-after': '7' } });
    const { ctx, sleeps } = fakeContext(f.url);
    const { bars } = await collect(createAlpacaProvider(ctx), WEEK);
    expect(bars).toHaveLength(4);
    expect(f.requests).toHaveLength(2);
    expect(sleeps).toEqual([7000]);
  });

  it('really waits about one second for Retry-After: 1', async () => {
    const f = await start({ kind: 'status', status: 429, headers: { 'retry-after': '1' } });
    const { ctx } = fakeContext(f.url, { fakeSleep: false });
    const t0 = performance.now();
    const { bars } = await collect(createAlpacaProvider(ctx), WEEK);
    const elapsed = performance.now() - t0;
    expect(bars).toHaveLength(4);
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(2500);
  });

  it('backs off after a 500, then succeeds', async () => {
    const f = await start({ kind: 'status', status: 500 });
    const { ctx, sleeps } = fakeContext(f.url, { http: { backoff_ms: 400 } });
    const { bars } = await collect(createAlpacaProvider(ctx), WEEK);
    expect(bars).toHaveLength(4);
    expect(f.requests).toHaveLength(2);
    // First backoff: half the base plus jitter up to the other half.
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(200);
    expect(sleeps[0]).toBeLessThanOrEqual(400);
  });

  it('gives up after the configured retries with a retryable VENUE_UNAVAILABLE', async () => {
    const f = await start(...Array.from({ length: 3 }, () => ({ kind: 'status' as const, status: 503 })));
    const { ctx, sleeps } = fakeContext(f.url, { http: { retries: 2 } });
    const e = await venueError(collect(createAlpacaProvider(ctx), WEEK));
    expect(e).toMatchObject({ code: 'VENUE_UNAVAILABLE', retryable: true, status: 503, exitCode: 4 });
    expect(f.requests).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it('reports VENUE_RATE_LIMITED when 429s outlast the retries', async () => {
    const f = await start(...Array.from({ length: 2 }, () => ({ kind: 'status' as const, status: 429 })));
    const { ctx } = fakeContext(f.url, { http: { retries: 1 } });
    const e = await venueError(collect(createAlpacaProvider(ctx), CRYPTO_DAY));
    expect(e).toMatchObject({ code: 'VENUE_RATE_LIMITED', retryable: true, status: 429 });
  });

  it('turns a response slower than http.timeout_ms into a retry that succeeds', async () => {
    const f = await start({ kind: 'delay', ms: 6000 });
    const { ctx, sleeps } = fakeContext(f.url, { http: { timeout_ms: 150 } });
    const { bars } = await collect(createAlpacaProvider(ctx), WEEK);
    expect(bars).toHaveLength(4);
    expect(f.requests).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
  });

  it('fails with a retryable VENUE_UNAVAILABLE naming the timeout when no retry is left', async () => {
    const f = await start({ kind: 'delay', ms: 1500 });
    const { ctx } = fakeContext(f.url, { http: { timeout_ms: 150, retries: 0 } });
    const t0 = performance.now();
    const e = await venueError(collect(createAlpacaProvider(ctx), WEEK));
    expect(performance.now() - t0).toBeLessThan(4000); // far below the 6 s the server would take
    expect(e).toMatchObject({ code: 'VENUE_UNAVAILABLE', retryable: true, exitCode: 4 });
    expect(e.message).toContain('did not answer within 150 ms');
    expect(e.hint).toContain('http.timeout_ms');
  });

  it('never logs the secret while retrying', async () => {
    const f = await start({ kind: 'status', status: 500 });
    const lines: string[] = [];
    const logger = await createLogger({ level: 'trace', write: (l) => lines.push(l) });
    const { ctx } = fakeContext(f.url);
    await collect(createAlpacaProvider({ ...ctx, logger }), WEEK);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(FAKE_SECRET_KEY);
  });
});

describe('alpaca provider: credentials', () => {
  const expectAuthError = (e: VenueError): void => {
    expect(e).toMatchObject({ code: 'VENUE_AUTH', exitCode: 4, retryable: false });
    expect(e.hint).toContain('APCA_API_KEY_ID');
    expect(e.hint).toContain('APCA_API_SECRET_KEY');
    for (const text of [e.message, e.hint, JSON.stringify(e.toJSON()), String(e)]) {
      expect(text).not.toContain(FAKE_SECRET_KEY);
      expect(text).not.toContain('wrong-secret-value');
    }
  };

  it('maps a 401 to VENUE_AUTH (exit 4) naming the variables, without retrying', async () => {
    const f = await start({ kind: 'status', status: 401 });
    const { ctx, sleeps } = fakeContext(f.url);
    const e = await venueError(collect(createAlpacaProvider(ctx), WEEK));
    expectAuthError(e);
    expect(e.status).toBe(401);
    expect(f.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('maps the 403 of wrong keys to VENUE_AUTH and keeps the secret out of the error', async () => {
    const f = await start();
    const { ctx } = fakeContext(f.url, { env: { ...KEYS, APCA_API_SECRET_KEY: 'wrong-secret-value' } });
    const e = await venueError(collect(createAlpacaProvider(ctx), WEEK));
    expectAuthError(e);
    expect(e.status).toBe(403);
    expect(f.requests[0]?.headers['apca-api-secret-key']).toBe('wrong-secret-value');
  });

  it('fails before any request when stock keys are missing', async () => {
    const f = await start();
    for (const env of [{}, { APCA_API_KEY_ID: KEYS.APCA_API_KEY_ID }, { ...KEYS, APCA_API_SECRET_KEY: '  ' }]) {
      const { ctx } = fakeContext(f.url, { env });
      const e = await venueError(collect(createAlpacaProvider(ctx), WEEK));
      expectAuthError(e);
      expect(e.message).toContain('APCA_API_SECRET_KEY');
    }
    expect(f.requests).toHaveLength(0);
  });
});

describe('alpaca provider: malformed payloads', () => {
  const good = { t: '2024-01-02T05:00:00Z', o: 1, h: 2, l: 0.5, c: 1.5, v: 10 };
  const cases: ReadonlyArray<readonly [string, unknown, string]> = [
    ['bars is not an array', { bars: 'none', symbol: 'AAPL', next_page_token: null }, 'bars'],
    ['a price is a string', { bars: [{ ...good, o: '1.00' }], symbol: 'AAPL', next_page_token: null }, 'bars.0.o'],
    [
      'a bar lacks its close',
      { bars: [good, { ...good, c: undefined }], symbol: 'AAPL', next_page_token: null },
      'bars.1.c',
    ],
    [
      'a time is not RFC-3339',
      { bars: [{ ...good, t: '02/01/2024' }], symbol: 'AAPL', next_page_token: null },
      'bars.0.t',
    ],
    ['the token field is missing', { bars: [good], symbol: 'AAPL' }, 'next_page_token'],
    ['the body is not an object', [good], '(root)'],
  ];
  for (const [what, body, where] of cases) {
    it(`rejects a stock page where ${what} as VENUE_BAD_RESPONSE naming the endpoint`, async () => {
      const f = await start({ kind: 'payload', body });
      const { ctx } = fakeContext(f.url);
      const { bars, error } = await collectUntilError(createAlpacaProvider(ctx), WEEK);
      expect(bars).toEqual([]);
      expect(error).toMatchObject({ code: 'VENUE_BAD_RESPONSE', exitCode: 4, retryable: false });
      expect((error as VenueError).message).toContain('/v2/stocks/AAPL/bars');
      expect((error as VenueError).message).toContain(where);
    });
  }

  it('yields the good pages before a malformed one and nothing from it', async () => {
    const f = await start({
      kind: 'payload',
      match: 'page_token',
      body: { bars: [good, 7], symbol: 'AAPL', next_page_token: null },
    });
    const { ctx } = fakeContext(f.url);
    const { bars, error } = await collectUntilError(createAlpacaProvider(ctx, { pageLimit: 2 }), WEEK);
    expect(bars.map((b) => b.ts)).toEqual([utc('2024-01-02'), utc('2024-01-03')]);
    expect(error).toMatchObject({ code: 'VENUE_BAD_RESPONSE' });
  });

  it('rejects a crypto page whose bars are not keyed by symbol', async () => {
    const f = await start({ kind: 'payload', body: { bars: [good], next_page_token: null } });
    const { ctx } = fakeContext(f.url, { env: {} });
    const { bars, error } = await collectUntilError(createAlpacaProvider(ctx), CRYPTO_DAY);
    expect(bars).toEqual([]);
    expect(error).toMatchObject({ code: 'VENUE_BAD_RESPONSE' });
    expect((error as VenueError).message).toContain('/v1beta3/crypto/us/bars');
  });

  it('rejects bars for another symbol and bars out of order', async () => {
    const f = await start(
      { kind: 'payload', body: { bars: [good], symbol: 'MSFT', next_page_token: null } },
      {
        kind: 'payload',
        body: { bars: [{ ...good, t: '2024-01-03T05:00:00Z' }, good], symbol: 'AAPL', next_page_token: null },
      },
    );
    const provider = createAlpacaProvider(fakeContext(f.url).ctx);
    const other = await collectUntilError(provider, WEEK);
    expect((other.error as VenueError).message).toContain('MSFT');
    const unordered = await collectUntilError(provider, WEEK);
    expect(unordered.bars).toEqual([]);
    expect((unordered.error as VenueError).message).toContain('out of order');
  });

  it('rejects a body that is not JSON', async () => {
    const f = await start({ kind: 'text', text: '<html>gateway</html>' });
    const e = await venueError(collect(createAlpacaProvider(fakeContext(f.url).ctx), WEEK));
    expect(e.code).toBe('VENUE_BAD_RESPONSE');
  });
});
