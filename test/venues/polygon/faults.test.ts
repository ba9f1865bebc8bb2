import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Bar } from '../../../src/core/bar.js';
import { VenueError } from '../../../src/core/errors.js';
import { createLogger } from '../../../src/core/logger.js';
import { SecretScrubber } from '../../../src/core/secrets.js';
import { collect } from '../../contracts/data-provider.contract.js';
import { createPolygonProvider } from '../../../src/venues/polygon/index.js';
import type { BarRequest, DataProvider } from '../../../src/engine/ports.js';
import { FAKE_POLYGON_KEY, startFakePolygon, type FakePolygon } from '../../fakes/polygon/server.js';
import { testContext } from './support.js';

let fake: FakePolygon | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await fake?.close();
  fake = undefined;
});

async function start(options: Parameters<typeof startFakePolygon>[0] = {}): Promise<FakePolygon> {
  fake = await startFakePolygon(options);
  return fake;
}

const JAN_2024: BarRequest = {
  symbol: 'AAPL',
  timeframe: '1d',
  start: Date.UTC(2024, 0, 1),
  end: Date.UTC(2024, 1, 1),
};
const SESSION_1M: BarRequest = {
  symbol: 'AAPL',
  timeframe: '1m',
  start: Date.UTC(2024, 0, 2, 14, 30),
  end: Date.UTC(2024, 0, 2, 21, 0),
};

/** The error a fetch ends with, and the bars yielded before it. */
async function failure(provider: DataProvider, request: BarRequest): Promise<{ error: VenueError; bars: Bar[] }> {
  const bars: Bar[] = [];
  try {
    for await (const page of provider.fetchBars(request)) bars.push(...page);
  } catch (e) {
    expect(e).toBeInstanceOf(VenueError);
    return { error: e as VenueError, bars };
  }
  throw new Error('expected the fetch to fail');
}

describe('polygon provider: transient failures', () => {
  it('waits the Retry-After of a 429 (7 s, through the injected sleep) and then succeeds', async () => {
    const f = await start({ script: [{ kind: 'status', status: 429, retryAfter: '7' }] });
    const { ctx, sleeps } = testContext(f.url);
    const { bars } = await collect(createPolygonProvider(ctx), JAN_2024);
    expect(bars).toHaveLength(21);
    expect(sleeps).toEqual([7000]);
    expect(f.requests).toHaveLength(2);
  });

  it('really waits about 1 s for Retry-After: 1', async () => {
    const f = await start({ script: [{ kind: 'status', status: 429, retryAfter: '1' }] });
    const { ctx } = testContext(f.url, { realSleep: true });
    const t0 = performance.now();
    const { bars } = await collect(createPolygonProvider(ctx), JAN_2024);
    const elapsed = performance.now() - t0;
    expect(bars).toHaveLength(21);
    expect(elapsed).toBeGreaterThanOrEqual(990);
    expect(elapsed).toBeLessThan(3000);
  });

  it('retries a 500 after a jittered backoff of 250..500 ms (http.backoff_ms 500) and then succeeds', async () => {
    const f = await start({ script: [{ kind: 'status', status: 500 }] });
    const { ctx, sleeps } = testContext(f.url);
    expect(ctx.config.http.backoff_ms).toBe(500);
    const { bars } = await collect(createPolygonProvider(ctx), JAN_2024);
    expect(bars).toHaveLength(21);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(250);
    expect(sleeps[0]).toBeLessThanOrEqual(500);
  });

  it('gives up after http.retries with a retryable VENUE_UNAVAILABLE naming the endpoint', async () => {
    const f = await start({ script: Array(3).fill({ kind: 'status', status: 503 }) });
    const { ctx } = testContext(f.url, { http: { retries: 2 } });
    const { error } = await failure(createPolygonProvider(ctx), JAN_2024);
    expect(error.code).toBe('VENUE_UNAVAILABLE');
    expect(error.retryable).toBe(true);
    expect(error.status).toBe(503);
    expect(error.message).toContain('/v2/aggs/ticker/AAPL/range/1/day/2024-01-01/2024-01-31');
    expect(f.requests).toHaveLength(3);
  });

  it('turns an answer slower than http.timeout_ms into a retryable VENUE_UNAVAILABLE', async () => {
    const f = await start({ script: [{ kind: 'slow', delayMs: 6000 }] });
    const { ctx } = testContext(f.url, { http: { timeout_ms: 150, retries: 0 } });
    const t0 = performance.now();
    const { error } = await failure(createPolygonProvider(ctx), JAN_2024);
    expect(performance.now() - t0).toBeLessThan(4000); // far below the 6 s the server would take
    expect(error.code).toBe('VENUE_UNAVAILABLE');
    expect(error.retryable).toBe(true);
    expect(error.exitCode).toBe(4);
    expect(error.message).toContain('150 ms');
  });

  it('retries after a timeout and then succeeds', async () => {
    const f = await start({ script: [{ kind: 'slow', delayMs: 2000 }] });
    const { ctx } = testContext(f.url, { http: { timeout_ms: 150, retries: 1 } });
    const { bars } = await collect(createPolygonProvider(ctx), JAN_2024);
    expect(bars).toHaveLength(21);
    expect(f.requests).toHaveLength(2);
  });
});

