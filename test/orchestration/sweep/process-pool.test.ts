/**
 * The worker processes of a sweep: every task answered by a child that got the pool's init
 * message, typed arrays carried as themselves, a failing task failing alone, a crashed or retired
 * child replaced, and no child left running once the pool is closed or its owner is gone.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { childExecArgv, ProcessPool } from '../../../src/orchestration/sweep/process-pool.js';

const CHILD = new URL('./fixtures/pool-child.ts', import.meta.url);

/** Whether process `pid` still runs (signal 0 only checks). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pids: readonly number[], ms = 10_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pids.every((p) => !alive(p))) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

describe('ProcessPool', () => {
  it('answers each task from a child that holds the init message; typed arrays stay typed', async () => {
    const pool = new ProcessPool({ file: CHILD, workers: 2, init: { bars: new Float64Array([1, 2]) } });
    try {
      const who = await Promise.all(
        Array.from({ length: 6 }, (_, k) => pool.run<{ pid: number; init: unknown }>('whoami', null, `t${k}`)),
      );
      // Two children share the tasks, each started with the init message.
      expect(new Set(who.map((w) => w.pid)).size).toBe(2);
      expect(new Set(who.map((w) => w.pid))).toEqual(new Set(pool.pids));
      for (const w of who) expect(w.init).toEqual({ bars: new Float64Array([1, 2]) });
      const d = await pool.run<Float64Array>('double', new Float64Array([0.5, -3]), 'double');
      expect(d).toBeInstanceOf(Float64Array);
      expect([...d]).toEqual([1, -6]);
    } finally {
      await pool.close();
    }
  });

  it('fails a throwing task alone, naming it; a crashed child fails its task and is replaced', async () => {
    const pool = new ProcessPool({ file: CHILD, workers: 1, init: 'x' });
    try {
      const first = (await pool.run<{ pid: number }>('whoami', null, 'first')).pid;
      await expect(pool.run('fail', 42, 'trial 5')).rejects.toThrow('trial 5: refused 42');
      // A task queued behind the crash runs on the child that replaces the crashed one.
      const crash = pool.run('crash', null, 'trial 6');
      const after = pool.run<{ pid: number; init: unknown }>('whoami', null, 'trial 7');
      await expect(crash).rejects.toThrow('trial 6: its worker process ended (exit code 7) while running it');
      const next = await after;
      expect(next.pid).not.toBe(first);
      expect(next.init).toBe('x');
      expect(await gone([first])).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('sends a broadcast once to every child, before its later tasks, and to a child that replaces one', async () => {
    const pool = new ProcessPool({ file: CHILD, workers: 2, init: 'bars' });
    try {
      pool.broadcast({ context: 0 });
      pool.broadcast({ context: 1 });
      type Who = { pid: number; inits: unknown[] };
      const who = await Promise.all(Array.from({ length: 4 }, (_, k) => pool.run<Who>('whoami', null, `t${k}`)));
      expect(new Set(who.map((w) => w.pid)).size).toBe(2);
      for (const w of who) expect(w.inits).toEqual(['bars', { context: 0 }, { context: 1 }]);
      // A crashed child's replacement gets the init message and both broadcasts, in order, once.
      await expect(pool.run('crash', null, 'crash')).rejects.toThrow('its worker process ended');
      const after = await Promise.all(Array.from({ length: 4 }, (_, k) => pool.run<Who>('whoami', null, `a${k}`)));
      const fresh = after.filter((w) => !who.some((x) => x.pid === w.pid));
      expect(fresh.length).toBeGreaterThan(0);
      for (const w of after) expect(w.inits).toEqual(['bars', { context: 0 }, { context: 1 }]);
    } finally {
      await pool.close();
    }
  });

  it('replaces a child that retires, after taking its answer', async () => {
    const pool = new ProcessPool({ file: CHILD, workers: 1 });
    try {
      const retired = await pool.run<number>('retire', null, 'stuck trial');
      const next = await pool.run<{ pid: number }>('whoami', null, 'next');
      expect(next.pid).not.toBe(retired);
      expect(await gone([retired])).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('ends every child on close, busy ones too, and refuses tasks after', async () => {
    const pool = new ProcessPool({ file: CHILD, workers: 2 });
    await Promise.all([0, 1].map((k) => pool.run('whoami', null, `w${k}`)));
    const pids = pool.pids;
    expect(pids).toHaveLength(2);
    const busy = pool.run('busy', 60_000, 'long trial');
    busy.catch(() => undefined);
    await pool.close();
    await expect(busy).rejects.toThrow('closed');
    expect(pids.every((p) => !alive(p))).toBe(true);
    await expect(pool.run('whoami', null, 'late')).rejects.toThrow('late: the worker processes are closed');
  });

  it('gives up on a child module that cannot load, instead of starting it forever', async () => {
    const pool = new ProcessPool({ file: new URL('./fixtures/pool-broken-child.ts', import.meta.url), workers: 1 });
    try {
      // Each of three children in a row fails the task it was given, then the pool stops trying.
      for (const k of [0, 1, 2])
        await expect(pool.run('whoami', null, `trial ${k}`)).rejects.toThrow(
          `trial ${k}: its worker process ended (exit code 1) before it started`,
        );
      await expect(pool.run('whoami', null, 'trial 3')).rejects.toThrow(
        /^trial 3: 3 worker processes in a row ended \(exit code 1\) before their module loaded/,
      );
      expect(pool.pids).toEqual([]);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it.each(['SIGINT', 'SIGKILL'] as const)(
    'leaves no child running when its owner ends by %s mid-task',
    async (signal) => {
      const parent = spawn(
        process.execPath,
        [
          ...childExecArgv(new URL('./fixtures/pool-parent.ts', import.meta.url)),
          'test/orchestration/sweep/fixtures/pool-parent.ts',
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let out = '';
      parent.stdout.on('data', (b: Buffer) => (out += b.toString()));
      const end = Date.now() + 30_000;
      while (!out.includes('\n') && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      const pids = JSON.parse(out) as number[];
      expect(pids).toHaveLength(2);
      expect(pids.every(alive)).toBe(true);
      const exited = new Promise((r) => parent.once('exit', r));
      parent.kill(signal);
      await exited;
      expect(await gone(pids)).toBe(true);
    },
    60_000,
  );
});
