/**
 * AAA over 30 XNYS sessions from 2024-01-02 (open = high = low = close): bars 0..19 close at
 * 100 + i, bars 20..29 at 40 + i; a $0.50 dividend ex on bar 10 (close before: 109) and a
 * 2-for-1 split ex on bar 20 (close before: 119, open: 60). test/data/corporate-adjust.test.ts
 * derives its adjusted prices by hand.
 */
import { tsToDate } from '../../src/core/dates.js';
import type { CorporateAction } from '../../src/universe/reference-files.js';
import { sessions } from '../backtest/support.js';

export const CLOSES = Array.from({ length: 30 }, (_, i) => (i < 20 ? 100 + i : 40 + i));
export const DAYS = sessions(30).map(tsToDate);

export function action(p: Partial<CorporateAction> & Pick<CorporateAction, 'type' | 'exDate'>): CorporateAction {
  return {
    symbol: 'AAA',
    ratio: Number.NaN,
    cashAmount: Number.NaN,
    newSymbol: '',
    recordDate: '',
    payDate: '',
    source: 'test',
    ...p,
  };
}

export const DIVIDEND = action({ type: 'dividend', exDate: DAYS[10] as string, cashAmount: 0.5 });
export const SPLIT = action({ type: 'split', exDate: DAYS[20] as string, ratio: 2 });
