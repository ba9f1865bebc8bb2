/**
 * Trials shared between the worker processes and the command's thread: the processes kept full
 * first, the thread taking one trial at a time only once the processes' answers were read, each
 * trial answered once with its own outcome, a failure failing its trial alone.
 */
import { describe, expect, it } from 'vitest';
import { shareTrials, type Pending } from '../../../src/orchestration/sweep/trial-runner.js';
import type { TrialOutcome } from '../../../src/orchestration/sweep/trial.js';

const pending = (index: number): Pending => ({
  spec: {} as Pending['spec'],
  params: { k: index },
  index,
  warmup: undefined,
  withTs: false,
  cells: false,
});

const outcome = (index: number): TrialOutcome => ({ index, ok: false, error: `ran ${index}`, ms: 0 });

/** A process side answering after `ms` (a timer: the answer comes as I/O would, in a later turn). */
function fakeProcesses(ms: number) {
  const log = { inFlight: 0, most: 0, took: [] as number[] };
  const inProcess = (t: Pending): Promise<TrialOutcome> => {
    log.inFlight++;
    log.most = Math.max(log.most, log.inFlight);
    log.took.push(t.index);
    return new Promise((resolve) =>
      setTimeout(() => {
        log.inFlight--;
        resolve(outcome(t.index));
      }, ms),
    );
  };
  return { log, inProcess };
}

describe('shareTrials', () => {
  it('fills the processes first, then runs the rest on the thread, each trial answered once with its own outcome', async () => {
    const p = fakeProcesses(20);
    const thread: number[] = [];
    let threadInFlightWithProcessRoom = 0;
    const shared = shareTrials({
      processes: 3,
      inProcess: p.inProcess,
      inThread: (t) => {
        // The thread takes a trial only when the processes hold all they can.
        if (p.log.inFlight < 3) threadInFlightWithProcessRoom++;
        thread.push(t.index);
        return outcome(t.index);
      },
    });
    const out = await Promise.all(Array.from({ length: 40 }, (_, k) => shared.run(pending(k))));
    expect(out.map((r) => r.index)).toEqual(Array.from({ length: 40 }, (_, k) => k));
    expect(out.map((r) => (r.ok ? '' : r.error))).toEqual(Array.from({ length: 40 }, (_, k) => `ran ${k}`));
    // The first three went to the processes, which never held more than three.
    expect(p.log.took.slice(0, 3)).toEqual([0, 1, 2]);
    expect(p.log.most).toBe(3);
    // Both sides ran trials, none twice, none lost.
    expect(thread.length).toBeGreaterThan(0);
    expect([...p.log.took, ...thread].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, k) => k));
    expect(shared.ran).toEqual({ thread: thread.length, processes: p.log.took.length });
    expect(threadInFlightWithProcessRoom).toBe(0);
  });

  it('lets the processes answer between two of the thread trials', async () => {
    // Processes that answer at once (next turn): while the thread works through the queue, a
    // process answer read between two thread trials gives the processes the next trial first.
    const p = fakeProcesses(0);
    const order: string[] = [];
    const shared = shareTrials({
      processes: 1,
      inProcess: (t) => {
        order.push(`p${t.index}`);
        return p.inProcess(t);
      },
      inThread: (t) => {
        // A slow trial on the thread: the process's answer arrives meanwhile.
        const end = Date.now() + 5;
        while (Date.now() < end);
        order.push(`t${t.index}`);
        return outcome(t.index);
      },
    });
    await Promise.all(Array.from({ length: 8 }, (_, k) => shared.run(pending(k))));
    // Not the thread alone after the first process task: the process got more trials.
    expect(order.filter((o) => o.startsWith('p')).length).toBeGreaterThan(1);
    expect(order.filter((o) => o.startsWith('t')).length).toBeGreaterThan(0);
  });

  it('fails a trial whose process failed, and only that one; a closed runner refuses and drops what waits', async () => {
    const shared = shareTrials({
      processes: 2,
      inProcess: (t) =>
        t.index === 1
          ? Promise.reject(new Error('trial 1: its worker process ended'))
          : Promise.resolve(outcome(t.index)),
      inThread: (t) => outcome(t.index),
    });
    const all = await Promise.allSettled(Array.from({ length: 6 }, (_, k) => shared.run(pending(k))));
    expect(all.map((s) => s.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    expect((all[1] as PromiseRejectedResult).reason).toEqual(new Error('trial 1: its worker process ended'));
    // A thread trial that throws fails alone too.
    const throwing = shareTrials({
      processes: 0,
      inProcess: () => Promise.reject(new Error('unused')),
      inThread: (t) => {
        if (t.index === 0) throw new Error('boom');
        return outcome(t.index);
      },
    });
    const two = await Promise.allSettled([throwing.run(pending(0)), throwing.run(pending(1))]);
    expect(two.map((s) => s.status)).toEqual(['rejected', 'fulfilled']);
    const waiting = throwing.run(pending(2));
    throwing.close();
    await expect(waiting).rejects.toThrow('the trial runner was closed');
    await expect(throwing.run(pending(3))).rejects.toThrow('trial 3: the trial runner is closed');
  });
});
