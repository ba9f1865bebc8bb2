import { describe, expect, it } from 'vitest';
import { deriveKey, keyOf, Xoshiro128 } from '../../../src/venues/synthetic/prng.js';
import { mean, variance } from './support.js';

describe('synthetic provider: random numbers', () => {
  it('matches the reference xoshiro128** output', () => {
    // Expected values printed by the reference C code of Blackman and Vigna
    // (prng.di.unimi.it/xoshiro128starstar.c) from the state {1, 2, 3, 4}, compiled with gcc.
    const g = Xoshiro128.fromState(1, 2, 3, 4);
    expect(Array.from({ length: 6 }, () => g.nextUint32())).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492,
    ]);
    // Same reference, state {0x9e3779b9, 0x243f6a88, 0xb7e15162, 0xdeadbeef}, outputs 1001 and 1002.
    const h = Xoshiro128.fromState(0x9e3779b9, 0x243f6a88, 0xb7e15162, 0xdeadbeef);
    for (let i = 0; i < 1000; i++) h.nextUint32();
    expect([h.nextUint32(), h.nextUint32()]).toEqual([2541037969, 1849389561]);
    expect(() => Xoshiro128.fromState(0, 0, 0, 0)).toThrow(RangeError);
  });

  it('draws uniforms inside (0, 1) and standard normals with mean 0 and variance 1', () => {
    const g = new Xoshiro128(keyOf('test'));
    const u = Array.from({ length: 100_000 }, () => g.uniform());
    expect(Math.min(...u)).toBeGreaterThan(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(mean(u)).toBeCloseTo(0.5, 2);
    const z = Array.from({ length: 100_000 }, () => g.normal());
    // Standard errors for n = 100,000: 0.0032 for the mean, 0.0045 for the variance.
    expect(Math.abs(mean(z))).toBeLessThan(0.015);
    expect(Math.abs(variance(z) - 1)).toBeLessThan(0.02);
    expect(z.filter((x) => Math.abs(x) > 1.96).length / z.length).toBeCloseTo(0.05, 2);
    const e = Array.from({ length: 100_000 }, () => g.exponential());
    expect(Math.abs(mean(e) - 1)).toBeLessThan(0.015);
  });

  it('keys streams by text and by derived integers, reproducibly and distinctly', () => {
    expect(keyOf('ZNTX')).toEqual(keyOf('ZNTX'));
    expect(keyOf('ZNTX')).not.toEqual(keyOf('ZNTY'));
    const k = keyOf('intraday');
    const days = new Set(Array.from({ length: 20_000 }, (_, d) => deriveKey(k, d).join(':')));
    expect(days.size).toBe(20_000);
    const a = new Xoshiro128(deriveKey(k, 19_000));
    const b = new Xoshiro128(deriveKey(k, 19_000));
    expect([a.nextUint32(), a.nextUint32()]).toEqual([b.nextUint32(), b.nextUint32()]);
  });
});
