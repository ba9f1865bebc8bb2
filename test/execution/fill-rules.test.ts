import { describe, expect, it } from 'vitest';
import { roundToTick } from '../../src/core/instrument.js';
import {
  auctionPrice,
  executionPrice,
  limitFillPrice,
  stopFillPrice,
  stopLimitTriggerBarPrice,
  trailingStopPrice,
} from '../../src/execution/fill-rules.js';
import { ceilToTick, floorToTick, roundPassive, roundToStep } from '../../src/core/rounding.js';

describe('limit fill rule', () => {
  it('fills a buy at the limit when the low reaches it, at the open when the bar opens below it', () => {
    // low 9.90 <= 10 and open 10.50 above: the price came down to the limit
    expect(limitFillPrice('buy', 10, 10.5, 10.8, 9.9)).toBe(10);
    // gap below the limit: open 9.50 is already better than 10
    expect(limitFillPrice('buy', 10, 9.5, 9.8, 9.2)).toBe(9.5);
    // low exactly at the limit counts (low <= limit)
    expect(limitFillPrice('buy', 10, 10.5, 10.8, 10)).toBe(10);
    expect(limitFillPrice('buy', 10, 10.5, 10.8, 10.01)).toBeNaN();
  });

  it('mirrors for sells: high >= limit, at the open when gapping above', () => {
    expect(limitFillPrice('sell', 12, 11.5, 12.2, 11.4)).toBe(12);
    expect(limitFillPrice('sell', 12, 12.5, 12.7, 12.3)).toBe(12.5);
    expect(limitFillPrice('sell', 12, 11.5, 11.99, 11.4)).toBeNaN();
  });
});

describe('stop fill rule', () => {
  it('fills a buy stop at the stop when the high reaches it, at the open when gapping through', () => {
    expect(stopFillPrice('buy', 11, 10.5, 11.3, 10.4)).toBe(11);
    expect(stopFillPrice('buy', 11, 11.4, 11.6, 11.2)).toBe(11.4);
    expect(stopFillPrice('buy', 11, 10.5, 10.99, 10.4)).toBeNaN();
  });

  it('fills a sell stop at the stop or at a lower open', () => {
    expect(stopFillPrice('sell', 9, 9.5, 9.7, 8.8)).toBe(9);
    expect(stopFillPrice('sell', 9, 8.7, 8.9, 8.5)).toBe(8.7);
    expect(stopFillPrice('sell', 9, 9.5, 9.7, 9.01)).toBeNaN();
  });
});

describe('stop-limit on its trigger bar', () => {
  it('fills at the stop when triggered inside the bar and the stop is within the limit', () => {
    // buy stop 11 limit 11.20: open 10.50 < 11 <= high 11.30 -> triggered at 11, within 11.20
    expect(stopLimitTriggerBarPrice('buy', 11, 11.2, 10.5, 11.3, 10.4)).toBe(11);
  });

  it('acts as a limit for the whole bar when the open gaps through the stop', () => {
    // open 11.10 >= stop, <= limit: fills at the open
    expect(stopLimitTriggerBarPrice('buy', 11, 11.2, 11.1, 11.5, 11.0)).toBe(11.1);
    // open 11.50 above the limit, the bar later trades down to 11.15 <= 11.20: fills at the limit
    expect(stopLimitTriggerBarPrice('buy', 11, 11.2, 11.5, 11.6, 11.15)).toBe(11.2);
    // never back under the limit
    expect(stopLimitTriggerBarPrice('buy', 11, 11.2, 11.5, 11.6, 11.3)).toBeNaN();
  });

  it('does not fill when the limit lies beyond the intrabar trigger (path unknown)', () => {
    // buy stop 11 limit 10.90: the low 10.40 may have come before the trigger
    expect(stopLimitTriggerBarPrice('buy', 11, 10.9, 10.5, 11.3, 10.4)).toBeNaN();
    // sell stop 9 limit 8.90: triggered inside the bar at 9 >= 8.90 -> fills at 9
    expect(stopLimitTriggerBarPrice('sell', 9, 8.9, 9.5, 9.6, 8.5)).toBe(9);
  });
});

