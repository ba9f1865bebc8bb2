import { describe, expect, it } from 'vitest';
import type { OrderRequest } from '../../../../src/core/order.js';
import {
  formatDecimal,
  isDuplicateClientOrderId,
  positionSymbol,
  rejectCodeOf,
  statusOf,
  toAlpacaOrder,
} from '../../../../src/venues/alpaca/trading/order-mapper.js';
import { ALPACA_ORDER_STATUSES } from '../../../../src/venues/alpaca/trading/schemas.js';

const req = (fields: Partial<OrderRequest> = {}): OrderRequest => ({
  clientOrderId: 'c1',
  symbol: 'AAPL',
  side: 'buy',
  type: 'market',
  qty: 10,
  tif: 'day',
  ...fields,
});

describe('toAlpacaOrder', () => {
  it('writes every number as a decimal string and keeps our client order id', () => {
    expect(toAlpacaOrder(req({ type: 'limit', limitPrice: 101.25, tif: 'gtc' }))).toEqual({
      ok: true,
      body: {
        symbol: 'AAPL',
        qty: '10',
        side: 'buy',
        type: 'limit',
        time_in_force: 'gtc',
        client_order_id: 'c1',
        limit_price: '101.25',
      },
    });
  });

  it('maps every order type of the spec, and market on open / close to market with opg / cls', () => {
    const cases: [Partial<OrderRequest>, Record<string, string>][] = [
      [
        { type: 'stop', stopPrice: 95 },
        { type: 'stop', stop_price: '95' },
      ],
      [
        { type: 'stop_limit', stopPrice: 95, limitPrice: 94.5 },
        { type: 'stop_limit', stop_price: '95', limit_price: '94.5' },
      ],
      [
        { type: 'trailing_stop', side: 'sell', trailPercent: 1.5 },
        { type: 'trailing_stop', trail_percent: '1.5' },
      ],
      [
        { type: 'trailing_stop', side: 'sell', trailAmount: 2 },
        { type: 'trailing_stop', trail_price: '2' },
      ],
      [
        { type: 'market_on_open', tif: 'opg' },
        { type: 'market', time_in_force: 'opg' },
      ],
      [
        { type: 'market_on_close', tif: 'cls' },
        { type: 'market', time_in_force: 'cls' },
      ],
      [{ tif: 'ioc' }, { time_in_force: 'ioc' }],
      [{ type: 'limit', limitPrice: 100, tif: 'fok' }, { time_in_force: 'fok' }],
    ];
    for (const [fields, expected] of cases) {
      const m = toAlpacaOrder(req(fields));
      expect(m.ok, JSON.stringify(fields)).toBe(true);
      if (m.ok) expect(m.body).toMatchObject(expected);
    }
  });

  it('maps a bracket with its take-profit and stop-loss legs', () => {
    const m = toAlpacaOrder(
      req({ orderClass: 'bracket', takeProfit: { limitPrice: 110 }, stopLoss: { stopPrice: 95, limitPrice: 94 } }),
    );
    expect(m).toMatchObject({
      ok: true,
      body: {
        order_class: 'bracket',
        take_profit: { limit_price: '110' },
        stop_loss: { stop_price: '95', limit_price: '94' },
      },
    });
  });

  it('sends crypto fractional quantities in plain decimals, never exponent notation', () => {
    const m = toAlpacaOrder(req({ symbol: 'btc/usd', qty: 0.00012345, tif: 'gtc' }));
    expect(m).toMatchObject({ ok: true, body: { symbol: 'BTC/USD', qty: '0.00012345' } });
    expect(formatDecimal(1e-7)).toBe('0.0000001');
    expect(formatDecimal(0.1 + 0.2)).toBe('0.3');
    expect(formatDecimal(250)).toBe('250');
  });

  it('refuses what Alpaca cannot take, naming the field', () => {
    const cases: [Partial<OrderRequest>, string, string][] = [
      [{ qty: 0 }, 'invalid_qty', 'qty must be a positive number'],
      [{ qty: 1e-10 }, 'invalid_qty', 'smallest quantity'],
      [{ type: 'limit' }, 'invalid_price', 'needs a positive limitPrice'],
      [{ type: 'stop' }, 'invalid_price', 'needs a positive stopPrice'],
      [{ limitPrice: 5 }, 'invalid_order', 'limitPrice is not used by market'],
      [{ type: 'trailing_stop', trailAmount: 1, trailPercent: 1 }, 'invalid_price', 'exactly one'],
      [{ type: 'stop', stopPrice: 9, tif: 'opg' }, 'invalid_order', 'tif opg is for market and limit orders only'],
      [{ type: 'market_on_open', tif: 'day' }, 'invalid_order', 'take tif opg'],
      [{ symbol: 'BTC/USD', tif: 'cls' }, 'invalid_order', 'crypto orders take tif day, gtc, ioc or fok'],
      [
        { orderClass: 'bracket', takeProfit: { limitPrice: 110 } },
        'invalid_order',
        'needs both takeProfit and stopLoss',
      ],
      [{ clientOrderId: 'x'.repeat(49) }, 'invalid_order', 'must be 1..48 characters'],
    ];
    for (const [fields, code, reason] of cases) {
      const m = toAlpacaOrder(req(fields));
      expect(m, JSON.stringify(fields)).toMatchObject({ ok: false, code });
      if (!m.ok) expect(m.reason).toContain(reason);
    }
  });
});