describe('polygon provider: credentials', () => {
  const WRONG_KEY = 'wrong-key-d41d8cd98f00b204';

  it('maps a 401 to VENUE_AUTH (exit 4) naming both variables, with the key nowhere in the error or any URL', async () => {
    const f = await start();
    const { ctx } = testContext(f.url, { env: { POLYGON_API_KEY: WRONG_KEY } });
    const { error } = await failure(createPolygonProvider(ctx), JAN_2024);
    expect(error.code).toBe('VENUE_AUTH');
    expect(error.exitCode).toBe(4);
    expect(error.retryable).toBe(false);
    expect(error.status).toBe(401);
    expect(error.hint).toContain('POLYGON_API_KEY');
    expect(error.hint).toContain('MASSIVE_API_KEY');
    for (const text of [error.message, error.hint, JSON.stringify(error.toJSON()), String(error), error.stack ?? '']) {
      expect(text).not.toContain(WRONG_KEY);
    }
    expect(f.requests).toHaveLength(1);
    expect(f.requests[0]?.headers.authorization).toBe(`Bearer ${WRONG_KEY}`);
  });

  it('never puts the key in a URL or a log line, also across pages and retries', async () => {
    const f = await start({ pageSize: 50, script: [null, { kind: 'status', status: 429, retryAfter: '0' }] });
    const lines: string[] = [];
    // An empty scrubber: the raw lines must not hold the key, masking or not.
    const logger = await createLogger({ write: (l) => lines.push(l), level: 'trace', scrubber: new SecretScrubber() });
    await collect(createPolygonProvider({ ...testContext(f.url).ctx, logger }), SESSION_1M);
    expect(lines.join('\n')).toContain('retrying');
    expect(lines.join('\n')).not.toContain(FAKE_POLYGON_KEY);
    expect(f.requests).toHaveLength(9);
    for (const r of f.requests) {
      expect(r.path).not.toContain(FAKE_POLYGON_KEY);
      expect(JSON.stringify(r.query)).not.toContain(FAKE_POLYGON_KEY);
      expect(r.query['apiKey']).toBeUndefined();
    }
  });

  it('maps a scripted 401 to VENUE_AUTH even with the right key', async () => {
    const f = await start({ script: [{ kind: 'unauthorized' }] });
    const { error } = await failure(createPolygonProvider(testContext(f.url).ctx), JAN_2024);
    expect(error.code).toBe('VENUE_AUTH');
    expect(JSON.stringify(error.toJSON())).not.toContain(FAKE_POLYGON_KEY);
  });

  it('fails with VENUE_AUTH before any request when neither variable is set', async () => {
    const f = await start();
    const { ctx } = testContext(f.url, { env: { POLYGON_API_KEY: '  ', MASSIVE_API_KEY: undefined } });
    const provider = createPolygonProvider(ctx);
    expect(provider.instrument('AAPL').symbol).toBe('AAPL');
    const { error } = await failure(provider, JAN_2024);
    expect(error.code).toBe('VENUE_AUTH');
    expect(error.exitCode).toBe(4);
    expect(error.message).toContain('POLYGON_API_KEY');
    expect(error.hint).toContain('MASSIVE_API_KEY');
    expect(f.requests).toHaveLength(0);
  });
});

