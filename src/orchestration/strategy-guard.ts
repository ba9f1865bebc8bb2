/**
 * The hooks of a strategy from a user's file (`--strategy ./mine.ts`), guarded: what a hook (or
 * `create`) throws is the user's to fix, so it becomes STRATEGY_RUNTIME_ERROR naming the file and
 * the line (the first frame of the user's stack in the file, source-mapped to the .ts by tsx), the
 * hook, the symbol and the bar time; the thrown error stays its `cause`. Each call also has a time
 * budget (`engine.hook_timeout_ms`): JavaScript cannot interrupt a synchronous loop from a timer of
 * the same thread, so the hook runs through a `vm` script with a `timeout`, whose watchdog thread
 * stops it (an endless `while (true) {}` too) and throws here: STRATEGY_HOOK_TIMEOUT. The watchdog
 * is a thread per call, about 45 us (a 100,000-bar run of a file strategy: 0.1 s without, 4.8 s
 * with), so the budget is off (0) unless a run sets it. Built-in strategies are not guarded: what they throw
 * is a bug in momentic (InternalError). docs/strategies.md.
 */
import { findSourceMap } from 'node:module';
import { createContext, Script } from 'node:vm';
import { isMomenticError, StrategyError } from '../core/errors.js';
import type { Fill, OrderRejection } from '../core/order.js';
import type { Bar } from '../core/bar.js';
import type { Slice, Strategy, StrategyContext } from '../strategies/api.js';
import type { StrategyDefinition } from '../strategies/define.js';

/** The default of `engine.hook_timeout_ms`. */
export const DEFAULT_HOOK_TIMEOUT_MS = 0;

/** The vm script a budgeted hook call runs through; its globals are set for each call. */
const box = createContext({ hook: undefined, self: undefined, a: undefined, b: undefined }) as {
  hook: unknown;
  self: unknown;
  a: unknown;
  b: unknown;
};
const CALL = new Script('hook.call(self, a, b)');

/** A hook stopped by its budget. */
class HookTimeout {
  constructor(readonly ms: number) {}
}

