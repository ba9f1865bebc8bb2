import { describe, expect, it } from 'vitest';
import { DEFAULTS, loadConfig } from '../../../../src/config/index.js';
import { DataError } from '../../../../src/core/errors.js';
import { checkSymbol } from '../../../../src/core/symbol.js';
import { AlpacaLiveFeed } from '../../../../src/venues/alpaca/stream/index.js';
import { tempDir } from '../../../support/cli.js';
import { fakeContext } from '../support.js';

describe('venues.alpaca.stream_url', () => {
  it("defaults to Alpaca's market-data stream", () => {
    expect(DEFAULTS.venues.alpaca.stream_url).toBe('wss://stream.data.alpaca.markets');
    expect(loadConfig({ cwd: tempDir(), env: {} }).config.venues.alpaca.stream_url).toBe(
      'wss://stream.data.alpaca.markets',
    );
  });

  it('is set by MOMENTIC_VENUES__ALPACA__STREAM_URL', () => {
    const env = { MOMENTIC_VENUES__ALPACA__STREAM_URL: 'wss://stream.data.sandbox.alpaca.markets' };
    expect(loadConfig({ cwd: tempDir(), env }).config.venues.alpaca.stream_url).toBe(
      'wss://stream.data.sandbox.alpaca.markets',
    );
  });

  it('refuses a value that is not a URL, naming the key', () => {
    const env = { MOMENTIC_VENUES__ALPACA__STREAM_URL: 'not a url' };
    let error: unknown;
    try {
      loadConfig({ cwd: tempDir(), env });
    } catch (e) {
      error = e;
    }
    expect(error).not.toBeInstanceOf(DataError);
    expect(String((error as Error).message)).toContain('venues.alpaca.stream_url');
  });
});

describe('symbols as Alpaca writes them', () => {
  it('accepts BTC/USD and AAPL once each', () => {
    expect(checkSymbol('BTC/USD', { flag: '--symbols' })).toBe('BTC/USD');
    const { ctx } = fakeContext('http://127.0.0.1:1', { alpaca: { stream_url: 'ws://127.0.0.1:2/' } });
    const feed = new AlpacaLiveFeed(ctx, { symbols: ['AAPL', 'BTC/USD', 'AAPL'] });
    expect(feed.symbols).toEqual(['AAPL', 'BTC/USD']);
    expect(feed.name).toBe('alpaca');
  });
});
