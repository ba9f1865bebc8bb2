import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeFeatures, FEATURES } from '../../src/analytics/features/index.js';
import type { BarSeries } from '../../src/core/bar.js';
import { GbdtModel } from '../../src/ml/gbdt/model.js';
import { trainGbdt } from '../../src/ml/gbdt/train.js';
import { runBacktest } from '../../src/orchestration/node.js';
import { betSize } from '../../src/strategies/builtin/ml-signal.js';
import { getStrategyDefinition } from '../../src/strategies/registry.js';
import { flat, ohlc } from '../backtest/support.js';
import { failure, messageOf } from '../ml/support.js';

const DIR = mkdtempSync(join(tmpdir(), 'momentic-ml-signal-'));
let files = 0;

function write(json: unknown, name = `m${files++}.json`): string {
  const path = join(DIR, name);
  writeFileSync(path, JSON.stringify(json));
  return path;
}

/**
 * One tree, one split: ret_1d <= 0 (or missing) -> leaf -ln 4, else +ln 4. The probabilities are
 * sigmoid(+-ln 4) = 1 / (1 + 1/4) = 0.8 and 0.2.
 */
function oneSplit(feature = 'ret_1d'): unknown {
  return {
    format: 'momentic-gbdt',
    version: 1,
    objective: 'binary',
    alpha: 0.9,
    num_features: 1,
    feature_names: [feature],
    init_score: 0,
    num_trees: 1,
    params: { objective: 'binary' },
    valid_metric: [],
    feature_importance: { split: [1], gain: [1] },
    trees: [
      {
        num_leaves: 2,
        split_feature: [0],
        threshold: [0],
        default_left: [1],
        left_child: [-1],
        right_child: [-2],
        split_gain: [1],
        leaf_value: [-Math.log(4), Math.log(4)],
        leaf_count: [1, 1],
      },
    ],
  };
}

function run(series: readonly BarSeries[], params: Record<string, unknown>) {
  const rec = runBacktest({ strategy: 'ml-signal', params, series, runId: 't', priceRounding: 'none', cash: 10_000 });
  const at = (ts: number): number => (series[0] as BarSeries).indexAtOrBefore(ts);
  return {
    rec,
    orders: rec.orders.map((o) => `${o.side} ${o.qty} @${at(o.createdAt)}`),
    signals: rec.signals.map((g) => `${g.direction} @${at(g.ts)}`),
  };
}

// ret_1d: bar 1 +0.1, 2 +0.09, 3 -0.17, 4 0, 5 -0.1, 6 +0.33: p = 0.8 where ret_1d > 0, else 0.2.
const CLOSES = [10, 11, 12, 10, 10, 9, 12];

