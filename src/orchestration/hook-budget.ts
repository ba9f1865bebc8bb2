/**
 * The time budget of each call into a user's strategy file (`engine.hook_timeout_ms`). JavaScript
 * cannot interrupt a synchronous loop (`while (true) {}`) from its own thread, so every call ticks
 * a clock in shared memory (a few plain typed-array writes: bench/hook-budget.ts) and another
 * thread watches it:
 * - on the main thread, a watchdog worker. When one call has run past its budget it tells the
 *   main thread, then stops the main thread's JavaScript through the inspector
 *   (`Runtime.terminateExecution`, which needs no debugger attached). That stop cannot be caught:
 *   the run's stack unwinds past every `finally` and the run is abandoned, so the main thread's
 *   event loop, once back, rejects the work in progress (`withinHookBudget`) with
 *   STRATEGY_HOOK_TIMEOUT, and the CLI exits (`hookRunStopped`);
 * - in a sweep's worker process, the same watchdog, armed before the first trial
 *   (`armHookWatchdog`): the trial fails with STRATEGY_HOOK_TIMEOUT and the process is replaced
 *   (sweep/trial-process.ts), so the other trials go on;
 * - anywhere else (a worker thread, a Node built without the inspector), each
 *   call runs through a `node:vm` script with a `timeout`, whose watchdog is a thread per call
 *   (tens of µs per call).
 * A call stopped while a debugger holds it at a breakpoint counts too: set the budget to 0 to
 * step through hooks.
 */
import { isMainThread, MessageChannel, Worker } from 'node:worker_threads';
import { createContext, Script } from 'node:vm';
import { DEFAULTS } from '../config/schema.js';
import { StrategyError } from '../core/errors.js';

/** The default of `engine.hook_timeout_ms`. */
export const DEFAULT_HOOK_TIMEOUT_MS = DEFAULTS.engine.hook_timeout_ms;

/** The calls a strategy file's code is entered by, by their number in the clock. */
export const HOOKS = ['create', 'init', 'onBar', 'onSlice', 'onFill', 'onOrderRejected', 'onStop'] as const;
export type HookName = (typeof HOOKS)[number];

// The clock, in Int32 slots: calls entered plus calls left (any progress changes it), whether a
// call is in progress, which hook, its budget, and whether a watcher stopped it; then the bar
// time (Float64) and the symbol (UTF-16) of the call, for the error.
const TICKS = 0;
const IN_CALL = 1;
const HOOK = 2;
const BUDGET = 3;
const STOPPED = 4;
const SYMBOL_LENGTH = 5;
const TS = 3; // Float64 slot (bytes 24..31)
const SYMBOL = 16; // Uint16 slot (byte 32)
const SYMBOL_MAX = 48;
export const HOOK_CLOCK_BYTES = 32 + 2 * SYMBOL_MAX;

/** A strategy file's calls, as a guard makes them: the file as the user named it, and its budget. */
export interface BudgetedFile {
  readonly shown: string;
  readonly ms: number;
}

/** Where in the run a call of the strategy is. */
export interface HookAt {
  readonly symbol?: string;
  readonly ts?: number;
}

function when(ts: number | undefined): string | undefined {
  return ts === undefined || !Number.isFinite(ts) ? undefined : new Date(ts).toISOString();
}

/** `onBar for ZNTX at bar 2021-01-04T00:00:00.000Z`: the hook and where in the run it was called. */
export function describeCall(hook: string, at: HookAt): string {
  const bar = when(at.ts);
  return `${hook}${at.symbol === undefined ? '' : ` for ${at.symbol}`}${bar === undefined ? '' : ` at bar ${bar}`}`;
}

export function hookTimeoutError(shown: string, hook: string, at: HookAt, ms: number): StrategyError {
  const bar = when(at.ts);
  return new StrategyError(
    'STRATEGY_HOOK_TIMEOUT',
    `strategy ${describeCall(hook, at)} ran longer than ${ms} ms (engine.hook_timeout_ms) and was stopped (${shown})`,
    {
      hint: `look for an endless or very long loop in ${hook} of ${shown}; if it is only slow, raise engine.hook_timeout_ms (MOMENTIC_ENGINE__HOOK_TIMEOUT_MS=60000 or engine: hook_timeout_ms: in momentic.yaml), 0 = no limit`,
      context: {
        file: shown,
        key: 'engine.hook_timeout_ms',
        hook,
        ...(at.symbol === undefined ? {} : { symbol: at.symbol }),
        ...(bar === undefined ? {} : { bar }),
      },
    },
  );
}

