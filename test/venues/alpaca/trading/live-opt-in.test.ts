import { describe, expect, it } from 'vitest';
import { DEFAULTS, type Config } from '../../../../src/config/schema.js';
import { UsageError } from '../../../../src/core/errors.js';
import { checkLiveOptIn } from '../../../../src/venues/alpaca/trading/live-opt-in.js';

const withPaper = (
  paper: boolean,
  url = paper ? 'https://paper-api.alpaca.markets' : 'https://api.alpaca.markets',
): Config => {
  const c = structuredClone(DEFAULTS);
  c.venues.alpaca.paper = paper;
  c.venues.alpaca.trading_url = url;
  return c;
};

describe('checkLiveOptIn', () => {
  it('trades the paper account by default, without the flag', () => {
    expect(DEFAULTS.venues.alpaca.paper).toBe(true);
    expect(checkLiveOptIn(DEFAULTS, false)).toBe('paper');
  });

  it('trades real money only with paper: false AND --confirm-live', () => {
    expect(checkLiveOptIn(withPaper(false), true)).toBe('live');
  });

  it.each([
    [false, false, '--confirm-live was not given'],
    [true, true, 'venues.alpaca.paper is true'],
  ])('refuses paper=%s with confirm=%s as a usage error (exit 2) naming both switches', (paper, confirm, why) => {
    let error: unknown;
    try {
      checkLiveOptIn(withPaper(paper), confirm);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    const e = error as UsageError;
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain('venues.alpaca.paper: false');
    expect(e.message).toContain('--confirm-live');
    expect(e.message).toContain(why);
    expect(e.context).toMatchObject({ key: 'venues.alpaca.paper', flag: '--confirm-live' });
    expect(e.hint).toMatch(/--confirm-live|venues\.alpaca\.paper/);
  });

  it("refuses Alpaca's real-money endpoint in paper mode, and its paper endpoint in live mode", () => {
    expect(() => checkLiveOptIn(withPaper(true, 'https://api.alpaca.markets'), false)).toThrow(
      "venues.alpaca.trading_url is Alpaca's real-money endpoint (https://api.alpaca.markets) but venues.alpaca.paper is true and --confirm-live was not given",
    );
    expect(() => checkLiveOptIn(withPaper(false, 'https://paper-api.alpaca.markets'), true)).toThrow(
      'venues.alpaca.trading_url is the paper endpoint',
    );
    // Any other host (a fake, a proxy) is the user's to choose.
    expect(checkLiveOptIn(withPaper(true, 'http://127.0.0.1:8080'), false)).toBe('paper');
    expect(checkLiveOptIn(withPaper(false, 'http://127.0.0.1:8080'), true)).toBe('live');
  });
});