describe('Alpaca statuses and answers', () => {
  it('maps every status of the spec: live ones are working, ended ones are ours', () => {
    const mapped = Object.fromEntries(ALPACA_ORDER_STATUSES.map((s) => [s, statusOf(s)]));
    expect(mapped).toEqual({
      new: 'working',
      partially_filled: 'partially_filled',
      filled: 'filled',
      done_for_day: 'working',
      canceled: 'cancelled',
      expired: 'expired',
      replaced: 'replaced',
      pending_cancel: 'working',
      pending_replace: 'working',
      accepted: 'working',
      pending_new: 'working',
      accepted_for_bidding: 'working',
      stopped: 'working',
      rejected: 'rejected',
      suspended: 'working',
      calculated: 'working',
    });
  });

  it('takes a status the spec does not list as working rather than dropping the update', () => {
    expect(statusOf('held_for_review')).toBe('working');
  });

  it('names crypto positions with their slash again (BTCUSD -> BTC/USD), leaving stocks alone', () => {
    expect(positionSymbol('BTCUSD', 'crypto')).toBe('BTC/USD');
    expect(positionSymbol('ETHUSDT', 'crypto')).toBe('ETH/USDT');
    expect(positionSymbol('ETHBTC', 'crypto')).toBe('ETH/BTC');
    expect(positionSymbol('BTC/USD', 'crypto')).toBe('BTC/USD');
    expect(positionSymbol('AAPL', 'us_equity')).toBe('AAPL');
  });

  it('reads a duplicate client order id from the 422 message, not from the generic code', () => {
    expect(isDuplicateClientOrderId(422, 'client_order_id must be unique')).toBe(true);
    expect(isDuplicateClientOrderId(422, 'qty must be > 0')).toBe(false);
    expect(isDuplicateClientOrderId(403, 'client_order_id must be unique')).toBe(false);
  });

  it('maps refusals to rejection codes', () => {
    expect(rejectCodeOf(403, 'insufficient buying power')).toBe('insufficient_buying_power');
    expect(rejectCodeOf(403, 'insufficient qty available for order (requested: 2, available: 0)')).toBe(
      'not_shortable',
    );
    expect(rejectCodeOf(422, 'asset "ZZZZ" not found')).toBe('unknown_symbol');
    expect(rejectCodeOf(422, 'qty must be > 0')).toBe('invalid_qty');
    expect(rejectCodeOf(422, 'sub-penny increment does not fulfill minimum pricing criteria')).toBe('invalid_price');
    expect(rejectCodeOf(422, 'something else')).toBe('invalid_order');
  });
});
