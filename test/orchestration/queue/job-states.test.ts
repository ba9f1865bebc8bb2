import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { jobStates } from '../../../src/orchestration/queue/job-states.js';

/** A queue of its own on the real Redis; its keys removed after. */
const name = `jobstates-${randomBytes(4).toString('hex')}`;
const queue = new Queue(name, { connection: { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null } });

afterAll(async () => {
  await queue.obliterate({ force: true });
  await queue.close();
});

describe('jobStates', () => {
  it("gives each job BullMQ's own getJobState, in one call for many ids", async () => {
    await queue.addBulk(Array.from({ length: 30 }, (_, i) => ({ name: 't', data: {}, opts: { jobId: `w${i}` } })));
    await queue.add('t', {}, { jobId: 'd1', delay: 60_000 });
    await queue.add('t', {}, { jobId: 'p1', priority: 3 });
    const ids = ['w0', 'd1', 'nope', 'p1', 'w29', 'w7'];
    const want = await Promise.all(ids.map((id) => queue.getJobState(id)));
    // The reference is BullMQ's per-job script; the hand-derived states say what it must give.
    expect(want).toEqual(['waiting', 'delayed', 'unknown', 'prioritized', 'waiting', 'waiting']);
    expect(await jobStates(queue, ids)).toEqual(want);
    await queue.pause();
    expect(await jobStates(queue, ['w3'])).toEqual([await queue.getJobState('w3')]);
    expect(await jobStates(queue, [])).toEqual([]);
  });
});
