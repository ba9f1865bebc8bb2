/**
 * A pool of worker processes (node:child_process `fork`) for trials: threads of one process
 * contend on this engine (a 2-thread sweep ran each trial ~1.4x slower in CPU than one thread,
 * its messages ~10x), separate processes do not. Each child gets the pool's `init` message once
 * (a sweep's bars) and then runs tasks by name, one at a time, in the order sent; messages use
 * the advanced serialization, so typed arrays pass as themselves.
 *
 * A child that ends (crash, out of memory, kill) fails the task it was running, with the reason,
 * and another child takes its place; a child that answers a task with `retire` (its strategy's
 * call was stopped past its time budget: its JavaScript state is not to be trusted) is killed and
 * replaced the same way after its answer. Tasks sent to a child after the one it was running go
 * to the others. A child ends by itself when its parent's channel closes (the parent exited or was
 * killed), so no child outlives the pool's owner.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What a child sends: that it is up (once), or its answer to a task. */
export type ChildReply =
  | { readonly ready: true }
  | { readonly id: number; readonly ok: true; readonly value: unknown; readonly retire?: boolean }
  | { readonly id: number; readonly ok: false; readonly error: { readonly message: string; readonly stack?: string } };

/** What the parent sends: the init message, or a task. */
export type ChildMessage =
  | { readonly kind: 'init'; readonly value: unknown }
  | { readonly kind: 'task'; readonly id: number; readonly name: string; readonly value: unknown };

interface Task {
  readonly id: number;
  readonly name: string;
  readonly value: unknown;
  /** Names the task in an error ("trial 12"). */
  readonly label: string;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: Error) => void;
}

interface Child {
  readonly proc: ChildProcess;
  /** Tasks sent, oldest (the one running) first. */
  readonly sent: Task[];
  gone: boolean;
  /** Whether its module loaded (it said so). */
  up: boolean;
}

/** How long an idle child may take to exit once its channel is closed. */
const GRACE_MS = 2000;

/** Children in a row that end before their module loaded: no child can start (a broken install). */
const MAX_DEAD_STARTS = 3;

export interface ProcessPoolOptions {
  /** The child's module (a .js file runs on plain node; a .ts file under tsx, for tests). */
  readonly file: URL;
  readonly workers: number;
  /** Sent to every child before its first task (also to a child that replaces another). */
  readonly init?: unknown;
  /** Tasks a child holds at once, so it never waits for its next one (default 2). */
  readonly depth?: number;
}

/**
 * Node flags for a child running `file`: `--import tsx` only for TypeScript (tests run the
 * sources); a built .js child runs on plain node, never inheriting the parent's flags (a parent
 * under tsx would otherwise make every child transform all of its modules again).
 */
export function childExecArgv(file: URL): string[] {
  return file.pathname.endsWith('.ts') ? ['--import', 'tsx'] : [];
}

export class ProcessPool {
  readonly #o: ProcessPoolOptions;
  readonly #children: Child[] = [];
  readonly #queue: Task[] = [];
  /** The init message, then each broadcast, in order: what every child gets before its tasks. */
  readonly #inits: unknown[] = [];
  readonly #depth: number;
  readonly #workers: number;
  #next = 0;
  #closed = false;
  #deadStarts = 0;
  #broken: Error | undefined;