describe('polygon provider: bad answers', () => {
  it('rejects a malformed page with VENUE_BAD_RESPONSE naming the endpoint; nothing of that page is yielded', async () => {
    const f = await start({ pageSize: 100, script: [null, { kind: 'malformed' }] });
    const { error, bars } = await failure(createPolygonProvider(testContext(f.url).ctx), SESSION_1M);
    expect(error.code).toBe('VENUE_BAD_RESPONSE');
    expect(error.exitCode).toBe(4);
    expect(error.message).toContain(`${f.url}/v2/aggs/ticker/AAPL/range/1/minute/`);
    expect(error.message).toContain('results.0.h');
    expect(bars).toHaveLength(100);
    expect(bars.at(-1)?.ts).toBe(Date.UTC(2024, 0, 2, 14, 30) + 99 * 60_000);
    expect(f.requests).toHaveLength(2);
  });

  it('rejects a body that is not JSON with VENUE_BAD_RESPONSE', async () => {
    const f = await start({ script: [{ kind: 'not-json' }] });
    const { error } = await failure(createPolygonProvider(testContext(f.url).ctx), JAN_2024);
    expect(error.code).toBe('VENUE_BAD_RESPONSE');
    expect(error.retryable).toBe(false);
  });

  it("turns status 'ERROR' in a 200 body into a VenueError carrying the vendor's words", async () => {
    const f = await start({ script: [{ kind: 'error-body', message: 'Could not find ticker' }] });
    const { error } = await failure(createPolygonProvider(testContext(f.url).ctx), JAN_2024);
    expect(error.code).toBe('VENUE_BAD_RESPONSE');
    expect(error.message).toContain('status ERROR');
    expect(error.message).toContain('Could not find ticker');
    expect(error.message).toContain('/v2/aggs/ticker/AAPL/range/1/day/');
  });

  it('refuses to follow a next_url to another origin (it would receive the key)', async () => {
    const f = await start({ pageSize: 5, nextUrlOrigin: 'http://127.0.0.2:9' });
    const { error, bars } = await failure(createPolygonProvider(testContext(f.url).ctx), JAN_2024);
    expect(error.code).toBe('VENUE_BAD_RESPONSE');
    expect(error.message).toContain('http://127.0.0.2:9');
    expect(bars).toHaveLength(5);
    expect(f.requests).toHaveLength(1);
  });
});

describe('polygon provider: client-side rate limit', () => {
  const sixPages = { pageSize: 5 } as const;
  const request: BarRequest = { ...JAN_2024, end: Date.UTC(2024, 1, 10) };

  /** Fakes only Date so the token bucket sees time pass exactly as the recorded sleeps say. */
  function virtualTime(): { sleeps: number[]; sleep: (ms: number) => Promise<void> } {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2024, 5, 1) });
    const sleeps: number[] = [];
    return {
      sleeps,
      sleep: async (ms) => {
        sleeps.push(ms);
        vi.setSystemTime(Date.now() + ms);
      },
    };
  }

  it('holds the 6th request 12 s at the free-plan 5 requests/minute', async () => {
    const f = await start(sixPages);
    const clock = virtualTime();
    const { ctx } = testContext(f.url, { sleep: clock.sleep });
    const { bars } = await collect(createPolygonProvider(ctx, { requestsPerMinute: 5 }), request);
    expect(f.requests).toHaveLength(6);
    expect(bars).toHaveLength(28);
    const waited = clock.sleeps.reduce((a, b) => a + b, 0);
    expect(waited).toBeGreaterThanOrEqual(12_000);
    expect(waited).toBeLessThanOrEqual(12_002);
  });

  it('does not wait for 6 requests at the default 100 requests/minute', async () => {
    const f = await start(sixPages);
    const clock = virtualTime();
    const { ctx } = testContext(f.url, { sleep: clock.sleep });
    await collect(createPolygonProvider(ctx), request);
    expect(f.requests).toHaveLength(6);
    expect(clock.sleeps).toEqual([]);
  });

  it('rejects a rate limit that is not a positive number', () => {
    const { ctx } = testContext('http://127.0.0.1:1');
    expect(() => createPolygonProvider(ctx, { requestsPerMinute: 0 })).toThrow(/requestsPerMinute/);
    expect(() => createPolygonProvider(ctx, { limit: 50_001 })).toThrow(/limit/);
  });
});
