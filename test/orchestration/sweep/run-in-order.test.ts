/**
 * The order a sweep records its trials in: the order of the plan, whatever order they finish in.
 */
import { describe, expect, it } from 'vitest';
import { runInOrder } from '../../../src/orchestration/sweep/sweep-job.js';

describe('runInOrder', () => {
  it('records outcomes in plan order when later trials finish first', async () => {
    // Trial k takes (5 - k) x 5 ms: with 3 in flight they finish out of order (2 before 0).
    const finished: number[] = [];
    const recorded: number[] = [];
    await runInOrder(
      [0, 1, 2, 3, 4],
      3,
      (k) =>
        new Promise<number>((resolve) =>
          setTimeout(
            () => {
              finished.push(k);
              resolve(k * 10);
            },
            (5 - k) * 5,
          ),
        ),
      (k, r) => {
        expect(r).toBe(k * 10);
        recorded.push(k);
      },
    );
    expect(finished).not.toEqual([0, 1, 2, 3, 4]);
    expect(recorded).toEqual([0, 1, 2, 3, 4]);
  });

  it('keeps at most `lanes` trials in flight', async () => {
    let inFlight = 0;
    let most = 0;
    await runInOrder(
      Array.from({ length: 20 }, (_, i) => i),
      4,
      async () => {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 1));
        inFlight--;
      },
      () => undefined,
    );
    expect(most).toBe(4);
  });
});
