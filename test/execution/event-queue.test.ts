import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../src/execution/event-queue.js';
import type { ExecutionEvent } from '../../src/engine/ports.js';

/** A minimal event whose `ts` names it (listeners here read nothing else). */
const ev = (ts: number): ExecutionEvent => ({ kind: 'cancelled', ts, reason: 'test' }) as unknown as ExecutionEvent;

describe('EventQueue', () => {
  it('delivers events in push order, with events pushed during delivery in the same pass', () => {
    const q = new EventQueue();
    const seen: number[] = [];
    q.subscribe((e) => {
      seen.push(e.ts);
      if (e.ts === 1) q.push(ev(3));
    });
    q.push(ev(1));
    q.push(ev(2));
    q.drain();
    expect(seen).toEqual([1, 2, 3]);
    q.drain();
    expect(seen).toEqual([1, 2, 3]);
  });

  it('keeps the events after one whose listener threw for the next drain, and does not redeliver that one', () => {
    const q = new EventQueue();
    const seen: number[] = [];
    q.subscribe((e) => {
      seen.push(e.ts);
      if (e.ts === 2) throw new Error('listener failed');
    });
    for (const ts of [1, 2, 3, 4]) q.push(ev(ts));
    expect(() => q.drain()).toThrow('listener failed');
    expect(seen).toEqual([1, 2]);
    q.push(ev(5));
    q.drain();
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('delivers every event exactly once over many drains of different sizes', () => {
    const q = new EventQueue();
    const seen: number[] = [];
    q.subscribe((e) => seen.push(e.ts));
    const pushed: number[] = [];
    let ts = 0;
    for (let round = 0; round < 50; round++) {
      for (let k = 0; k < (round * 7) % 5; k++) {
        q.push(ev(ts));
        pushed.push(ts++);
      }
      q.drain();
    }
    expect(seen).toEqual(pushed);
  });
});
