/**
 * The hooks of a strategy from a user's file (`--strategy ./mine.ts`), guarded: what a hook (or
 * `create`) throws is the user's to fix, so it becomes STRATEGY_RUNTIME_ERROR naming the file and
 * the line (the first frame of the user's stack in the file, source-mapped to the .ts by tsx), the
 * hook, the symbol and the bar time; the thrown error stays its `cause`. Built-in strategies are
 * not guarded: what they throw is a bug in momentic (InternalError). docs/strategies.md.
 */
import { findSourceMap } from 'node:module';
import { isMomenticError, StrategyError } from '../core/errors.js';
import type { Fill, OrderRejection } from '../core/order.js';
import type { Bar } from '../core/bar.js';
import type { Slice, Strategy, StrategyContext } from '../strategies/api.js';
import type { StrategyDefinition } from '../strategies/define.js';

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

function when(ts: number | undefined): string | undefined {
  return ts === undefined || !Number.isFinite(ts) ? undefined : new Date(ts).toISOString();
}

/** The error a throw of the user's code becomes (momentic's own errors pass unchanged). */
export function strategyRuntimeError(file: string, shown: string, hook: string, at: At, e: unknown): unknown {
  if (isMomenticError(e)) return e;
  const stack = e instanceof Error ? e.stack : undefined;
  const what = e instanceof Error ? `${e.name}: ${e.message}` : `${typeof e} thrown: ${String(e)}`;
  const place = lineInFile(stack, file);
  if (e instanceof Error && stack !== undefined) {
    // The stack printed at --log-level debug names the .ts lines too.
    e.stack = sourceStack(stack, file);
  }
  const bar = when(at.ts);
  const during = `${hook}${at.symbol === undefined ? '' : ` for ${at.symbol}`}${bar === undefined ? '' : ` at bar ${bar}`}`;
  const where = place === undefined ? shown : `${shown}:${place.line}:${place.column}`;
  return new StrategyError(`strategy ${during} threw ${what} (${where})`, {
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
export function guardDefinition(def: StrategyDefinition, file: string, shown: string): StrategyDefinition {
  const fail = (hook: string, at: At, e: unknown): unknown => strategyRuntimeError(file, shown, hook, at, e);
  return {
    ...def,
    create: (params) => {
      let s: Strategy;
      try {
        s = def.create(params);
      } catch (e) {
        throw fail('create', {}, e);
      }
      return guardStrategy(s, fail);
    },
  };
}

type Fail = (hook: string, at: At, e: unknown) => unknown;

function guardStrategy(s: Strategy, fail: Fail): Strategy {
  const now = (ctx: StrategyContext): At => ({ ts: ctx.now() });
  // The strategy's other members (a composed strategy's) stay reachable through the prototype.
  const g = Object.create(s) as { -readonly [K in keyof Strategy]: Strategy[K] };
  const { init, onBar, onSlice, onFill, onOrderRejected, onStop } = s;
  if (init !== undefined) {
    g.init = (ctx: StrategyContext): void => {
      try {
        init.call(s, ctx);
      } catch (e) {
        throw fail('init', now(ctx), e);
      }
    };
  }
  if (onBar !== undefined) {
    g.onBar = (ctx: StrategyContext, bar: Bar): void => {
      try {
        onBar.call(s, ctx, bar);
      } catch (e) {
        throw fail('onBar', { symbol: bar.symbol, ts: bar.ts }, e);
      }
    };
  }
  if (onSlice !== undefined) {
    g.onSlice = (ctx: StrategyContext, slice: Slice): void => {
      try {
        onSlice.call(s, ctx, slice);
      } catch (e) {
        throw fail('onSlice', { ts: slice.ts }, e);
      }
    };
  }
  if (onFill !== undefined) {
    g.onFill = (ctx: StrategyContext, fill: Fill): void => {
      try {
        onFill.call(s, ctx, fill);
      } catch (e) {
        throw fail('onFill', { symbol: fill.symbol, ts: fill.ts }, e);
      }
    };
  }
  if (onOrderRejected !== undefined) {
    g.onOrderRejected = (ctx: StrategyContext, r: OrderRejection): void => {
      try {
        onOrderRejected.call(s, ctx, r);
      } catch (e) {
        throw fail('onOrderRejected', { symbol: r.symbol, ts: r.ts }, e);
      }
    };
  }
  if (onStop !== undefined) {
    g.onStop = (ctx: StrategyContext): void => {
      try {
        onStop.call(s, ctx);
      } catch (e) {
        throw fail('onStop', now(ctx), e);
      }
    };
  }
  return g;
}
