/**
 * Every pre-trade check allows and denies, on hand-made account snapshots (equity 100,000;
 * seed 004's limits). Expected outcomes are derived in the comments.
 */
import { describe, expect, it } from 'vitest';
import * as C from '../../src/risk/checks.js';
import type { RiskLimits, RiskOrder, RiskState } from '../../src/risk/types.js';

const LIMITS: RiskLimits = {
  maxDailyDrawdown: 0.02, maxRiskPerTrade: 0.004, maxPosition: 0.05, maxGrossIntraday: 0.5, maxGrossSwing: 1,
  maxShortOfGross: 0.5, maxPositions: 30, pauseAfterLosses: 3, maxTradesPerDay: 100, maxOrderNotional: 50_000,
  priceCollar: 0.05, maxOrderQty: 10_000, maxLeverage: 1.5, restricted: ['BAD'], symbolCaps: { BIG: 0.2 },
  strategyCaps: { s1: 0.1 },
}; // prettier-ignore

function state(
  over: Partial<Omit<RiskState, 'positions' | 'pending' | 'prices' | 'strategyGross'>> & {
    positions?: Record<string, number>;
    pending?: Record<string, number>;
    prices?: Record<string, number>;
    strategyGross?: Record<string, number>;
  } = {},
): RiskState {
  return {
    equity: 100_000,
    dayHigh: 100_000,
    consecutiveLosses: 0,
    tradesToday: 0,
    horizon: 'swing',
    killSwitch: 'ACTIVE',
    isShortable: (s) => s !== 'HTB',
    ...over,
    positions: new Map(Object.entries(over.positions ?? {})),
    pending: new Map(Object.entries(over.pending ?? {})),
    prices: new Map(Object.entries({ AAA: 100, BBB: 50, ...(over.prices ?? {}) })),
    strategyGross: new Map(Object.entries(over.strategyGross ?? {})),
  };
}

const order = (over: Partial<RiskOrder> = {}): RiskOrder => ({
  symbol: 'AAA',
  side: 'buy',
  qty: 10,
  type: 'market',
  price: 100,
  ...over,
});
const allows = (check: C.RiskCheck, o: RiskOrder, s: RiskState): void =>
  expect(check(o, s, LIMITS)).toEqual({ ok: true });
const denies = (check: C.RiskCheck, o: RiskOrder, s: RiskState, text: string): void => {
  const d = check(o, s, LIMITS);
  expect(d.ok).toBe(false);
  expect(d.ok ? '' : d.reason).toContain(text);
};

