import { describe, expect, it } from 'vitest';
import { DEFAULTS, type Config } from '../../../../src/config/schema.js';
import { UsageError } from '../../../../src/core/errors.js';
import { checkLiveOptIn } from '../../../../src/venues/alpaca/trading/live-opt-in.js';

const withPaper = (paper: boolean): Config => {
  const c = structuredClone(DEFAULTS);
  c.venues.alpaca.paper = paper;
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
});
