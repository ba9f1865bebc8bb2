import { describe, expect, it } from 'vitest';
import { durationMs } from '../../src/core/duration.js';
import { ReplayClock } from '../../src/orchestration/replay-clock.js';

describe('ReplayClock', () => {
  it('at max speed follows bar time only', () => {
    let wall = 1_000;
    const c = new ReplayClock(500, 'max', () => wall);
    wall += 60_000;
    expect(c.now()).toBe(500);
    c.advanceTo(60_500);
    expect(c.now()).toBe(60_500);
    c.advanceTo(30_000);
    expect(c.now()).toBe(60_500);
  });

  it('at N times real time runs N times faster than the wall between bars, and never goes back', () => {
    let wall = 0;
    const c = new ReplayClock(1_000_000, 60, () => wall);
    wall = 500; // half a second of wall time: 30 s of replay time
    expect(c.now()).toBe(1_030_000);
    c.advanceTo(1_020_000); // a bar older than now: the clock keeps its time
    expect(c.now()).toBe(1_030_000);
    wall = 1_000;
    expect(c.now()).toBe(1_060_000);
    c.advanceTo(2_000_000);
    expect(c.now()).toBe(2_000_000);
  });
});

describe('durationMs', () => {
  it.each([
    ['90s', 90_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['1d', 86_400_000],
    ['1.5s', 1_500],
  ])('reads %s as %d ms', (text, ms) => expect(durationMs(text)).toBe(ms));

  it.each(['5x', '', '0s', 'm', '5', '-5s', '5 m', 's5'])('refuses %j', (text) =>
    expect(durationMs(text)).toBeUndefined(),
  );
});
