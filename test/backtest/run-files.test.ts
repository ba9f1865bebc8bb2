import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStrategyConfig } from '../../src/backtest/config-file.js';
import { parseFees, parseSlippage } from '../../src/backtest/costs.js';
import { canonicalOrders, ordersHash } from '../../src/backtest/orders-hash.js';
import { alignCloses, periodsPerYear } from '../../src/backtest/record-builder.js';
import { cryptoPair } from '../../src/core/instrument.js';
import { ConfigError } from '../../src/core/errors.js';
import { REPO } from '../support/paths.js';
import { flat, run } from './support.js';

function yaml(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'run-file-')), 'run.yaml');
  writeFileSync(file, text);
  return file;
}

function caught(f: () => unknown): ConfigError {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('strategy run files', () => {
  it('loads the shipped default and sma-cross files', () => {
    const d = loadStrategyConfig(join(REPO, 'config/strategy/default.yaml'), 'config/strategy/default.yaml');
    expect(d.strategy.name).toBe('sma-cross');
    expect(d.params).toEqual({ fast: 20, slow: 50, allowShort: false });
    expect(d.symbols).toEqual([]);
    // No dates: the run covers its symbols' common data range.
    expect([d.start, d.end, d.cash, d.fill, d.fees, d.slippage]).toEqual([
      undefined,
      undefined,
      100_000,
      'next-open',
      'bps:1',
      'bps:5',
    ]);
    const s = loadStrategyConfig(join(REPO, 'config/strategy/sma-cross.yaml'));
    expect(s.params).toMatchObject({ fast: 10, slow: 30, weight: 0.05 });
    expect(s.symbols).toHaveLength(6);
  });

  it('names the file and line of an unknown key, with the closest known key', () => {
    const e = caught(() =>
      loadStrategyConfig(yaml('strategy: sma-cross\nsymbols: [AAA]\nstrat: 2024-01-02\n'), 'my.yaml'),
    );
    expect(e.code).toBe('CONFIG_UNKNOWN_KEY');
    expect(e.message).toBe('my.yaml: unknown key strat');
    expect(e.hint).toMatch(/^did you mean "start"\?/);
    expect(e.context).toMatchObject({ file: 'my.yaml', row: 3 });
    const nested = caught(() => loadStrategyConfig(yaml('strategy: sma-cross\ncosts:\n  fee: ibkr\n'), 'my.yaml'));
    expect(nested.message).toBe('my.yaml: unknown key costs.fee');
    expect(nested.context).toMatchObject({ row: 3, key: 'costs.fee' });
  });

  it('names the file and line of a bad run key added with the RunConfig, with the accepted values', () => {
    const rounding = caught(() => loadStrategyConfig(yaml('strategy: sma-cross\nprice_rounding: up\n'), 'my.yaml'));
    expect(rounding.code).toBe('CONFIG_INVALID_VALUE');
    expect(rounding.context).toMatchObject({ file: 'my.yaml', row: 2, key: 'price_rounding' });
    expect(rounding.hint).toContain('conservative');
    const live = caught(() => loadStrategyConfig(yaml('strategy: sma-cross\nlive:\n  papr: true\n'), 'my.yaml'));
    expect(live.message).toBe('my.yaml: unknown key live.papr');
    expect(live.hint).toMatch(/^did you mean "paper"\?/);
    expect(live.context).toMatchObject({ file: 'my.yaml', row: 3 });
  });

  it('names the file and line of a bad parameter, value or cost model', () => {
    const param = caught(() =>
      loadStrategyConfig(yaml('strategy: sma-cross\nparams:\n  fast: 5\n  slow: 3\n'), 'my.yaml'),
    );
    expect(param.message).toContain('parameter slow of strategy sma-cross is invalid');
    expect(param.context).toMatchObject({ file: 'my.yaml', row: 4, key: 'params.slow' });
    const unknownParam = caught(() =>
      loadStrategyConfig(yaml('strategy: sma-cross\nparams:\n  sloww: 3\n'), 'my.yaml'),
    );
    expect(unknownParam.context).toMatchObject({ file: 'my.yaml', row: 3, key: 'params.sloww' });
    const date = caught(() => loadStrategyConfig(yaml('strategy: sma-cross\nstart: 2024-02-30\n'), 'my.yaml'));
    expect(date.message).toBe('my.yaml: start must be a date written YYYY-MM-DD');
    expect(date.context).toMatchObject({ row: 2 });
    const fees = caught(() => loadStrategyConfig(yaml('strategy: sma-cross\ncosts:\n  fees: bps:-1\n'), 'my.yaml'));
    expect(fees.message).toBe('fees "bps:-1" is not a fees model');
    expect(fees.context).toMatchObject({ file: 'my.yaml', row: 3, key: 'costs.fees' });
    const name = caught(() => loadStrategyConfig(yaml('strategy: smacross\n'), 'my.yaml'));
    expect(name.context).toMatchObject({ file: 'my.yaml', row: 1, key: 'strategy' });
  });

  it('parses cost specs into the execution models', () => {
    expect(parseFees('none').name).toBe('none');
    expect(
      parseFees('ibkr').fee({ side: 'buy', qty: 100, price: 10, liquidity: 'taker', priorQty: 0, priorNotional: 0 }),
    ).toBe(1);
    expect(
      parseFees('bps:10').fee({ side: 'buy', qty: 100, price: 10, liquidity: 'taker', priorQty: 0, priorNotional: 0 }),
    ).toBe(1);
    expect(parseFees('per-share:0.01,2').name).toBe('per-share 0.01 min 2');
    expect(parseFees('maker-taker:2,4').name).toBe('maker 2 bps taker 4 bps');
    expect(parseSlippage('bps:5').slippage({ symbol: 'A', side: 'buy', price: 100, qty: 1, volume: 1 })).toBeCloseTo(
      0.05,
      12,
    );
    expect(parseSlippage('half-spread:10').name).toBeDefined();
    for (const bad of ['ibkr:1', 'bps', 'bps:x', 'maker-taker:1', 'flat'])
      expect(() => parseFees(bad)).toThrow(ConfigError);
    expect(() => parseSlippage('sqrt:1')).toThrow('slippage "sqrt:1" is not a slippage model');
  });
});

describe('the run record', () => {
  it('carries the run identity, the code version, dates, every order and signal, and open trades', () => {
    const s = flat('AAA', [10, 11, 12, 13]);
    const rec = run(
      {
        onBar(ctx, bar) {
          if (bar.ts === s.ts[1]) {
            ctx.buy('AAA', 2);
            ctx.signal('AAA', 'long', { targetWeight: 0.1, meta: { why: 'test' } });
          }
        },
      },
      { series: [s], runId: 'rec-1', params: { p: 1 }, config: { source: 'unit' } },
    );
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect(rec.codeVersion).toBe(pkg.version);
    expect([rec.runId, rec.strategy, rec.start, rec.end, rec.timeframe, rec.periodsPerYear]).toEqual([
      'rec-1',
      'test',
      '2024-01-02',
      '2024-01-05',
      '1d',
      252,
    ]);
    expect(rec.params).toEqual({ p: 1 });
    expect(rec.config).toMatchObject({ fill: 'next-open', fees: 'none', slippage: 'none', source: 'unit' });
    expect(rec.equity.length).toBe(4);
    expect(rec.signals).toEqual([
      {
        ts: s.ts[1],
        strategy: 'test',
        symbol: 'AAA',
        direction: 'long',
        targetWeight: 0.1,
        confidence: 1,
        meta: { why: 'test' },
      },
    ]);
    expect(rec.trades).toHaveLength(1);
    expect(rec.trades[0]).toMatchObject({ isOpen: true, entryPrice: 12, qty: 2 });
    expect(rec.prices.get('AAA')).toBe(s);
    expect(rec.timings.bars).toBe(4);
  });

  it('annualises by equity rows per year: every day once a 24/7 instrument is in the run', () => {
    expect(periodsPerYear('1d', ['XNYS', 'XNYS'])).toBe(252);
    expect(periodsPerYear('1d', ['XNYS', '24/7'])).toBe(365);
    expect(periodsPerYear('1d', ['24/7'])).toBe(365);
    expect(periodsPerYear('1m', ['XNYS'])).toBe(252 * 390);
    expect(periodsPerYear('1h', ['24/7'])).toBe(365 * 24);
    const c = flat('BTCUSD', [1, 2]);
    expect(run({}, { series: [c], instrument: (x) => cryptoPair(x) }).periodsPerYear).toBe(365);
  });

  it('aligns benchmark closes to equity timestamps (last close at or before each)', () => {
    const b = flat('SPY', [100, 101, 102]);
    const ts = [(b.ts[0] as number) - 1, b.ts[0] as number, (b.ts[1] as number) + 5, b.ts[2] as number];
    expect([...alignCloses(b, ts)]).toEqual([NaN, 100, 101, 102]);
  });

  it('hashes the canonical orders list: same orders, same hash; any change, another hash', () => {
    const orders = (qty: number) =>
      run({ onBar: (ctx, bar) => void (bar.ts === 0 || ctx.buy('AAA', qty)) }, { series: [flat('AAA', [1, 2, 3])] })
        .orders;
    const a = orders(1);
    expect(ordersHash(a)).toBe(ordersHash(orders(1)));
    expect(ordersHash(a)).not.toBe(ordersHash(orders(2)));
    expect(ordersHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(canonicalOrders(a)[2]).toEqual([
      a[2]?.clientOrderId,
      'AAA',
      'buy',
      'market',
      'gtc',
      1,
      null,
      null,
      'accepted',
      0,
      null,
      0,
      a[2]?.createdAt,
      a[2]?.updatedAt,
      null,
    ]);
  });
});