describe('ml-signal', () => {
  it('trades a one-split model bar by bar: long above threshold, short below 1 - threshold, linear size', () => {
    const model = write(oneSplit());
    // Size |2 x 0.8 - 1| = 0.6 of equity, one symbol. Bar 0 is ret_1d's warm-up.
    // Bar 1: p 0.8 > 0.7 long, 0.6 x 10,000 / 11 = 545.5 -> buy 545, filled at bar 2's open 12.
    // Bar 2: long again, same weight: nothing. Bar 3: p 0.2 < 0.3 short: equity 3,460 + 545 x 10 =
    // 8,910, target -0.6 x 8,910 / 10 = -534.6 -> -534: sell 1,079, filled at bar 4's open 10.
    // Bars 4 (ret_1d 0 goes left: p 0.2) and 5: short still. Bar 6: long: cash 3,460 + 10,790 =
    // 14,250, equity 14,250 - 534 x 12 = 7,842, target 0.6 x 7,842 / 12 = 392.1 -> buy 392 + 534.
    const r = run([flat('AAA', CLOSES)], { model, threshold: 0.7, allowShort: true, sizing: 'linear' });
    expect(r.signals).toEqual(['long @1', 'short @3', 'long @6']);
    expect(r.orders).toEqual(['buy 545 @1', 'sell 1079 @3', 'buy 926 @6']);
    expect(r.rec.signals[0]?.meta.probability).toBeCloseTo(0.8, 12);
    expect(r.rec.signals[0]?.targetWeight).toBeCloseTo(0.6, 12);
    expect(r.rec.signals[1]?.targetWeight).toBeCloseTo(-0.6, 12);
  });

  it('goes flat instead of short without allowShort, and stays out below the threshold', () => {
    // Bar 3 sells the 545 (filled at 10): cash 8,910; bar 6: 0.6 x 8,910 / 12 = 445.5 -> 445.
    const model = write(oneSplit());
    const r = run([flat('AAA', CLOSES)], { model, threshold: 0.7, sizing: 'linear' });
    expect(r.signals).toEqual(['long @1', 'flat @3', 'long @6']);
    expect(r.orders).toEqual(['buy 545 @1', 'sell 545 @3', 'buy 445 @6']);
    expect(run([flat('AAA', CLOSES)], { model, threshold: 0.85 }).orders).toEqual([]);
  });

  it('sizes by AFML 10.1 (2 Phi(z) - 1), capped by maxWeight and split over the symbols', () => {
    // p 0.8: z = 0.3 / sqrt(0.16) = 0.75, Phi(0.75) = 0.77337 (normal table), m = 0.54675.
    expect(betSize(0.8, 'afml')).toBeCloseTo(0.54675, 5);
    expect(betSize(0.2, 'afml')).toBeCloseTo(0.54675, 5);
    expect(betSize(0.5, 'afml')).toBe(0);
    expect(betSize(0.8, 'linear')).toBeCloseTo(0.6, 12);
    const model = write(oneSplit());
    // 0.54675 x 10,000 / 11 = 497.0 -> 497.
    expect(run([flat('AAA', CLOSES)], { model, threshold: 0.7 }).orders[0]).toBe('buy 497 @1');
    // maxWeight 0.3 caps 0.54675: 0.3 x 10,000 / 11 = 272.7 -> 272.
    expect(run([flat('AAA', CLOSES)], { model, threshold: 0.7, maxWeight: 0.3 }).orders[0]).toBe('buy 272 @1');
    // Two symbols: 0.54675 / 2 x 10,000 / 11 = 248.5 -> 248 each.
    const two = runBacktest({
      strategy: 'ml-signal',
      params: { model, threshold: 0.7 },
      series: [flat('AAA', CLOSES), flat('BBB', CLOSES)],
      runId: 't',
      priceRounding: 'none',
      cash: 10_000,
    });
    expect(two.orders.slice(0, 2).map((o) => `${o.side} ${o.qty} ${o.symbol}`)).toEqual(['buy 248 AAA', 'buy 248 BBB']);
  });

  it('rejects, before the run, a feature the store does not define and a feature count the model does not have', () => {
    const def = getStrategyDefinition('ml-signal');
    const bad = write(oneSplit('ret_1day'));
    expect(failure(() => def.create({ model: bad, threshold: 0.6, sizing: 'afml', maxWeight: 1 }))).toBe(
      'DataError ML_FEATURE_MISSING params.features',
    );
    const msg = messageOf(() => def.create({ model: bad, threshold: 0.6, sizing: 'afml', maxWeight: 1 }));
    expect(msg).toContain('"ret_1day"');
    expect(msg).toContain(bad);
    const good = write(oneSplit());
    const count = messageOf(() =>
      runBacktest({
        strategy: 'ml-signal',
        params: { model: good, features: 'ret_1d,rsi_14' },
        series: [flat('AAA', CLOSES)],
      }),
    );
    expect(count).toContain(`model ${good} has 1 features but 2 feature names were given`);
    // A model stored under other names maps onto the store's names by position.
    const renamed = write(oneSplit('f0'));
    expect(run([flat('AAA', CLOSES)], { model: renamed, features: 'ret_1d', threshold: 0.7 }).orders[0]).toBe(
      'buy 497 @1',
    );
    expect(failure(() => def.create({ model: join(DIR, 'absent.json'), threshold: 0.6 }))).toBe(
      'DataError DATA_NOT_FOUND params.model',
    );
    expect(failure(() => def.create({ model: 'prod-model', threshold: 0.6 }))).toBe(
      'ConfigError CONFIG_INVALID_VALUE params.model',
    );
  });
});

