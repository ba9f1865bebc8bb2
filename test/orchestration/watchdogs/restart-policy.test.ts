/**
 * Which exits of a supervised session are restarted, and the restart budget: restarts within a
 * sliding window, each waiting twice the one before up to the cap.
 */
import { describe, expect, it } from 'vitest';
import { classifyExit, RestartBudget } from '../../../src/orchestration/watchdogs/restart-policy.js';

describe('classifyExit', () => {
  it.each([
    [0, null, 'done'],
    [2, null, 'final'],
    [3, null, 'final'],
    [5, null, 'final'],
    [1, null, 'crash'],
    [4, null, 'crash'],
    [134, null, 'crash'],
    [null, 'SIGKILL', 'crash'],
    [null, 'SIGSEGV', 'crash'],
  ] as const)('exit %s, signal %s: %s', (code, signal, kind) => {
    expect(classifyExit({ code, signal }).kind).toBe(kind);
  });

  it('says why', () => {
    expect(classifyExit({ code: null, signal: 'SIGKILL' })).toEqual({ kind: 'crash', why: 'killed by SIGKILL' });
    expect(classifyExit({ code: 4, signal: null })).toEqual({
      kind: 'crash',
      why: 'exit 4, the venue, the network or the ledger failed',
    });
    expect(classifyExit({ code: 5, signal: null })).toEqual({
      kind: 'final',
      why: 'a risk refusal (exit 5): a person decides',
    });
  });
});

describe('RestartBudget', () => {
  const MIN = 60_000;
  const budget = () => new RestartBudget({ max: 3, windowMs: 60 * MIN, baseMs: 1000, maxBackoffMs: 3000 });

  it('three restarts within the hour wait 1 s, 2 s, then 3 s (4 s capped); the fourth crash spends it', () => {
    const b = budget();
    expect(b.next(0)).toEqual({ n: 1, delayMs: 1000 });
    expect(b.next(MIN)).toEqual({ n: 2, delayMs: 2000 });
    expect(b.next(2 * MIN)).toEqual({ n: 3, delayMs: 3000 });
    expect(b.next(3 * MIN)).toBeUndefined();
  });

  it('restarts older than the window are forgotten: a crash after a quiet hour restarts at once', () => {
    const b = budget();
    b.next(0);
    b.next(MIN);
    b.next(2 * MIN);
    // At 61 min the restarts at 0 and 1 min are an hour old or more: only the one at 2 min counts.
    expect(b.next(61 * MIN)).toEqual({ n: 2, delayMs: 2000 });
    // Just past 62 min, the one at 2 min has left too: the one at 61 min remains.
    expect(b.recent(62 * MIN + 1)).toBe(1);
    expect(b.next(200 * MIN)).toEqual({ n: 1, delayMs: 1000 });
  });

  it('max_restarts 0: the first crash spends it', () => {
    expect(new RestartBudget({ max: 0, windowMs: MIN, baseMs: 1, maxBackoffMs: 1 }).next(0)).toBeUndefined();
  });
});
