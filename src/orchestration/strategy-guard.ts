/**
 * The hooks of a strategy from a user's file (`--strategy ./mine.ts`), guarded: what a hook (or
 * `create`) throws is the user's to fix, so it becomes STRATEGY_RUNTIME_ERROR naming the file and
 * the line (the first frame of the user's stack in the file, source-mapped to the .ts by tsx), the
 * hook, the symbol and the bar time; the thrown error stays its `cause`. An order the strategy
 * could not mean (a NaN or negative quantity) names the file and line too. Each call also has a
 * time budget (`engine.hook_timeout_ms`, default 10 s; orchestration/hook-budget.ts): an endless
 * `while (true) {}` is stopped and the run ends with STRATEGY_HOOK_TIMEOUT. Built-in strategies are
 * not guarded: what they throw is a bug in momentic (InternalError). docs/strategies.md.
 */
import { findSourceMap } from 'node:module';
import { isMomenticError, StrategyError, UsageError, type MomenticError } from '../core/errors.js';
import type { Fill, OrderRejection } from '../core/order.js';
import type { Bar } from '../core/bar.js';
import type { Slice, Strategy, StrategyContext } from '../strategies/api.js';
import type { StrategyDefinition } from '../strategies/define.js';
import {
  callWithinBudget,
  DEFAULT_HOOK_TIMEOUT_MS,
  describeCall,
  HOOKS,
  type BudgetedFile,
  type HookAt,
} from './hook-budget.js';

export { DEFAULT_HOOK_TIMEOUT_MS };

/** Where in the run a hook threw. */
type At = HookAt;

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

function when(ts: number | undefined): string | undefined {
  return ts === undefined || !Number.isFinite(ts) ? undefined : new Date(ts).toISOString();
}

/**
 * A momentic error the strategy's own code caused through its context (an order with a NaN
 * quantity, say): the same error, placed at the line of the file that made the call.
 */
function placed(e: MomenticError, file: string, shown: string): MomenticError {
  if (e.kind !== 'usage' || e.context.file !== undefined) return e;
  const place = lineInFile(e.stack, file);
  if (place === undefined) return e;
  const where = `${shown}:${place.line}:${place.column}`;
  const out = new UsageError(e.code, `${e.message} (${where})`, {
    hint: `${e.hint} in ${where}`,
    context: { ...e.context, file: shown, row: place.line, column: String(place.column) },
    cause: e,
  });
  out.stack = sourceStack(e.stack ?? '', file);
  return out;
}

/** The error a throw of the user's code becomes (momentic's own errors keep their code). */
export function strategyRuntimeError(file: string, shown: string, hook: string, at: At, e: unknown): unknown {
  if (isMomenticError(e)) return placed(e, file, shown);
  const stack = e instanceof Error ? e.stack : undefined;
  const what = e instanceof Error ? `${e.name}: ${e.message}` : `${typeof e} thrown: ${String(e)}`;
  const place = lineInFile(stack, file);
  if (e instanceof Error && stack !== undefined) {
    // The stack printed at --log-level debug names the .ts lines too.
    e.stack = sourceStack(stack, file);
  }
  const bar = when(at.ts);
  const during = describeCall(hook, at);
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

const CREATE = HOOKS.indexOf('create');
const INIT = HOOKS.indexOf('init');
const ON_BAR = HOOKS.indexOf('onBar');
const ON_SLICE = HOOKS.indexOf('onSlice');
const ON_FILL = HOOKS.indexOf('onFill');
const ON_ORDER_REJECTED = HOOKS.indexOf('onOrderRejected');
const ON_STOP = HOOKS.indexOf('onStop');

/**
 * `def` with `create` and every hook of the strategies it creates guarded. `file` is the absolute
 * path (as in the stack), `shown` the path as the user gave it; `hookTimeoutMs` is each call's
 * budget (0 = none).
 */
export function guardDefinition(
  def: StrategyDefinition,
  file: string,
  shown: string,
  hookTimeoutMs = DEFAULT_HOOK_TIMEOUT_MS,
): StrategyDefinition {
  const fail = (hook: string, at: At, e: unknown): unknown => strategyRuntimeError(file, shown, hook, at, e);
  const budget: BudgetedFile = { shown, ms: hookTimeoutMs };
  return {
    ...def,
    create: (params) => {
      let s: Strategy;
      try {
        s = callWithinBudget(budget, CREATE, undefined, NaN, def.create, def, params, undefined);
      } catch (e) {
        throw fail('create', {}, e);
      }
      return guardStrategy(s, fail, budget);
    },
  };
}

type Fail = (hook: string, at: At, e: unknown) => unknown;

function guardStrategy(s: Strategy, fail: Fail, f: BudgetedFile): Strategy {
  const now = (ctx: StrategyContext): At => ({ ts: ctx.now() });
  // The strategy's other members (a composed strategy's) stay reachable through the prototype.
  const g = Object.create(s) as { -readonly [K in keyof Strategy]: Strategy[K] };
  const { init, onBar, onSlice, onFill, onOrderRejected, onStop } = s;
  if (init !== undefined) {
    g.init = (ctx: StrategyContext): void => {
      try {
        callWithinBudget(f, INIT, undefined, ctx.now(), init, s, ctx, undefined);
      } catch (e) {
        throw fail('init', now(ctx), e);
      }
    };
  }
  if (onBar !== undefined) {
    g.onBar = (ctx: StrategyContext, bar: Bar): void => {
      try {
        callWithinBudget(f, ON_BAR, bar.symbol, bar.ts, onBar, s, ctx, bar);
      } catch (e) {
        throw fail('onBar', { symbol: bar.symbol, ts: bar.ts }, e);
      }
    };
  }
  if (onSlice !== undefined) {
    g.onSlice = (ctx: StrategyContext, slice: Slice): void => {
      try {
        callWithinBudget(f, ON_SLICE, undefined, slice.ts, onSlice, s, ctx, slice);
      } catch (e) {
        throw fail('onSlice', { ts: slice.ts }, e);
      }
    };
  }
  if (onFill !== undefined) {
    g.onFill = (ctx: StrategyContext, fill: Fill): void => {
      try {
        callWithinBudget(f, ON_FILL, fill.symbol, fill.ts, onFill, s, ctx, fill);
      } catch (e) {
        throw fail('onFill', { symbol: fill.symbol, ts: fill.ts }, e);
      }
    };
  }
  if (onOrderRejected !== undefined) {
    g.onOrderRejected = (ctx: StrategyContext, r: OrderRejection): void => {
      try {
        callWithinBudget(f, ON_ORDER_REJECTED, r.symbol, r.ts, onOrderRejected, s, ctx, r);
      } catch (e) {
        throw fail('onOrderRejected', { symbol: r.symbol, ts: r.ts }, e);
      }
    };
  }
  if (onStop !== undefined) {
    g.onStop = (ctx: StrategyContext): void => {
      try {
        callWithinBudget(f, ON_STOP, undefined, ctx.now(), onStop, s, ctx, undefined);
      } catch (e) {
        throw fail('onStop', now(ctx), e);
      }
    };
  }
  return g;
}