describe('pre-trade checks', () => {
  it('kill switch: ACTIVE allows, REDUCING allows only reducing orders, HALTED allows nothing', () => {
    allows(C.killSwitchCheck, order(), state());
    const reducing = state({ killSwitch: 'REDUCING', positions: { AAA: 20 } });
    allows(C.killSwitchCheck, order({ side: 'sell', qty: 5 }), reducing);
    denies(C.killSwitchCheck, order({ side: 'buy', qty: 5 }), reducing, 'REDUCING');
    // Selling 30 of a 20 long crosses to -10: not reducing.
    denies(C.killSwitchCheck, order({ side: 'sell', qty: 30 }), reducing, 'REDUCING');
    denies(
      C.killSwitchCheck,
      order({ side: 'sell', qty: 5 }),
      state({ killSwitch: 'HALTED', positions: { AAA: 20 } }),
      'HALTED',
    );
  });

  it('restricted symbols', () => {
    allows(C.restrictedCheck, order(), state());
    denies(C.restrictedCheck, order({ symbol: 'BAD' }), state(), 'BAD is on the restricted list');
  });

  it('shortability: opening or adding to a short needs a shortable symbol', () => {
    allows(C.shortableCheck, order({ symbol: 'HTB', side: 'sell', qty: 5 }), state({ positions: { HTB: 10 } })); // 10 -> 5
    allows(C.shortableCheck, order({ side: 'sell', qty: 5 }), state());
    denies(
      C.shortableCheck,
      order({ symbol: 'HTB', side: 'sell', qty: 15 }),
      state({ positions: { HTB: 10 } }),
      'cannot be sold short',
    ); // 10 -> -5
  });

  it('daily drawdown: 2% below the day high stops new exposure, not exits', () => {
    allows(C.dailyDrawdownCheck, order(), state({ equity: 98_100, dayHigh: 100_000 })); // -1.9%
    denies(C.dailyDrawdownCheck, order(), state({ equity: 98_000, dayHigh: 100_000 }), '2.00% below'); // -2.0%
    allows(
      C.dailyDrawdownCheck,
      order({ side: 'sell' }),
      state({ equity: 98_000, dayHigh: 100_000, positions: { AAA: 10 } }),
    );
  });

  it('consecutive losses and trades per day pause new exposure', () => {
    allows(C.consecutiveLossesCheck, order(), state({ consecutiveLosses: 2 }));
    denies(C.consecutiveLossesCheck, order(), state({ consecutiveLosses: 3 }), '3 losing trades in a row');
    allows(C.tradesPerDayCheck, order(), state({ tradesToday: 99 }));
    denies(C.tradesPerDayCheck, order(), state({ tradesToday: 100 }), '100 orders today');
  });

  it('fat-finger quantity and order notional', () => {
    allows(C.orderQtyCheck, order({ qty: 10_000 }), state());
    denies(C.orderQtyCheck, order({ qty: 10_001 }), state(), 'fat-finger');
    allows(C.orderNotionalCheck, order({ qty: 500 }), state()); // 50,000
    denies(C.orderNotionalCheck, order({ qty: 501 }), state(), 'order notional 50100.00'); // 50,100
  });

  it('price collar on limit and stop prices, 5% around the last price', () => {
    allows(C.priceCollarCheck, order({ type: 'limit', limitPrice: 95 }), state());
    denies(C.priceCollarCheck, order({ type: 'limit', limitPrice: 94.9 }), state(), 'limit price 94.9 is 5.10%');
    denies(C.priceCollarCheck, order({ type: 'stop', stopPrice: 106 }), state(), 'stop price 106');
  });

  it('position size: 5% of equity, or the symbol cap', () => {
    allows(C.positionCheck, order({ qty: 50 }), state()); // 5,000 = 5%
    denies(C.positionCheck, order({ qty: 51 }), state(), '5.10% of equity');
    denies(C.positionCheck, order({ qty: 30 }), state({ positions: { AAA: 21 } }), '5.10%'); // 51 held + pending
    allows(C.positionCheck, order({ symbol: 'BIG', qty: 200, price: 100 }), state({ prices: { BIG: 100 } })); // 20% cap
  });

  it('gross exposure: 100% swing, 50% intraday', () => {
    // Held 900 BBB at 50 = 45,000; buying 50 AAA (5,000) makes 50,000.
    allows(C.grossExposureCheck, order({ qty: 50 }), state({ positions: { BBB: 900 }, horizon: 'intraday' }));
    denies(
      C.grossExposureCheck,
      order({ qty: 51 }),
      state({ positions: { BBB: 900 }, horizon: 'intraday' }),
      '50.10% of equity (limit 50.00% intraday)',
    );
    allows(C.grossExposureCheck, order({ qty: 51 }), state({ positions: { BBB: 900 } }));
  });

  it('short exposure: at most 50% of gross', () => {
    // Long 400 BBB = 20,000; shorting 200 AAA = 20,000: short 50% of 40,000.
    allows(C.shortExposureCheck, order({ side: 'sell', qty: 200 }), state({ positions: { BBB: 400 } }));
    denies(
      C.shortExposureCheck,
      order({ side: 'sell', qty: 201 }),
      state({ positions: { BBB: 400 } }),
      'short exposure would be 50.12% of gross',
    );
  });

  it('max positions: a 31st position is refused, adding to one is not', () => {
    const thirty = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`S${i}`, 1]));
    denies(C.maxPositionsCheck, order(), state({ positions: thirty }), 'would make 31');
    allows(C.maxPositionsCheck, order({ symbol: 'S0' }), state({ positions: thirty }));
    allows(C.maxPositionsCheck, order(), state({ positions: { S0: 1 } }));
  });

  it('leverage: gross over equity', () => {
    // Held 2,900 BBB = 145,000; 50 AAA more = 150,000: 1.5x.
    allows(C.leverageCheck, order({ qty: 50 }), state({ positions: { BBB: 2900 } }));
    denies(C.leverageCheck, order({ qty: 51 }), state({ positions: { BBB: 2900 } }), '1.50x (limit 1.5x)');
  });

  it('risk per trade: the loss at the stop within 0.4% of equity', () => {
    // 100 units, stop 4 below the entry: 400 = 0.4%.
    allows(C.riskPerTradeCheck, order({ qty: 100, stopLoss: 96 }), state());
    denies(C.riskPerTradeCheck, order({ qty: 101, stopLoss: 96 }), state(), '0.40% of equity'); // 404
    allows(C.riskPerTradeCheck, order({ qty: 1000 }), state()); // no stop known
  });

  it('per-strategy caps', () => {
    allows(C.strategyCapCheck, order({ qty: 50, strategy: 's1' }), state({ strategyGross: { s1: 5_000 } })); // 10,000 = 10%
    denies(
      C.strategyCapCheck,
      order({ qty: 51, strategy: 's1' }),
      state({ strategyGross: { s1: 5_000 } }),
      'cap 10.00%',
    );
    allows(C.strategyCapCheck, order({ qty: 500, strategy: 'other' }), state());
  });

  it('checkOrder returns the first denial with its check name', () => {
    expect(C.checkOrder(order({ symbol: 'BAD', qty: 1e6 }), state(), LIMITS)).toMatchObject({
      ok: false,
      check: 'restricted',
    });
    expect(C.checkOrder(order(), state(), LIMITS)).toEqual({ ok: true });
  });
});
