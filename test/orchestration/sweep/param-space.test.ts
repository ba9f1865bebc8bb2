import { describe, expect, it } from 'vitest';
import {
  combination,
  grid,
  gridSize,
  parseAxis,
  randomSample,
  trialKey,
} from '../../../src/orchestration/sweep/param-space.js';

describe('sweep parameter space', () => {
  it('parses inclusive ranges with a step, lists and single values', () => {
    expect(parseAxis('fast=5..20:5')).toEqual({ name: 'fast', values: [5, 10, 15, 20] });
    expect(parseAxis('slow=20..35:10')).toEqual({ name: 'slow', values: [20, 30] });
    expect(parseAxis('w=0.1..0.3:0.1')).toEqual({ name: 'w', values: [0.1, 0.2, 0.3] });
    expect(parseAxis('n=1..3')).toEqual({ name: 'n', values: [1, 2, 3] });
    expect(parseAxis('mode=static,rolling')).toEqual({ name: 'mode', values: ['static', 'rolling'] });
    expect(parseAxis('allowShort=true,false')).toEqual({ name: 'allowShort', values: [true, false] });
    expect(parseAxis('qty=1')).toEqual({ name: 'qty', values: [1] });
  });

  it.each([
    ['fast', 'not name=values'],
    ['fast=', 'no values'],
    ['fast=50..5:5', 'runs backwards'],
    ['fast=5..50:0', 'step must be > 0'],
    ['fast=a,,b', 'empty value'],
    ['fast=1..1000000:1', 'too many'],
  ])('rejects --param %s (%s) with a usage error', (text, why) => {
    expect(() => parseAxis(text)).toThrow(why);
  });

  it('enumerates the grid with the last axis fastest', () => {
    const axes = [parseAxis('a=1..2'), parseAxis('b=x,y,z')];
    expect(gridSize(axes)).toBe(6);
    expect(grid(axes)).toEqual([
      { a: 1, b: 'x' }, { a: 1, b: 'y' }, { a: 1, b: 'z' },
      { a: 2, b: 'x' }, { a: 2, b: 'y' }, { a: 2, b: 'z' },
    ]); // prettier-ignore
    expect(combination(axes, 4)).toEqual({ a: 2, b: 'y' });
  });

  it('draws distinct random combinations, the same for the same seed', () => {
    const axes = [parseAxis('a=1..20'), parseAxis('b=1..20')];
    const one = randomSample(axes, 30, 7);
    expect(one).toHaveLength(30);
    expect(new Set(one.map((p) => trialKey(p))).size).toBe(30);
    expect(randomSample(axes, 30, 7)).toEqual(one);
    expect(randomSample(axes, 30, 8)).not.toEqual(one);
    expect(randomSample(axes, 1000, 7)).toHaveLength(400); // more than the grid: the whole grid
  });

  it('keys a combination independently of its key order', () => {
    expect(trialKey({ a: 1, b: 2 })).toBe(trialKey({ b: 2, a: 1 }));
  });
});