/** The call a clock shows, as the error that stops it. */
function clockError(buffer: SharedArrayBuffer, shown: string): StrategyError {
  const i32 = new Int32Array(buffer);
  const u16 = new Uint16Array(buffer);
  const ts = new Float64Array(buffer)[TS] as number;
  const n = i32[SYMBOL_LENGTH] as number;
  const symbol = n === 0 ? undefined : String.fromCharCode(...u16.subarray(SYMBOL, SYMBOL + n));
  const at = { ...(symbol === undefined ? {} : { symbol }), ...(Number.isFinite(ts) ? { ts } : {}) };
  return hookTimeoutError(shown, HOOKS[i32[HOOK] as number] ?? 'a hook', at, i32[BUDGET] as number);
}

// This thread's clock; set by the main thread's watchdog when it starts.
let i32: Int32Array | undefined;
let f64: Float64Array<ArrayBufferLike> = new Float64Array(0);
let u16: Uint16Array<ArrayBufferLike> = new Uint16Array(0);
let lastSymbol: string | undefined;
/** The file whose call is in progress, for the main thread's error. */
let active: BudgetedFile | undefined;

function install(buffer: SharedArrayBuffer): void {
  i32 = new Int32Array(buffer);
  f64 = new Float64Array(buffer);
  u16 = new Uint16Array(buffer);
  f64[TS] = NaN;
  lastSymbol = undefined;
}

/** A fresh clock, in memory the watchdog thread shares. */
function newHookClock(): SharedArrayBuffer {
  return new SharedArrayBuffer(HOOK_CLOCK_BYTES);
}

/**
 * The main thread's watchdog (CommonJS, evaluated as a worker): it looks at the clock every
 * quarter of the budget (read from the clock: each call writes its own), so a call stops within
 * 1.25 budgets; the stop is the inspector's, as the main thread is busy in the call.
 */
const WATCHDOG = `
const { workerData } = require('node:worker_threads');
const { Session } = require('node:inspector');
const c = new Int32Array(workerData.buffer);
const port = workerData.port;
let seen = 0;
let since = NaN;
function look() {
  const budget = c[${BUDGET}];
  const now = performance.now();
  if (c[${IN_CALL}] === 0 || c[${STOPPED}] !== 0 || budget <= 0) since = NaN;
  else if (Number.isNaN(since) || c[${TICKS}] !== seen) {
    seen = c[${TICKS}];
    since = now;
  } else if (now - since >= budget) {
    c[${STOPPED}] = 1;
    port.postMessage(seen);
    const session = new Session();
    session.connectToMainThread();
    session.post('Runtime.terminateExecution', () => session.disconnect());
    since = NaN;
  }
  setTimeout(look, budget > 0 ? Math.max(5, Math.min(1000, Math.floor(budget / 4))) : 1000);
}
port.postMessage('watching');
look();
`;

const UNSET = 0;
const CLOCK = 1;
const VM = 2;
let mode = UNSET;
let stoppedRun = false;
const waiting = new Set<(e: StrategyError) => void>();
/** Settles once the main thread's watchdog watches the clock. */
let watching: Promise<void> | undefined;

function startWatchdog(): void {
  const buffer = newHookClock();
  install(buffer);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WATCHDOG, { eval: true, workerData: { buffer, port: port2 }, transferList: [port2] });
  worker.unref();
  let ready: () => void = () => undefined;
  watching = new Promise<void>((resolve) => {
    ready = resolve;
  });
  worker.once('error', () => ready());
  port1.on('message', (m: unknown) => (m === 'watching' ? ready() : stopped()));
  port1.unref();
  // Should the loop run dry before the message is read, the clock still says what happened.
  process.on('beforeExit', () => {
    if (i32?.[STOPPED] === 1) stopped();
  });
}

/** On the main thread, once the watchdog stopped a call: the run in progress ends with the error. */
function stopped(): void {
  const c = i32;
  if (c === undefined || c[STOPPED] !== 1) return;
  const e = clockError(c.buffer as SharedArrayBuffer, active?.shown ?? 'the strategy file');
  // The call never returned: nothing is in progress any more.
  c[STOPPED] = 0;
  c[IN_CALL] = 0;
  stoppedRun = true;
  if (waiting.size === 0) throw e;
  for (const reject of [...waiting]) reject(e);
}

