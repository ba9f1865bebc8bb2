import { describe, expect, it } from 'vitest';
import { spanTimes } from '../../../src/ml/labels/spans.js';
import { failure } from '../support.js';

describe('spanTimes', () => {
  it("gives each label's start and end as the times of its first and last bar", () => {
    const day = 86_400_000;
    const ts = [0, 1, 2, 3, 4].map((d) => Date.UTC(2024, 0, 2) + d * day);
    const { start, end } = spanTimes({ t0: [0, 2], t1: [3, 4] }, ts);
    expect([...start].map((t) => new Date(t).toISOString().slice(0, 10))).toEqual(['2024-01-02', '2024-01-04']);
    expect([...end].map((t) => new Date(t).toISOString().slice(0, 10))).toEqual(['2024-01-05', '2024-01-06']);
  });

  it('rejects a span past the last bar of the times', () => {
    expect(failure(() => spanTimes({ t0: [0], t1: [5] }, [1, 2, 3]))).toBe('DataError DATA_INVALID t1');
  });
});