/** Calls `fn` on `self` with `a`, `b`, stopped after `ms` (0 = no limit). */
function timed<A, B, R>(ms: number, fn: (a: A, b: B) => R, self: unknown, a: A, b: B): R {
  if (ms <= 0) return fn.call(self, a, b);
  box.hook = fn;
  box.self = self;
  box.a = a;
  box.b = b;
  try {
    return CALL.runInContext(box, { timeout: ms, displayErrors: false }) as R;
  } catch (e) {
    if ((e as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new HookTimeout(ms);
    throw e;
  } finally {
    box.hook = box.self = box.a = box.b = undefined;
  }
}

/** Where in the run a hook threw. */
interface At {
  readonly symbol?: string;
  readonly ts?: number;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Line and column in the .ts source of the first stack frame in `file`. Node prints frames
 * source-mapped when source maps are on (tsx turns them on); a frame still naming tsx's compiled
 * module (`file:///…/mine.ts?tsx-namespace=…`, when a test runner replaced the stack formatting)
 * is mapped here through the module's source map.
 */
function frames(file: string, flags: string): RegExp {
  return new RegExp(`((?:file://)?${escapeRegExp(file)})(\\?[^:\\s)]*)?:(\\d+):(\\d+)`, flags);
}

function mapped(m: RegExpExecArray): { line: number; column: number } {
  const line = Number(m[3]);
  const column = Number(m[4]);
  if (m[2] === undefined) return { line, column };
  const entry = findSourceMap(`${m[1] ?? ''}${m[2]}`)?.findEntry(line - 1, column - 1);
  if (entry === undefined || !('originalLine' in entry)) return { line, column };
  return { line: entry.originalLine + 1, column: entry.originalColumn + 1 };
}

export function lineInFile(stack: string | undefined, file: string): { line: number; column: number } | undefined {
  const at = stack === undefined ? null : frames(file, '').exec(stack);
  return at === null ? undefined : mapped(at);
}

/** `stack` with every frame in `file` at its place in the .ts source. */
export function sourceStack(stack: string, file: string): string {
  return stack.replace(frames(file, 'g'), (...m: unknown[]) => {
    const p = mapped(m as unknown as RegExpExecArray);
    return `${file}:${p.line}:${p.column}`;
  });
}

function describe(hook: string, at: At): string {
  const bar = when(at.ts);
  return `${hook}${at.symbol === undefined ? '' : ` for ${at.symbol}`}${bar === undefined ? '' : ` at bar ${bar}`}`;
}

function hookTimeout(shown: string, hook: string, at: At, ms: number): StrategyError {
  const bar = when(at.ts);
  return new StrategyError(
    'STRATEGY_HOOK_TIMEOUT',
    `strategy ${describe(hook, at)} ran longer than ${ms} ms (engine.hook_timeout_ms) and was stopped (${shown})`,
    {
      hint: `look for an endless or very long loop in ${hook}; if it is only slow, raise engine.hook_timeout_ms (MOMENTIC_ENGINE__HOOK_TIMEOUT_MS), 0 = no limit`,
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

function when(ts: number | undefined): string | undefined {
  return ts === undefined || !Number.isFinite(ts) ? undefined : new Date(ts).toISOString();
}

/** The error a throw of the user's code becomes (momentic's own errors pass unchanged). */
export function strategyRuntimeError(file: string, shown: string, hook: string, at: At, e: unknown): unknown {
  if (isMomenticError(e)) return e;
  if (e instanceof HookTimeout) return hookTimeout(shown, hook, at, e.ms);
  const stack = e instanceof Error ? e.stack : undefined;
  const what = e instanceof Error ? `${e.name}: ${e.message}` : `${typeof e} thrown: ${String(e)}`;
  const place = lineInFile(stack, file);
  if (e instanceof Error && stack !== undefined) {
    // The stack printed at --log-level debug names the .ts lines too.
    e.stack = sourceStack(stack, file);
  }
  const bar = when(at.ts);
  const during = describe(hook, at);
  const where = place === undefined ? shown : `${shown}:${place.line}:${place.column}`;
  return new StrategyError('STRATEGY_RUNTIME_ERROR', `strategy ${during} threw ${what} (${where})`, {
    hint: `fix ${hook} in ${where}; rerun with --log-level debug to see the strategy's stack trace`,
    context: {
      file: shown,
      ...(place === undefined ? {} : { row: place.line, column: String(place.column) }),
      hook,
      ...(at.symbol === undefined ? {} : { symbol: at.symbol }),
      ...(bar === undefined ? {} : { bar }),
    },
    cause: e,
  });
}

/**
 * `def` with `create` and every hook of the strategies it creates guarded. `file` is the absolute
 * path (as in the stack), `shown` the path as the user gave it.
 */
export function guardDefinition(
  def: StrategyDefinition,
  file: string,
  shown: string,
  hookTimeoutMs = DEFAULT_HOOK_TIMEOUT_MS,
): StrategyDefinition {
  const fail = (hook: string, at: At, e: unknown): unknown => strategyRuntimeError(file, shown, hook, at, e);
  const ms = hookTimeoutMs;
  return {
    ...def,
    create: (params) => {
      let s: Strategy;
      try {
        s = timed(ms, def.create, def, params, undefined);
      } catch (e) {
        throw fail('create', {}, e);
      }
      return guardStrategy(s, fail, ms);
    },
  };
}

type Fail = (hook: string, at: At, e: unknown) => unknown;

function guardStrategy(s: Strategy, fail: Fail, ms: number): Strategy {
  const now = (ctx: StrategyContext): At => ({ ts: ctx.now() });
  // The strategy's other members (a composed strategy's) stay reachable through the prototype.
  const g = Object.create(s) as { -readonly [K in keyof Strategy]: Strategy[K] };
  const { init, onBar, onSlice, onFill, onOrderRejected, onStop } = s;
  if (init !== undefined) {
    g.init = (ctx: StrategyContext): void => {
      try {
        timed(ms, init, s, ctx, undefined);
      } catch (e) {
        throw fail('init', now(ctx), e);
      }
    };
  }
  if (onBar !== undefined) {
    g.onBar = (ctx: StrategyContext, bar: Bar): void => {
      try {
        timed(ms, onBar, s, ctx, bar);
      } catch (e) {
        throw fail('onBar', { symbol: bar.symbol, ts: bar.ts }, e);
      }
    };
  }
  if (onSlice !== undefined) {
    g.onSlice = (ctx: StrategyContext, slice: Slice): void => {
      try {
        timed(ms, onSlice, s, ctx, slice);
      } catch (e) {
        throw fail('onSlice', { ts: slice.ts }, e);
      }
    };
  }
  if (onFill !== undefined) {
    g.onFill = (ctx: StrategyContext, fill: Fill): void => {
      try {
        timed(ms, onFill, s, ctx, fill);
      } catch (e) {
        throw fail('onFill', { symbol: fill.symbol, ts: fill.ts }, e);
      }
    };
  }
  if (onOrderRejected !== undefined) {
    g.onOrderRejected = (ctx: StrategyContext, r: OrderRejection): void => {
      try {
        timed(ms, onOrderRejected, s, ctx, r);
      } catch (e) {
        throw fail('onOrderRejected', { symbol: r.symbol, ts: r.ts }, e);
      }
    };
  }
  if (onStop !== undefined) {
    g.onStop = (ctx: StrategyContext): void => {
      try {
        timed(ms, onStop, s, ctx, undefined);
      } catch (e) {
        throw fail('onStop', now(ctx), e);
      }
    };
  }
  return g;
}
