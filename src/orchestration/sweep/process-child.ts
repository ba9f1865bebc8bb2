/**
 * The child side of a ProcessPool (process-pool.ts): answers the parent's tasks one at a time, in
 * the order sent, and ends when the parent's channel closes (the parent exited or was killed).
 */
import type { ChildMessage, ChildReply } from './process-pool.js';

/** A task's answer; `retire` asks the pool to replace this process once the answer is read. */
export interface Served {
  readonly value: unknown;
  readonly retire?: boolean;
}

export function serveTasks(o: {
  readonly init?: (value: unknown) => void | Promise<void>;
  readonly tasks: Readonly<Record<string, (value: unknown) => Promise<Served>>>;
}): void {
  const send = (m: ChildReply): void => {
    process.send?.(m);
  };
  // One task at a time: a trial's awaits (its strategy file, its bars) must not let the next one in.
  let chain: Promise<void> = Promise.resolve();
  process.on('message', (m: ChildMessage) => {
    chain = chain.then(async () => {
      if (m.kind === 'init') {
        await o.init?.(m.value);
        return;
      }
      try {
        const task = o.tasks[m.name];
        if (task === undefined) throw new Error(`no task ${m.name} in this worker process`);
        const r = await task(m.value);
        send({ id: m.id, ok: true, value: r.value, ...(r.retire === true ? { retire: true } : {}) });
      } catch (e) {
        const error = e instanceof Error ? e : new Error(String(e));
        send({
          id: m.id,
          ok: false,
          error: { message: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }) },
        });
      }
    });
  });
  process.on('disconnect', () => process.exit(0));
  send({ ready: true });
}