/**
 * Runs `work`, rejected with STRATEGY_HOOK_TIMEOUT as soon as the main thread's watchdog stops a
 * call of a strategy file (the work itself never settles then: its stack was abandoned).
 */
export async function withinHookBudget<T>(work: () => Promise<T>): Promise<T> {
  let reject: (e: StrategyError) => void = () => undefined;
  const stop = new Promise<never>((_, r) => {
    reject = r;
  });
  waiting.add(reject);
  try {
    return await Promise.race([work(), stop]);
  } finally {
    waiting.delete(reject);
  }
}

/**
 * Starts this thread's watchdog now and settles once it watches, so that a call looping from its
 * first instruction is stopped too: a sweep's worker process arms it before its first trial (a
 * watchdog started by that call itself might never get to run while the call holds the thread).
 */
export function armHookWatchdog(): Promise<void> {
  if (mode === UNSET) mode = pickMode();
  return watching ?? Promise.resolve();
}

/** Whether the watchdog abandoned a run in this process (whatever it held open stays open). */
export function hookRunStopped(): boolean {
  return stoppedRun;
}

function pickMode(): number {
  if (i32 !== undefined) return CLOCK;
  if (isMainThread && process.features.inspector) {
    startWatchdog();
    return CLOCK;
  }
  return VM;
}

/** The vm script a call falls back to; its globals are set for each call. */
const box = createContext({ hook: undefined, self: undefined, a: undefined, b: undefined }) as {
  hook: unknown;
  self: unknown;
  a: unknown;
  b: unknown;
};
const CALL = new Script('hook.call(self, a, b)');

function vmCall<A, B, R>(
  f: BudgetedFile,
  hook: number,
  at: HookAt,
  fn: (a: A, b: B) => R,
  self: unknown,
  a: A,
  b: B,
): R {
  box.hook = fn;
  box.self = self;
  box.a = a;
  box.b = b;
  try {
    return CALL.runInContext(box, { timeout: f.ms, displayErrors: false }) as R;
  } catch (e) {
    if ((e as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      throw hookTimeoutError(f.shown, HOOKS[hook] as string, at, f.ms);
    }
    throw e;
  } finally {
    box.hook = box.self = box.a = box.b = undefined;
  }
}

function writeSymbol(c: Int32Array, symbol: string | undefined): void {
  lastSymbol = symbol;
  if (symbol === undefined) {
    c[SYMBOL_LENGTH] = 0;
    return;
  }
  const n = Math.min(symbol.length, SYMBOL_MAX);
  for (let i = 0; i < n; i++) u16[SYMBOL + i] = symbol.charCodeAt(i);
  c[SYMBOL_LENGTH] = n;
}

/**
 * Calls `fn` on `self` with `a`, `b` within `f`'s budget (0 = none); `hook` (an index of HOOKS),
 * `symbol` and `ts` say where, for the error. A call past its budget ends as STRATEGY_HOOK_TIMEOUT.
 */
export function callWithinBudget<A, B, R>(
  f: BudgetedFile,
  hook: number,
  symbol: string | undefined,
  ts: number,
  fn: (a: A, b: B) => R,
  self: unknown,
  a: A,
  b: B,
): R {
  if (f.ms <= 0) return fn.call(self, a, b);
  if (mode !== CLOCK) {
    if (mode === UNSET) mode = pickMode();
    if (mode === VM) {
      const at = { ...(symbol === undefined ? {} : { symbol }), ...(Number.isFinite(ts) ? { ts } : {}) };
      return vmCall(f, hook, at, fn, self, a, b);
    }
  }
  const c = i32 as Int32Array;
  // A hook called from inside another (none is today) leaves the outer one in progress.
  const was = c[IN_CALL] as number;
  c[TICKS] = ((c[TICKS] as number) + 1) | 0;
  c[HOOK] = hook;
  c[BUDGET] = f.ms;
  f64[TS] = ts;
  if (symbol !== lastSymbol) writeSymbol(c, symbol);
  active = f;
  c[IN_CALL] = 1;
  try {
    return fn.call(self, a, b);
  } finally {
    c[TICKS] = ((c[TICKS] as number) + 1) | 0;
    c[IN_CALL] = was;
  }
}