/** A deterministic wandering price with ranges and volumes, so every feature has something to read. */
function walk(symbol: string, n: number, seed: number): BarSeries {
  let s = seed;
  const u = (): number => (s = (s * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  let c = 50;
  const rows: [number, number, number, number][] = [];
  for (let i = 0; i < n; i++) {
    const o = c * (1 + (u() - 0.5) * 0.01);
    c = o * (1 + (u() - 0.5) * 0.04 + 0.2 * Math.sin(i / 9) * 0.01);
    rows.push([o, Math.max(o, c) * (1 + u() * 0.01), Math.min(o, c) * (1 - u() * 0.01), c]);
  }
  return ohlc(symbol, rows);
}

const NAMES = ['ret_1d', 'ret_5d', 'rsi_14', 'zscore_20', 'rvol_20'];

describe('ml-signal sees the past only', () => {
  const full = walk('AAA', 260, 7);
  const { ts, open, high, low, close, volume } = full;
  const store = computeFeatures(
    { ts, open, high, low, close, volume, periodsPerYear: 252 },
    NAMES.map((n) => FEATURES.find((f) => f.name === n)!),
  );
  // A model trained on the store's columns with the sign of the next 5 bars' return as the label.
  const rows = full.length - 5 - 20;
  const x = new Float64Array(rows * NAMES.length);
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const t = r + 20;
    NAMES.forEach((_, c) => (x[r * NAMES.length + c] = store.values[c]![t]!));
    y[r] = full.close[t + 5]! > full.close[t]! ? 1 : 0;
  }
  const model = trainGbdt(
    { objective: 'binary', num_iterations: 20, num_leaves: 4, min_data_in_leaf: 10 },
    { features: x, rows, cols: NAMES.length, labels: y },
    { featureNames: NAMES },
  );
  const file = write(model.toJSON(), 'walk.json');
  const params = { model: file, threshold: 0.55, allowShort: true };

  it("scores exactly the feature store's values of each bar", () => {
    const r = run([full], params);
    expect(r.rec.signals.length).toBeGreaterThan(5);
    const back = GbdtModel.fromJSON(model.toJSON());
    for (const g of r.rec.signals) {
      const t = full.indexAtOrBefore(g.ts);
      const row = Float64Array.from(NAMES, (_, c) => store.values[c]![t]!);
      expect(g.meta.probability).toBe(back.predict(row)[0]);
    }
  });

  it('takes the same decisions up to bar 200 whether the later bars are cut off or changed', () => {
    const cut = 200;
    const before = (r: ReturnType<typeof run>) => ({
      signals: r.rec.signals.filter((g) => g.ts < full.ts[cut]!).map((g) => [g.ts, g.direction, g.meta.probability]),
      orders: r.orders.filter((o) => Number(o.split('@')[1]) < cut),
    });
    const whole = before(run([full], params));
    expect(whole.signals.length).toBeGreaterThan(3);
    expect(before(run([full.slice(0, cut)], params))).toEqual(whole);
    // The same first 200 bars followed by another path (a crash): past decisions do not move.
    const other = walk('AAA', 260, 99);
    const spliced = ohlc(
      'AAA',
      Array.from({ length: 260 }, (_, i) => {
        const s = i < cut ? full : other;
        const k = i < cut ? 1 : 0.5;
        return [s.open[i]! * k, s.high[i]! * k, s.low[i]! * k, s.close[i]! * k] as const;
      }),
    );
    const changed = run([spliced], params);
    expect(before(changed)).toEqual(whole);
    expect(changed.rec.signals.map((g) => g.ts)).not.toEqual(run([full], params).rec.signals.map((g) => g.ts));
  });
});