describe('auction and trailing prices', () => {
  it('gives the auction print when it satisfies the limit (NaN limit: market)', () => {
    expect(auctionPrice('buy', NaN, 10.8)).toBe(10.8);
    expect(auctionPrice('buy', 10.5, 10.8)).toBeNaN();
    expect(auctionPrice('sell', 10.5, 10.8)).toBe(10.8);
  });

  it('trails a sell below the best price and a buy above it, by amount or percent', () => {
    expect(trailingStopPrice('sell', 11.5, 1, NaN)).toBe(10.5);
    expect(trailingStopPrice('buy', 95, NaN, 5)).toBeCloseTo(99.75, 12); // 95 x 1.05
    expect(trailingStopPrice('sell', 200, NaN, 2.5)).toBe(195); // 200 x (1 - 0.025)
  });
});

describe('tick rounding', () => {
  it('rounds up and down to the tick, leaving on-grid prices alone', () => {
    expect(ceilToTick(50.035, 0.01)).toBe(50.04);
    expect(floorToTick(49.965, 0.01)).toBe(49.96);
    expect(ceilToTick(98.7, 0.01)).toBe(98.7); // 98.7 / 0.01 = 9870.000000000002 in floats
    expect(floorToTick(0.3, 0.1)).toBe(0.3); // 0.3 / 0.1 = 2.9999999999999996
    expect(ceilToTick(12.3456, 0.01)).toBe(12.35);
    expect(floorToTick(10.37, 0.25)).toBe(10.25);
    expect(ceilToTick(10.26, 0.25)).toBe(10.5);
    expect(floorToTick(0.123456, 0.00001)).toBe(0.12345);
  });

  it('rounds to the nearest step exactly as core roundToTick does (same doubles)', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
    for (const step of [0.01, 0.05, 0.25, 1, 0.00001, 0.5]) {
      for (let i = 0; i < 500; i++) {
        const x = rnd() * 1000;
        expect(roundToStep(x, step)).toBe(roundToTick(x, step));
      }
    }
    expect(roundToStep(0.1 + 0.2, 0.00001)).toBe(0.3); // 0.30000000000000004 -> 0.3
  });

  it('rounds order prices so the order is never more aggressive', () => {
    expect(roundPassive('buy', 'limit', 10.017, 0.01)).toBe(10.01);
    expect(roundPassive('sell', 'limit', 10.011, 0.01)).toBe(10.02);
    expect(roundPassive('buy', 'stop', 10.011, 0.01)).toBe(10.02);
    expect(roundPassive('sell', 'stop', 10.019, 0.01)).toBe(10.01);
  });

  it('slips against the trader, never beyond a limit, then rounds against the trader', () => {
    // buy at 50 + 0.035 = 50.035 -> ceil 50.04; sell at 50 - 0.035 = 49.965 -> floor 49.96
    expect(executionPrice('buy', 50, 0.035, NaN, 0.01)).toBe(50.04);
    expect(executionPrice('sell', 50, 0.035, NaN, 0.01)).toBe(49.96);
    // no rounding (tick NaN)
    expect(executionPrice('buy', 50, 0.035, NaN, NaN)).toBeCloseTo(50.035, 12);
    // buy limit 50 filled at a 49.99 open: 49.99 + 0.05 = 50.04 is capped at the limit
    expect(executionPrice('buy', 49.99, 0.05, 50, 0.01)).toBe(50);
    // sell limit 50 filled at a 50.03 open: 50.03 - 0.02 = 50.01 stays above the limit
    expect(executionPrice('sell', 50.03, 0.02, 50, 0.01)).toBe(50.01);
  });
});