  constructor(o: ProcessPoolOptions) {
    this.#o = o;
    this.#depth = Math.max(1, o.depth ?? 2);
    this.#workers = Math.max(1, o.workers);
    if (o.init !== undefined) this.#inits.push(o.init);
    for (let i = 0; i < this.#workers; i++) this.#children.push(this.#spawn());
  }

  /** The children's process ids (for tests and diagnostics). */
  get pids(): number[] {
    return this.#children.filter((c) => !c.gone).map((c) => c.proc.pid as number);
  }

  /** Runs task `name` with `value` on a child; `label` names it in errors. */
  run<T>(name: string, value: unknown, label: string): Promise<T> {
    if (this.#broken !== undefined) return Promise.reject(new Error(`${label}: ${this.#broken.message}`));
    if (this.#closed) return Promise.reject(new Error(`${label}: the worker processes are closed`));
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ id: this.#next++, name, value, label, resolve: resolve as (v: unknown) => void, reject });
      this.#dispatch();
    });
  }

  /**
   * Sends `value` to every child as one more init message (before the tasks run after this call),
   * and to every child started later: what many tasks share goes once per child, not per task.
   */
  broadcast(value: unknown): void {
    this.#inits.push(value);
    for (const c of this.#children) if (!c.gone) c.proc.send({ kind: 'init', value } satisfies ChildMessage);
  }

  /** Ends every child (those still running a task too) and waits until they have exited. */
  async close(): Promise<void> {
    this.#closed = true;
    const closing = new Error('the worker processes were closed');
    for (const t of this.#queue.splice(0)) t.reject(closing);
    const children = this.#children.splice(0);
    await Promise.all(children.map((c) => this.#end(c, true)));
    for (const c of children) for (const t of c.sent.splice(0)) t.reject(closing);
  }

  #spawn(): Child {
    const file = this.#o.file;
    const proc = fork(fileURLToPath(file), [], {
      execArgv: childExecArgv(file),
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const child: Child = { proc, sent: [], gone: false, up: false };
    for (const value of this.#inits) proc.send({ kind: 'init', value } satisfies ChildMessage);
    proc.on('message', (m: ChildReply) => this.#reply(child, m));
    proc.on('exit', (code, signal) => this.#exited(child, code, signal));
    // A failed send shows as the child's exit; nothing to do here but not crash the parent.
    proc.on('error', () => undefined);
    return child;
  }

  #reply(child: Child, m: ChildReply): void {
    if ('ready' in m) {
      child.up = true;
      this.#deadStarts = 0;
      return;
    }
    const k = child.sent.findIndex((t) => t.id === m.id);
    if (k < 0) return;
    const [task] = child.sent.splice(k, 1) as [Task];
    if (m.ok) task.resolve(m.value);
    else task.reject(Object.assign(new Error(`${task.label}: ${m.error.message}`), { stack: m.error.stack }));
    if (m.ok && m.retire === true) {
      this.#replace(child);
      return;
    }
    this.#dispatch();
  }

  #exited(child: Child, code: number | null, signal: NodeJS.Signals | null): void {
    if (child.gone) return;
    child.gone = true;
    if (this.#closed) return;
    const why = signal === null ? `exit code ${code}` : `signal ${signal}`;
    const [running, ...waiting] = child.sent.splice(0);
    running?.reject(
      new Error(
        child.up
          ? `${running.label}: its worker process ended (${why}) while running it`
          : `${running.label}: its worker process ended (${why}) before it started; its error is above`,
      ),
    );
    this.#queue.unshift(...waiting);
    if (!child.up && ++this.#deadStarts >= MAX_DEAD_STARTS) {
      // Not one task's fault: no child lives to answer. Fail what waits instead of respawning forever.
      this.#broken = new Error(
        `${MAX_DEAD_STARTS} worker processes in a row ended (${why}) before their module loaded (${fileURLToPath(this.#o.file)}); its error is above`,
      );
      for (const t of this.#queue.splice(0)) t.reject(new Error(`${t.label}: ${this.#broken.message}`));
      this.#drop(child);
      return;
    }
    this.#replace(child);
  }

  /** Ends `child`; its unanswered tasks go back to the queue, for another child (started if needed). */
  #replace(child: Child): void {
    this.#drop(child);
    this.#queue.unshift(...child.sent.splice(0));
    void this.#end(child);
    this.#dispatch();
  }

  #drop(child: Child): void {
    const k = this.#children.indexOf(child);
    if (k >= 0) this.#children.splice(k, 1);
  }

  /**
   * Ends `child`: an idle one by closing its channel (it exits by itself, as after a normal run),
   * a busy or retired one (or one that does not go within GRACE_MS) by SIGKILL.
   */
  #end(child: Child, graceful = false): Promise<void> {
    const p = child.proc;
    child.gone = true;
    if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
    return new Promise<void>((resolve) => {
      p.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      const kill = (): void => void p.kill('SIGKILL');
      const timer = setTimeout(kill, GRACE_MS);
      if (graceful && child.sent.length === 0 && p.connected) p.disconnect();
      else kill();
    });
  }

  #dispatch(): void {
    // A child that ended is replaced when there is work for it (not at the end of a sweep).
    const open = !this.#closed && this.#broken === undefined;
    while (open && this.#queue.length > 0 && this.#children.length < this.#workers) this.#children.push(this.#spawn());
    for (let round = 0; round < this.#depth && this.#queue.length > 0; round++) {
      for (const c of this.#children) {
        if (this.#queue.length === 0) return;
        if (c.gone || c.sent.length > round) continue;
        const task = this.#queue.shift() as Task;
        c.sent.push(task);
        c.proc.send({ kind: 'task', id: task.id, name: task.name, value: task.value } satisfies ChildMessage);
      }
    }
  }
}
