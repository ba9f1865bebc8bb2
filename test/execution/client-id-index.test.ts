import { describe, expect, it } from 'vitest';
import { ClientIdIndex } from '../../src/execution/client-id-index.js';

/** A deterministic stream of pseudo-random integers (LCG, Numerical Recipes constants). */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x;
  };
}

describe('ClientIdIndex', () => {
  it('answers like a Map (the reference) over 20,000 random sets, resets and lookups', () => {
    const ids: string[] = [];
    const index = new ClientIdIndex((i) => ids[i] as string);
    const reference = new Map<string, number>();
    const next = lcg(42);
    const mismatches: string[] = [];
    for (let k = 0; k < 20_000; k++) {
      // Ids like the engine's, plus short ones and reuses of earlier ids.
      const r = next();
      const id =
        r % 5 === 0 && ids.length > 0
          ? (ids[r % ids.length] as string)
          : r % 3 === 0
            ? `x${r % 997}`
            : `sma-cross-${r.toString(16)}-${k}`;
      const probe = `sma-cross-${next().toString(16)}-${k}`;
      if (index.get(probe) !== (reference.get(probe) ?? -1)) mismatches.push(`probe ${probe}`);
      ids.push(id);
      index.set(id, ids.length - 1);
      reference.set(id, ids.length - 1);
      if (index.get(id) !== reference.get(id)) mismatches.push(`set ${id}`);
    }
    for (const [id, i] of reference) if (index.get(id) !== i) mismatches.push(`final ${id}`);
    expect(mismatches).toEqual([]);
    expect(index.size).toBe(reference.size);
  });

  it('returns -1 for an id never set, and the latest index for an id set twice', () => {
    const ids = ['a', 'b', 'a'];
    const index = new ClientIdIndex((i) => ids[i] as string);
    expect(index.get('a')).toBe(-1);
    index.set('a', 0);
    index.set('b', 1);
    index.set('a', 2);
    expect([index.get('a'), index.get('b'), index.get('c'), index.get('')]).toEqual([2, 1, -1, -1]);
    expect(index.size).toBe(2);
  });
});
